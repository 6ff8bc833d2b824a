"""`yibao extract` end to end: files, a real local HTTP server, exit codes."""
import http.server
import json
import threading
from argparse import Namespace

import pytest

from yibao.cli.extract_cmd import main, run

NOTICE = ("医保发〔2025〕12号\n国家医疗保障局关于印发《医疗保障基金管理办法》的通知\n各省医保局：\n"
          "一、总体要求\n本通知自印发之日起施行。\n附件：1．医疗保障基金管理办法\n国家医疗保障局\n2025年1月15日\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory, corpus_dir):
    root = tmp_path_factory.mktemp("site")
    (root / "sc.html").write_bytes((corpus_dir / "SC/DOC-SC-MEDICAL-TRANSFER-2026/original.html").read_bytes())
    (root / "notice.txt").write_text(NOTICE, "utf-8")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(root), **kw)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_text_file_json(tmp_path, capsys):
    f = tmp_path / "notice.txt"
    f.write_text(NOTICE, "utf-8")
    assert main([str(f), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["doc_number"] == "医保发〔2025〕12号"
    assert out["effective_date"] == "2025-01-15" and out["effective_basis"] == "印发之日"
    assert out["attachments"] == ["医疗保障基金管理办法"]


def test_gbk_text_file(tmp_path, capsys):
    f = tmp_path / "notice_gbk.txt"
    f.write_bytes(NOTICE.encode("gbk"))
    assert main([str(f), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["written_date"] == "2025-01-15"


def test_url_page(server, capsys):
    assert main([f"{server}/sc.html", "--json", "--text"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["doc_number"] == "川医保规〔2026〕3号" and "医用耗材目录" in out["text"]


def test_missing_file_exit_2(tmp_path, capsys):
    assert run(Namespace(target=str(tmp_path / "nope.pdf"), json=True, text=False)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("yibao extract: error: no such file") and "\n" not in err


def test_unsupported_type_exit_2(tmp_path, capsys):
    f = tmp_path / "scan.png"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert main([str(f)]) == 2
    assert "unsupported file type .png" in capsys.readouterr().err


def test_fetch_failure_exit_2(server, capsys):
    assert main([f"{server}/missing.html"]) == 2
    assert "fetch failed" in capsys.readouterr().err


def test_garbled_pdf_exit_1(tmp_path, capsys):
    pdfgen = pytest.importorskip("yibao.testing.pdfgen")
    try:
        src = pdfgen.make_policy_pdf(tmp_path / "ok.pdf", NOTICE.splitlines())
    except pdfgen.CJKFontMissing as exc:
        pytest.skip(str(exc))
    assert main([str(src), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["doc_number"] == "医保发〔2025〕12号"
    broken = pdfgen.make_broken_tounicode_pdf(src, tmp_path / "broken.pdf")
    assert main([str(broken), "--json"]) == 1
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["extraction"]["status"] == "garbled" and out["doc_number"] is None
    assert "garbled" in captured.err
