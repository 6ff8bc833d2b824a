"""Rewritten versions: list connectives, chapter headings, rewritten-and-moved clauses, reordered cut texts."""
from yibao.diff import compare_texts
from yibao.diff.tokens import wording_shadow

LONG = "参保人员购买药械时，乙方应当严格执行实名制规定，核验参保人员医保有效凭证，做到人证相符。"
FILLER = ["甲方按月拨付医保费用。", "乙方应建立进销存台账。", "乙方不得串换药品。", "双方定期核对账目。"]


def test_list_connectives_are_wording():
    assert wording_shadow("法律、法规、规章规定的其他义务") == wording_shadow("法律法规和规章规定的其他义务")
    assert wording_shadow("甲方及时拨付") != wording_shadow("甲方拨付")  # 及时 is a word, not a connective
    r = compare_texts("第一条 法律、法规、规章规定的其他义务。\n", "第一条 法律法规和规章规定的其他义务。\n")
    assert r.material_changes == [] and r.hidden_wording == 1


def test_chapter_heading_changes_are_not_material():
    old = "第一章 总则\n第一条 乙方不得串换药品。\n第二章 药械管理\n第二条 乙方应建立进销存台账。\n"
    new = "第一章 总则\n第一条 乙方不得串换药品。\n第二章 药械服务\n第二条 乙方应建立进销存台账。\n"
    r = compare_texts(old, new)
    assert r.material_changes == []


def test_rewritten_clause_moved_is_one_change():
    # bigram similarity ≈ 0.42: below the move threshold, above the rewrite threshold
    rewritten = "乙方及其工作人员应当执行实名购买药械管理规定，核验参保人员医疗保障凭证；委托他人代购的核验双方身份凭证。"
    old = "".join(f"第{n}条 {b}\n" for n, b in zip("一二三四五", [FILLER[0], FILLER[1], FILLER[2], FILLER[3], LONG]))
    new = "".join(f"第{n}条 {b}\n" for n, b in zip("一二三四五", [FILLER[0], rewritten, FILLER[1], FILLER[2], FILLER[3]]))
    kinds = [(c.kind, c.old_ref, c.new_ref) for c in compare_texts(old, new, truncated_tail=False).material_changes]
    assert kinds == [("moved", "第五条", "第二条")]


def test_unrelated_list_items_are_not_paired_across_lists():
    old = "第一条 甲方享有以下权利：\n（一）要求乙方提供接口标准；\n第二条 乙方履行以下义务：\n（一）乙方不得串换药品；\n"
    new = "第一条 甲方享有以下权利：\n（一）掌握乙方基金使用情况；\n第二条 乙方履行以下义务：\n（一）乙方不得串换药品；\n" \
          "（二）乙方须按要求使用甲方提供的接口标准；\n"
    r = compare_texts(old, new, truncated_tail=False)
    assert not any(c.old_ref == "第一条（一）" and c.new_ref == "第二条（二）" for c in r.changes)


def test_reordered_cut_texts_report_the_shorter_tail():
    # old runs on far past the last in-order pair; new's tail after it lies within old's coverage
    old_tail = "".join(f"第{n}条 {'监督考核条款内容' * 12}{n}。\n" for n in "四五六七八九")
    old = f"第一条 {FILLER[0]}\n第二条 {FILLER[1]}\n第三条 {FILLER[2]}\n{old_tail}第十条 信息系统"
    new = f"第一条 {FILLER[0]}\n第二条 {FILLER[1]}\n第三条 {FILLER[2]}\n第四条 乙方应提供一个基本存款账户，用于办理医保基金收付。\n"
    r = compare_texts(old, new, truncated_tail=True)
    assert [(c.kind, c.new_ref) for c in r.material_changes] == [("added", "第四条")]
