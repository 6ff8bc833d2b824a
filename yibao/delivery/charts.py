"""Small server-side SVG charts: grouped horizontal bars and a line chart, no JS, no CDN.

Every number a chart shows is also in the markup for machines and screen readers: each bar or
point carries `data-category`, `data-series` and `data-value` (a 0–1 rate, or "" when there is
no figure), a <title> tooltip, and its label as text. All text is escaped.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

PALETTE = ("#1664ff", "#14a37f", "#f5a623", "#c62828", "#7b61ff")
FONT = "'WenQuanYi Zen Hei','PingFang SC','Microsoft YaHei',sans-serif"
WIDTH = 720


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]          # rates 0–1, one per category; None = no figure yet
    notes: list[str] | None = None      # optional per-value note, e.g. "12/20"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _data(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _open(chart_id: str, title: str, height: int) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{_e(chart_id)}" role="img" '
            f'viewBox="0 0 {WIDTH} {height}" width="100%" style="max-width:{WIDTH}px" '
            f'font-family="{_e(FONT)}" font-size="12" aria-label="{_e(title)}">',
            f"<title>{_e(title)}</title>",
            f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#1f2329">{_e(title)}</text>']


def _legend(series: list[Series], y: int) -> list[str]:
    out, x = [], 0
    for i, s in enumerate(series):
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>'
                   f'<text x="{x + 14}" y="{y}" fill="#1f2329" class="legend">{_e(s.name)}</text>')
        x += 24 + 13 * len(s.name)
    return out


def _clip(label: str, limit: int = 16) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def bar_chart(chart_id: str, title: str, categories: list[str], series: list[Series], *,
              empty: str = "暂无数据") -> str:
    """Grouped horizontal bars, one group per category, rates on a 0–100 % axis."""
    label_w, right_pad, bar_h, gap = 190, 90, 14, 10
    group_h = bar_h * len(series) + gap
    top = 48
    height = top + max(len(categories), 1) * group_h + 28
    plot_w = WIDTH - label_w - right_pad
    out = _open(chart_id, title, height) + _legend(series, 36)
    if not categories:
        out.append(f'<text x="0" y="{top + 16}" fill="#646a73" class="empty">{_e(empty)}</text></svg>')
        return "".join(out)
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = label_w + plot_w * tick
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 24}" stroke="#dee0e3"/>'
                   f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" fill="#646a73">{tick:.0%}</text>')
    for c, category in enumerate(categories):
        y0 = top + c * group_h
        out.append(f'<text x="{label_w - 8}" y="{y0 + bar_h * len(series) / 2 + 4:.1f}" text-anchor="end" '
                   f'fill="#1f2329" class="category"><title>{_e(category)}</title>{_e(_clip(category))}</text>')
        for s_i, s in enumerate(series):
            value = s.values[c] if c < len(s.values) else None
            note = (s.notes[c] if s.notes and c < len(s.notes) else "") or ""
            y = y0 + s_i * bar_h
            w = plot_w * max(0.0, min(1.0, value or 0.0))
            label = _pct(value) + (f" ({note})" if note else "")
            out.append(f'<g class="bar" data-category="{_e(category)}" data-series="{_e(s.name)}" '
                       f'data-value="{_data(value)}"><title>{_e(category)} · {_e(s.name)}：{_e(label)}</title>'
                       f'<rect x="{label_w}" y="{y + 1}" width="{w:.1f}" height="{bar_h - 2}" '
                       f'fill="{PALETTE[s_i % len(PALETTE)]}"/>'
                       f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" fill="#1f2329" class="value">'
                       f'{_e(label)}</text></g>')
    out.append("</svg>")
    return "".join(out)


def line_chart(chart_id: str, title: str, labels: list[str], series: list[Series], *,
               empty: str = "暂无数据") -> str:
    """Rates over time (e.g. months): one line per series, a labelled dot per figure."""
    left, right, top, bottom = 44, 40, 76, 36     # room above 100 % for stacked value labels
    height = 288
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    out = _open(chart_id, title, height) + _legend(series, 36)
    if not labels:
        out.append(f'<text x="0" y="{top + 16}" fill="#646a73" class="empty">{_e(empty)}</text></svg>')
        return "".join(out)
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - tick)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="#dee0e3"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#646a73">{tick:.0%}</text>')
    step = plot_w / max(len(labels) - 1, 1)
    xs = [left + (step * i if len(labels) > 1 else plot_w / 2) for i in range(len(labels))]
    for x, label in zip(xs, labels):
        out.append(f'<text x="{x:.1f}" y="{height - 14}" text-anchor="middle" fill="#646a73" class="category">'
                   f'{_e(label)}</text>')
    for s_i, s in enumerate(series):
        color = PALETTE[s_i % len(PALETTE)]
        points = [(x, v) for x, v in zip(xs, s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{top + plot_h * (1 - v):.1f}" for x, v in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for i, (x, label) in enumerate(zip(xs, labels)):
            value = s.values[i] if i < len(s.values) else None
            if value is None:
                out.append(f'<g class="point" data-category="{_e(label)}" data-series="{_e(s.name)}" '
                           'data-value=""></g>')
                continue
            y = top + plot_h * (1 - value)
            out.append(f'<g class="point" data-category="{_e(label)}" data-series="{_e(s.name)}" '
                       f'data-value="{_data(value)}"><title>{_e(label)} · {_e(s.name)}：{_pct(value)}</title>'
                       f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"/>'
                       f'<text x="{x:.1f}" y="{y - 7 - 11 * s_i:.1f}" text-anchor="middle" fill="{color}" '
                       f'class="value">{_pct(value)}</text></g>')
    out.append("</svg>")
    return "".join(out)
