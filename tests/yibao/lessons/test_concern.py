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


def _concerns(title: str, text: str) -> dict:
    import datetime as dt
    from yibao.lessons import DocContext, document_concerns
    return document_concerns(DocContext(None, title, None, None, dt.date(2025, 1, 2), None, None, None,
                                        "file", "new", None, text))


def test_a_hospital_ban_on_charging_twice_reaches_the_nurses_briefly():
    # the ward's charges (计费) are the nurses' work: a ban on 重复收费 binding the hospital's staff
    text = ("第一条 为了规范医疗服务收费行为，制定本办法。\n"
            "第二条 定点医疗机构及其工作人员不得重复收费、分解项目收费，不得挂床住院。\n"
            "第三条 定点医疗机构应当按月向经办机构上传结算数据。\n")
    levels = _concerns("某省医疗服务收费管理办法", text)
    assert levels["nurse"] == "brief"
    without = _concerns("某省医保数据管理办法", "第一条 定点医疗机构应当按月向经办机构上传结算数据。\n"
                                         "第二条 定点医疗机构应当建立数据管理制度。\n")
    assert without["nurse"] == "none"          # the hospital's other duties do not reach the wards


def test_a_benefit_notice_binds_the_insured_by_the_groups_it_names():
    # 新生儿, 灵活就业人员 …: the insured named by who they are, not as 参保人员
    text = ("一、做好参保工作\n"
            "（一）新生儿出生后应当及时参保，在规定时间内参保缴费的，自出生之日起享受居民医保待遇。\n"
            "（二）灵活就业人员可以在就业地参加职工医保，按规定缴纳个人缴费。\n"
            "（三）持居住证的非本地户籍人员应当在居住地参加居民医保。\n")
    assert _concerns("关于做好城乡居民基本医疗保障工作的通知", text)["insured"] == "core"


def test_a_long_term_care_insurance_text_concerns_the_insured_and_employers():
    concerns = _concerns("关于扩大长期护理保险制度试点的指导意见",
                         "关于扩大长期护理保险制度试点的指导意见\n\n各省医疗保障局：\n"
                         "一、基本政策。长期护理保险基金主要用于支付符合规定的机构和人员提供基本护理服务所发生的费用。"
                         "筹资以单位和个人缴费为主，单位和个人缴费原则上按同比例分担。\n")
    assert concerns["insured"] != "none" and concerns["employer_hr"] != "none"


def test_a_text_mostly_about_a_departments_work_gives_it_a_full_lesson():
    # drugs in half the items or more, though the notice only instructs the bureaus: the 药剂科's work
    items = ["一、紧盯重点药品。一是倒卖需求量高的药品；二是基金支付金额靠前的药品。",
             "二、紧盯异常购药。一是超量购买药品；二是跨机构重复购药。",
             "三、加强数据分析。各地医保部门要用好药品追溯码信息。",
             "四、加强提醒。各地医保部门要把疑点及时告知药师。",
             "五、加强曝光。各地要向社会公布典型案例。",
             "六、加强组织领导。各地要明确责任分工。"]
    title = "关于加强超量开药监管的通知"
    text = f"{title}\n\n各省医疗保障局：\n" + "\n".join(items + ["七、做好宣传。各地要做好政策解读。"]) + "\n"
    assert _concerns(title, text)["pharmacy"] == "core"
    fewer = f"{title}\n\n各省医疗保障局：\n" + "\n".join(items[2:] + ["七、做好宣传。各地要做好政策解读。"]) + "\n"
    assert _concerns(title, fewer)["pharmacy"] == "brief"   # two duties naming drugs out of five: a short notice


def test_a_notice_to_the_governments_is_to_the_bureaus_and_its_addressee_learns_it():
    from yibao.lessons.document_drafter import _PROVINCIAL
    assert _PROVINCIAL.search("各省、自治区、直辖市人民政府") and _PROVINCIAL.search("国务院各部委、各直属机构")
    text = ("关于修订医疗保障基金结算清单填写规范的通知\n\n各省、自治区、直辖市医疗保障局：\n"
            "一、结算清单是定点医疗机构申请费用结算时提交的数据清单。\n二、结算清单共有190项。\n")
    assert _concerns("关于修订医疗保障基金结算清单填写规范的通知", text)["agency"] != "none"
