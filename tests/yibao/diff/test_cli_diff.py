import json
import subprocess
import sys
from pathlib import Path

import pytest

from yibao.cli import main

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "qinghai-texts"


def test_json_output(tmp_path, capsys):
    out = tmp_path / "d.json"
    assert main(["diff", str(CORPUS / "qh_ydxy_2025.txt"), str(CORPUS / "qh_ydxy_2025r.txt"), "--json",
                 "--truncated-tail", "-o", str(out)]) == 0
    refs = {c["new_ref"] for c in json.loads(out.read_text(encoding="utf-8"))["changes"]}
    assert {"第二十一条", "第六条（二十）"} <= refs


def test_html_and_markdown_from_html_file(tmp_path, capsys):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_text("<html><body><div id='zoom'><p>第一条 报销比例为50%。</p><p>第二条 其他。</p></div></body></html>", encoding="utf-8")
    b.write_text("<html><body><div id='zoom'><p>第一条 报销比例为60%。</p><p>第二条 其他。</p></div></body></html>", encoding="utf-8")
    assert main(["diff", str(a), str(b), "--md"]) == 0
    assert "50% → 60%" in capsys.readouterr().out
    assert main(["diff", str(a), str(b), "--html"]) == 0
    assert "<del>50%</del>" in capsys.readouterr().out


def test_missing_file_exit_2():
    proc = subprocess.run([sys.executable, "-m", "yibao", "diff", "/nonexistent/a.txt", str(CORPUS / "qh_fanli_2025.txt")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "no such file" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
