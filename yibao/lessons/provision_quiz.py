"""Quiz items on the provisions a lesson quotes (its answers are in the lesson).

- fill-in: a whole fact (number+unit, time limit, date) is blanked; distractors are other values of
  the same kind and unit from the same document, then near values of the same unit;
- true: a quoted sentence as printed;
- false: the quoted sentence with one value swapped for another value of the same unit from the same
  document (else a near one), or its department swapped; only when a short text offers nothing else,
  its modality flipped (a duty may be skipped: 应当 → 可以不; a ban lifted: 不得 → 可以; a permission
  made a duty: 可以 → 应当). Characters are never corrupted.
"""
from __future__ import annotations

import re

from .case_quiz import actions_in, case_item
from .model import QuizItem
from .quiz import number_distractors

BLANK = "（\u3000\u3000）"
# modality flips, strongest word first. A duty becomes one that may be skipped ("应当X" → "可以不X"):
# "可以X" alone would still be true of a duty, and a trainee answering 正确 would be right.
FLIPS = [(re.compile(p), to) for p, to in (
    (r"不得", "可以"), (r"严禁", "可以"), (r"禁止", "允许"), (r"应当", "可以不"), (r"必须", "可以不"),
    (r"(?<![相对适反供回效响])应(?![用急对该收受])", "可以不"), (r"(?<![主需重必纲只还])要(?![求点素件是])", "可以不"),
    (r"可以", "应当"))]
_MAX_STEM = 160


def _unit_of(fact) -> str:
    return f"{fact.kind}:{fact.unit or ''}"


def value_index(doc_facts: list) -> dict[str, list[str]]:
    """kind:unit → the document's printed values of that kind and unit, in order, once each."""
    index: dict[str, list[str]] = {}
    for f in doc_facts:
        values = index.setdefault(_unit_of(f), [])
        if f.text not in values:
            values.append(f.text)
    return index


def _same_kind_values(fact, doc_facts) -> list[str]:
    """Other printed values of the document with the same kind and unit."""
    index = doc_facts if isinstance(doc_facts, dict) else value_index(doc_facts)
    return [v for v in index.get(_unit_of(fact), []) if not (fact.text in v or v in fact.text)]


def _blankable(sentence: str, fact) -> bool:
    """The fact occurs once, whole (never part of a longer number, version or 文号)."""
    i = sentence.find(fact.text)
    if i < 0 or sentence.count(fact.text) != 1:
        return False
    before, after = sentence[i - 1:i], sentence[i + len(fact.text):i + len(fact.text) + 1]
    if sentence.count("《", 0, i) > sentence.count("》", 0, i):
        return False   # a number in another document's title ("《…托拉塞米等2种药品调出…的通知》") is its name
    return not re.match(r"[\d.〔〕\[\]VvＶ]", before or " ") and not re.match(r"[\d.〕号版]", after or " ")


def new_values_first(sentence: str, facts_here) -> list:
    """"从300元提高至520元": the value after 至/到/为 (what now applies) first."""
    def after_target(f) -> bool:
        i = sentence.find(f.text)
        return i > 0 and bool(re.search(r"(?:至|到|为)$", sentence[max(0, i - 3):i]))
    return sorted(facts_here, key=lambda f: 0 if after_target(f) else 1)


_QUALIFIERS = ("以内", "之内", "以上", "以下", "左右", "内", "前", "后")


def same_form(answer: str, options: list[str]) -> list[str]:
    """The options worded as the answer is ("15个工作日" among "10个工作日内"… gives itself away): each
    takes the answer's trailing 内 / 以上 / 前 … or loses its own."""
    suffix = next((q for q in _QUALIFIERS if answer.endswith(q)), "")
    out: list[str] = []
    for o in options:
        base = next((o[:-len(q)] for q in _QUALIFIERS if o.endswith(q) and len(o) > len(q)), o)
        if base + suffix != answer and base + suffix not in out:
            out.append(base + suffix)
    return out


