"""Sphinx configuration of the vdosbench documentation (``sphinx-build -W docs docs/_build/html``)."""

from __future__ import annotations

import os
import weakref
from typing import Any

from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment
from numpydoc import docscrape, docscrape_sphinx
from numpydoc import numpydoc as numpydoc_extension
from sphinx.jinja2glue import BuiltinTemplateLoader

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
]  # and numpydoc, set up in setup() below with its docstring template compiled once

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


#: numpydoc's docstring template per builder (None: numpydoc's file loader, for its signature pass).
_NUMPYDOC_TEMPLATES: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_NUMPYDOC_TEMPLATE_NONE: list[Any] = []


def _numpydoc_template(builder: Any) -> Any:  # noqa: ANN401 - Sphinx's builder, jinja2's template
    """numpydoc's ``numpydoc_docstring.rst``, loaded as numpydoc loads it, compiled once per builder."""
    cache = _NUMPYDOC_TEMPLATE_NONE if builder is None else _NUMPYDOC_TEMPLATES.setdefault(builder, [])
    if not cache:
        dirs = [os.path.join(os.path.dirname(docscrape_sphinx.__file__), "templates")]
        if builder is None:
            loader = FileSystemLoader(dirs)
        else:
            loader = BuiltinTemplateLoader()
            loader.init(builder, dirs=dirs)
        cache.append(SandboxedEnvironment(loader=loader).get_template("numpydoc_docstring.rst"))
    return cache[0]


def numpydoc_get_doc_object(obj, what=None, doc=None, config=None, builder=None):  # noqa: ANN001, ANN201 - numpydoc's
    """``numpydoc.docscrape_sphinx.get_doc_object`` with the template compiled once per builder.

    numpydoc's own builds a jinja2 environment and compiles its template for every docstring (about a tenth of this
    site's build); this is the same call with the compiled template reused.  ``tests/docs/test_docs_conf.py`` checks
    that it renders what numpydoc's renders, so that a numpydoc upgrade that changes the function fails there.
    """
    config = {} if config is None else config
    config["template"] = _numpydoc_template(builder)
    return docscrape.get_doc_object(
        obj,
        what=what,
        doc=doc,
        config=config,
        class_doc=docscrape_sphinx.SphinxClassDoc,
        func_doc=docscrape_sphinx.SphinxFunctionDoc,
        obj_doc=docscrape_sphinx.SphinxObjDoc,
    )


def setup(app):  # noqa: ANN001, ANN201 - Sphinx's hook
    # numpydoc's setup takes the docstring reader as a parameter (get_doc_object_); called before _escape_bars is
    # connected, so that its docstring hook runs first, as when numpydoc was listed in `extensions`
    numpydoc_extension.setup(app, get_doc_object_=numpydoc_get_doc_object)
    app.connect("autodoc-process-docstring", _escape_bars)
