"""Limits on every extractor, through extract_bytes: refusals carry a reason, archives keep going."""
from __future__ import annotations

import io
import zipfile

import pytest

from yibao.attachments import Limits, extract_bytes
from yibao.testing import hostile

MIB = 1024 * 1024
SMALL = Limits(max_member_bytes=2 * MIB, max_unpacked_bytes=3 * MIB)


@pytest.mark.parametrize("make, name, member", [
    (hostile.docx_bomb, "a.docx", "word/document.xml"),
    (hostile.xlsx_bomb, "a.xlsx", "xl/worksheets/sheet1.xml"),
    (hostile.ofd_bomb, "a.ofd", "Doc_0/Pages/Page_0/Content.xml"),
])
def test_declared_and_lying_sizes_are_refused(make, name, member):
    data = make(8 * MIB)
    plain = extract_bytes(data, name, limits=SMALL)
    assert plain.status == "refused" and f"{member} inflates to 8.0 MiB" in plain.reason
    lying = extract_bytes(hostile.lying_header(data, member), name, limits=SMALL)
    assert lying.status == "refused" and "its header says 1000 bytes" in lying.reason


def test_a_zip_keeps_its_good_members_and_names_the_refused_one():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("附件1.txt", "第一条 正文。".encode())
        zf.writestr("附件2.zip", hostile.zip_bomb(8 * MIB))
    result = extract_bytes(buf.getvalue(), "a.zip", limits=SMALL)
    assert result.ok and "第一条 正文。" in result.text
    assert any(w.startswith("附件2.zip: refused:") for w in result.warnings)


def test_whole_archive_budget_across_members():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(3):
            zf.writestr(f"{i}.txt", "第一条 正文。".encode() + b" " * (int(1.2 * MIB)))
    result = extract_bytes(buf.getvalue(), "a.zip", limits=SMALL)
    statuses = [m.status for m in result.members]
    assert statuses[:2] == ["ok", "ok"] and statuses[2] == "refused"
    assert "YIBAO_EXTRACT_MAX_UNPACKED_BYTES" in result.members[2].reason


def test_sheet_cells_and_time_budget():
    assert "YIBAO_EXTRACT_MAX_CELLS" in extract_bytes(hostile.sparse_xlsx(), "s.xlsx").reason
    slow = extract_bytes(hostile.docx_bomb(1 * MIB), "a.docx", limits=Limits(timeout_s=0))
    assert slow.status == "refused" and "gave up after 0 s" in slow.reason


def test_encrypted_pdf_reason():
    result = extract_bytes(hostile.encrypted_pdf(), "a.pdf")
    assert result.status == "not_extracted" and "user password" in result.reason


def test_limits_from_env():
    limits = Limits.from_env({"YIBAO_EXTRACT_MAX_MEMBER_BYTES": "1024", "YIBAO_EXTRACT_TIMEOUT_S": "2.5"})
    assert limits.max_member_bytes == 1024 and limits.timeout_s == 2.5 and limits.max_pages == Limits().max_pages
    with pytest.raises(ValueError, match="YIBAO_EXTRACT_MAX_CELLS='lots' is not a number"):
        Limits.from_env({"YIBAO_EXTRACT_MAX_CELLS": "lots"})
