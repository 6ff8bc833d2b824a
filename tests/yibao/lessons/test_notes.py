from yibao.lessons.notes import apply, parse_notes

CH = [{"ref": "第二条", "text": "起付线调整"}, {"ref": "第三条（一）", "text": "支付比例"}, {"ref": "第五条", "text": "备案手续"}]


def test_keep_only():
    d = parse_notes("只保留第三条、第五条。")
    assert [c["ref"] for c in apply(CH, d)] == ["第三条（一）", "第五条"]


def test_drop_and_emphasis():
    d = parse_notes("删除第二条；强调备案")
    out = apply(CH, d)
    assert [c["ref"] for c in out] == ["第五条", "第三条（一）"]
    assert d.emphasis == ["备案"]


def test_empty_notes_change_nothing():
    assert apply(CH, parse_notes(None)) == CH


def test_an_emphasis_and_a_quoted_removal_in_one_sentence():
    # the trainer's whole sentence used to become the emphasis, printed as lesson text ("培训重点：…删掉…")
    d = parse_notes("请突出备案手续，删掉“起付线调整”这句")
    assert d.emphasis == ["备案手续"] and d.drop_text == ["起付线调整"]
    assert [c["ref"] for c in apply(CH, d)] == ["第五条", "第三条（一）"]
