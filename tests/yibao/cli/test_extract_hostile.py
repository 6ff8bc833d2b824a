"""`yibao extract` on hostile or broken files, generated small here, through the real CLI.

Each run gets a 1 GiB address-space limit: the 150 MiB DOCX of issue 12 took 4.3 GB before the
limits, so an unbounded reader fails here by construction (no timed asserts).
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest

from yibao.testing import hostile

MIB = 1024 * 1024
ADDRESS_SPACE = 1024 * MIB


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def yibao_extract(path, *args, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_EXTRACT_")} | env
    return subprocess.run([sys.executable, "-m", "yibao", "extract", str(path), *args], capture_output=True,
                          text=True, env=environ, timeout=300, preexec_fn=_cap_memory)


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_docx_bomb_is_refused_at_the_default_member_cap(tmp_path):
    bomb = hostile.write(tmp_path / "通知.docx", hostile.docx_bomb(150 * MIB))
    assert bomb.stat().st_size < 1 * MIB
    run = yibao_extract(bomb)
    assert run.returncode == 2
    line = one_line(run.stderr)
    assert line.startswith("yibao extract: error: refused: archive member word/document.xml inflates to 150.0 MiB")
    assert "YIBAO_EXTRACT_MAX_MEMBER_BYTES" in line


def test_xlsx_bomb_with_a_lying_header_is_counted_while_inflating(tmp_path):
    data = hostile.lying_header(hostile.xlsx_bomb(100 * MIB), "xl/worksheets/sheet1.xml", declared=1000)
    run = yibao_extract(hostile.write(tmp_path / "目录.xlsx", data))
    assert run.returncode == 2
    line = one_line(run.stderr)
    assert "xl/worksheets/sheet1.xml inflates to more than 64.0 MiB (its header says 1000 bytes)" in line


@pytest.mark.parametrize("kind, make", [("zip", hostile.zip_bomb), ("ofd", hostile.ofd_bomb),
                                        ("docx", hostile.docx_bomb)])
def test_archive_bombs_are_refused_at_a_configured_cap(tmp_path, kind, make):
    run = yibao_extract(hostile.write(tmp_path / f"附件.{kind}", make(16 * MIB)),
                        YIBAO_EXTRACT_MAX_MEMBER_BYTES=str(4 * MIB))
    assert run.returncode == 2
    assert "over the limit of 4.0 MiB per member" in one_line(run.stderr)


def test_whole_archive_budget(tmp_path):
    run = yibao_extract(hostile.write(tmp_path / "a.docx", hostile.docx_bomb(16 * MIB)),
                        YIBAO_EXTRACT_MAX_UNPACKED_BYTES=str(8 * MIB))
    assert run.returncode == 2 and "YIBAO_EXTRACT_MAX_UNPACKED_BYTES" in one_line(run.stderr)


def test_sheet_spanning_billions_of_cells_is_refused(tmp_path):
    run = yibao_extract(hostile.write(tmp_path / "稀疏.xlsx", hostile.sparse_xlsx()))
    assert run.returncode == 2
    assert "cells (YIBAO_EXTRACT_MAX_CELLS)" in one_line(run.stderr)


def test_docx_with_millions_of_elements_is_refused_before_the_tree_is_built(tmp_path):
    run = yibao_extract(hostile.write(tmp_path / "dense.docx", hostile.dense_docx(300_000)),
                        YIBAO_EXTRACT_MAX_XML_ELEMENTS="100000")
    assert run.returncode == 2
    assert "word/document.xml has more than 100,000 XML elements" in one_line(run.stderr)


def test_time_limit_per_attachment(tmp_path):
    from yibao.testing import pdfgen

    docx = pdfgen.make_docx(tmp_path / "ok.docx", ["第一条 正文。"])
    assert yibao_extract(docx).returncode == 0
    run = yibao_extract(docx, YIBAO_EXTRACT_TIMEOUT_S="0")
    assert run.returncode == 2 and "gave up after 0 s" in one_line(run.stderr)


def test_bad_limit_setting_is_one_line(tmp_path):
    run = yibao_extract(hostile.write(tmp_path / "a.txt", "第一条 正文。"), YIBAO_EXTRACT_MAX_PAGES="many")
    assert run.returncode == 2 and "YIBAO_EXTRACT_MAX_PAGES='many' is not a number" in one_line(run.stderr)


def test_html_nested_1000_levels_reads_without_recursion_error(tmp_path):
    run = yibao_extract(hostile.write(tmp_path / "deep.html", hostile.deep_html(1000)), "--text")
    assert run.returncode == 0, run.stderr[-500:]
    assert "RecursionError" not in run.stderr and "第1000条 内容1000。" in run.stdout


def test_random_bytes_named_txt(tmp_path):
    run = yibao_extract(hostile.write(tmp_path / "notice.txt", hostile.random_bytes()))
    assert run.returncode == 2
    assert one_line(run.stderr).startswith("yibao extract: error: notice.txt is not a TXT file")


def test_text_that_turns_binary_after_the_first_kilobyte(tmp_path):
    data = "第一条 正文。\n".encode() * 200 + b"\x00\x01\x02" * 100
    run = yibao_extract(hostile.write(tmp_path / "notice.txt", data))
    assert run.returncode == 2 and "not text" in one_line(run.stderr)


def test_docx_that_is_not_a_zip(tmp_path):
    run = yibao_extract(hostile.write(tmp_path / "notice.docx", "第一条 这只是文本。"))
    assert run.returncode == 2
    assert one_line(run.stderr).startswith("yibao extract: error: notice.docx is not a DOCX file: its bytes are text")


def test_gbk_text_is_read(tmp_path):
    run = yibao_extract(hostile.write(tmp_path / "gbk.txt", hostile.gbk_text()), "--text")
    assert run.returncode == 0, run.stderr
    assert "第二条 定点医疗机构应当在患者出院前完成费用结算。" in run.stdout


def test_pdf_with_a_user_password_says_so(tmp_path):
    run = yibao_extract(hostile.write(tmp_path / "secret.pdf", hostile.encrypted_pdf()))
    assert run.returncode == 1
    assert "encrypted with a user password" in one_line(run.stderr)
