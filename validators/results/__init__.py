"""What every validator shares: the result types (:mod:`.result`: :class:`Measurement`, bootstrap), access to
one parameter point and its samples (:mod:`.points`), and the intervals of a coverage or rejection rate
(:mod:`.coverage`)."""