def fill_item(ref: str, sentence: str, fact, doc_facts: list, short: str) -> QuizItem | None:
    if fact.kind not in ("number", "time_limit", "date") or not _blankable(sentence, fact) or len(sentence) > _MAX_STEM:
        return None
    if not re.search(r"\d", fact.text) or _SERIAL.search(fact.text):
        return None  # "三种", "一批": counts in words make poor blanks; "2.0版", "27号" are names, not amounts
    if re.search(r"(?:今年|明年|本年|当年)$", sentence[:sentence.find(fact.text)]):
        return None  # "今年（　）": the lesson says "2024年9月底前", a blank cannot
    distractors = _same_kind_values(fact, doc_facts)[:3]
    if len(distractors) < 3 and fact.kind in ("number", "time_limit"):
        distractors += [d for d in number_distractors(fact.text, [], []) if d not in distractors][:3 - len(distractors)]
    distractors = same_form(fact.text, distractors)
    if len(distractors) < 2:
        return None
    stem = sentence.replace(fact.text, BLANK, 1)
    return QuizItem("choice", f"根据《{short}》{ref}，填空：{stem}", fact.text, distractors[:3], ref,
                    f"{ref}原文：{sentence}")


def flip(sentence: str) -> str | None:
    for rx, other in FLIPS:
        m = rx.search(sentence)
        if m:
            return sentence[:m.start()] + other + sentence[m.end():]
    return None


# duties whose opposite nobody would pick ("不得配合检查", "可以遵守法律"): never flipped
_COMPLIANCE = re.compile(r"^(?:按规定|按照|依法|依规|严格|认真|积极|主动|如实|及时)|^(?:配合|遵守|执行|落实|加强|规范|建立|"
                         r"健全|完善|接受|履行|做好|保障|维护|尊重|支持|制定|确保)")
_NEGATIVE = ("不得", "严禁", "禁止")
_SAME_READING = re.compile(r"[以可的\s　]")


def plausible_flip(sentence: str) -> str | None:
    """The modality flip, only when both readings are rules a person might believe: the duty is
    no act of plain compliance, and a 应当 ↔ 不得 reversal needs a condition ("…的，", "经…") to be doubted."""
    flipped = flip(sentence)
    if flipped is None:
        return None
    m = _MODAL_WORD.search(sentence)
    if m and _COMPLIANCE.search(sentence[m.end():]):
        return None
    if m and m.group(0) in _NEGATIVE and not _CONDITION.search(sentence[:m.start()]):
        return None   # "乙方可以重复收费": nobody believes a ban lifted without a condition
    if m and _VAGUE.match(sentence[m.end():]):
        return None   # "药品品种可满足…需求": the weaker word reads as a quibble, not a different rule
    return flipped


# "…的，不得" / "未经…" / "除…外": a ban with a condition, whose lifting one might believe
_CONDITION = re.compile(r"的[，,]|未经|经[^，。]{1,20}(?:同意|批准)|除[^，。]{1,30}外")
_VAGUE = re.compile(r"(?:当)?(?:满足|保证|确保|符合|达到|与[^，。]{1,20}(?:相符|一致))")


def same_reading(a: str, b: str) -> bool:
    """Two options that say the same ("续签可由" / "续签可以由"): equal without 以/可/的 and spaces."""
    return _SAME_READING.sub("", a) == _SAME_READING.sub("", b)


_SERIAL = re.compile(r"[版号]$|^[Vv]")


def swap_value(sentence: str, doc_facts: list, facts_here: list) -> str | None:
    for fact in facts_here:
        if fact.kind not in ("number", "time_limit") or not re.search(r"\d", fact.text) or \
                not _blankable(sentence, fact) or _SERIAL.search(fact.text):
            continue
        # never a value the sentence already states ("从300元提高至520元" → "从520元提高至520元");
        # the document's other values of the unit first, else a near one ("2个工作日" → "3个工作日")
        others = [v for v in _same_kind_values(fact, doc_facts) + number_distractors(fact.text, [], [])
                  if re.search(r"\d", v) and v not in sentence]
        if others:
            return sentence.replace(fact.text, others[0], 1)
    return None


