"""`yibao extract FILE --provisions [--json]`: what the document model made of a text, through the CLI."""
import json
import subprocess
import sys

from yibao.cli import main


def test_outline_of_a_real_regulation(corpus_dir, capsys):
    assert main(["extract", str(corpus_dir / "nhsa-texts" / "nhsa_fjjc_2023.txt"), "--provisions"]) == 0
    out = capsys.readouterr().out
    assert "[promulgation]" in out and "[signature] lines 4-4: 局长：胡静林" in out
    assert "  第一条 [" in out
    assert "doc_number: 国家医疗保障局令第6号" in out


def test_json_carries_zones_and_annotated_provisions(corpus_dir, capsys):
    assert main(["extract", str(corpus_dir / "nhsa-texts" / "nhsa_jsjs_2025.txt"), "--provisions", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)["document"]
    assert doc["doc_numbers"] == ["医保办函〔2025〕82号"] and doc["signed_date"] == "2025-10-14"
    first_item = doc["provisions"][0]["children"][0]
    assert first_item["facts"][0]["text"] == "2025年底前" and first_item["modality"] == "obligation"
    assert {"id", "ref", "sentences", "subjects", "actors", "topic", "is_purpose"} <= set(first_item)


def test_as_a_subprocess_and_a_clear_error(tmp_path):
    missing = tmp_path / "none.txt"
    done = subprocess.run([sys.executable, "-m", "yibao", "extract", str(missing), "--provisions"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "error" in done.stderr
