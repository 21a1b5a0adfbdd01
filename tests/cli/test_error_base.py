"""The CLI reports every VdosbenchError as one line and exit status 2 (issue 66 item 4); other failures as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from vdosbench.cli import main


def _file(tmp_path: Path) -> Path:
    from vdosbench.datasets import mock_spectrum, write

    ds = mock_spectrum(n_sample=4, n_mode=40, exponent=4.0, seed=3)
    return write(
        ds.assign_attrs(generator="soft_spheres", generator_version="1", root_seed=0, vdosbench_version="0"),
        tmp_path / "glass.nc",
    )


def _errors() -> list[BaseException]:
    """One instance of each kind of vdosbench error, built as the code builds it."""
    from vdosbench.benchmark.adapters import AdapterError
    from vdosbench.benchmark import ClaimsFileError
    from vdosbench.benchmark.report_folder import ReportFolderError
    from vdosbench.cli.errors import UsageError
    from vdosbench.datasets import ChecksumError, ConventionError, MemoryBoundError, Problem, VDOSReadError
    from vdosbench.datasets import PublishError
    from vdosbench.generators import EnsembleError, FolderBusyError, PartFailure, SCBAConvergenceError
    from vdosbench.validators import ParameterPointError

    failure = PartFailure("sample=0", Path("x.nc"), ValueError("bad"), "SeedSequence(1, spawn_key=(0,))")
    return [
        ConventionError([Problem("eigenvalue", "eigenvalue-required", "no variable 'eigenvalue'", "add it")]),
        VDOSReadError("x.nc is not netCDF-4; expected a VDOS-1.0 file. Fix: ..."),
        MemoryBoundError("needs 9 GiB, bound 1 GiB. Fix: ..."),
        ChecksumError("sha256 differs. Fix: fetch again", expected="a" * 64, actual="b" * 64, source="x"),
        PublishError("no copy checked. Fix: ..."),
        EnsembleError([failure], 3, Path("out")),
        FolderBusyError("out is held by pid 1. Fix: wait"),
        SCBAConvergenceError("Newton did not converge. Fix: ..."),
        ParameterPointError("got a grid; expected one point. Fix: select_point"),
        AdapterError("x.npz has no eigenvalues. Fix: ..."),
        ClaimsFileError("claims.toml: bad kind. Fix: ..."),
        ReportFolderError("report.md is not ours. Fix: move it"),
        UsageError("unknown name. Fix: ..."),
    ]


@pytest.mark.parametrize("index", range(13), ids=lambda i: f"error-{i}")
def test_every_vdosbench_error_exits_2_with_its_message_on_one_line(
    index: int, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import vdosbench.benchmark.scorecard as scorecard

    error = _errors()[index]

    def crash(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(scorecard, "score_datasets", crash)
    assert main(["score", str(_file(tmp_path)), "--output", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err == f"vdosbench: error: {error}\n", err


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (FileNotFoundError(2, "No such file or directory", "x.nc"), "vdosbench: error: [Errno 2] No such file"),
        (PermissionError(13, "Permission denied", "/out"), "vdosbench: error: PermissionError during score (/out)"),
        (ValueError("plain"), "vdosbench: error: score failed with ValueError: plain"),
    ],
    ids=["file-not-found", "other-oserror", "not-ours"],
)
def test_errors_that_are_not_ours_keep_their_handling(
    error: BaseException,
    words: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import vdosbench.benchmark.scorecard as scorecard

    def crash(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(scorecard, "score_datasets", crash)
    assert main(["score", str(_file(tmp_path)), "--output", str(tmp_path / "r")]) == 2
    assert capsys.readouterr().err.startswith(words)