# departments staff really confuse: a duty given to the wrong one is a believable false statement
_DEPARTMENTS = ("医疗保障行政部门", "卫生健康行政部门", "市场监督管理部门", "财政部门", "药品监督管理部门")
_DEPARTMENT_FORMS = {"卫生健康部门": "卫生健康行政部门",   # (医保 bodies: _swap_yibao_body)
                     "市场监管部门": "市场监督管理部门", "药品监管部门": "药品监督管理部门"}


# who decides and who handles: 医保's administration and its agencies are what staff really confuse.
# A body is swapped only where the act is the other's alone, so the key is never arguable: the
# administration punishes, files, hears, seals; the agency signs agreements, settles and pays.
_ADMINISTRATION_ONLY = re.compile(r"行政处罚|处罚决定|立案|听证|行政强制|封存|执法|罚款")
_AGENCY_ONLY = re.compile(r"医保协议|服务协议|签订协议|结算|拨付|对账|清算|预付金|记分|登记备案")
_TO_AGENCY = (("医疗保障行政部门", "医疗保障经办机构"), ("医保行政部门", "医保经办机构"))
_TO_ADMINISTRATION = (("医疗保障经办机构", "医疗保障行政部门"), ("医保经办机构", "医保行政部门"),
                      ("经办机构", "医疗保障行政部门"))


def _swap_yibao_body(sentence: str) -> str | None:
    if "经办机构" in sentence and "行政部门" in sentence:
        return None     # "经办机构报医疗保障行政部门备案": both named, no swap tells
    pairs = (_TO_AGENCY if _ADMINISTRATION_ONLY.search(sentence) and not _AGENCY_ONLY.search(sentence) else
             _TO_ADMINISTRATION if _AGENCY_ONLY.search(sentence) and not _ADMINISTRATION_ONLY.search(sentence) else ())
    for printed, other in pairs:
        at = sentence.find(printed)
        if at >= 0 and not sentence[max(0, at - 3):at].endswith(("国务院", "国家")):
            return sentence[:at] + other + sentence[at + len(printed):]
    return None


def swap_department(sentence: str) -> str | None:
    """The sentence with its first department replaced by another one. A 医保 body is swapped only
    within 医保, administration ↔ agency, and only where the act is one side's alone ("经办机构作出
    行政处罚决定"); "卫生健康行政部门应当书面告知…" in a 医保 text is a give-away (trainer review 4: 5 of 6
    false items were that)."""
    if re.search(r"医疗保障(?:行政)?部门|医保(?:行政)?部门|经办机构", sentence):
        return _swap_yibao_body(sentence)
    for printed in sorted({*_DEPARTMENTS, *_DEPARTMENT_FORMS}, key=len, reverse=True):
        at = sentence.find(printed)
        if at < 0:
            continue
        same = _DEPARTMENT_FORMS.get(printed, printed)
        other = next(d for d in _DEPARTMENTS if d != same and d not in sentence)
        return sentence[:at] + other + sentence[at + len(printed):]
    return None


def verbatim_true(item: QuizItem) -> bool:
    return item.kind == "truefalse" and item.answer == "正确"


def fewer_verbatim_true(quiz: list[QuizItem], keep_at_least: int = 3) -> list[QuizItem]:
    """Drop "mark this printed sentence 正确" items beyond the number of false statements (at least one
    stays), never below `keep_at_least` items: a row of either answer teaches the answer, not the rule."""
    out = list(quiz)
    most = max(1, sum(1 for q in quiz if q.kind == "truefalse" and q.answer == "错误"))
    for item in reversed(quiz):
        if len(out) <= keep_at_least or sum(map(verbatim_true, out)) <= most:
            break
        if verbatim_true(item):
            out.remove(item)
    return out


