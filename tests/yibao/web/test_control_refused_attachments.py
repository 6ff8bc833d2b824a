"""A scraped attachment that hits an extraction limit: stored as "refused" with its reason, the
document still goes on, and the 医保办 sees the reason in the control room (real api-server app)."""
from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from airflow_app import client, token  # noqa: E402,F401  (client is a fixture)


@pytest.fixture()
def mirror(yibao_db, monkeypatch):
    from yibao.mirror.server import MirrorServer

    with MirrorServer() as server:
        monkeypatch.setenv("YIBAO_MIRROR_URL", server.base_url)
        monkeypatch.setenv("YIBAO_SOURCES", "nhsa")
        monkeypatch.setenv("YIBAO_USER_AGENT", "yibao-tests")
        yield server


@pytest.mark.airflow
def test_refused_attachment_is_stored_and_shown(client, mirror, capsys):
    from yibao.cli import main
    from yibao.mirror.content import demo_update
    from yibao.mirror.model import MirrorAttachment
    from yibao.store.db import open_session
    from yibao.store.models import Attachment
    from yibao.testing import hostile

    assert main(["scrape", "--json"]) == 0          # baseline
    capsys.readouterr()
    doc = demo_update()
    bomb = MirrorAttachment(name="附件2：药品目录", filename="bomb2026.docx", data=hostile.docx_bomb())
    mirror.publish(replace(doc, publish_date="2026-11-20", attachments=[*doc.attachments, bomb]))
    assert main(["scrape", "--json"]) == 0
    scraped = json.loads(capsys.readouterr().out)
    assert len(scraped["version_ids"]) == 1 and len(scraped["change_ids"]) == 1

    with open_session() as s:
        rows = {a.name: a for a in s.query(Attachment).filter_by(version_id=scraped["version_ids"][0])}
    refused = rows["附件2：药品目录"]
    assert refused.status == "refused" and refused.text == ""
    assert "word/document.xml inflates to 150.0 MiB" in refused.reason
    assert any(a.status == "ok" and "主项目658个" in a.text for a in rows.values())  # the rest went on

    headers = token(client, "trainer1")
    data = client.get("/yibao/api/control", headers=headers).json()
    row = next(p for p in data["policies"] if p["change_id"] == scraped["change_ids"][0])
    assert [(a["name"], a["status"]) for a in row["attachment_problems"]] == [("附件2：药品目录", "refused")]
    page = client.get("/yibao/control/", headers=headers).text
    assert "附件被拒绝（超出限制）：附件2：药品目录" in page and "inflates to 150.0 MiB" in page
