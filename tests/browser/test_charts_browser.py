"""效果评估 in a real `airflow standalone` with the plugin, in headless Chromium: the control
room's SVG charts show the right numbers for a known set of deliveries and answers
(yibao.review.sample_effect), and the 返工 flag shows in the review queue and on the lesson page."""
import datetime as dt
import os
from pathlib import Path

import pytest

from yibao.review import testenv

testenv.configure()
from yibao.review.sample_effect import DOC_NUMBERS, EXPECTED, subscriptions_yaml  # noqa: E402
from yibao.web.standalone import AirflowStandalone  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
USER, PASSWORD = "trainer1", "trainer1-pw"
pytestmark = [pytest.mark.slow, pytest.mark.airflow, pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"system Chromium not found at {CHROMIUM}")]
# every labelled bar/point of the charts, as Chromium has it in the DOM
READ_CHARTS = """() => Object.fromEntries([...document.querySelectorAll('svg.chart')].map(svg => [svg.id,
    [...svg.querySelectorAll('g.bar, g.point')].map(g => ({category: g.dataset.category, series: g.dataset.series,
      value: g.dataset.value, label: (g.querySelector('text.value') || {}).textContent || null,
      width: (g.querySelector('rect') || {getBBox: () => ({width: null})}).getBBox().width}))]))"""


@pytest.fixture(scope="module")
def effect_stack(tmp_path_factory):
    from yibao.review.queue import today_local
    from yibao.review.sample_effect import seed_effect
    from yibao.store.db import open_session

    work = tmp_path_factory.mktemp("effect")
    subscriptions = work / "subscriptions.yaml"
    subscriptions.write_text(subscriptions_yaml(), encoding="utf-8")
    env = {"YIBAO_HOME": str(work / "yibao"), "YIBAO_SUBSCRIPTIONS_FILE": str(subscriptions)}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with open_session() as s:
            lessons = seed_effect(s, today_local())
        with AirflowStandalone(work, {USER: PASSWORD}, extra_env=env, startup_timeout=300) as af:   # busy machine
            yield af, lessons
    finally:
        for k, v in old.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


@pytest.fixture(scope="module")
def page(effect_stack):
    from playwright.sync_api import sync_playwright

    af, _ = effect_stack
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.set_default_timeout(60_000)
        af.ui_login(page, USER)
        yield page
        browser.close()


def _labels(chart: list[dict], series: str) -> dict[str, str]:
    return {bar["category"]: bar["label"] for bar in chart if bar["series"] == series}


def test_control_room_charts_show_the_right_numbers(effect_stack, page):
    af, lessons = effect_stack
    page.goto(f"{af.base_url}/yibao/control/")
    page.wait_for_selector("svg#chart-department g.bar")
    charts = page.evaluate(READ_CHARTS)
    assert set(charts) == {"chart-department", "chart-role", "chart-ontime", "chart-trend", "chart-rework"}

    for name, chart_id in (("department", "chart-department"), ("role", "chart-role")):
        completion, passed = _labels(charts[chart_id], "完成率"), _labels(charts[chart_id], "首次测验通过率")
        for category, (want_completion, want_pass) in EXPECTED[name].items():
            assert (completion[category], passed[category]) == (want_completion, want_pass), category
    ontime = _labels(charts["chart-ontime"], "按时率")
    assert {k: ontime[DOC_NUMBERS[k]] for k in EXPECTED["ontime"]} == EXPECTED["ontime"]
    before, after = _labels(charts["chart-rework"], "返工前"), _labels(charts["chart-rework"], "返工后")
    for key, (want_before, want_after) in EXPECTED["rework"].items():
        [category] = [c for c in before if c.startswith(f"#{lessons[key][0]} ")]
        assert (before[category], after[category]) == (want_before, want_after)
    # Chromium laid the bars out: a 100 % bar is four times a 25 % bar
    dept = {(b["category"], b["series"]): b["width"] for b in charts["chart-department"]}
    assert dept[("护理部", "完成率")] == pytest.approx(4 * dept[("骨科", "首次测验通过率")], rel=0.02)
    months = [p["category"] for p in charts["chart-trend"] if p["series"] == "完成率"]
    assert len(months) >= 2 and months == sorted(months)
    assert "“2年” 4人" in page.inner_text("#reworks")      # C's weakest question with its most-chosen wrong answer

    api = af.api(USER)
    figures = api.get("/yibao/api/control").json()["effect"]
    assert {r["name"]: r["quiz_passed"] for r in figures["by_department"]}["骨科"] == 4


def test_rework_flag_in_queue_and_lesson_page(effect_stack, page):
    af, lessons = effect_stack
    flagged = lessons["C"][0]
    page.goto(f"{af.base_url}/yibao/review/")
    row = page.locator(f"tr[data-lesson='{flagged}']")
    row.wait_for()
    assert "返工" in row.inner_text() and "首次测验通过率 30%（3/10）" in row.inner_text()
    assert page.locator(f"tr[data-lesson='{lessons['B'][0]}']").count() == 0    # re-approved: out of the queue
    page.goto(f"{af.base_url}/yibao/review/lessons/{flagged}")
    text = page.inner_text("#rework")
    assert "首次测验通过率 30%（3/10），低于 60%" in text and "“2年” 4人" in text
    assert "10 人首次作答 · 通过 3 人（30%）" in page.inner_text("#quiz-stats")