_PRINTED = re.compile(r"^判断：根据《(?P<short>[^》]+)》(?P<ref>[^，]*)，“(?P<sentence>.+)”$")


# who does it: the hospital and the bureau are what staff confuse ("谁负责上传结算清单？")
_ACTOR_SWAP = (("定点医疗机构", "医疗保障经办机构"), ("定点医药机构", "医疗保障经办机构"), ("医疗保障经办机构", "定点医疗机构"),
               ("经办机构", "定点医疗机构"), ("医疗保障部门", "定点医疗机构"), ("医保部门", "定点医疗机构"),
               ("各统筹地区", "各定点医疗机构"), ("各地", "各定点医疗机构"))


def swap_actor(sentence: str) -> str | None:
    """The sentence with its subject (a party within its first words) given to the other side."""
    head = re.sub(r"^(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])", "", sentence)
    cut = len(sentence) - len(head)
    for printed, other in _ACTOR_SWAP:
        at = head.find(printed)
        if 0 <= at <= 4 and other not in sentence:
            return sentence[:cut + at] + other + sentence[cut + at + len(printed):]
    return None


def balance_key(quiz: list[QuizItem]) -> list[QuizItem]:
    """At most one more "正确" than "错误" among the true/false items: a surplus printed sentence is asked
    with a bound reversed, the fund's payment granted or, last, its modality flipped (a row of 正确 teaches
    the answer, not the rule: a trainer found 26 of 27 such items true)."""
    out = list(quiz)
    for k in range(len(out) - 1, -1, -1):
        true = sum(map(verbatim_true, out))
        false = sum(1 for q in out if q.kind == "truefalse" and q.answer == "错误")
        if true <= false + 1:
            break
        m = _PRINTED.match(out[k].question) if verbatim_true(out[k]) else None
        if m is None:
            continue
        sentence = m["sentence"]
        wrong = swap_bound(sentence) or swap_payment(sentence) or plausible_flip(sentence) or swap_actor(sentence)
        if wrong and not same_reading(wrong, sentence):
            out[k] = truefalse_item(m["ref"], sentence, m["short"], false_version=wrong)
    return out


def without_repeats(quiz: list[QuizItem]) -> list[QuizItem]:
    """One item per sentence and per blank: the same answer among the same options is asked once, and a
    sentence is judged true or false once (not as printed and again with its modal flipped)."""
    out: list[QuizItem] = []
    for q in quiz:
        twin = next((o for o in out if q.kind == o.kind == "truefalse" and _judged(q) == _judged(o)), None)
        if twin is not None:
            if verbatim_true(twin) and q.answer == "错误":   # the flipped statement teaches more than the printed one
                out[out.index(twin)] = q
            continue
        if any(q.kind == "choice" and (q.answer, sorted(q.distractors)) == (o.answer, sorted(o.distractors)) or
               ("原文：" in q.explanation and q.explanation == o.explanation) for o in out):
            continue
        out.append(q)
    return out


def truefalse_item(ref: str, sentence: str, short: str, *, false_version: str | None) -> QuizItem:
    if false_version:
        return QuizItem("truefalse", f"判断：根据《{short}》{ref}，“{false_version}”", "错误", ["正确"], ref,
                        f"{ref}原文：{sentence}")
    return QuizItem("truefalse", f"判断：根据《{short}》{ref}，“{sentence}”", "正确", ["错误"], ref,
                    f"{ref}原文如此。")


