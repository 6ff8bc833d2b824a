"""What kind of answer a question wants, and whether a provision has it."""
from yibao.qa.intent import REQUIRED, holds, unit_asked, wanted


def test_how_often_wants_a_frequency():
    assert "frequency" in wanted("护士执业证多久注册一次")
    assert holds("frequency", "原则上每年调整一次。")
    assert not holds("frequency", "核查医师、护士等专业技术人员执业信息和医师第一注册地信息；")


def test_how_is_it_calculated():
    assert "calculation" in wanted("DRG的支付标准是怎么算出来的")
    assert holds("calculation", "病组付费的支付标准通过费率乘以权重、系数计算。")


def test_conditions_in_either_wording():
    assert holds("conditions", "有下列情况之一的，经专家评审后，直接调出")
    assert holds("conditions", "有下列情形之一的")


def test_a_rate_or_an_amount_needs_a_figure_of_that_kind():
    assert "ratio" in wanted("职工医保单位和个人的缴费比例现在是多少")
    assert holds("ratio", "政策范围内住院费用支付比例达到70%左右")
    assert holds("ratio", "个人先行自付百分之十")
    assert not holds("ratio", "乙类药品个人先行自付的比例由省级医疗保障行政部门确定。")
    assert "money" in wanted("举报骗保查实了，奖金最多能拿多少钱")
    assert holds("money", "奖励金额最高不超过10万元")
    assert not holds("money", "对查证属实的举报，按规定予以奖励。")


def test_which_papers_needs_a_provision_that_names_papers():
    assert "materials" in wanted("申请医保预付金要填什么表、交哪些材料")
    assert "materials" in wanted("异地就医备案需要什么手续")
    assert "materials" in wanted("续签的时候要交哪几样材料")
    assert holds("materials", "申请时应当提供以下材料：")
    assert not holds("materials", "鼓励通过基金预付缓解医疗机构资金压力。")


def test_a_number_with_its_unit():
    days = unit_asked("医保飞行检查一般要在医院查几天")
    assert days.search("自收到材料之日起5个工作日内") and days.search("十日内")
    assert not days.search("本办法所称医疗保障基金飞行检查，是指……不预先告知的现场监督检查。")
    assert unit_asked("飞检到现场至少要来几名检查人员").search("现场检查人员不少于5人")
    assert unit_asked("药店申请医保定点要有几个执业药师") is None   # 几个 + a noun: counted, not required
    assert unit_asked("医生一年记满多少分会暂停").search("记分累计达到12分的")
    assert unit_asked("多少分钟能办完") is None
    assert unit_asked("飞行检查会不会提前通知医院") is None


def test_a_vague_number_is_not_asked():
    # "好几家 / 这几天 / 前几年" name no number to answer
    assert unit_asked("病人短时间内跑好几家医院重复开同样的药，医保会盯吗") is None
    assert unit_asked("这几天医保系统老是卡") is None
    assert unit_asked("跑了几家药店") is not None
    # but "提前多少天 / 以后几天内" do ask for a number
    assert unit_asked("日间手术前的门诊检查最早提前多少天做还能报").search("术前7日内")
    assert unit_asked("处方开出来以后几天内有效").search("处方3日内有效")
    assert unit_asked("前几天有个病人问报销比例") is None


def test_within_how_long_wants_a_time_limit():
    # "多久内 / 几天内 / 多久能批下来": the time limit is the answer
    for question in ("新生儿出生后多久内要办参保", "新增日间手术病种报上去多久能批下来", "整改措施几天内要报上去"):
        assert "time_limit" in wanted(question), question
        assert "time_limit" in REQUIRED
    assert holds("time_limit", "应当自收到申请之日起20个工作日内完成审核")
    assert not holds("time_limit", "医疗机构新增日间手术病种，应报省医疗保障局备案")
    # "一般要多久" is small talk around the subject, not a limit asked for
    assert "time_limit" not in wanted("飞行检查一般要查多久")


def test_who_is_asked_not_the_number_it_names():
    assert wanted("乙类药病人先自己付的比例由谁定") == ()
    assert unit_asked("罚款多少元由哪个部门决定") is None
    assert "ratio" in wanted("谁来定，比例是多少")   # the number comes after "谁": still asked
    assert unit_asked("谁审核，几天内审完").search("5个工作日内")


def test_an_amount_of_a_named_kind_of_money():
    assert "money" in wanted("举报人一般能拿到多少奖金")
    assert "money" in wanted("夜班补贴多少")
    assert "money" in wanted("给举报人发的奖金最多能拿多少")      # the money named before 多少
    assert "money" not in wanted("举报奖励有几次")


