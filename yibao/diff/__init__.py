"""Clause-aware comparison (对照表) of two versions of a policy text or table."""
from yibao.diff.apply import ApplyError, apply_changes
from yibao.diff.compare import compare_texts, looks_truncated
from yibao.diff.model import ClauseChange, DiffInputError, DiffResult, Span, TableDiff
from yibao.diff.render_html import render_html
from yibao.diff.render_md import render_markdown
from yibao.diff.tables import TableKeyError, compare_tables

__all__ = ["compare_texts", "compare_tables", "render_html", "render_markdown", "apply_changes",
           "looks_truncated", "DiffResult", "ClauseChange", "Span", "TableDiff", "DiffInputError",
           "TableKeyError", "ApplyError"]
