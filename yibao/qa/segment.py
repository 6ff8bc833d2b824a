"""Chinese word segmentation for the index and the questions (jieba).

The index holds search-mode tokens (long words and their parts).  A question is cut in
precise mode with part-of-speech tags: pronouns, adverbs, particles, measure words and the
like are dropped, and each remaining word is searched together with its parts.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

import jieba
import jieba.posseg

jieba.setLogLevel(logging.WARNING)

# 医保 words jieba's general dictionary cuts apart; the index file name carries VOCABULARY_VERSION,
# so a change here builds a fresh index instead of mixing two segmentations.
VOCABULARY_VERSION = 8   # 8: 二线用药; 7: a 令's order of promulgation is a passage (its 施行 date); 6: vector keys
DOMAIN_WORDS = """
起付线 起付标准 封顶线 医保 医保局 医保办 定点医疗机构 定点医药机构 定点零售药店 异地就医 跨省异地就医 门诊慢特病
门诊统筹 特例单议 飞行检查 日间手术 即时结算 追溯码 带量采购 集中带量采购 集采 谈判药品 医保目录 药品目录 个人账户
统筹基金 支付标准 医保支付资格 执业药师 结算清单 两病 参保人员 参保人 经办机构 医保经办 服务协议 医保协议 协议管理
违约金 记分 登记备案 多点执业 互联网医院 复诊 挂网 短缺药品 中药饮片 医用耗材 按病种付费 病组 分值 预付 结余留用
一线用药 二线用药 一线药品 人流 家庭共济 近亲属 应付未付 预交金 飞检 生育津贴 生育保险 职工医保 居民医保 大病保险 长期护理保险 长护险 处方药 甲类 乙类 自付 自费 先行自付
""".split()
for _w in DOMAIN_WORDS:
    jieba.add_word(_w, freq=20000, tag="n")

STOPWORDS = frozenset("""
的 了 吗 呢 吧 啊 呀 么 嘛 是 在 有 和 与 及 或 也 都 就 要 会 能 可 可以 可不可以 能不能 能否 是否 是不是 有没有 会不会
不会 不能 不用 怎么 怎么办 怎样 如何 什么 哪些 哪个 哪里 多少 多久 多长时间 几 几个 几年 几天 为什么 为何 谁 请问 一下
我们 我 你 他 她 它 咱们 这个 那个 这 那 个 需要 需不需要 应该 应当 必须 还 还是 又 被 把 给 对 让 时 时候 之后 以后
之前 以前 如果 的话 规定 有关 相关 按照 根据 进行 工作 问题 情况 现在 目前 最新 政策 文件 一般 具体 算 到底 得 先 后
去 来 做 用 上 下 里 想 才 才行 快 那边 别的 一定 意思 什么样 哪天 开始 从 到 事 一时 整个 个别 看 听 写 搞 找 坏
很 最 更 已经 一直 马上 立即 可能 大概 只 仅 总 总是 经常 究竟 不 没 没有 别 正在 刚 刚刚 然后 再 再次 一起 另外 今后
还会 也会 就会 都会 一般来说 通常 是什么 什么是 指什么 哪几种 哪几个 哪几类 哪几样 哪几项 哪几家 哪一些
表姐 表哥 表弟 表妹 堂哥 堂姐 堂弟 堂妹 爹 娘 爸 妈 我爹 我妈 我爸 俺爹 俺妈 老伴 媳妇 老婆 老公 丈夫 妻子 爱人 儿子 女儿
亲戚 朋友 邻居 同事 婆婆 公公 岳母 岳父 姥姥 奶奶 爷爷 外婆 群里 问个事 听说 据说 听人说
and or not the a an of to in on for is are be do does can what how why when who which
""".split())   # the English line: "医保基金 AND" is not a question about a word "and"
# jieba POS tags that never carry the subject of a question
# (adverbs are not dropped by tag: "随机", "直接", "实名" are adverbs to jieba; the common ones are stopwords)
_DROP_POS = ("r", "u", "y", "p", "c", "e", "o", "x", "w", "q", "f", "zg", "ul", "uj", "uz", "ud", "ug", "uv")
_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]")
# How a question asks, not what it asks about: "给不给报" → "给报", "会怎么处理" → "", "算不算" → "".
# Stripped before the question is cut into content words (the kind of answer wanted is read from
# the whole question, see intent.py).
_ASKING = re.compile(
    r"(?:怎么|如何|怎样|该怎么|要怎么|应该怎么|会怎么|会怎样)(?:处理|解决|办理?|弄|操作|做|算出来|算|规定|管|说|样)?"
    r"|(?:是|有|会|能|要|可以|需要|算|行)不(?:是|有|会|能|要|可以|需要|算|行)"
    r"|(?:是|这是)?真的吗|对不对|是这样吗|没错吧|有这回事吗|有这(?:个)?规定吗"   # "听说…，是真的吗"
    r"|有没有|是不是|可不可以|需不需要|能否|是否|吗|呢|吧|(?:要)?(?:做到|达到)?什么程度"
    # who asks: "财务科问：", "HR想问一下，", "群里问个事 " (punctuation or a space after it) …
    r"|^[^，。？?：:\s]{0,10}?(?:想|要)?(?:问|请教|咨询)(?:一下|下|个事|件事)?[：:，,\s]"
    # … and "财务科想知道…" (with or without it; "医生问诊时" keeps its 问)
    r"|^[^，。？?：:\s]{0,10}?想(?:知道|了解)(?:一下|下)?[：:，,\s]?")
_X_NOT_X = re.compile(r"([\u4e00-\u9fff])不\1")   # 报不报 → 报, 给不给 → 给


# spoken and regional ways of asking, in the words the rest of the reader knows ("咋报" → "怎么报")
_SPOKEN = [(re.compile(a), b) for a, b in (
    (r"咋(?:个|整)?办|咋整", "怎么办"), (r"咋(?:么|样)?", "怎么"), (r"啥子?", "什么"), (r"多会儿|几时", "什么时候"),
    (r"俺们", "我们"), (r"俺", "我"), (r"娃(?:娃|儿)?", "孩子"), (r"没得|木有", "没有"), (r"甭", "不用"),
    (r"给报(?![销告送备])", "给报销"))]


def plain_question(question: str) -> str:
    """The question with spoken and regional words put in standard Chinese."""
    for spoken, standard in _SPOKEN:
        question = spoken.sub(standard, question)
    return question


def strip_asking(question: str) -> str:
    """The question without its question words (kept apart by commas so no new words form)."""
    return _ASKING.sub("，", _X_NOT_X.sub(r"\1", question))


@lru_cache(maxsize=200_000)
def tokens(text: str) -> tuple[str, ...]:
    """Search-mode tokens (long words and their parts), stopwords and punctuation dropped."""
    return tuple(t.lower() for t in jieba.cut_for_search(text) if _WORD.search(t) and t not in STOPWORDS)


@dataclass(frozen=True)
class QueryWord:
    word: str
    parts: tuple[str, ...]   # its search-mode parts of two characters or more
    noun: bool               # nouns (and names, abbreviations) weigh more than verbs


def query_words(question: str) -> list[QueryWord]:
    """The content words of a question, in order, each once."""
    out: dict[str, QueryWord] = {}
    for pair in jieba.posseg.lcut(question.strip()):
        word, flag = pair.word.lower(), pair.flag
        if not _WORD.search(word) or word in STOPWORDS or (flag != "eng" and flag.startswith(_DROP_POS)):
            continue
        if flag == "m" and not re.search(r"\d{2,}", word):
            continue  # 一年, 几篇 … but keep 2024
        if len(word) == 1 and not _has_equivalents(word):
            continue  # 内, 证, 走: a lone character says little and matches almost everything
        out.setdefault(word, QueryWord(word, search_parts(word), flag[:1] in ("n", "j", "l", "i", "e") or flag in ("vn", "eng", "m")))
    return list(out.values())


def search_parts(word: str) -> tuple[str, ...]:
    """The word's search-mode pieces of two characters or more."""
    return tuple(p for p in jieba.cut_for_search(word) if len(p) >= 2 and p != word and p not in STOPWORDS)


def word_bounds(text: str) -> set[int]:
    """Offsets where jieba's precise cut puts a word boundary."""
    bounds, at = {0}, 0
    for word in jieba.lcut(text):
        at += len(word)
        bounds.add(at)
    return bounds


def _has_equivalents(word: str) -> bool:
    from yibao.qa.synonyms import equivalents
    return len(equivalents(word)) > 1


def query_terms(question: str) -> list[str]:
    return [w.word for w in query_words(question)]
