"""The accepted input keys and their aliases, per quantity and format: one table for the readers and the docs.

Codes write the same quantity under different names (``position`` or
``positions``, ``type`` or ``species``).  :data:`INPUT_KEYS` lists, per
quantity, the ``.npz`` keys the ``npz`` adapter accepts (the first is the
canonical one, the others aliases), the header keys of the ``text``
adapter, the VDOS-1.0 netCDF variable or attribute, and where the
``lammps-dynmat`` adapter finds it.  :func:`resolve_keys` maps an archive's
keys onto the canonical ones (two keys of one quantity are an error naming
both; keys of no quantity are returned, to be listed, never silently
dropped), and :func:`key_table_markdown` writes the table that
``docs/third-party.md`` shows (a test keeps the two equal).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["INPUT_KEYS", "InputKey", "key_table_markdown", "npz_aliases", "resolve_keys", "text_aliases"]


@dataclass(frozen=True)
class InputKey:
    """One quantity and its names in each input format.

    Attributes
    ----------
    quantity
        What it is, in words (with its shape).
    npz
        ``.npz`` keys: the canonical one first, then the aliases.
    text
        Header keys of the ``text`` adapter (``# key: value``), canonical first; empty when text cannot hold it.
    netcdf
        The VDOS-1.0 variable, coordinate or attribute.
    lammps
        Where the ``lammps-dynmat`` adapter takes it from.
    """

    quantity: str
    npz: tuple[str, ...]
    text: tuple[str, ...]
    netcdf: str
    lammps: str


#: Every quantity a third-party input may hold (see the module docstring).
INPUT_KEYS: tuple[InputKey, ...] = (
    InputKey(
        "eigenvalues λ = ω², (n_mode,) or (n_sample, n_mode)",
        ("eigenvalues", "eigenvalue", "eigvals"),
        (),
        "`eigenvalue`",
        "the `dynamical_matrix` file, diagonalised",
    ),
    InputKey(
        "frequencies ω (instead of eigenvalues; λ = sign(ω) ω²)",
        ("frequencies", "frequency", "omega"),
        ("values",),
        "—",
        "—",
    ),
    InputKey(
        "spatial dimension d",
        ("spatial_dimension", "dimension"),
        ("spatial_dimension", "dimension"),
        "attribute `spatial_dimension`",
        "option `spatial_dimension` (default 3)",
    ),
    InputKey("units of λ", (), ("units",), "`units` of `eigenvalue`", "options `style`, `unit_style`"),
    InputKey(
        "eigenvectors, (n_sample, n_vector, n_site[, d])",
        ("eigenvectors", "eigenvector"),
        (),
        "`eigenvector`",
        "option `vector_modes`",
    ),
    InputKey(
        "mode indices of the eigenvectors, (n_vector,)",
        ("vector_modes", "vector_mode"),
        (),
        "coordinate `vector_mode`",
        "option `vector_modes`",
    ),
    InputKey(
        "positions, (n_sample, n_site, d)",
        ("positions", "position", "coordinates"),
        (),
        "`position`",
        "data file `Atoms` x y z, or dump x y z / xu yu zu / xs ys zs",
    ),
    InputKey(
        "box edge(s), scalar, (n_sample,) or (n_sample, d)",
        ("box_length", "box_lengths", "box_size"),
        ("box_length",),
        "`box_length`",
        "data file xlo xhi …, dump `BOX BOUNDS`",
    ),
    InputKey(
        "particle diameters, (n_sample, n_site)",
        ("diameters", "diameter"),
        (),
        "`diameter`",
        "data file style `sphere`, dump `diameter` or 2 × `radius`",
    ),
    InputKey(
        "species 0 … n−1 (Kob–Andersen 0 = A, 1 = B), (n_sample, n_site)",
        ("species", "types", "type"),
        (),
        "`species`",
        "atom type − 1",
    ),
    InputKey(
        "number of zero modes per sample, scalar",
        ("zero_modes", "n_zero_modes"),
        (),
        "flags `zero_mode`",
        "option `zero_modes`",
    ),
    InputKey(
        "shear modulus G, (n_sample,) or one value for every sample (model units, as λ)",
        ("shear_modulus", "shear_moduli"),
        ("shear_modulus",),
        "`shear_modulus` (sample)",
        "a sidecar `shear_modulus = …` (the matrix holds none)",
    ),
    InputKey(
        "bulk modulus K, (n_sample,) or one value for every sample (model units, as λ)",
        ("bulk_modulus", "bulk_moduli"),
        ("bulk_modulus",),
        "`bulk_modulus` (sample)",
        "a sidecar `bulk_modulus = …`",
    ),
)


def npz_aliases() -> dict[str, str]:
    """``.npz`` key → its canonical key, for every accepted key.

    Examples
    --------
    >>> npz_aliases()["position"], npz_aliases()["type"]
    ('positions', 'species')
    """
    return {alias: entry.npz[0] for entry in INPUT_KEYS for alias in entry.npz}


def text_aliases() -> dict[str, str]:
    """``text`` header key → its canonical key (``values`` and ``units`` name themselves).

    Examples
    --------
    >>> text_aliases()["dimension"]
    'spatial_dimension'
    """
    return {alias: entry.text[0] for entry in INPUT_KEYS for alias in entry.text}


def resolve_keys(found: Iterable[str], aliases: dict[str, str], where: str) -> tuple[dict[str, str], list[str]]:
    """Map the keys of an input onto the canonical keys.

    Parameters
    ----------
    found
        The keys the input holds.
    aliases
        Accepted key → canonical key (:func:`npz_aliases`).
    where
        The input, for the message.

    Returns
    -------
    canonical : dict
        Canonical key → the key the input used.
    unknown : list of str
        Keys of no quantity, sorted (to be listed in the dataset's ``adapter_ignored_keys`` and the report).

    Raises
    ------
    ValueError
        When two keys of the input name one quantity (e.g. ``position`` and ``positions``).

    Examples
    --------
    >>> resolve_keys(["eigenvalue", "position", "step"], npz_aliases(), "x.npz")
    ({'eigenvalues': 'eigenvalue', 'positions': 'position'}, ['step'])
    """
    canonical: dict[str, str] = {}
    unknown = []
    for key in found:
        name = aliases.get(key)
        if name is None:
            unknown.append(key)
        elif name in canonical:
            raise ValueError(
                f"{where}: keys {canonical[name]!r} and {key!r} both name {name!r}; expected one of them. "
                f"Fix: keep one (accepted names: {', '.join(k for k, v in aliases.items() if v == name)})"
            )
        else:
            canonical[name] = key
    return canonical, sorted(unknown)


def _names(names: Iterable[str]) -> str:
    listed = [f"`{n}`" for n in names]
    return ", ".join(listed) if listed else "—"


def key_table_markdown() -> str:
    """The table of accepted keys (Markdown), as ``docs/third-party.md`` shows it.

    Examples
    --------
    >>> key_table_markdown().splitlines()[0]
    '| quantity | npz keys (canonical first, then aliases) | text header | netCDF (VDOS-1.0) | LAMMPS |'
    """
    rows = [
        "| quantity | npz keys (canonical first, then aliases) | text header | netCDF (VDOS-1.0) | LAMMPS |",
        "| --- | --- | --- | --- | --- |",
    ]
    for entry in INPUT_KEYS:
        text = (
            _names(f"# {k}: …" for k in entry.text)
            if entry.text
            else ("the numbers themselves" if entry.npz and entry.npz[0] == "eigenvalues" else "—")
        )
        if entry.text == ("values",):
            text = "`# values: frequency`"
        rows.append(f"| {entry.quantity} | {_names(entry.npz)} | {text} | {entry.netcdf} | {entry.lammps} |")
    return "\n".join(rows) + "\n"
