"""`yibao draft` on files and on the store."""
import datetime as dt
import json

import pytest

from yibao.cli.draft_cmd import main
from yibao.lessons.export import parse_gift


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_files_revision_markdown(corpus_dir, capsys):
    d = corpus_dir / "qinghai-texts"
    code, out, err = _run(capsys, "--old", str(d / "qh_fanli_2024.txt"), "--new", str(d / "qh_fanli_2025.txt"),
                          "--role", "药剂科", "--title", "青海省药品目录（2025年）凡例", "--publish-date", "2024-12-20")
    assert code == 0, err
    assert "1335种" in out and "1398种" in out and "一、（一）" in out and "2024年12月31日" in out


@pytest.mark.parametrize("fmt", ["html", "im", "text", "xml", "pack", "json"])
def test_files_new_document_all_formats(corpus_dir, capsys, fmt):
    code, out, err = _run(capsys, "--new", str(corpus_dir / "qinghai-texts" / "qh_shengyu_2025.txt"),
                          "--role", "cashier", "--title", "关于优化调整生育医疗保障待遇有关政策的通知",
                          "--publish-date", "2025-07-24", "--format", fmt)
    assert code == 0, err
    assert "520" in out
    if fmt == "json":
        assert json.loads(out)[0]["role"] == "cashier"


def test_gift_output_parses(corpus_dir, capsys):
    code, out, _ = _run(capsys, "--new", str(corpus_dir / "qinghai-texts" / "qh_shengyu_2025.txt"),
                        "--role", "cashier", "--role", "insured", "--format", "gift", "--publish-date", "2025-07-24")
    assert code == 0
    items = parse_gift(out)
    assert len(items) >= 6 and any(i["answer"] == "520元" for i in items)


def test_bad_input_exits_2_with_clear_message(corpus_dir, capsys, tmp_path):
    new = str(corpus_dir / "qinghai-texts" / "qh_shengyu_2025.txt")
    code, _, err = _run(capsys, "--new", new, "--role", "保安")
    assert code == 2 and "unknown role" in err and "yibaoban（医保办）" in err
    code, _, err = _run(capsys, "--new", str(tmp_path / "missing.txt"))
    assert code == 2 and "no such file" in err
    code, _, err = _run(capsys, "--new", str(tmp_path))
    assert code == 2 and "is a folder" in err
    code, _, err = _run(capsys, "--new", "/dev/null")
    assert code == 2 and "not a regular file" in err
    (tmp_path / "blank.txt").write_text("  \n\t\n", encoding="utf-8")
    code, _, err = _run(capsys, "--new", str(tmp_path / "blank.txt"))    # was a lesson 《blank》, exit 0
    assert code == 2 and "blank space" in err
    code, _, err = _run(capsys, "--role", "doctor")
    assert code == 2 and "--doc" in err
    code, _, err = _run(capsys, "--new", new, "--publish-date", "24/07/2025")
    assert code == 2 and "YYYY-MM-DD" in err


def test_store_document_latest_change(corpus_dir, capsys):
    store = pytest.importorskip("yibao.store")
    from yibao.diff import compare_texts

    d = corpus_dir / "qinghai-texts"
    old, new = (d / "qh_yyxy_2025.txt").read_text("utf-8"), (d / "qh_yyxy_2025r.txt").read_text("utf-8")
    with store.open_session() as s:
        if s.get(store.Source, "qh-test") is None:
            s.add(store.Source(id="qh-test", name="青海省医疗保障局", family="test", base_url="https://example.gov.cn"))
        doc = store.Document(source_id="qh-test", identity_key="url:https://example.gov.cn/yyxy-cli-test",
                             title="青海省医疗保障定点医疗机构服务协议（2025修订版）", norm_title="定点医疗机构服务协议",
                             url="https://example.gov.cn/yyxy", publish_date=dt.date(2025, 6, 3))
        s.add(doc)
        s.flush()
        v1 = store.Version(document_id=doc.id, seq=1, content_hash="a", raw_sha256="a", url=doc.url, title=doc.title, text=old)
        v2 = store.Version(document_id=doc.id, seq=2, content_hash="b", raw_sha256="b", url=doc.url, title=doc.title, text=new)
        s.add_all([v1, v2])
        s.flush()
        s.add(store.Change(document_id=doc.id, old_version_id=v1.id, new_version_id=v2.id, kind="revised",
                           diff=compare_texts(old, new, truncated_tail=True).to_dict()))
        doc_id = doc.id
    code, out, err = _run(capsys, "--doc", str(doc_id), "--role", "yibaoban")
    assert code == 0, err
    assert "第七条（十四）" in out and "三结算" in out
    code, _, err = _run(capsys, "--doc", "999999", "--role", "yibaoban")
    assert code == 2 and "999999" in err