def _candidates(c, doc_facts: list, short: str, make_false: list[bool], keep=None,
                pool: list | None = None, flips: bool = False) -> list[QuizItem]:
    """Every item one quoted provision offers: a situation's action, fill-ins on its facts, then
    true/false on its duties. pool: the situations and actions of the lesson's provisions."""
    from .selection import is_boilerplate

    ref = c.unit.ref.replace("/", "").replace("、", "")
    usable = [s for s in c.sentences if 10 <= len(s.text) <= _MAX_STEM and not is_boilerplate(s.text)
              and (keep is None or keep(s))]
    items: list[QuizItem] = []
    asked: set[str] = set()   # never two questions on one sentence
    for s in usable:   # one situation's action per provision
        case = case_item(ref, s.text, pool or [], short)
        if case:
            items.append(case)
            asked.add(s.text)
            break
    for s in (s for s in usable if s.text not in asked):
        for fact in new_values_first(s.text, s.facts):
            item = fill_item(ref, s.text, fact, doc_facts, short)
            if item:
                items.append(item)
                asked.add(s.text)
                break
    index = doc_facts if isinstance(doc_facts, dict) else value_index(doc_facts)
    for s in (s for s in usable if s.text not in asked):   # "as printed" with a value swapped, before true/false
        choice = statement_choice(ref, s.text, s.facts, index, short)
        if _swaps_value(choice, s.text):
            items.append(choice)
            asked.add(s.text)
    for s in sorted((s for s in usable if s.text not in asked), key=lambda s: s.modality == "statement"):
        false_version = None
        if make_false[0]:  # a false statement needs a sentence that can be flipped or swapped
            false_version = _false_version(s, doc_facts, flips)
            if false_version is None:
                other = next((x for x in usable if x is not s and x.text not in asked
                              and _false_version(x, doc_facts, flips)), None)
                if other is not None:
                    s, false_version = other, _false_version(other, doc_facts, flips)
        items.append(truefalse_item(ref, s.text, short, false_version=false_version))
        if false_version or not make_false[0]:
            make_false[0] = not make_false[0]
    return items


def build(chosen: list, doc_facts: list, short: str, limit: int = 5, keep=None, flips: bool = False) -> list[QuizItem]:
    """3–5 items: the best item of each quoted provision first, then the next ones, alternating true
    and false statements. keep: which sentences may be asked about."""
    make_false = [True]
    index = value_index(doc_facts)
    pool = actions_in([s.text for c in chosen for s in c.unit.sentences])
    per_unit = [_candidates(c, index, short, make_false, keep, pool, flips) for c in chosen]
    out: list[QuizItem] = []
    seen: set[str] = set()
    depth = 0
    while len(out) < limit and any(len(items) > depth for items in per_unit):
        for items in per_unit:
            if len(items) > depth and len(out) < limit and items[depth].question not in seen:
                item = items[depth]
                seen.add(item.question)
                out.append(item)
        depth += 1
    return out




_MODAL_WORD = re.compile(r"不得|严禁|禁止|应当|必须|(?<![相对适反供回效响])应(?![用急对该收受])|(?<![必无])须|"
                         r"(?<![主需重必纲只还])要(?![求点素件是])|可以")


def statement_choice(ref: str, sentence: str, facts_here, index: dict, short: str) -> QuizItem | None:
    """"下列哪一项符合原文": the sentence as printed among itself with its values swapped for other values
    of the same kind and unit in the same document. (Its modality flips were options too until two
    trainers found the answer was always the one option with 应当.)"""
    wrong = []
    for fact in facts_here:   # both readings look like rules
        if fact.kind not in ("number", "time_limit") or not _blankable(sentence, fact):
            continue
        for other in _same_kind_values(fact, index):
            if len(wrong) >= 3:
                break
            if other in sentence:
                continue
            wrong.append(sentence.replace(fact.text, other, 1))
    kept: list[str] = []
    for w in wrong:   # never an option that reads the same as the answer or as another option
        if not same_reading(w, sentence) and not any(same_reading(w, k) for k in kept):
            kept.append(w)
    wrong = kept
    if len(wrong) < 2:
        return None
    return QuizItem("choice", f"根据《{short}》{ref}，下列哪一项符合原文？", sentence, wrong[:3], ref,
                    f"{ref}原文如此；其余选项改了原文的用词或数值。")


