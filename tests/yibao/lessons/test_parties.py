"""An agreement's 甲方/乙方 named as the reader knows them, in the lesson's own lines only."""
from yibao.lessons.parties import in_own_words, party_names

AGREEMENT = "甲方（医疗保障经办机构）：\n乙方（医疗保障定点医疗机构）：\n第一条 乙方应当核验参保人员身份。"


def test_parties_of_a_hospital_agreement():
    assert party_names(AGREEMENT) == {"甲方": "医保经办机构", "乙方": "本院"}
    assert party_names(AGREEMENT, plain=True)["乙方"] == "医院"
    # an agreement with a 药店: the hospital is no party, nothing is renamed
    assert party_names("甲方（医疗保障经办机构）：\n乙方（医疗保障定点零售药店）：") == {}
    assert party_names("第一条 定点医疗机构应当核验身份。") == {}


def test_only_the_line_s_text_is_rewritten():
    names = party_names(AGREEMENT)
    assert in_own_words("照此办理（第一条）：乙方应当配合甲方核查。", names) == "照此办理（第一条）：本院应当配合医保经办机构核查。"
    assert in_own_words("乙方不得串换药品。", {}) == "乙方不得串换药品。"


def test_agreement_lessons_name_the_hospital_in_to_dos_and_keep_the_text_as_printed(tmp_path):
    import json
    from yibao.cli import draft_cmd
    src = tmp_path / "xieyi.txt"
    src.write_text("某省定点医疗机构服务协议\n甲方（医疗保障经办机构）：\n乙方（医疗保障定点医疗机构）：\n"
                   "第一条 乙方应当核验参保人员有效身份凭证，做到人证相符。\n"
                   "第二条 乙方不得重复收费、分解项目收费。\n"
                   "第三条 乙方违反本协议第二条的，甲方可以追回违规费用。\n", encoding="utf-8")
    out = tmp_path / "d.json"
    assert draft_cmd.main(["--new", str(src), "--title", "某省定点医疗机构服务协议", "--role", "cashier",
                           "--format", "json", "-o", str(out)]) == 0
    d = json.loads(out.read_text(encoding="utf-8"))[0]
    todo = [a for a in d["actions"] if "（第" in a]
    assert todo and not any("乙方" in a for a in todo) and any("本院" in a for a in todo)
    assert any("乙方" in c["text"] for c in d["changes"])   # the 条文 as printed