def test_which_day_wants_a_date():
    assert "date" in wanted("每个月几号前要把费用报上去")
    assert "date" in wanted("DRG特例单议每个季度最晚哪一天之前要报")
    assert holds("date", "定点医药机构原则上在次月10日前申报医药费用")
    assert holds("date", "自2024年1月1日起正式执行")
    assert not holds("date", "按季度或按月等方式开展")


def test_since_when_in_force_wants_a_date():
    for question in ("定点医疗机构管理办法什么时候开始执行", "这个通知何时生效", "规程什么时候起施行"):
        assert "date" in wanted(question), question
    assert holds("date", "本办法自2021年2月1日起施行。") and holds("date", "本通知自印发之日起施行。")
    assert not holds("date", "各地要高度重视，抓好落实。")


def test_where_or_how_to_apply_wants_a_procedure():
    for question in ("异地就医备案在哪里办", "病人的医保卡丢了去哪里补办", "医生的处方权要怎么申请", "新增病种要找谁申请"):
        assert "procedure" in wanted(question), question
    assert holds("procedure", "零售药店向统筹地区经办机构提出医疗保障定点申请")
    assert not holds("procedure", "应依托医保电子凭证（医保码）进行实名认证，确保参保人员真实身份；")


def test_this_or_that_body_decides_asks_who():
    assert "ratio" not in wanted("这个先掏的比例是国家统一定的，还是各地自己定？")


def test_a_few_in_a_yes_no_question_asks_no_number():
    # "多开几个月的药" means "a few months": the question asks whether, not how many
    assert unit_asked("想让医生一次多开几个月的降压药带走，医保会不会当成超量开药拦下来？") is None
    assert unit_asked("住院几天能报吗") is None
    assert unit_asked("医保飞行检查一般要在医院查几天") is not None
    # the 几 of another sentence is still asked
    assert unit_asked("记分攒到几分会被停？停了以后还能看病吗") is not None


def test_how_many_days_in_advance_asks_a_number():
    assert unit_asked("日间手术前的门诊检查，最早提前几天做还能算进费用里？") is not None
    assert unit_asked("我前几天去看病，发票丢了怎么办") is None


def test_papers_to_hand_in_not_any_mention_of_papers():
    assert not holds("materials", "不得出具虚假认定资料，否则甲方有权采取相应的处理措施。")
    assert holds("materials", "陈述申辩材料需经相关责任人员签字及定点医药机构盖章确认。")
    assert holds("materials", "支付时应有使用一线药品无效或不能耐受的证据。")
    assert holds("materials", "举报人应当提供涉嫌违法的具体线索和证明材料。")


def test_points_ask_for_a_rate_and_a_reward_for_an_amount():
    assert "ratio" in wanted("质量保证金最多能压几个点？")
    assert "money" in wanted("举报人最多能拿到多少奖励")
    assert "money" not in wanted("举报有奖励吗")


def test_a_time_limit_is_a_span_not_a_date():
    assert holds("time_limit", "应在15个工作日内办结")
    assert holds("time_limit", "每年12月底前报送")
    assert not holds("time_limit", "自2024年10月1日起施行")   # a date says when, not how long


def test_what_percent_asks_a_rate():
    assert "ratio" in wanted("职工医保具体能报百分之多少")


def test_asking_for_the_members_of_a_list_needs_them_named():
    question = "国家那份容易被倒卖的重点药品清单里，具体都有哪些药？"
    assert "members" in wanted(question) and "members" in REQUIRED
    assert not holds("members", "国家医保局将梳理重点监测易倒卖回流医保药品清单，供各地医保部门参考。")
    assert not holds("members", "限工伤保险基金准予支付费用的品种5种；限生育保险基金准予支付费用的品种4种。")
    assert not holds("members", "三是倒卖需求量高、获利空间大的重点药品。")          # two, not a list
    assert holds("members", "飞行检查组由医疗保障、医药卫生、财务管理等方面人员组成。")
    assert holds("members", "经办机构可采取以下处理：（一）约谈；（二）暂停结算。")
    assert "members" not in wanted("申请定点要准备哪些材料")                    # any list answers that


def test_a_few_days_of_doing_something_said_in_passing_asks_no_number():
    assert unit_asked("我想把店里的医保刷卡机借给亲戚新开的店用几天，被查到会有什么后果？") is None
    assert unit_asked("日间手术一般要住几天？") is not None          # the clause that asks
