"""Sphinx configuration of the vdosbench documentation (``sphinx-build -W docs docs/_build/html``)."""

from __future__ import annotations

import vdosbench

project = "vdosbench"
author = "vdosbench developers"
copyright = "vdosbench developers, BSD-3-Clause"  # noqa: A001 - Sphinx's name
release = vdosbench.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "**/_build"]

# MyST: the pages are Markdown (moved from the README); headings get anchors for links such as page.md#section
myst_heading_anchors = 3
myst_enable_extensions: list[str] = []

# API reference from the numpydoc docstrings of the public packages
autosummary_generate = False
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_typehints = "none"  # the numpydoc sections give the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "pydata_sphinx_theme"
html_title = f"vdosbench {release}"
html_theme_options = {"navigation_depth": 2, "show_toc_level": 2}
html_static_path: list[str] = []


#: Modules whose docstring is column-aligned plain text, shown as written (a literal block).
VERBATIM_DOCSTRINGS = {"vdosbench.datasets.convention"}


def _escape_bars(app, what, name, obj, options, lines: list[str]) -> None:  # noqa: ANN001 - Sphinx's hook
    """Docstrings write |x| for absolute values and norms; reST would read ``|x|`` as a substitution.

    Escapes every bar outside inline literals (the docstrings hold no reST tables,
    which ``tests/docs/test_docs.py`` would notice as a build warning).  The modules in
    :data:`VERBATIM_DOCSTRINGS` become one literal block instead.
    """
    if what == "module" and name in VERBATIM_DOCSTRINGS:
        lines[:] = ["::", "", *(f"    {line}" if line else "" for line in lines), ""]
        return
    for i, line in enumerate(lines):
        if "|" in line:
            parts = line.split("``")
            parts[::2] = [p.replace("|", "\\|") for p in parts[::2]]
            lines[i] = "``".join(parts)


def setup(app):  # noqa: ANN001, ANN201 - Sphinx's hook
    app.connect("autodoc-process-docstring", _escape_bars)
