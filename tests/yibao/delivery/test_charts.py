"""The SVG chart module: labelled values in the markup, empty charts, escaped text."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from yibao.delivery.charts import Series, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def bars(svg: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(category, series) → (data-value, shown label) from a chart's markup."""
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") in ("bar", "point"):
            text = g.find(f"{SVG}text")
            out[(g.get("data-category"), g.get("data-series"))] = (g.get("data-value"),
                                                                  text.text if text is not None else None)
    return out


def test_bar_chart_labels_every_value():
    svg = bar_chart("c1", "各科室", ["心内科", "骨科"], [Series("完成率", [1.0, 0.25], ["3/3", "1/4"]),
                                                       Series("通过率", [None, 0.5])])
    assert bars(svg) == {("心内科", "完成率"): ("1.0000", "100% (3/3)"), ("骨科", "完成率"): ("0.2500", "25% (1/4)"),
                         ("心内科", "通过率"): ("", "—"), ("骨科", "通过率"): ("0.5000", "50%")}
    root = ET.fromstring(svg)
    assert root.get("id") == "c1" and root.find(f"{SVG}title").text == "各科室"
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("height") != "10"]
    assert widths[1] == 0 and widths[0] == 4 * widths[2] == 2 * widths[3] > 0   # 100 %, none, 25 %, 50 %


def test_line_chart_points_and_gaps():
    svg = line_chart("t", "月度趋势", ["2025-11", "2025-12"], [Series("完成率", [None, 0.8])])
    assert bars(svg) == {("2025-11", "完成率"): ("", None), ("2025-12", "完成率"): ("0.8000", "80%")}
    assert "<polyline" not in svg            # one point: no line to draw


def test_empty_chart_says_so():
    svg = bar_chart("r", "返工课程", [], [Series("返工前", [])], empty="没有返工的课程")
    assert "没有返工的课程" in svg
    ET.fromstring(svg)


def test_all_text_is_escaped():
    evil = '<script>alert("x")</script>&'
    svg = bar_chart("e", evil, [evil], [Series(evil, [0.5], [evil])])
    assert "<script>" not in svg
    root = ET.fromstring(svg)                 # still well-formed XML
    assert root.find(f"{SVG}title").text == evil
    assert bars(svg)[(evil, evil)] == ("0.5000", f"50% ({evil})")
