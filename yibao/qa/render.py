"""An answer as an HTML fragment (the staff lesson page's 问一问)."""
from __future__ import annotations

import html

from yibao.qa.answer import Answer


def answer_html(answer: Answer) -> str:
    e = html.escape
    if not answer.citations:
        return ("<p class=\"notice\" id=\"qa-answer\"><b>没有找到依据</b>：已收录的政策中没有条款能支持回答这个问题。"
                "请换个说法，或咨询医保办。</p>")
    out = ["<section id=\"qa-answer\"><h2>依据</h2><ol>"]
    for c in answer.citations:
        status = "" if c.in_force else f" <b class=\"bad\">{e(c.status)}</b>"
        links = [f"<a href=\"{e(c.url)}\" target=\"_blank\" rel=\"noopener\">原文</a>"] if c.url else []
        if c.diff_url:
            links.append(f"<a href=\"{e(c.diff_url)}\">对照表</a>")
        if c.successor:
            links.append(f"现行：<a href=\"{e(c.successor['url'])}\">《{e(c.successor['title'])}》</a>")
        out.append(f"<li><p><b>《{e(c.document)}》</b> {e(c.doc_number or '')} · <b>{e(c.clause)}</b> · "
                   f"{e(c.date or '日期不详')}{status}</p><blockquote>{e(c.text)}</blockquote>"
                   f"<p>{' · '.join(links)}</p></li>")
    out.append("</ol></section>")
    return "".join(out)
