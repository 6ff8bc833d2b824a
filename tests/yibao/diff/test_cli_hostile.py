"""`yibao diff` on hostile or broken files: same reader as `yibao extract`, reasons kept, time bounded."""
from __future__ import annotations

import subprocess
import sys

from yibao.cli import main
from yibao.diff.sources import load_source
from yibao.testing import hostile

UTF8_NEW = ("关于调整门诊慢特病待遇的通知\n第一条 门诊慢特病待遇认定有效期为3年。\n"
            "第二条 定点医疗机构应当在患者出院前完成费用结算。\n")


def _err_line(capsys) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_gbk_text_against_utf8(tmp_path, capsys):
    old = hostile.write(tmp_path / "old.txt", hostile.gbk_text())
    new = hostile.write(tmp_path / "new.txt", UTF8_NEW)
    assert main(["diff", str(old), str(new), "--md"]) == 0
    assert "第一条: 2年 → 3年" in capsys.readouterr().out


def test_encrypted_pdf_keeps_the_reason(tmp_path):
    pdf = hostile.write(tmp_path / "secret.pdf", hostile.encrypted_pdf())
    new = hostile.write(tmp_path / "new.txt", UTF8_NEW)
    run = subprocess.run([sys.executable, "-m", "yibao", "diff", str(pdf), str(new)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip() == (f"yibao diff: error: {pdf}: not extracted: the PDF is encrypted with a user "
                                  "password; it cannot be read without it")


def test_binary_txt_and_non_zip_docx_are_bad_input(tmp_path, capsys):
    new = hostile.write(tmp_path / "new.txt", UTF8_NEW)
    rnd = hostile.write(tmp_path / "old.txt", hostile.random_bytes())
    assert main(["diff", str(rnd), str(new)]) == 2
    assert "old.txt is not a TXT file" in _err_line(capsys)
    fake = hostile.write(tmp_path / "old.docx", UTF8_NEW)
    assert main(["diff", str(fake), str(new)]) == 2
    assert "old.docx is not a DOCX file: its bytes are text" in _err_line(capsys)


def test_docx_bomb_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("YIBAO_EXTRACT_MAX_MEMBER_BYTES", str(1024 * 1024))
    bomb = hostile.write(tmp_path / "old.docx", hostile.docx_bomb(8 * 1024 * 1024))
    new = hostile.write(tmp_path / "new.txt", UTF8_NEW)
    assert main(["diff", str(bomb), str(new)]) == 2
    assert "refused: archive member word/document.xml inflates to 8.0 MiB" in _err_line(capsys)


def test_nested_headings_give_linear_text(tmp_path):
    """1,000 nested <h2>s used to be read once per level (6 MB of text, >300 s to diff)."""
    page = hostile.write(tmp_path / "deep.html", hostile.deep_html(1000, tag="h2"))
    text = load_source(str(page))
    clauses = sum(len(f"第{i}条 内容{i}。") for i in range(1, 1001))
    assert "第1000条 内容1000。" in text and len(text) <= clauses + 1000


def test_deep_divs_diff(tmp_path, capsys):
    old = hostile.write(tmp_path / "old.html", hostile.deep_html(1000))
    new = hostile.write(tmp_path / "new.html", hostile.deep_html(1000).replace("内容500。", "内容五百。"))
    assert main(["diff", str(old), str(new), "--json"]) == 0
    assert "第500条" in capsys.readouterr().out


def test_diff_gives_up_with_a_message(tmp_path, capsys):
    old = hostile.write(tmp_path / "old.html", hostile.deep_html(1000))
    new = hostile.write(tmp_path / "new.html", hostile.deep_html(1000, tag="h2"))
    assert main(["diff", str(old), str(new), "--timeout", "0.001"]) == 2
    line = _err_line(capsys)
    assert line.startswith("yibao diff: error: gave up after 0.001 s") and "--timeout" in line
