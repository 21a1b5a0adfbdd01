"""Measurements of the spectrum and its exponents.

Density of states and reduced DOS (:mod:`.spectrum`), Debye level
(:mod:`.debye`), sound speeds (:mod:`.sound`), the lowest phonon
(:mod:`.phonon`), the low-frequency power law (:mod:`.power_law`), the boson
peak (:mod:`.boson_peak`), the crossover frequency (:mod:`.crossover`),
tabulated theory curves (:mod:`.theory_curve`), Green's-function poles
(:mod:`.green`) and the comparison of two spectra (:mod:`.comparison`).
"""
