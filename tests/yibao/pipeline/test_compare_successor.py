"""A successor document's Change carries "what is new or different" and that is its summary."""
from types import SimpleNamespace

from yibao.pipeline.compare import compute_diff
from yibao.review.render import diff_summary_md
from yibao.store.models import Change

OLD = ("关于做好2024年门诊保障工作的通知\n医保发〔2024〕11号\n各省医疗保障局：\n"
       "一、规范认定流程。经办机构应当在20个工作日内完成认定。\n二、调整待遇。门诊起付标准为800元。\n国家医疗保障局\n2024年3月1日\n")
NEW = ("关于做好2025年门诊保障工作的通知\n医保发〔2025〕8号\n各省医疗保障局：\n"
       "一、调整待遇。门诊起付标准为600元。\n二、规范认定流程。经办机构应当在15个工作日内完成认定。\n"
       "三、强化审核。定点医疗机构不得分解收费。\n国家医疗保障局\n2025年2月10日\n")


def _version(text: str):
    return SimpleNamespace(text=text, attachments=[])   # compute_diff reads only these two


def test_successor_diff_and_summary():
    diff, summary = compute_diff(_version(OLD), _version(NEW), successor=True)
    assert diff["changes"]                                   # the 对照表 is still stored
    items = diff["successor"]["items"]
    assert any("门诊起付标准：800元 → 600元" in n for i in items for n in i["numbers"])
    assert [i["new_ref"] for i in items if i["kind"] == "new_obligation"] == ["三、"]
    assert "800元 → 600元" in summary and "新增的义务" in summary
    table = diff_summary_md(Change(diff=diff))
    assert "新增义务" in table and "800元 → 600元" in table


def test_a_revision_keeps_the_clause_table():
    diff, summary = compute_diff(_version(OLD), _version(OLD.replace("800元", "700元")))
    assert "successor" not in diff and "800元" in summary
