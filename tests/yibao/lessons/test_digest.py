import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

from yibao.lessons.digest import (CN, PersonaliseError, build_digest, digest_due, due_by, period_for_roles,
                                  personalise, placeholders)
from yibao.lessons.render import IM_LIMIT

_spec = importlib.util.spec_from_file_location("lesson_render_helpers", Path(__file__).with_name("test_render.py"))
_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_helpers)
make_draft = _helpers.make_draft


def _item(lid, role="cashier", doc_number="X医保发〔2025〕9号", deadline=dt.date(2025, 12, 16), headline=None):
    d = make_draft(role).to_dict()
    d["source"]["doc_number"] = doc_number
    if headline:
        d["headline"] = headline
    return {"lesson_id": lid, "draft": d, "deadline": deadline}


def test_one_digest_deduplicated_and_ordered_by_deadline():
    items = [
        _item(3, doc_number="B〔2025〕2号", deadline=dt.date(2025, 12, 20), headline="B文件"),
        _item(1, "cashier", deadline=dt.date(2025, 12, 16)),
        _item(2, "yibaoban", deadline=dt.date(2025, 12, 16)),   # same document, another role of this person
        _item(1, "cashier", deadline=dt.date(2025, 12, 16)),   # same lesson twice
        _item(4, doc_number="C〔2025〕3号", deadline=dt.date(2025, 12, 10), headline="C文件"),
    ]
    dg = build_digest("王护士", items)
    assert [e.lesson_ids for e in dg.entries] == [[4], [2, 1], [3]]
    assert dg.entries[1].roles == ["yibaoban", "cashier"]
    assert dg.subject == "【医保培训】3项政策变化待学习（最早截止 12月10日）"
    text = dg.render("text")
    assert text.index("C文件") < text.index("B文件")
    assert text.count("⟦read:1⟧") == 1 and text.count("⟦read:2⟧") == 1
    assert "医保办、收费员" in text


@pytest.mark.parametrize("fmt", ["text", "html", "im"])
def test_rendered_once_with_placeholders_then_personalised(fmt):
    dg = build_digest("ignored", [_item(7), _item(8, doc_number="D〔2025〕1号")])
    rendered = dg.render(fmt)
    assert {"name", "read:7", "ack:7", "quiz:7", "read:8"} <= placeholders(rendered)
    # a group IM post is read by the whole department: no link that opts one person out
    assert ("unsubscribe" in placeholders(rendered)) == (fmt != "im")
    assert "ignored" not in rendered  # the name is a placeholder: one rendering serves everyone
    values = {k: f"https://lms.example/{k}" for k in placeholders(rendered)}
    values["name"] = "张三"
    out = personalise(rendered, values)
    assert "⟦" not in out and "张三" in out and "https://lms.example/ack:7" in out


def test_personalise_refuses_missing_values_and_can_escape_html():
    with pytest.raises(PersonaliseError, match="read:1"):
        personalise("⟦name⟧ ⟦read:1⟧", {"name": "x"})
    assert personalise("<b>⟦name⟧</b>", {"name": "<i>李</i>"}, escape_html=True) == "<b>&lt;i&gt;李&lt;/i&gt;</b>"


def test_im_digest_fits_wecom_limit_with_many_items():
    items = [_item(i, doc_number=f"D〔2025〕{i}号", headline="很长的标题" * 10) for i in range(1, 60)]
    dg = build_digest("x", items)
    im = dg.render("im")
    assert len(im.encode("utf-8")) <= IM_LIMIT
    assert "⟦read:1⟧" in im and "另有" in im


def test_cache_key_depends_only_on_items():
    a = build_digest("甲", [_item(1), _item(2, doc_number="Z〔2025〕1号")])
    b = build_digest("乙", [_item(2, doc_number="Z〔2025〕1号"), _item(1)])
    assert a.cache_key == b.cache_key


def test_due_by_immediate_daily_weekly():
    now = dt.datetime(2025, 12, 3, 14, 0, tzinfo=CN)  # Wednesday afternoon
    far = dt.date(2025, 12, 31)
    assert due_by("immediate", far, now) == now
    assert due_by("daily", far, now) == dt.datetime(2025, 12, 4, 9, 0, tzinfo=CN)
    assert due_by("weekly", far, now) == dt.datetime(2025, 12, 8, 9, 0, tzinfo=CN)  # next Monday


