"""Draw docs/figures/design/layers.png, the figure of docs/design.md: the four subpackages and the command
line on top, their import direction, and a dataset's way from a generator to a verdict.

Run ``python docs/figures/design/layers.py`` from the repository's root (matplotlib only; about a second).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

HERE = Path(__file__).resolve().parent
#: Box name -> (x, y, width, height, text) in axes units.
BOXES = {
    "datasets": (
        0.05,
        0.04,
        0.9,
        0.14,
        "datasets/  (vdosbench.datasets)\nVDOS-1.0 convention, check, io, ds.vdos accessor, catalogue",
    ),
    "generators": (
        0.05,
        0.28,
        0.4,
        0.2,
        "generators/\nglasses, networks, theory;\nengine: registry, Dask ensembles\n→ ensemble.nc",
    ),
    "validators": (
        0.55,
        0.28,
        0.4,
        0.2,
        "validators/\nspectral, levels, structure;\nresults: value + interval\n+ diagnostics",
    ),
    "benchmark": (
        0.05,
        0.58,
        0.9,
        0.13,
        "benchmark/  (vdosbench.benchmark)\nclaims.toml → scoring → scorecard → report (md, html, json), exit status, pytest plugin",
    ),
    "cli": (
        0.05,
        0.81,
        0.9,
        0.1,
        "vdosbench/cli/  (vdosbench.cli): the command line, one module per command;\n"
        "imports the floors below, nothing imports it",
    ),
}
#: (from, to): ``from`` imports ``to``; the layers' import graph of the source, no more, no less
#: (``tests/packaging/test_layering.py`` compares them).
IMPORTS = [
    ("generators", "datasets"),
    ("validators", "datasets"),
    ("benchmark", "generators"),
    ("benchmark", "validators"),
    ("benchmark", "datasets"),
    ("cli", "benchmark"),
    ("cli", "generators"),
    ("cli", "datasets"),
]
#: Arrows drawn round the left side (they would cross a box): (from, to) -> the arm's length in points.
AROUND = {("cli", "generators"): 22, ("cli", "datasets"): 34}


def anchor(name: str, side: str) -> tuple[float, float]:
    """The middle of a box's top or bottom edge."""
    x, y, w, h, _ = BOXES[name]
    return (x + w / 2, y + h if side == "top" else y)


def draw(path: Path = HERE / "layers.png") -> Path:
    """Draw the figure to ``path`` and return it."""
    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    for name, (x, y, w, h, text) in BOXES.items():
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.01", fc="#eef3fb", ec="#30507a"))
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=8.5)
    for source, target in IMPORTS:
        if (source, target) in AROUND:
            (_, ys, _, hs, _), (_, yt, _, ht, _) = BOXES[source], BOXES[target]
            arm = AROUND[(source, target)]
            ax.add_patch(
                FancyArrowPatch(
                    (0.05, ys + hs / 2),
                    (0.05, yt + ht / 2),
                    arrowstyle="-|>",
                    mutation_scale=12,
                    color="#30507a",
                    lw=1.2,
                    connectionstyle=f"arc,angleA=180,angleB=180,armA={arm},armB={arm},rad=0",
                )
            )
            continue
        start = anchor(source, "bottom")
        end = anchor(target, "top")
        if source == "benchmark" and target == "datasets":
            start, end = (0.5, BOXES["benchmark"][1]), (0.5, BOXES["datasets"][1] + BOXES["datasets"][3])
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color="#30507a", lw=1.2))
    ax.text(
        0.5, 0.97, "arrows: imports (one direction; tests/packaging/test_layering.py pins it)", ha="center", fontsize=9
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path


if __name__ == "__main__":
    print(draw())
