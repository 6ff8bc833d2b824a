"""`yibao subscribers`: opt-outs on a real store; a bad --file is one line, not a traceback."""
from __future__ import annotations

import datetime as dt

import pytest

from yibao.cli import main
from yibao.delivery.unsubscribes import unsubscribe
from yibao.store.db import open_session
from yibao.store.models import Event, Person, Unsubscribe

AT = dt.datetime(2025, 12, 8, 2, 0)


def _opt_out(channels: list[str]) -> None:
    with open_session() as session:
        person = Person(id="zhang.wei", name="张伟", channels=["email", "wecom:cardiology"])
        session.add(person)
        session.flush()
        for channel in channels:
            unsubscribe(session, person, channel, now=AT)


def test_list_then_resubscribe_one_channel(yibao_db, capsys):
    _opt_out(["email", "wecom:cardiology"])
    assert main(["subscribers", "unsubscribed"]) == 0
    out = capsys.readouterr().out
    assert "zhang.wei" in out and "wecom:cardiology" in out and "2025-12-08 02:00" in out

    assert main(["subscribers", "resubscribe", "--id", "zhang.wei", "--channel", "email",
                 "--actor", "wang.fang"]) == 0
    assert "resubscribed zhang.wei to email" in capsys.readouterr().out
    with open_session() as session:
        assert [u.channel for u in session.query(Unsubscribe)] == ["wecom:cardiology"]
        audit = session.query(Event).filter_by(stage="resubscribe").one()
        assert audit.data == {"person_id": "zhang.wei", "channel": "email", "actor": "wang.fang"}


def test_resubscribe_without_an_opt_out_or_person_says_so(yibao_db, capsys):
    _opt_out([])
    assert main(["subscribers", "resubscribe", "--id", "zhang.wei"]) == 1
    assert "no opt-out" in capsys.readouterr().err
    assert main(["subscribers", "resubscribe", "--id", "nobody"]) == 2
    assert "no person 'nobody'" in capsys.readouterr().err


@pytest.mark.parametrize("action", [["validate", "--no-secrets"], ["list"], ["remove", "--id", "zhang.wei"],
                                    ["add", "--id", "li.na", "--name", "李娜", "--role", "doctor"]])
def test_a_gbk_file_or_a_folder_is_one_line_not_a_traceback(action, tmp_path, capsys):
    gbk = tmp_path / "subscriptions.yaml"
    gbk.write_bytes("people:\n  - {id: zhang.wei, name: 张伟, roles: [doctor], email: z@h.example.cn}\n".encode("gbk"))
    for path, says in ((gbk, f"{gbk} is not UTF-8 text"), (tmp_path, f"{tmp_path} is a folder")):
        assert main(["subscribers", "--file", str(path), *action]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("yibao subscribers: error: ") and says in err[0], err
    assert gbk.read_bytes().decode("gbk").startswith("people:")     # left as it was


def test_resubscribe_to_an_unknown_channel_is_refused_with_the_valid_forms(yibao_db, capsys):
    _opt_out(["email"])
    assert main(["subscribers", "resubscribe", "--id", "zhang.wei", "--channel", "fax"]) == 2
    err = capsys.readouterr().err
    assert "unknown channel 'fax'" in err and "'email' or '<wecom|dingtalk|feishu>:<robot>'" in err
    with open_session() as session:
        assert [u.channel for u in session.query(Unsubscribe)] == ["email"]   # nothing changed


def test_add_with_a_region_that_is_no_province_is_refused_and_the_file_kept(tmp_path, capsys):
    path = tmp_path / "subscriptions.yaml"
    path.write_text("people:\n  - {id: zhang.wei, name: 张伟, roles: [doctor], email: z@h.example.cn}\n",
                    encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    assert main(["subscribers", "--file", str(path), "add", "--id", "li.na", "--name", "李娜", "--role", "doctor",
                 "--email", "lina@h.example.cn", "--region", "99"]) == 2
    err = capsys.readouterr().err
    assert "region '99'" in err and "44" in err and "11" in err
    assert path.read_text(encoding="utf-8") == before
    assert main(["subscribers", "--file", str(path), "add", "--id", "li.na", "--name", "李娜", "--role", "doctor",
                 "--email", "lina@h.example.cn", "--region", "4401"]) == 0