def test_weekly_batch_is_pulled_forward_for_a_near_deadline():
    now = dt.datetime(2025, 12, 3, 14, 0, tzinfo=CN)
    due = due_by("weekly", dt.date(2025, 12, 5), now)  # Friday deadline: cannot wait for Monday
    assert due == dt.datetime(2025, 12, 4, 9, 0, tzinfo=CN)
    assert due_by("daily", dt.date(2025, 12, 4), now) == now  # already past the latest point: send now


def test_due_by_accepts_naive_china_time_and_utc():
    naive = dt.datetime(2025, 12, 3, 8, 0)
    assert due_by("daily", dt.date(2025, 12, 31), naive) == dt.datetime(2025, 12, 3, 9, 0, tzinfo=CN)
    utc = dt.datetime(2025, 12, 3, 0, 30, tzinfo=dt.timezone.utc)  # 08:30 in China
    assert due_by("daily", dt.date(2025, 12, 31), utc) == dt.datetime(2025, 12, 3, 9, 0, tzinfo=CN)
    with pytest.raises(ValueError, match="monthly"):
        due_by("monthly", dt.date(2025, 12, 31), naive)


def test_digest_due_and_role_periods():
    dg = build_digest("x", [_item(1, deadline=dt.date(2025, 12, 31)), _item(2, doc_number="Q〔2025〕1号",
                                                                           deadline=dt.date(2025, 12, 5))])
    now = dt.datetime(2025, 12, 1, 10, 0, tzinfo=CN)  # Monday
    assert digest_due(dg, "weekly", now) == dt.datetime(2025, 12, 4, 9, 0, tzinfo=CN)  # 1 day before 12-05
    assert period_for_roles(["finance", "yibaoban"]) == "immediate"
    assert period_for_roles(["finance", "management"]) == "weekly"


def test_deadline_after_a_weekend_or_holiday_pulls_the_batch_to_the_working_day_before():
    friday_afternoon = dt.datetime(2025, 12, 5, 14, 0, tzinfo=CN)
    # Monday deadline: the weekly batch (next Monday) would be too late; the previous working day is Friday
    assert due_by("weekly", dt.date(2025, 12, 8), dt.datetime(2025, 12, 1, 10, 0, tzinfo=CN)) == \
        dt.datetime(2025, 12, 5, 9, 0, tzinfo=CN)
    assert due_by("daily", dt.date(2025, 12, 8), friday_afternoon) == friday_afternoon  # past 09:00 Friday: now
    # 2025 National Day: 10-01..10-08 off, so the working day before 10-09 is 09-30
    assert due_by("weekly", dt.date(2025, 10, 9), dt.datetime(2025, 9, 23, 10, 0, tzinfo=CN)) == \
        dt.datetime(2025, 9, 29, 9, 0, tzinfo=CN)   # next Monday comes first
    assert due_by("weekly", dt.date(2025, 10, 9), dt.datetime(2025, 9, 29, 10, 0, tzinfo=CN)) == \
        dt.datetime(2025, 9, 30, 9, 0, tzinfo=CN)
    assert due_by("daily", None, friday_afternoon) == dt.datetime(2025, 12, 6, 9, 0, tzinfo=CN)   # no cap


@pytest.mark.parametrize("summary", [[], ["只有一行导语。"], ["导语。", "要点一。"]])
def test_short_summaries_render_in_every_format(summary):
    item = _item(1)
    item["draft"]["summary"] = summary
    dg = build_digest("甲", [item])
    for fmt in ("text", "html", "im"):
        assert item["draft"]["headline"] in dg.render(fmt)
    if summary:
        assert summary[-1] in dg.render("im")


def test_a_draft_without_headline_is_named_in_the_error():
    item = _item(7)
    del item["draft"]["headline"]
    with pytest.raises(ValueError, match=r"lesson 7.*headline"):
        build_digest("甲", [item])
