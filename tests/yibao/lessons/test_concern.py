"""Who a document concerns, and how far."""
from yibao.lessons import draft_lessons
from yibao.lessons.concern import LEVELS


def test_the_yibaoban_learns_at_least_what_any_department_must(qh):
    # the drug catalogue's 凡例 binds prescribing and dispensing; the 医保办 coordinates both
    drafts = {d.role: d for d in draft_lessons(qh("qh_fanli_2025"), None)}
    departments = [drafts[r].concern for r in ("doctor", "pharmacy") if r in drafts]
    assert "core" in departments
    assert drafts["yibaoban"].concern == "core"


def test_the_yibaoban_lesson_has_room_for_the_departments_work(qh):
    drafts = {d.role: d for d in draft_lessons(qh("qh_fanli_2025"), None, roles=["yibaoban"])}
    refs = [c["ref"] for c in drafts["yibaoban"].changes]
    assert len(refs) > 8, refs   # past the open places: provisions on prescribing and dispensing work


def test_levels_are_ordered():
    assert LEVELS == ("none", "brief", "core")


def test_an_agreement_with_a_pharmacy_is_the_pharmacy_s_work(qh):
    # its 收费 and 药师 are the 药店's: the hospital's window is not concerned, and its topics
    # (药品目录, 集采) raise the doctor to brief at most
    from yibao.lessons import document_concerns
    levels = document_concerns(qh("qh_ydxy_2025r"))
    assert levels["cashier"] == "none" and levels["nurse"] == "none"
    assert levels["doctor"] != "core"
    assert levels["insured"] == "core" and levels["agency"] == "core"


def test_a_catalogue_notice_to_the_bureaus_still_reaches_the_doctor(qh):
    # "各医疗机构要根据临床需求，合理配备、使用谈判药品…": a duty of the hospital that speaks of clinical work
    from yibao.lessons import document_concerns
    assert document_concerns(qh("qh_nrdl_2024"))["doctor"] != "none"
