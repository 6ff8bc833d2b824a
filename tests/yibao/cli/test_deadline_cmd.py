"""`yibao deadline` through the CLI: out-of-range input is one line and exit 2, never a hang or a traceback."""
from yibao.cli import main


def test_a_normal_deadline(capsys):
    assert main(["deadline", "2026-12-05"]) == 0
    assert capsys.readouterr().out.strip() == "2026-12-15"


def test_huge_day_counts_and_the_end_of_the_calendar_are_one_line(capsys):
    assert main(["deadline", "2026-01-01", "--days", "99999999"]) == 2   # was minutes of spinning
    assert "--days must be between 0 and" in capsys.readouterr().err
    assert main(["deadline", "9999-12-31"]) == 2                          # was an OverflowError traceback
    err = capsys.readouterr().err
    assert "past the last date" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
