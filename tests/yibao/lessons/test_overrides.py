"""Trainers override templates and the scenario library without touching code."""
import datetime as dt

from yibao.lessons import DocContext, draft_lessons
from yibao.lessons.render import render_lesson

TEXT = ("关于调整门诊统筹待遇的通知\n一、职工医保普通门诊统筹起付标准由800元调整为600元。\n"
        "二、定点医疗机构应当在结算时向参保人员提供费用明细。\n三、本通知自2026年1月1日起执行。")


def _doc():
    return DocContext(None, "X市医疗保障局关于调整门诊统筹待遇的通知", "X医保发〔2025〕9号", "X市医疗保障局",
                      dt.date(2025, 12, 5), None, None, "https://example.gov.cn/a.html", None, "new", None, TEXT)


def test_template_override_dir_is_searched_first(tmp_path, monkeypatch):
    roles_dir = tmp_path / "lessons" / "roles"
    roles_dir.mkdir(parents=True)
    (roles_dir / "cashier.j2").write_text(
        '{%- set audience = "收费处专版" -%}{%- set h_summary = "三句话" -%}{%- set h_changes = "本院收费要改的地方" -%}'
        '{%- set h_actions = "怎么做" -%}{%- set h_scenario = "场景" -%}{%- set h_quiz = "测一测" -%}'
        '{%- set plain = false -%}{%- set show_old_new = true -%}', encoding="utf-8")
    monkeypatch.setenv("YIBAO_TEMPLATES_OVERRIDE", str(tmp_path))
    (d,) = draft_lessons(_doc(), None, roles=["cashier"])
    md = render_lesson(d, "md")
    assert "测一测" in md and "收费处专版" in md   # (a first-issue text lists its provisions under 条文（按章）)
    monkeypatch.delenv("YIBAO_TEMPLATES_OVERRIDE")
    assert "收费处专版" not in render_lesson(d, "md")


def test_scenario_library_can_be_extended(tmp_path, monkeypatch):
    (tmp_path / "scenarios.yaml").write_text(
        "scenarios:\n"
        "  - id: sc_our_hospital\n    roles: [cashier]\n    topics: [outpatient_pooling]\n"
        "    title: 本院门诊收费窗口\n    text: \"本院一号窗口，患者问{ref}的新起付标准{new}。\"\n"
        "cases:\n"
        "  - id: case_our_hospital\n    roles: [cashier]\n    topics: [outpatient_pooling]\n    kind: 典型案例\n"
        "    title: 本院去年的教训\n    text: 某月系统未更新被扣款。\n", encoding="utf-8")
    monkeypatch.setenv("YIBAO_CONFIG_DIR", str(tmp_path))
    (d,) = draft_lessons(_doc(), None, roles=["cashier"])
    assert d.scenario["title"] == "本院门诊收费窗口" and "600元" in d.scenario["text"] and "一" in d.scenario["text"]
    assert d.case == {"id": "case_our_hospital", "title": "本院去年的教训", "text": "某月系统未更新被扣款。", "kind": "典型案例"}
    monkeypatch.delenv("YIBAO_CONFIG_DIR")
    (d2,) = draft_lessons(_doc(), None, roles=["cashier"])
    assert d2.scenario["title"] != "本院门诊收费窗口"