def _false_version(s, index: dict, flips: bool = False) -> str | None:
    """A false statement a person might believe: a value swapped from the same document, another
    department; a modality flip only when asked (`flips`: a short text with nothing else to ask). Two
    trainers' reviews found flips the quiz's weakest items: "见到'可以'就选错误" answers them unread.
    (Swapping 甲方 and 乙方 was tried too: "甲方应当按照临床路径提供诊疗服务" is a give-away.)"""
    return swap_value(s.text, index, list(s.facts)) or swap_department(s.text) or swap_bound(s.text) or \
        swap_payment(s.text) or (plausible_flip(s.text) if flips else None)


# a bound read the wrong way round: what staff really confuse ("二级及以下" / "二级及以上", "不低于" / "不高于")
_BOUNDS = (("及以下", "及以上"), ("及以上", "及以下"), ("以上", "以下"), ("以下", "以上"), ("不低于", "不高于"),
           ("不高于", "不低于"), ("不超过", "不少于"), ("不少于", "不超过"))
_BOUND_AT = re.compile(r"(?:[\d％%]|[一二三四五六七八九十]级|分|元|岁|日|天|月|年)(及以下|及以上|以上|以下)|(不低于|不高于|不超过|不少于)")


def swap_bound(sentence: str) -> str | None:
    """The sentence with its first bound reversed, only after a number or a level ("50%以上" → "50%以下",
    "二级及以下" → "二级及以上") or before one ("不超过6个月" → "不少于6个月")."""
    m = _BOUND_AT.search(sentence)
    if not m:
        return None
    word = m.group(1) or m.group(2)
    if word in ("不低于", "不高于", "不超过", "不少于") and not re.match(r"[\d一二三四五六七八九十百]", sentence[m.end():]):
        return None
    at = m.start(1) if m.group(1) else m.start(2)
    other = dict(_BOUNDS)[word]
    return sentence[:at] + other + sentence[at + len(word):]


# whether the fund pays: "…期间发生的医保费用，医保基金不予结算" → "…照常结算"
_PAYMENT_DENIED = (("不予支付", "照常支付"), ("不予结算", "照常结算"), ("不予报销", "照常报销"), ("不得申报", "可以申报"))


def swap_payment(sentence: str) -> str | None:
    for printed, other in _PAYMENT_DENIED:
        if printed in sentence:
            return sentence.replace(printed, other, 1)
    return None


# "向统筹地区经办机构提出变更申请": the body a duty is done towards (a wrong department is a real confusion)
_TOWARDS = re.compile(r"向([^，。；、“”]{2,20}?(?:部门|机构|中心|局|委员会|平台|办公室|经办机构))"
                      r"(?:提出|报送|报告|申请|备案|提交|报备|上报|反馈|说明|书面)")
_BODY = re.compile(r"(?:[\u4e00-\u9fff]{0,8}?)(?:医疗保障行政部门|医疗保障部门|经办机构|卫生健康部门|市场监管部门|药品监管部门|"
                   r"财政部门|集中采购机构|药品集中采购机构|公安机关|医保局|医疗保障局|医保经办机构)")


def bodies_in(doc_text_sentences: list[str]) -> list[str]:
    """The bodies the document names (as printed, shortest form), in order, once each."""
    out: list[str] = []
    for t in doc_text_sentences:
        for m in _TOWARDS.finditer(t):
            if m.group(1) not in out:
                out.append(m.group(1))
    return out


