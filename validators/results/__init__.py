"""What every validator shares: the result types (:mod:`.result`: :class:`Measurement`, bootstrap) and access to one parameter point and its samples (:mod:`.points`)."""
