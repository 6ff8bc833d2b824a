"""施行 / 有效期 / 废止 clauses and the metadata that depends on them."""
from yibao.extract import extract_metadata, find_effective, find_repeals


def test_effective_printed_and_relative():
    assert find_effective("本规定自二〇二五年三月一日起施行。").date.isoformat() == "2025-03-01"
    eff = find_effective("本通知自\n2026年8月1日起施行，有效期5年。")
    assert eff.date.isoformat() == "2026-08-01" and eff.basis is None
    rel = find_effective("本通知自印发之日起施行。")
    assert rel.date is None and rel.basis == "印发之日"
    assert find_effective("新版药品目录自2026年1月1日起正式执行。").date.isoformat() == "2026-01-01"
    assert find_effective("本次集采结果于2026年8月25日生效执行。").date.isoformat() == "2026-08-25"


def test_own_effective_clause_wins_over_others():
    text = "一、目录自2025年1月1日起执行。\n……\n本通知自2025年3月1日起施行。"
    assert find_effective(text).date.isoformat() == "2025-03-01"


def test_relative_effective_resolved_to_written_date_and_said_so():
    text = ("国家医疗保障局关于做好某项工作的通知\n医保发〔2025〕3号\n各省医保局：\n"
            "本通知自印发之日起施行，有效期3年。\n国家医疗保障局\n2025年1月15日\n")
    meta = extract_metadata(text)
    assert meta.effective_date == "2025-01-15" and meta.effective_basis == "印发之日"
    assert meta.expiry_years == 3 and meta.expiry == "2028-01-14"
    assert any("印发之日" in w for w in meta.warnings)


def test_relative_to_publication_uses_page_publish_date():
    meta = extract_metadata("本公告自发布之日起施行。\n国家医疗保障局\n2025年12月5日",
                            hints={"publish_date": "2025-12-07"})
    assert meta.publish_date == "2025-12-07" and meta.effective_date == "2025-12-07"
    assert meta.effective_basis == "发布之日"


def test_expiry_until_date_and_other_validities_ignored():
    meta = extract_metadata("本办法自2025年1月1日起施行，有效期至2027年12月31日。")
    assert meta.expiry == "2027-12-31" and meta.expiry_years is None
    assert extract_metadata("在支付标准有效期内，挂网价格不高于支付标准。").expiry is None


def test_repeals_two_documents_and_bare_number():
    found = find_repeals("原《A管理办法》（医保发〔2020〕3号）和《B规定》（医保发〔2021〕8号）同时废止。")
    assert [(r["title"], r["doc_number"]) for r in found] == [("A管理办法", "医保发〔2020〕3号"),
                                                              ("B规定", "医保发〔2021〕8号")]
    assert [r["doc_number"] for r in find_repeals("原医保发〔2019〕5号文件同时废止。")] == ["医保发〔2019〕5号"]
    assert [r["doc_number"] for r in find_repeals("《C办法》（医保办发〔2018〕2号）停止执行。")] == ["医保办发〔2018〕2号"]


def test_conflict_rule_is_not_a_repeal():
    assert find_repeals("此前有关规定与本通知不一致的，以本通知为准。") == []
    assert find_repeals("《某办法》与本通知不一致的，不再执行。") == []


def test_two_numbers_and_misprinted_number_in_head():
    text = "黑市医保发〔2025〕50号 / 黑医保规〔2025〕12号\n黑河市医疗保障局关于某事的通知\n各县医保局：\n正文。"
    meta = extract_metadata(text)
    assert meta.doc_numbers == ["黑市医保发〔2025〕50号", "黑医保规〔2025〕12号"]
    meta2 = extract_metadata("医保函［２０２４］第０５号\n国家医疗保障局关于某事的复函\n某省医保局：\n正文。")
    assert meta2.doc_number == "医保函〔2024〕5号" and meta2.doc_number_well_formed is False
    assert any("GB/T 9704" in w for w in meta2.warnings)


def test_written_date_before_banji_not_printed_date():
    text = ("青海省医疗保障局关于某事的通知\n各市医保局：\n正文。\n青海省医疗保障局\n二〇二五年七月二十四日\n"
            "抄送：省医保中心。\n青海省医疗保障局办公室 2025年7月26日印发")
    meta = extract_metadata(text)
    assert meta.written_date == "2025-07-24" and meta.printed_date == "2025-07-26"
    assert meta.issuer == "青海省医疗保障局"


def test_page_hints_fill_gaps_and_are_cross_checked():
    meta = extract_metadata("各相关单位：\n正文。", hints={"title": "关于某事的通知", "doc_number": "沪药事药械[2026]4号",
                                                        "publish_date": "2026-08-13 13:55:59"})
    assert meta.title == "关于某事的通知" and meta.doc_number == "沪药事药械〔2026〕4号"
    assert meta.publish_date == "2026-08-13"
    meta2 = extract_metadata("医保发〔2025〕1号\n国家医疗保障局关于某事的通知\n各省：\n正文。",
                             hints={"doc_number": "医保发〔2025〕2号"})
    assert meta2.doc_number == "医保发〔2025〕1号" and any("differs" in w for w in meta2.warnings)
