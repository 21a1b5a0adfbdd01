"""Glasses of soft spheres and Kob–Andersen particles (seed 001).

Configurations and pair potentials (:mod:`.configurations`,
:mod:`.potentials`), neighbour lists and swap Monte Carlo
(:mod:`.neighbors`, :mod:`.montecarlo`), equilibration and relaxation
times (:mod:`.equilibration`, :mod:`.relaxation`), the quench to the
inherent structure (:mod:`.minimize`), the Hessian, pair stresses, lowest
modes and shear modulus (:mod:`.hessian`, :mod:`.stresses`,
:mod:`.lowest_modes`, :mod:`.elastic`), the generators ``soft_spheres`` and
``lennard_jones`` with the seed-literal recipes (:mod:`.soft_spheres`; the protocol's settings, steps and
dataset in :mod:`.glass_params`, :mod:`.glass_pipeline`, :mod:`.glass_dataset`), the
equilibrated chains (:mod:`.glass_chains`) and their run-time estimate
(:mod:`.cost`).
"""
