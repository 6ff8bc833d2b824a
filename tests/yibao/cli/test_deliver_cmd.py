"""`yibao deliver`: options that would widen who is mailed are refused, not ignored."""
from __future__ import annotations

import pytest

from yibao.cli import main


@pytest.mark.parametrize("extra", [["--dry-run"], []])
def test_person_without_retry_failed_is_refused_before_anything_runs(extra, yibao_db, capsys):
    assert main(["deliver", *extra, "--person", "wang.fang"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == "yibao deliver: error: --person works only with --retry-failed"
