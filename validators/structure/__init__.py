"""Structure and stresses: pair-stress distributions and their exponents (:mod:`.stresses`), coordination numbers (:mod:`.coordination`)."""
