"""发文字号 and date parsing on the shapes seen in real documents (domain.md §1.3)."""
import datetime as dt

import pytest

from yibao.extract import find_doc_numbers, parse_cn_date


@pytest.mark.parametrize("text, canonical, well_formed", [
    ("（医保发〔2021〕48号）", "医保发〔2021〕48号", True),
    ("按照医保发〔2021〕48号文件要求", "医保发〔2021〕48号", True),
    ("根据国务院办公厅印发的国办发〔2021〕2号文件", "国办发〔2021〕2号", True),
    ("医保发[2024]12号", "医保发〔2024〕12号", False),
    ("医保发（2024）12号", "医保发〔2024〕12号", False),
    ("医保发(2024)12号", "医保发〔2024〕12号", False),
    ("医保发【2024】12号", "医保发〔2024〕12号", False),
    ("医保发［2024］12号", "医保发〔2024〕12号", False),
    ("医保函［２０２４］第０５号", "医保函〔2024〕5号", False),
    ("青医保局发〔2023〕第05号", "青医保局发〔2023〕5号", False),
    ("国务院令第735号", "国务院令第735号", True),
    ("《飞行检查管理暂行办法》（国家医疗保障局令第6号）", "国家医疗保障局令第6号", True),
    ("中发〔\n2020〕5号", "中发〔2020〕5号", True),                # Word-pasted HTML line break
    ("川医保\n规\n〔\n20\n2\n6\n〕\n3\n号", "川医保规〔2026〕3号", True),
])
def test_doc_number_forms(text, canonical, well_formed):
    nums = find_doc_numbers(text)
    assert [n.canonical for n in nums] == [canonical]
    assert nums[0].well_formed is well_formed


def test_two_numbers_on_one_document():
    nums = find_doc_numbers("黑市医保发〔2025〕50号 / 黑医保规〔2025〕12号")
    assert [(n.agency, n.year, n.seq) for n in nums] == [("黑市医保发", 2025, 50), ("黑医保规", 2025, 12)]


@pytest.mark.parametrize("text", ["全国医保电子凭证", "索引号：y41332000/2026-00007", "索引号 2026-02-00018",
                                  "国医保电子凭证应用"])
def test_no_false_positives(text):
    assert find_doc_numbers(text) == []


@pytest.mark.parametrize("text, expected", [
    ("2025年1月15日", dt.date(2025, 1, 15)),
    ("二〇二五年十二月五日", dt.date(2025, 12, 5)),
    ("二○二四年十一月二十八日", dt.date(2024, 11, 28)),      # U+25CB
    ("二ＯＯ九年三月三十一日", dt.date(2009, 3, 31)),        # full-width O
    ("二OO九年三月一日", dt.date(2009, 3, 1)),               # Latin O
    ("二零二五年一月十日", dt.date(2025, 1, 10)),
    ("２０２５年１月１５日", dt.date(2025, 1, 15)),
    ("成文日期：2025年12月05日", dt.date(2025, 12, 5)),
    ("发布日期：2026-08-13 13:55:59", dt.date(2026, 8, 13)),
    ("2026-08-14 08:30", dt.date(2026, 8, 14)),
    ("20 2 6 年 5 月 22 日", dt.date(2026, 5, 22)),
])
def test_parse_cn_date(text, expected):
    assert parse_cn_date(text) == expected


@pytest.mark.parametrize("text", ["2026-02-00018", "y41332000/2026-00007", "2025年2月30日", "2.0版", "3.42元",
                                  "本通知自2025年1月1日起施行", "", None])
def test_parse_cn_date_rejects(text):
    assert parse_cn_date(text) is None
