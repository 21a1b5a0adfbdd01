"""studies/catalogue_chain_errors.py: the catalogue's chain standard errors are what the scoring forms give."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import pytest
import xarray as xr
from vdosbench.datasets import Fingerprint, get_entry, load_catalog

from script_loader import load_script

#: A chain set with a small scoring form (100 structures of 53 modes, three scalars), to keep the test short.
SMALL = "soft-spheres-lowest-n2000-td"


@pytest.fixture(scope="module")
def study():  # noqa: ANN201
    """The script, its fingerprints computed once per dataset (:func:`_once`): the tests here fingerprint the same
    scoring form and study groups about ten times (``main`` fingerprints every entry of the catalogue it reads)."""
    module = load_script("studies/catalogue_chain_errors.py", "catalogue_chain_errors_study")
    module.compute_fingerprint = _once(module.compute_fingerprint)
    return module


def _once(compute: Callable[..., Fingerprint]) -> Callable[..., Fingerprint]:
    """``compute`` (``compute_fingerprint``) run once per dataset: a dataset identical to one seen before (values,
    coordinates and attributes, :meth:`xarray.Dataset.identical`) with the same keywords gets that fingerprint again.

    The same work done once, nothing weakened: the bootstrap is seeded, so the same input gives the same fingerprint
    (the tests compare it with the committed catalogue to 1e-12 relative); what the tests check is what the script
    does with it (tables written, ``--check``'s comparison by value).  Another dataset (another study file, other
    samples) is computed."""
    seen: list[tuple[xr.Dataset, dict, Fingerprint]] = []

    def once(ds: xr.Dataset, **kwargs: object) -> Fingerprint:
        ds = ds.load()  # read before the script closes the file: kept to compare later datasets with
        for known, known_kwargs, fp in seen:
            if known_kwargs == kwargs and known.identical(ds):
                return fp
        fp = compute(ds, **kwargs)
        seen.append((ds.copy(deep=True), kwargs, fp))
        return fp

    return once


def test_every_catalogued_chain_set_has_chain_standard_errors(study) -> None:  # type: ignore[no-untyped-def]
    entries = study.chain_entries()
    assert len(entries) == 18
    for entry in entries:
        fp = entry.fingerprint
        assert fp.chains is not None and len(fp.chains) == len(fp.points), entry.name
        assert all(5 * c == entry.recipe.samples for c in fp.chains), entry.name  # five structures per chain
        assert fp.chain_stderr and set(fp.chain_stderr) <= set(fp.values)
    # a set of independent samples has none
    assert load_catalog()["soft-spheres-lowest-n2000"].fingerprint.chains is None


def test_the_chain_standard_errors_are_the_scoring_forms(study) -> None:  # type: ignore[no-untyped-def]
    entry = get_entry(SMALL)
    fp, source = study.chain_fingerprint(entry)
    # by value, to the study's 1e-12 relative: another numpy/scipy build may differ in the last bit (issue 53)
    assert study.fingerprint_differences(fp, entry.fingerprint) == []
    assert fp.chains == (20, 20) and source == "study file finite_size_modes.nc"
    # known answer: the chain label is one value per chain, so the mean over 100 structures is a mean over 20
    # draws, its bootstrap error sqrt(5) times the sample bootstrap's (200 replicates each: ~10 % noise)
    for chain_se, sample_se in zip(fp.chain_stderr["mean:chain"], fp.stderr["mean:chain"]):
        assert chain_se / sample_se == pytest.approx(5**0.5, rel=0.25)
    # a catalogue value the scoring form does not give is refused, named
    wrong = replace(
        entry,
        fingerprint=replace(
            entry.fingerprint,
            values={
                **entry.fingerprint.values,
                "omega_min": tuple(v * (1 + 1e-9) for v in entry.fingerprint.values["omega_min"]),
            },
        ),
    )
    with pytest.raises(ValueError, match=r"omega_min value .* expected equal to 1e-12 relative"):
        study.chain_fingerprint(wrong)


def test_check_reports_a_missing_table_and_the_script_writes_it(study, tmp_path) -> None:  # type: ignore[no-untyped-def]
    block = _committed_block()
    chain_table = block[
        block.index(f"[datasets.{SMALL}.fingerprint.chain_stderr]") : block.index(f"[datasets.{SMALL}.cost]")
    ]
    stripped = block.replace(chain_table, "").replace("chains = [20, 20]\n", "")
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(stripped)
    assert load_catalog(catalog)[SMALL].fingerprint.chains is None
    assert study.main(["--catalog", str(catalog), "--check"]) == 1 and catalog.read_text() == stripped
    assert study.main(["--catalog", str(catalog)]) == 0
    # the committed catalogue's table written back: the same text outside the chain table, the same numbers by
    # value inside it (the digits may differ in the last place on another numpy/scipy build)
    written = catalog.read_text()
    assert _without_chain_table(written) == _without_chain_table(block)
    assert study.fingerprint_differences(load_catalog(catalog)[SMALL].fingerprint, get_entry(SMALL).fingerprint) == []
    assert math.isfinite(load_catalog(catalog)[SMALL].fingerprint.chain_stderr["omega_min"][0])
    assert study.main(["--catalog", str(catalog), "--check"]) == 0 and catalog.read_text() == written


def _committed_block() -> str:
    """The committed catalogue's tables of SMALL, as text."""
    src = get_entry(SMALL).catalog.read_text()
    start = src.index(f"[datasets.{SMALL}]")
    return src[start : src.index("\n[datasets.", src.index(f"[datasets.{SMALL}.cost]")) + 1]


