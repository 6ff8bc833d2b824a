"""compare_successor: a later notice against the earlier one, provision by provision, paired by content."""
import json
from pathlib import Path

import pytest

from yibao.cli import main
from yibao.diff.successor import compare_successor, render_successor_html, render_successor_markdown
from yibao.document import iter_provisions, parse_document

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"

OLD = """关于做好2024年门诊慢特病保障工作的通知
医保发〔2024〕11号
各省、自治区、直辖市医疗保障局：
为做好门诊慢特病保障工作，现就有关事项通知如下。
一、扩大病种范围。各地可以将高血压、糖尿病、慢性肾衰竭等纳入门诊慢特病保障范围。
二、规范认定流程。经办机构应当在20个工作日内完成认定。
三、加强信息公开。各地要定期公布定点医疗机构名单。
四、调整待遇标准。门诊慢特病起付标准为800元，报销比例提高2个百分点，备案有效期为6个月。
国家医疗保障局
2024年3月1日
"""
NEW = """关于做好2025年门诊慢特病保障工作的通知
医保发〔2025〕8号
各省、自治区、直辖市医疗保障局：
为进一步做好门诊慢特病保障工作，现就有关事项通知如下。
一、调整待遇标准。门诊慢特病起付标准为600元，报销比例提高3个百分点，备案有效期为12个月。
二、规范认定流程。经办机构应当在15个工作日内完成认定。
三、扩大病种范围。各地应当将高血压、糖尿病、慢性肾衰竭等纳入门诊慢特病保障范围。
四、强化费用审核。定点医疗机构不得将门诊慢特病费用分解为普通门诊费用结算，违规费用由经办机构追回。
国家医疗保障局
2025年2月10日
"""


@pytest.fixture()
def cmp():
    return compare_successor(parse_document(OLD), parse_document(NEW))


def test_a_moved_clause_is_the_same_clause(cmp):
    changed = {it.new.label: it.old.label for it in cmp.of_kind("changed")}
    assert changed["一、"] == "四、"        # paired by content, not by number
    assert changed["三、"] == "一、"


def test_changed_numbers_keep_both_values_and_units(cmp):
    lines = [n.line for it in cmp.of_kind("changed") for n in it.numbers]
    assert "门诊慢特病起付标准：800元 → 600元" in lines
    assert "报销比例：2个百分点 → 3个百分点" in lines
    assert "备案有效期：6个月 → 12个月" in lines
    assert any("20个工作日内 → 15个工作日内" in line for line in lines)
    assert not any("删除" in line or line.endswith("→ ") for line in lines)


def test_new_obligations_modality_changes_and_dropped(cmp):
    assert [it.new.label for it in cmp.of_kind("new_obligation")] == ["四、"]
    moved = next(it for it in cmp.of_kind("changed") if it.new.label == "三、")
    assert moved.modality_change == ("permission", "obligation")
    assert [it.old.label for it in cmp.of_kind("dropped")] == ["三、"]
    assert cmp.unchanged == 0


def test_renderings_say_it_in_a_few_lines(cmp):
    md = render_successor_markdown(cmp)
    assert "800元 → 600元" in md and "新增的义务" in md and "不再写入" in md
    assert "2025年2月10日" not in md and "国家医疗保障局\n" not in md
    assert "800元 → 600元" in render_successor_html(cmp)


def test_cli_chooses_the_successor_view_when_the_numbers_differ(tmp_path, capsys):
    (tmp_path / "old.txt").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.txt").write_text(NEW, encoding="utf-8")
    assert main(["diff", str(tmp_path / "old.txt"), str(tmp_path / "new.txt"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["mode"] == "successor"
    assert any("800元 → 600元" in n for it in data["items"] for n in it["numbers"])
    assert main(["diff", str(tmp_path / "old.txt"), str(tmp_path / "new.txt"), "--versions", "--json"]) == 0
    assert "mode" not in json.loads(capsys.readouterr().out)


def test_real_pair_of_related_regulations():
    """The 医疗机构 and 零售药店 定点管理 办法 (令第2号, 令第3号) share much of their text, renumbered."""
    folder = CORPUS / "nhsa-texts"
    if not folder.is_dir():
        pytest.skip("shared corpus not present")
    old = parse_document((folder / "nhsa_ddyl_2020.txt").read_text(encoding="utf-8"))
    new = parse_document((folder / "nhsa_ddyd_2020.txt").read_text(encoding="utf-8"))
    cmp = compare_successor(old, new)
    pairs = {(it.old.ref, it.new.ref) for it in cmp.items if it.kind == "changed"}
    # 申请定点的条件 moved from 第六条 to 第五条: paired by content
    assert any(o.startswith("第六条") and n.startswith("第五条") for o, n in pairs)
    # new sub-items are folded into their new article: fewer items than the new text has provisions
    assert len(cmp.items) < sum(1 for _ in iter_provisions(new))
    for it in cmp.items:
        for n in it.numbers:
            assert (n.old is None or n.old.unit or n.old.kind != "number") and (n.new is None or n.new.unit or n.new.kind != "number")
