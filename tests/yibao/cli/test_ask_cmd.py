"""`yibao ask` through the real console script."""
import json
import os
import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "nhsa-texts"
YIBAO = str(Path(sys.executable).with_name("yibao"))


def run(tmp_path, *args):
    env = {**os.environ, "YIBAO_HOME": str(tmp_path)}
    env.pop("YIBAO_DATABASE_URL", None)
    return subprocess.run([YIBAO, "ask", *args], env=env, capture_output=True, text=True, timeout=300)   # the first --load encodes the texts (a minute or two on a busy machine)


def test_ask_json_cites_and_refuses(tmp_path):
    r = run(tmp_path, "--load", str(CORPUS), "--json", "--role", "收费员", "飞行检查会提前通知医院吗")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["citations"][0]["document"] == "医疗保障基金飞行检查管理暂行办法"
    assert data["citations"][0]["in_force"] is True
    r = run(tmp_path, "--json", "食堂每个月的餐补是多少钱")
    assert r.returncode == 0 and json.loads(r.stdout) == {"answer": "没有找到依据", "citations": []}


def test_bad_input_is_one_line_exit_2(tmp_path):
    r = run(tmp_path, "--role", "厨师", "跨省就医要先备案吗")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "unknown role" in r.stderr
    r = run(tmp_path, "   ")
    assert r.returncode == 2 and "empty" in r.stderr
    r = run(tmp_path, "--llm", "跨省就医要先备案吗")        # asked for the model, none configured: said, not ignored
    assert r.returncode == 2 and "--llm needs an endpoint" in r.stderr and "YIBAO_LLM_URL" in r.stderr


def test_loading_the_same_folder_twice_stores_nothing_new(tmp_path):
    r = run(tmp_path, "--load", str(CORPUS))
    assert r.returncode == 0 and "stored 12 new texts" in r.stderr, r.stderr
    r = run(tmp_path, "--load", str(CORPUS), "飞行检查会提前通知医院吗")
    assert r.returncode == 0, r.stderr
    assert "stored 0 new texts" in r.stderr and "12 already stored" in r.stderr and "飞行检查" in r.stdout


def test_loaded_texts_are_listed_by_sources_as_not_watched_and_raise_no_alarm(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    for suffix in (".txt", ".json"):
        (folder / f"one{suffix}").write_bytes((CORPUS / f"nhsa_fjjc_2023{suffix}").read_bytes())
    assert run(tmp_path, "--load", str(folder)).returncode == 0
    env = {**os.environ, "YIBAO_HOME": str(tmp_path)}
    env.pop("YIBAO_DATABASE_URL", None)
    r = subprocess.run([YIBAO, "sources"], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr       # was 1 for ever after a --load, without a word
    assert "local_texts" in r.stdout and "not watched" in r.stdout


def test_a_broken_label_file_is_named_exit_2(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "x.txt").write_text("第一条 医保基金", encoding="utf-8")
    (folder / "x.json").write_text("{bad", encoding="utf-8")
    r = run(tmp_path, "--load", str(folder), "医保基金")
    assert r.returncode == 2 and "x.json: not a valid JSON label file" in r.stderr and "Traceback" not in r.stderr
    (folder / "x.json").write_text('{"doc_number": "无标题"}', encoding="utf-8")
    r = run(tmp_path, "--load", str(folder))
    assert r.returncode == 0 and "left out x.json: no title" in r.stderr
    r = run(tmp_path, "--load", "/etc/passwd")
    assert r.returncode == 2 and "is not a folder" in r.stderr


def test_an_empty_store_says_why_nothing_is_found(tmp_path):
    r = run(tmp_path, "跨省就医要先备案吗")
    assert r.returncode == 0 and r.stdout.strip() == "没有找到依据"
    assert "no policy texts are stored yet" in r.stderr


def test_explain_shows_why_a_question_is_refused_or_answered(tmp_path):
    r = run(tmp_path, "--load", str(CORPUS), "--explain", "飞检一般要查几天")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "飞检" in out and "飞行检查" in out                 # the staff word and its policy equivalent
    assert "带单位的数字" in out                              # "几天" asks for a number of days
    assert "不含所问单位的数字" in out                         # … which the closest provisions lack
    assert "没有找到依据" in out.splitlines()[-1]
    r = run(tmp_path, "--explain", "--json", "飞行检查会提前通知医院吗")
    data = json.loads(r.stdout)
    assert data["supported"] is True and data["by_words"][0]["reasons"] == [] or \
        any(c["reasons"] == [] for c in data["by_words"] + data["by_meaning"])
