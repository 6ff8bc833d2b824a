"""Chinese word segmentation for the index and the questions (jieba, search mode)."""
from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

# Question words and policy boilerplate that say nothing about the subject.
STOPWORDS = frozenset("""
的 了 吗 呢 吧 啊 呀 么 嘛 是 在 有 和 与 及 或 也 都 就 要 会 能 可 可以 可不可以 能不能 能否 是否 是不是 有没有
怎么 怎么办 怎样 如何 什么 哪些 哪个 哪里 多少 多久 几 几个 为什么 为何 谁 请问 一下 我们 我 你 他 她 它 咱们 医院 单位
这个 那个 这 那 个 需要 需不需要 应该 应当 必须 还 还是 又 被 把 给 对 让 时 时候 之后 以后 之前 以前 如果 的话 吗？
多久 多长时间 多少天 几天 规定 有关 相关 按照 根据 进行 工作 问题 情况 现在 目前 最新 政策 文件 一般 具体 算 算不算 到底 得 先 后 去 来 做 用 上 下 里
""".split())
_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]")


@lru_cache(maxsize=200_000)
def tokens(text: str) -> tuple[str, ...]:
    """Search-mode tokens (long words and their parts), stopwords and punctuation dropped."""
    return tuple(t for t in jieba.cut_for_search(text) if _WORD.search(t) and t not in STOPWORDS)


def query_terms(question: str) -> list[str]:
    """The distinct content terms of a question, in order."""
    seen: dict[str, None] = {}
    for t in tokens(question.strip()):
        seen.setdefault(t, None)
    return list(seen)
