"""What staff receive is what the trainer approved.

A trainer edits the lesson's Markdown (`Lesson.body_md`), not its structured draft. Digests
and IM cards are built from the draft's headline and summary, so before sending, read those
two back from the approved Markdown (the layout of templates/lessons/lesson.md.j2):

    # <headline>
    > <audience line>
    ## <summary heading>
    1. <line>
    2. <line>

Whatever cannot be read back (a trainer rewrote the layout) keeps the drafted value.
"""
from __future__ import annotations

import re

_NUMBERED = re.compile(r"^\s*\d+[.、．)]\s*(\S.*)$")


def approved_view(draft: dict, body_md: str | None) -> dict:
    """The draft with headline and summary taken from the approved Markdown where present."""
    if not body_md:
        return draft
    headline, summary = read_headline_and_summary(body_md)
    out = dict(draft)
    if headline:
        out["headline"] = headline
    if summary:
        out["summary"] = summary
    return out


def read_headline_and_summary(body_md: str) -> tuple[str | None, list[str]]:
    """The first `# ` heading, and the numbered items of the first `## ` section."""
    headline: str | None = None
    summary: list[str] = []
    section = 0
    for line in body_md.splitlines():
        if line.startswith("# ") and headline is None and section == 0:
            headline = line[2:].strip() or None
        elif line.startswith("## "):
            section += 1
            if section > 1:
                break
        elif section == 1 and (m := _NUMBERED.match(line)):
            summary.append(m.group(1).strip())
    return headline, summary
