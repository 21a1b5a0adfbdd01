"""CPU of ``compare_spectra``'s sample-label permutation test: permutations a block at a time against one at a time.

``vdosbench.validators.compare_spectra`` (and through it ``vdosbench score --reference`` and the scoring-form
search, which scores a set once per candidate variable) draws ``n_permutations`` relabellings of the samples and
reads each one's KS statistic in every window.  Since issue 66 (the test suite's time) a small pool of levels is
read a block of permutations at a time (``_PooledLevels.ks_windows_many``; the same draws and the same numbers,
``tests/validators/test_comparison.py``); a pool of ``PERMUTATION_BLOCK_VALUES`` levels or more one at a time, as
before.  This script times ``compare_spectra`` (default permutations and bootstrap, 4 windows) on pools of three
sizes with the block size as shipped and with a block of one permutation (the former route), alternating, best of
``--repeats`` in process CPU seconds, and checks that both give the same p-values.

Usage::

    python speed/bench_permutation_test.py [--repeats 5]

Writes ``speed/results/permutation_test.json``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from vdosbench.datasets import write_results
from vdosbench.validators import compare_spectra

#: The module of ``compare_spectra``, whose private ``PERMUTATION_BLOCK_VALUES`` this script sets for its timings.
comparison = sys.modules[compare_spectra.__module__]

HERE = Path(__file__).resolve().parent
#: (samples, modes) of each ensemble: the scoring tests' small sets, a catalogue-size point, a large one.
SIZES = ((3, 64), (20, 50), (100, 50))


def _timed(a: np.ndarray, b: np.ndarray, block_values: int) -> tuple[float, list[float]]:
    comparison.PERMUTATION_BLOCK_VALUES = block_values
    start = time.process_time()
    result = compare_spectra(a, b, windows=4, seed=1)
    return time.process_time() - start, result.per_window["ks_pvalue_permutation"].values.tolist()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "permutation_test.json")
    args = ap.parse_args()
    shipped = comparison.PERMUTATION_BLOCK_VALUES
    rng = np.random.default_rng(0)
    rows = []
    for n_sample, n_mode in SIZES:
        a, b = rng.random((n_sample, n_mode)), rng.random((n_sample, n_mode)) ** 0.9
        block, single = [], []
        for _ in range(args.repeats):
            t_block, p_block = _timed(a, b, shipped)
            t_single, p_single = _timed(a, b, 1)
            block.append(t_block)
            single.append(t_single)
        rows.append(
            {
                "samples": n_sample,
                "modes": n_mode,
                "levels": 2 * n_sample * n_mode,
                "permutations_per_block": max(1, shipped // (2 * n_sample * n_mode)),
                "cpu_s_blocks": min(block),
                "cpu_s_one_at_a_time": min(single),
                "ratio": min(block) / min(single),
                "same_p_values": p_block == p_single,
            }
        )
        print(rows[-1])
    comparison.PERMUTATION_BLOCK_VALUES = shipped
    write_results(
        args.out,
        {
            "what": __doc__.split("\n\n")[0].replace("\n", " "),
            "settings": {"repeats": args.repeats, "windows": 4, "block_values": shipped, "clock": "process CPU"},
            "rows": rows,
        },
        indent=2,
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
