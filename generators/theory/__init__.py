"""Theory curves and continuum models.

Heterogeneous-elasticity theory (:mod:`.het` solver, :mod:`.het_datasets`
generators), its generalisation GHET (:mod:`.ghet`), the inhomogeneous
medium of seed 000 in closed form and numerically
(:mod:`.inhomogeneous_closed_form`, :mod:`.inhomogeneous_medium`) and its
current correlations (:mod:`.current_correlation`).  Theory may use the
glasses' and networks' building blocks; they never import theory.
"""
