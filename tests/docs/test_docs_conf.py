"""The site's numpydoc reader (``docs/conf.py``) renders what numpydoc's own renders (issue 66: the suite's time).

numpydoc's ``docscrape_sphinx.get_doc_object`` builds a jinja2 environment and compiles its docstring template for
every docstring; ``docs/conf.py`` hands numpydoc (its ``setup(app, get_doc_object_=...)`` hook) the same call with
the template compiled once per builder.  Should a numpydoc upgrade change what its function does, these comparisons
fail: then follow the change in ``docs/conf.py`` or drop the hook.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from numpydoc import docscrape_sphinx

import vdosbench.validators
from vdosbench.datasets import mock_spectrum
from vdosbench.validators import FieldVorticity, VorticityResult, field_vorticity

REPO = Path(__file__).resolve().parents[2]
#: What numpydoc's docstring hook passes (``numpydoc.numpydoc.mangle_docstrings``), at the site's settings.
CONFIG = {"use_plots": None, "show_class_members": False, "class_members_toctree": False, "xref_param_type": False}
#: Objects of each kind numpydoc reads: function, classes, a module, and text with no object.
OBJECTS: list[tuple[Any, str | None, str | None]] = [
    (field_vorticity, "function", None),
    (mock_spectrum, "function", None),
    (FieldVorticity, "class", None),
    (VorticityResult, "class", None),
    (vdosbench.validators, "module", None),
    (None, "object", "Summary.\n\nParameters\n----------\nx : int\n    A number |x|.\n\nReturns\n-------\nint\n"),
]


@pytest.fixture(scope="module")
def conf() -> ModuleType:
    """``docs/conf.py`` as a module."""
    spec = importlib.util.spec_from_file_location("vdosbench_docs_conf", REPO / "docs" / "conf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def builder(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An HTML builder of an empty Sphinx project (its template loader is numpydoc's with a builder)."""
    from sphinx.application import Sphinx

    root = tmp_path_factory.mktemp("sphinx")
    (root / "src").mkdir()
    (root / "src" / "conf.py").write_text("")
    (root / "src" / "index.rst").write_text("x\n=\n")
    app = Sphinx(str(root / "src"), str(root / "src"), str(root / "out"), str(root / "doctrees"), "html", status=None)
    return app.builder


@pytest.mark.parametrize("with_builder", [False, True])
@pytest.mark.parametrize(("obj", "what", "doc"), OBJECTS, ids=lambda v: getattr(v, "__name__", None) or str(v)[:8])
def test_the_site_reader_renders_what_numpydoc_renders(
    conf: ModuleType, builder: Any, obj: Any, what: str, doc: str | None, with_builder: bool
) -> None:
    """The same reStructuredText for every kind of object, with a builder (the docstrings) and without (numpydoc's
    signature pass), twice over (the second time from the compiled template kept)."""
    b = builder if with_builder else None
    expected = str(docscrape_sphinx.get_doc_object(obj, what, doc, config=dict(CONFIG), builder=b))
    assert "Parameters" in expected or what in ("class", "module")
    for _ in range(2):
        assert str(conf.numpydoc_get_doc_object(obj, what, doc, config=dict(CONFIG), builder=b)) == expected
    assert conf._numpydoc_template(b) is conf._numpydoc_template(b)


class _RecordingApp:
    """Stands in for the Sphinx application: records the handlers connected, accepts every other call."""

    def __init__(self) -> None:
        self.connected: list[tuple[str, str]] = []

    def connect(self, event: str, handler: Any, *args: Any, **kwargs: Any) -> None:
        self.connected.append((event, handler.__name__))

    def add_config_value(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def test_the_site_hands_numpydoc_its_reader(conf: ModuleType) -> None:
    """``setup`` gives numpydoc the site's reader (numpydoc's ``get_doc_object_`` hook) and connects the bar
    escaping after numpydoc's docstring hook, as when numpydoc was listed among the extensions."""
    from numpydoc import numpydoc as numpydoc_extension

    app, original = _RecordingApp(), numpydoc_extension.get_doc_object
    try:
        conf.setup(app)
        assert numpydoc_extension.get_doc_object is conf.numpydoc_get_doc_object
    finally:
        numpydoc_extension.get_doc_object = original
    docstring_hooks = [name for event, name in app.connected if event == "autodoc-process-docstring"]
    assert docstring_hooks == ["mangle_docstrings", "_escape_bars"]
