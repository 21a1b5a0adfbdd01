"""The help texts of the ``vdosbench`` command: its examples and the exit statuses of its commands.

:data:`EPILOG` closes ``vdosbench --help`` (and ``generate --help``, ``score --help``); each
``EXIT_STATUS*`` text closes the ``--help`` of the commands that exit that way.
"""

from __future__ import annotations

__all__ = ["EPILOG", "EXIT_STATUS", "EXIT_STATUS_BUILD", "EXIT_STATUS_OTHER"]

EPILOG = """\
examples:
  vdosbench demo                                   # small ensemble on a local Dask cluster, scored
  vdosbench generate --list                        # the generators, one line each, with their seed paper
  vdosbench describe soft_spheres                  # every parameter: units, default, allowed values; recipes
  vdosbench generate --list-recipes                # the papers' datasets, with size and estimated cost
  vdosbench generate soft_spheres --grid taper_order=inf --grid parent_temperature=0.144 \\
      --set n_particles=128 --set n_sweeps=200 --samples 2 --output runs/low_t_minf
  vdosbench generate spring_network --samples 10 --output runs/seed002
  vdosbench generate spring_network --grid delta=0.1,0.3 --grid connectivity=cutoff \\
      --set n_side=30 --samples 4 --workers 2 --output runs/small
  vdosbench generate nine_node_toy --output runs/toy
  vdosbench generate --recipe soft_spheres_n1000_small --output runs/glass_small
  vdosbench score runs/seed002/ensemble.nc runs/toy/ensemble.nc --output runs/report
  vdosbench score data.nc --claims my_claims.toml --strict   # exit 1 on refuted/inconclusive
  vdosbench claims                                 # list the claims and their sources
  vdosbench list                                   # the reference-dataset catalogue
  vdosbench fetch spring-network-16                # verified by sha256 (reference-data/ or download)
  vdosbench fetch nine-node-toy                    # its scoring form: from a clone's reference-data/, else downloaded
  vdosbench build nine-node-toy --output runs/toy  # regenerate from the recipe, verify by value
  vdosbench publish spring-network-16 --to mirror/ # files + pooch registry for a static host
  VDOSBENCH_MIRROR=https://host/vdosbench vdosbench fetch het-scba-fig1b   # fetch from a mirror
  vdosbench fingerprint runs/toy/ensemble.nc --name nine-node-toy   # catalogue fields of a built file
  vdosbench compact runs/toy/ensemble.nc reference-data/nine-node-toy.nc --scoring-form   # what scoring reads
  vdosbench compact runs/glass/ensemble.nc glass.nc --scoring-form \\
      --leave-out eigenvector,pair_i,pair_j,pair_distance,pair_psi,pair_stress,pair_count   # claims on them: full set
  vdosbench compact runs/levels/ensemble.nc levels.nc --scoring-form --leave-out position,diameter \\
      --float32 eigenvalue                     # too large otherwise: values to 1% of their error
  vdosbench score eigenvalues.txt --format text --set spatial_dimension=3
  vdosbench score ka.npz --declare model=kob_andersen --declare parent_temperature=2.0 --declare taper_order=0
  vdosbench score data.nc --reference spring-network-16   # + distance to a reference: reference.md/.json
"""


#: The exit statuses of ``score`` and ``demo --gate``, printed by ``vdosbench score --help``.
EXIT_STATUS = """\
exit status:
  0  a claim applies and no gating claim is refuted (with --strict: every gating claim is
     supported)
  1  a gating claim is refuted (with --strict: or inconclusive)
     Every refutation gates except a superseded claim's (superseded_by in the claims file)
     and one on data a protocol note describes (e.g. the soft spheres' T_d sets: aged, not
     in equilibrium): those are printed and reported as refuted, do not change the exit
     status, and the last line names them and why.
  2  bad input or a failure that is no verdict: unreadable data, claims file, option or
     reference, data whose header declares more than the memory bound (VDOSBENCH_MEMORY_LIMIT,
     default: the available memory; checked before loading), an output folder that is a file
     or not writable (nothing is written) or that another score is writing (its pid and host
     are named), or an error while scoring or writing (one line on stderr: what was expected,
     found, the fix)
  The last line of the output says which status and why, naming the claims that decide it.
  3  no claim applies to any input: nothing was tested, which is not a pass; the reports
     are written and say why (result.json: "gate": "no-applicable-claims"); declare what
     the data hold (--declare model=... or a sidecar DATA.vdos.toml), or the attributes
     the claims select on (their applies_to keys, e.g. generator)
  130 interrupted by Ctrl-C (SIGINT), 143 stopped by SIGTERM, 129 by SIGHUP (a closed
     terminal; not under nohup): one line on stderr, no report written, the folder's lock
     released
"""


#: The exit statuses of ``generate``, ``build`` and ``demo`` (without ``--gate``), in their ``--help``.
EXIT_STATUS_OTHER = """\
exit status:
  0  done: the output is written
  2  bad input or a failure: an unknown or refused parameter, or a request whose estimated
     memory (the generator's estimate x tasks at once) exceeds the memory bound
     (VDOSBENCH_MEMORY_LIMIT, default: the available memory) (both checked before any task is
     submitted or file written), an output folder that is a file or not writable, or held by
     another live run (its pid, host and start are named), failed
     parts (named with their parameters and seed; the other parts are kept and a re-run
     computes only the missing ones), a Dask, file-system or memory error; one line on
     stderr says what was expected, what was found and the fix
  130 interrupted by Ctrl-C (SIGINT), 143 stopped by SIGTERM, 129 by SIGHUP (a closed
     terminal; not under nohup): one line on stderr, the folder lock and local workers are
     released, finished parts are kept and a re-run resumes
"""

#: The exit statuses of ``build``, in its ``--help``.
EXIT_STATUS_BUILD = """\
exit status:
  0  reproduced: bit for bit (content hash), or within tolerance (every fingerprint
     quantity within its tolerance, its catalogued standard error); or another
     realization, consistent with the catalogue (other glasses from the same recipe, as
     another CPU's rounding makes: no quantity beyond a two-sample Welch t test at a
     family-wise alpha of 0.05; assessed for >= 20 independent samples per point, or
     for Monte Carlo chain sets >= 20 chains per point, by their chain standard errors)
  1  not reproduced: fingerprint quantities outside their tolerance and, where assessed,
     beyond the two-sample test, or points or quantities missing (named on stdout)
  2  bad input or a failure: an unknown name, a recipe whose estimated memory exceeds the
     memory bound (VDOSBENCH_MEMORY_LIMIT, default: the available memory), an
     output folder that is a file or not writable, or held by another live run, failed
     parts, a Dask, file-system or memory error (as for generate; one line on stderr: what
     was expected, found, the fix)
  3  not verified: the content hash differs and the entry has no fingerprint
  130 interrupted by Ctrl-C (SIGINT), 143 stopped by SIGTERM, 129 by SIGHUP (a closed
     terminal; not under nohup): one line on stderr, the folder lock and local workers are
     released, finished parts are kept and a re-run resumes
"""