def test_the_same_role_by_name_and_by_id_is_drafted_once(corpus_dir, capsys):
    code, out, err = _run(capsys, "--new", str(corpus_dir / "qinghai-texts" / "qh_shengyu_2025.txt"),
                          "--role", "收费员", "--role", "cashier", "--role", "cashier",
                          "--publish-date", "2025-07-24", "--format", "json")
    assert code == 0, err
    assert [d["role"] for d in json.loads(out)] == ["cashier"]


def test_a_file_s_lessons_carry_the_printed_title_not_the_file_name(corpus_dir, capsys):
    code, out, err = _run(capsys, "--new", str(corpus_dir / "qinghai-texts" / "qh_shengyu_2025.txt"),
                          "--role", "cashier", "--publish-date", "2025-07-24", "--format", "json")
    assert code == 0, err
    title = json.loads(out)[0]["source"]["title"]
    assert "qh_shengyu_2025" not in title and "生育医疗保障待遇" in title


def test_identical_old_and_new_say_so(corpus_dir, capsys):
    f = str(corpus_dir / "qinghai-texts" / "qh_shengyu_2025.txt")
    code, out, err = _run(capsys, "--old", f, "--new", f, "--publish-date", "2025-07-24")
    assert code == 2 and "identical" in err and "no role is concerned" not in err


@pytest.mark.parametrize("extra", [["-o", "/proc/x.md"], ["-o", "DIR"], ["--publish-date", "9999-12-31"]])
def test_unwritable_output_and_far_dates_are_one_line_errors(corpus_dir, capsys, tmp_path, extra):
    extra = [str(tmp_path) if x == "DIR" else x for x in extra]
    code, out, err = _run(capsys, "--new", str(corpus_dir / "qinghai-texts" / "qh_shengyu_2025.txt"),
                          "--role", "cashier", *extra)
    assert code == 2 and err.startswith("yibao draft: error:") and len(err.strip().splitlines()) == 1


def test_a_role_the_text_does_not_bind_and_a_title_it_does_not_print_are_said(corpus_dir, capsys):
    code, out, err = _run(capsys, "--new", str(corpus_dir / "qinghai-texts" / "qh_rjss_2024.txt"),
                          "--role", "护士", "--title", "日间手术的通知")
    assert code == 0, err
    assert "binds no duty of 护士" in err
    assert "the text prints its title as 《青海省医疗保障局关于调整日间手术医保支付政策的通知》" in err


def test_the_doc_number_the_text_prints_is_cited(corpus_dir, capsys):
    code, out, err = _run(capsys, "--new", str(corpus_dir / "qinghai-texts" / "qh_shengyu_2025.txt"),
                          "--role", "收费员")
    assert code == 0, err
    assert "青医保局发〔2025〕27号" in out and "note" not in err


def test_a_last_section_of_only_closing_lines_and_an_attachment_list_is_not_taught(corpus_dir, capsys):
    code, out, err = _run(capsys, "--new", str(corpus_dir / "qinghai-texts" / "qh_nrdl_2024.txt"),
                          "--role", "医保办", "--format", "json")
    assert code == 0, err
    (lesson,) = json.loads(out)
    quoted = [c["text"] for c in lesson["changes"]]
    assert "（2024年）" not in quoted and not any("遇有重大问题" in q or "同时废止" in q for q in quoted)


def test_a_payment_rule_is_the_window_s_to_settle_and_the_doctor_s_to_know(corpus_dir, capsys):
    text = str(corpus_dir / "qinghai-texts" / "qh_rjss_2024.txt")
    _, doctor, _ = _run(capsys, "--new", text, "--role", "临床医生")
    _, cashier, _ = _run(capsys, "--new", text, "--role", "收费员")
    assert "按此结算" not in doctor and "医保这样支付（二（一））" in doctor
    assert "按此结算（二（一））" in cashier


def test_a_revised_text_without_its_predecessor_is_pointed_out(corpus_dir, capsys):
    d = corpus_dir / "qinghai-texts"
    code, _, err = _run(capsys, "--new", str(d / "qh_yyxy_2025r.txt"), "--role", "收费员")
    assert code == 0 and "give --old FILE" in err
    code, _, err = _run(capsys, "--old", str(d / "qh_yyxy_2025.txt"), "--new", str(d / "qh_yyxy_2025r.txt"),
                        "--role", "收费员")
    assert code == 0 and "give --old FILE" not in err