def _without_chain_table(block: str) -> str:
    start = block.index(f"[datasets.{SMALL}.fingerprint.chain_stderr]")
    return block[:start] + block[block.index("\n[", start) :]


def _with_chain_stderr(block: str, quantity: str, factor: float) -> str:
    """The catalogue block with the first chain standard error of ``quantity`` multiplied by ``factor``."""
    table = block.index(f"[datasets.{SMALL}.fingerprint.chain_stderr]")
    key = f'\n"{quantity}" = ['  # the catalogue quotes every quantity's key
    start = block.index(key, table) + len(key)
    end = block.index(",", start)
    return block[:start] + repr(float(block[start:end]) * factor) + block[end:]


@pytest.mark.parametrize(("factor", "code"), [(1 + 4e-16, 0), (1 - 3e-13, 0), (1 + 1e-9, 1), (1.01, 1)])
def test_check_compares_numbers_by_value_to_the_stated_agreement(study, tmp_path, capsys, factor, code) -> None:  # type: ignore[no-untyped-def]
    """A last-bit difference (another numpy/scipy) passes ``--check``; one beyond 1e-12 relative fails it, named."""
    block = _committed_block()
    catalog = tmp_path / "catalog.toml"
    changed = _with_chain_stderr(block, "omega_min", factor)
    assert changed != block  # even the last-bit change is a change (the test is not vacuous)
    catalog.write_text(changed)
    assert study.AGREEMENT == 1e-12
    assert study.main(["--catalog", str(catalog), "--check"]) == code
    out = capsys.readouterr().out
    if code:
        assert "chain_stderr omega_min:" in out and "beyond 1e-12 relative" in out and SMALL in out
    else:
        assert "as catalogued" in out


def test_registered_chains_take_their_errors_from_a_study_file_holding_more(study, tmp_path):  # type: ignore[no-untyped-def]
    """Issue 52: the control's registered set has a scoring form without most scalars; its chain standard errors
    come from the registered chains' compact file, whose groups may hold more chains than the set (stage 2 adds
    to them): the set's own samples are taken, and the result is the catalogue's."""
    from vdosbench.datasets import point_group_name, read_point_groups, write_point_groups

    entry = get_entry("soft-spheres-lowest-n1000-td-control")
    assert [f.name for f in study.STUDIES] == ["finite_size_modes.nc", "td_control_chains.nc"]  # tried in turn
    # a study file whose groups hold 20 more chains before the set's (samples 0 - 99: here the set's first 100
    # structures again, relabelled)
    groups = read_point_groups(study.STUDIES[1])
    wider = {}
    for taper in (2, -1):
        g = groups[point_group_name(1000, taper, 0.0716)]
        before = g.isel(sample=slice(0, 100)).assign_coords(sample=g["sample"].values[:100] - 100)
        wider[point_group_name(1000, taper, 0.0716)] = xr.concat([before, g], dim="sample")
    path = tmp_path / "wider.nc"
    write_point_groups(wider, path)
    fp, source = study.chain_fingerprint(entry, [tmp_path / "absent.nc", path])
    assert source == "study file wider.nc" and fp.chains == (40, 40)
    assert study.fingerprint_differences(fp, entry.fingerprint) == []
