"""studies/catalogue_chain_errors.py: the catalogue's chain standard errors are what the scoring forms give."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from vdosbench.datasets.catalog import get_entry, load_catalog

from script_loader import load_script

#: A chain set with a small scoring form (100 structures of 53 modes, three scalars), to keep the test short.
SMALL = "soft-spheres-lowest-n2000-td"


@pytest.fixture(scope="module")
def study():  # noqa: ANN201
    return load_script("studies/catalogue_chain_errors.py", "catalogue_chain_errors_study")


def test_every_catalogued_chain_set_has_chain_standard_errors(study) -> None:  # type: ignore[no-untyped-def]
    entries = study.chain_entries()
    assert len(entries) == 16
    for entry in entries:
        fp = entry.fingerprint
        assert fp.chains is not None and len(fp.chains) == len(fp.points), entry.name
        assert all(5 * c == entry.recipe.n_samples for c in fp.chains), entry.name  # five structures per chain
        assert fp.chain_stderr and set(fp.chain_stderr) <= set(fp.values)
    # a set of independent samples has none
    assert load_catalog()["soft-spheres-lowest-n2000"].fingerprint.chains is None


def test_the_chain_standard_errors_are_the_scoring_forms(study) -> None:  # type: ignore[no-untyped-def]
    entry = get_entry(SMALL)
    fp, source = study.chain_fingerprint(entry)
    assert fp == entry.fingerprint and fp.chains == (20, 20) and source == "study file finite_size_modes.nc"
    # known answer: the chain label is one value per chain, so the mean over 100 structures is a mean over 20
    # draws, its bootstrap error sqrt(5) times the sample bootstrap's (200 replicates each: ~10 % noise)
    for chain_se, sample_se in zip(fp.chain_stderr["mean:chain"], fp.stderr["mean:chain"]):
        assert chain_se / sample_se == pytest.approx(5**0.5, rel=0.25)
    # a catalogue value the scoring form does not give is refused, named
    wrong = replace(entry, fingerprint=replace(entry.fingerprint, values={
        **entry.fingerprint.values, "omega_min": tuple(v * (1 + 1e-9) for v in entry.fingerprint.values["omega_min"])}))
    with pytest.raises(ValueError, match=r"omega_min value .* expected equal to 1e-12 relative"):
        study.chain_fingerprint(wrong)


def test_check_reports_a_missing_table_and_the_script_writes_it(study, tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = get_entry(SMALL).catalog.read_text()
    start = src.index(f"[datasets.{SMALL}]")
    end = src.index("\n[datasets.", src.index(f"[datasets.{SMALL}.cost]"))
    block = src[start:end + 1]
    chain_table = block[block.index(f"[datasets.{SMALL}.fingerprint.chain_stderr]"): block.index(f"[datasets.{SMALL}.cost]")]
    stripped = block.replace(chain_table, "").replace("chains = [20, 20]\n", "")
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(stripped)
    assert load_catalog(catalog)[SMALL].fingerprint.chains is None
    assert study.main(["--catalog", str(catalog), "--check"]) == 1 and catalog.read_text() == stripped
    assert study.main(["--catalog", str(catalog)]) == 0
    assert catalog.read_text() == block  # the committed catalogue's text, written back
    assert math.isfinite(load_catalog(catalog)[SMALL].fingerprint.chain_stderr["omega_min"][0])
