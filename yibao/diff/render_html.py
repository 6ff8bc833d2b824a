"""Side-by-side redline 对照表 as one self-contained HTML page."""
from __future__ import annotations

from html import escape

from yibao.diff.model import ClauseChange, DiffResult
from yibao.diff.render_md import CATEGORY_ZH, KIND_ZH, change_what, refs, summary_sentences

_CSS = """
:root { --del:#fde2e1; --del-fg:#8a1c1c; --ins:#dcf5e3; --ins-fg:#145a2a; --line:#d9d9d9; }
* { box-sizing: border-box; }
body { font-family: "Noto Serif CJK SC","Source Han Serif SC","SimSun","Songti SC",serif; margin: 1.5rem;
       color:#222; line-height: 1.75; }
h1 { font-size: 1.3rem; } .summary { background:#f7f7f7; padding:.5rem 1rem; border-left:4px solid #888; }
table.duizhao { width:100%; border-collapse: collapse; table-layout: fixed; margin-top: 1rem; }
table.duizhao th, table.duizhao td { border:1px solid var(--line); padding:.45rem .6rem; vertical-align: top;
       word-break: break-all; overflow-wrap: anywhere; line-break: strict; white-space: pre-wrap; }
table.duizhao th { background:#efefef; position: sticky; top: 0; }
td.ref { width: 9em; white-space: normal; font-size: .9em; color:#555; }
del { background: var(--del); color: var(--del-fg); text-decoration: line-through; }
ins { background: var(--ins); color: var(--ins-fg); text-decoration: underline; }
.badge { display:inline-block; font-size:.75em; padding:0 .4em; margin:.1em; border-radius:.3em; background:#eee;
         white-space: nowrap; }
.badge.number{background:#ffe8a3}.badge.date{background:#cfe3ff}.badge.obligation{background:#f7c6f0}
.badge.penalty{background:#ffb3b3}.badge.scope{background:#c9f0d6}.badge.wording{background:#e6e6e6}
tr.kind-added td.new { background: #f1fbf4; } tr.kind-removed td.old { background: #fdf1f1; }
@media print { body { margin: 0; font-size: 10.5pt; } table.duizhao th { position: static; }
  tr { page-break-inside: avoid; } .summary { border-left-color:#000; } }
"""


def _side(ch: ClauseChange, side: str) -> str:
    keep, tag = ("delete", "del") if side == "old" else ("insert", "ins")
    parts = []
    for s in ch.spans:
        if s.op == "equal":
            parts.append(escape(s.text))
        elif s.op == keep:
            parts.append(f"<{tag}>{escape(s.text)}</{tag}>")
    return "".join(parts).strip()


def _row(ch: ClauseChange) -> str:
    badges = "".join(f'<span class="badge {escape(c)}">{escape(CATEGORY_ZH.get(c, c))}</span>'
                     for c in (ch.categories or [ch.category]))
    ref = escape(ch.old_ref or "—") + "<br>→ " + escape(ch.new_ref or "—")
    return (f'<tr class="kind-{escape(ch.kind)}"><td class="ref">{ref}<br>'
            f'<span class="badge">{escape(KIND_ZH.get(ch.kind, ch.kind))}</span>{badges}</td>'
            f'<td class="old">{_side(ch, "old")}</td><td class="new">{_side(ch, "new")}</td></tr>')


def _summary(result: DiffResult) -> str:
    """The summary box: the counts as sentences, then one item per material change."""
    parts = [f"<p>{escape(line)}</p>" for line in summary_sentences(result)]
    items = [f'<li><b>{escape(refs(c))}</b>：{escape(change_what(c))} '
             f'<span class="badge {escape(c.category)}">{escape(CATEGORY_ZH.get(c.category, c.category))}</span></li>'
             for c in result.changes if c.material]
    if items:
        parts.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(parts)


def render_html(result: DiffResult, *, title_old: str = "", title_new: str = "") -> str:
    heading = "条款对照表" + (f"：{title_old} → {title_new}" if title_old or title_new else "")
    summary = _summary(result)
    rows = "\n".join(_row(c) for c in result.changes) or '<tr><td colspan="3">无差异</td></tr>'
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(heading)}</title><style>{_CSS}</style></head>
<body><h1>{escape(heading)}</h1>
<div class="summary">{summary}</div>
<table class="duizhao"><thead><tr><th>条款</th><th>原文（{escape(title_old or "旧版")}）</th>
<th>修改后（{escape(title_new or "新版")}）</th></tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
"""


def render_change(change) -> str:
    """The whole 对照表 page of a stored change (old version → new version)."""
    from yibao.diff import compare_texts
    old = change.old_version
    result = compare_texts(old.text if old else "", change.new_version.text)
    return render_html(result, title_old=old.title if old else "（无）", title_new=change.new_version.title)
