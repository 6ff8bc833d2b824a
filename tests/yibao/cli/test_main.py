"""yibao/cli/__init__.py main(): problems of input or environment are one line, never a traceback;
a closed pipe is not an error; -v shows the traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "nhsa-texts"
YIBAO = str(Path(sys.executable).with_name("yibao"))


def _yibao(tmp_path, *args, home=None, **env):
    full = {**os.environ, "YIBAO_HOME": str(home or tmp_path / "home"), **env}
    full.pop("YIBAO_DATABASE_URL", None)
    return subprocess.run([YIBAO, *args], env=full, capture_output=True, text=True, timeout=120)


def _one_line(r, code, text):
    assert r.returncode == code, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr and text in r.stderr and r.stderr.count("\n") == 1, r.stderr


def test_an_id_past_64_bits_is_one_line(tmp_path):
    _one_line(_yibao(tmp_path, "diff", "99999999999999999999", "1"), 2, "out of range")
    _one_line(_yibao(tmp_path, "audit", "show", "--lesson", "99999999999999999999"), 2, "out of range")


def test_a_broken_holidays_file_is_named(tmp_path):
    (tmp_path / "holidays.yaml").write_text("holidays: [notadate]\n", encoding="utf-8")
    _one_line(_yibao(tmp_path, "deadline", "2027-09-30", YIBAO_CONFIG_DIR=str(tmp_path)), 2, "'notadate' is not a date")


def test_an_unusable_store_is_one_line(tmp_path):
    home = tmp_path / "bad"
    home.mkdir()
    (home / "yibao.db").write_text("not a database", encoding="utf-8")
    _one_line(_yibao(tmp_path, "sources", home=home), 1, "the store cannot be used")
    (tmp_path / "plain-file").write_text("x", encoding="utf-8")
    r = _yibao(tmp_path, "sources", home=tmp_path / "plain-file" / "home")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "plain-file" in r.stderr


def test_a_port_out_of_range_is_one_line(tmp_path):
    _one_line(_yibao(tmp_path, "devservers", "smtp", "--port", "99999"), 2, "out of range")


def test_diff_timeout_must_be_a_positive_finite_number(tmp_path):
    for bad in ("nan", "inf", "-5", "0"):
        r = _yibao(tmp_path, "diff", "--timeout", bad, str(CORPUS / "nhsa_fjjc_2023.txt"), str(CORPUS / "nhsa_jbcl_2022.txt"))
        assert r.returncode == 2 and "--timeout" in r.stderr and "Traceback" not in r.stderr, (bad, r.stderr)


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    # `yibao extract --json FILE | head -1`: the closed pipe must not print a BrokenPipeError
    p = subprocess.Popen([YIBAO, "extract", "--json", str(CORPUS / "nhsa_fjjc_2023.txt")], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env={**os.environ, "YIBAO_HOME": str(tmp_path)})
    p.stdout.readline()
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) == 0 and "BrokenPipeError" not in err and "Traceback" not in err, err


def test_verbose_shows_the_traceback(tmp_path):
    r = _yibao(tmp_path, "-v", "diff", "99999999999999999999", "1")
    assert r.returncode != 0 and "Traceback" in r.stderr


def test_diff_of_a_folder_says_it_is_a_folder(tmp_path):
    _one_line(_yibao(tmp_path, "diff", str(tmp_path), str(tmp_path)), 2, "is a folder")


def test_deadline_in_an_unknown_year_warns_once(tmp_path):
    r = _yibao(tmp_path, "deadline", "2030-09-30")
    assert r.returncode == 0 and r.stderr.count("holiday data for 2030") == 1, r.stderr