def recipient_item(ref: str, sentence: str, bodies: list[str], short: str) -> QuizItem | None:
    """"…应自批准之日起30个工作日内向（　　）提出变更申请": the right body among other bodies of the same document."""
    m = _TOWARDS.search(sentence)
    if not m or len(sentence) > _MAX_STEM:
        return None
    answer = m.group(1)
    core = lambda b: re.sub(r"^(?:统筹地区|属地|所在地|当地|被检地|省级|市级|县级|各级|国家)", "", b)   # noqa: E731
    others = []
    for b in bodies:
        if core(b) != core(answer) and core(answer) not in b and core(b) not in answer and \
                all(core(b) != core(o) for o in others):
            others.append(b)
    if len(others) < 2:
        return None
    stem = sentence[:m.start(1)] + BLANK + sentence[m.end(1):]
    return QuizItem("choice", f"根据《{short}》{ref}，填空：{stem}", answer, others[:3], ref,
                    f"{ref}原文：{sentence}")


def _swaps_value(item: QuizItem | None, sentence: str) -> bool:
    """A "符合原文" item with at least one option whose value (not just its modal word) differs."""
    return item is not None and any(re.sub(r"\D", "", d) != re.sub(r"\D", "", sentence) for d in item.distractors)


_MODAL_WORDS = re.compile(r"不得|不可以|可以|不应当?|应当|必须|无须|须|应|禁止|严禁|不予|予以")


def _judged(item: QuizItem) -> tuple[str, str]:
    """The clause and the statement a true/false item quotes, its modal words left out (a flipped copy
    of a sentence is the same sentence)."""
    m = re.search(r"“(.*)”", item.question)
    return item.ref, _MODAL_WORDS.sub("", m.group(1) if m else item.question)[:40]


def build_on_duties(duties: list, doc_facts: list, short: str, limit: int = 5,
                    bodies: list[str] | None = None) -> list[QuizItem]:
    """Items on the role's own duties (the lesson's top section), the question a trainer would ask
    first: a number or time limit blanked (distractors: other values of the document), the body the
    duty is done towards (other bodies of the document), "which is as printed" with a value swapped;
    a true/false with a modality flip only when the duty has nothing else to ask. Fragments and
    over-long sentences are never asked about; at most two true/false items."""
    from .duties import is_fragment
    from .selection import is_boilerplate

    index = value_index(doc_facts)
    pool = actions_in([s.text for d in duties if d.source is not None for s in d.source.unit.sentences] +
                      [d.sentence.text for d in duties if d.sentence is not None])
    out: list[QuizItem] = []
    later: list[tuple[QuizItem, str]] = []
    asked: set[str] = set()
    for d in duties:
        s = d.sentence
        if s is None or is_fragment(s.text) or is_boilerplate(s.text) or not 10 <= len(s.text) <= _MAX_STEM:
            continue
        fill = next((it for f in new_values_first(s.text, s.facts) if (it := fill_item(d.ref, s.text, f, index, short))),
                    None)
        towards = recipient_item(d.ref, s.text, bodies or [], short)
        choice = statement_choice(d.ref, s.text, s.facts, index, short)
        false_version = _false_version(s, index)
        true_due = sum(q.answer == "错误" for q in out) > sum(verbatim_true(q) for q in out)   # balance the key
        tf = truefalse_item(d.ref, s.text, short, false_version=None if true_due else false_version) \
            if false_version else None
        case = case_item(d.ref, s.text, pool, short) if sum("情境题" in q.question for q in out) < 2 else None
        best = fill or case or towards or (choice if _swaps_value(choice, s.text) else None)
        if best is None:
            best = tf if sum(q.kind == "truefalse" for q in out) < 2 else choice
        if best and all(best.question != q.question for q in out):
            out.append(best)
            asked.add(s.text)
        later += [(it, s.text) for it in (towards, choice) if it and it is not best]
        if len(out) >= limit:
            break
    for it, text in later:   # a question on another taught duty rather than a question on untaught text,
        if len(out) >= limit:   # never two questions on one sentence
            break
        if text not in asked and all(it.question != q.question for q in out):
            out.append(it)
            asked.add(text)
    return out
