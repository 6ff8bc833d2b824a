"""Quality and speed of `yibao ask` (政策智能问答) on the real policy texts in ../shared/corpus/.

Run: .venv/bin/python bench/quality_qa.py [--docs 1000]   (`make bench` runs it through bench_qa.py)

- top-3 hit rate: staff questions (plain words, not clause text) → the document and clause
  that answer them; a hit when one of the first three citations is that document and that
  clause (or one of its items);
- "没有找到依据" rate on questions the corpus cannot answer;
- median latency of a question over ≥1,000 stored documents (the corpus texts loaded again and
  again with other provinces, years and numbers), the index already built.

Question sets: blind-3 … 25, 28 and 29 and the older sets have been looked at while changing the
retriever (tuning sets; blind-5, 7 … 25, 28, 29 were each scored blind first).  blind-26, 27 (written at
the end of session 10), blind-30, 31 (the start of session 11) and blind-32, 33 (the start of session 12),
each by a helper who never ran the retriever, never have: their misses are not printed, even with -v; read
them as the expectation on unseen questions.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from qa_blind9 import BLIND_9, BLIND_9_UNANSWERABLE  # noqa: E402  (kept in its own file: never read while tuning)
from qa_tuning9 import TUNING_9, TUNING_9_UNANSWERABLE  # noqa: E402
from qa_blind10 import BLIND_10, BLIND_10_UNANSWERABLE  # noqa: E402
from qa_blind11 import BLIND_11, BLIND_11_UNANSWERABLE  # noqa: E402
from qa_blind12 import BLIND_12, BLIND_12_UNANSWERABLE  # noqa: E402
from qa_blind13 import BLIND_13, BLIND_13_UNANSWERABLE  # noqa: E402
from qa_blind14 import BLIND_14, BLIND_14_UNANSWERABLE  # noqa: E402
from qa_blind15 import BLIND_15, BLIND_15_UNANSWERABLE  # noqa: E402
from qa_blind16 import BLIND_16, BLIND_16_UNANSWERABLE  # noqa: E402
from qa_blind17 import BLIND_17, BLIND_17_UNANSWERABLE  # noqa: E402
from qa_blind18 import BLIND_18, BLIND_18_UNANSWERABLE  # noqa: E402
from qa_blind19 import BLIND_19, BLIND_19_UNANSWERABLE  # noqa: E402
from qa_blind20 import BLIND_20, BLIND_20_UNANSWERABLE  # noqa: E402
from qa_blind21 import BLIND_21, BLIND_21_UNANSWERABLE  # noqa: E402
from qa_blind22 import BLIND_22, BLIND_22_UNANSWERABLE  # noqa: E402
from qa_blind23 import BLIND_23, BLIND_23_UNANSWERABLE  # noqa: E402
from qa_blind24 import BLIND_24, BLIND_24_UNANSWERABLE  # noqa: E402
from qa_blind25 import BLIND_25, BLIND_25_UNANSWERABLE  # noqa: E402
from qa_blind26 import BLIND_26, BLIND_26_UNANSWERABLE  # noqa: E402  (never read while tuning)
from qa_blind27 import BLIND_27, BLIND_27_UNANSWERABLE  # noqa: E402  (never read while tuning)
from qa_blind28 import BLIND_28, BLIND_28_UNANSWERABLE  # noqa: E402
from qa_blind29 import BLIND_29, BLIND_29_UNANSWERABLE  # noqa: E402
from qa_blind30 import BLIND_30, BLIND_30_UNANSWERABLE  # noqa: E402  (never read while tuning)
from qa_blind31 import BLIND_31, BLIND_31_UNANSWERABLE  # noqa: E402  (never read while tuning)
from qa_blind32 import BLIND_32, BLIND_32_UNANSWERABLE  # noqa: E402  (never read while tuning)
from qa_blind33 import BLIND_33, BLIND_33_UNANSWERABLE  # noqa: E402  (never read while tuning)
CORPUS = REPO.parent / "shared" / "corpus"

# (question, corpus id, clause) — the clause a trainer would point to; "A|id:B" when another
# provision answers the question just as well
ANSWERABLE: list[tuple[str, str, str]] = [
    ("我们医院想申请医保定点，开业要满多久才行？", "nhsa_ddyl_2020", "第六条"),
    ("医院申请医保定点需要准备哪些材料", "nhsa_ddyl_2020", "第七条"),
    ("定点申请材料没交齐，医保经办会怎么通知我们", "nhsa_ddyl_2020", "第八条"),
    ("我们医院的医保协议快到期了，续签要提前多久提出", "nhsa_ddyl_2020", "第四十一条"),
    ("医院换了法人代表，要去医保那边办变更吗", "nhsa_ddyl_2020", "第四十条"),
    ("哪些情况医院的医保协议会被直接解除", "nhsa_ddyl_2020", "第四十三条"),
    ("医保协议中止是什么意思，会中止多久", "nhsa_ddyl_2020", "第四十二条"),
    ("做美容整形的诊所能申请医保定点吗", "nhsa_ddyl_2020", "第十二条"),
    ("医院要在门口挂定点医疗机构的牌子吗", "nhsa_ddyl_2020", "第二十条"),
    ("个别科室违规了，会连累整个医院停医保吗", "nhsa_ddyl_2020", "第四十五条"),
    ("药店申请医保定点要有几个执业药师", "nhsa_ddyd_2020", "第五条"),
    ("药店卖处方药一定要看处方吗", "nhsa_ddyd_2020", "第十六条"),
    ("药店能不能把日用品串换成医保药品刷卡", "nhsa_ddyd_2020", "第四十条"),
    ("飞行检查会不会提前通知医院", "nhsa_fjjc_2023", "第二条"),
    ("什么情况下医保局会来飞行检查", "nhsa_fjjc_2023", "第十条"),
    ("飞行检查到现场至少要来几个检查人员", "nhsa_fjjc_2023", "第十七条"),
    ("飞检组下结论之前会不会听医院的意见", "nhsa_fjjc_2023", "第十八条"),
    ("医院不配合飞行检查会有什么后果", "nhsa_fjjc_2023", "第十九条"),
    ("举报医保骗保可以不留名字吗", "nhsa_jbcl_2022", "第八条"),
    ("举报医保违法查实了有奖励吗", "nhsa_jbcl_2022", "第二十一条"),
    ("举报人的个人信息会不会被泄露", "nhsa_jbcl_2022", "第十六条"),
    ("举报处理完以后会告诉举报人结果吗", "nhsa_jbcl_2022", "第十三条"),
    ("医保违规的事过了几年就不会再罚了", "nhsa_xzcf_2021", "第六条"),
    ("医保罚款一时交不上，可以延期或者分期吗", "nhsa_xzcf_2021", "第五十四条"),
    ("医保执法封存我们的病历资料最长能封多久", "nhsa_xzcf_2021", "第三十一条"),
    ("被医保局要求退回的钱退到哪里去", "nhsa_xzcf_2021", "第五十三条"),
    ("医保局来执法，至少要来几个执法人员", "nhsa_xzcf_2021", "第十六条|nhsa_fjjc_2023:第十七条"),
    ("哪些药品不会被纳入医保药品目录", "nhsa_yygl_2020", "第八条"),
    ("国家谈判药品的协议有效期是几年", "nhsa_yygl_2020", "第十八条"),
    ("甲类药品和乙类药品在报销上有什么区别", "nhsa_yygl_2020", "第二十五条"),
    ("医生被医保记分，一年记满多少分会暂停医保支付资格", "nhsa_zfzg_2024", "第二十九条"),
    ("多点执业的医师在医保怎么登记备案", "nhsa_zfzg_2024", "第十四条"),
    ("医生调到别的医院了，医保登记备案要怎么变", "nhsa_zfzg_2024", "第十七条"),
    ("对医保记分处理不服，医生可以申诉吗", "nhsa_zfzg_2024", "第四十一条"),
    ("超量开药智能监管什么时候在全省推开", "nhsa_clky_2025", "一、（二）"),
    ("病人出差旅行要多备点药，会被当成超量开药吗", "nhsa_clky_2025", "三、（一）"),
    ("即时结算改革要求多少医疗机构开通即时结算", "nhsa_jsjs_2025", "一、（三）"),
    ("什么样的病例可以申报特例单议", "nhsa_abzjb_2025", "第二十条"),
    ("按病种付费结余了医院能留用吗，超支怎么办", "nhsa_abzjb_2025", "第三十二条"),
    ("医保基金预付能不能缓解医院资金紧张", "nhsa_drg2_2024", "二、（二）"),
    ("日间手术的医保费用怎么结算", "qh_rjss_2024", "二、（一）"),
    ("职工生了孩子住院，生育保险待遇怎么调整了", "qh_shengyu_2025", "一、"),
    ("2024年青海药品目录从哪天开始执行", "qh_nrdl_2024", "五、"),
    ("药品目录备注栏写了适应症，超出适应症能报销吗", "qh_fanli_2025", "四、（十一）"),
    ("互联网医院复诊开的药医保能报吗", "qh_yyxy_2025", "第二十七条"),
    ("能不能让病人把该医保报的费用改成自费结算", "qh_yyxy_2025", "第二十条"),
    ("短缺药品的挂网采购有什么要求", "nhsa_ypjg_2019", "三、（一）"),
    ("药品价格异常上涨医保部门会怎么监测", "nhsa_ypjg_2019", "二、（一）"),
]

UNANSWERABLE: list[str] = [
    "医院停车场的收费标准是多少",
    "护士夜班补贴怎么算",
    "评副高职称需要发表几篇论文",
    "食堂每个月的餐补是多少钱",
    "年休假一年可以休几天",
    "医院消防演练多久搞一次",
    "住院医师规培结业考试怎么报名",
    "电梯坏了找哪个部门报修",
    "公积金的缴存比例是多少",
    "科室团建经费怎么报账",
]

# HELD_OUT was written after the synonyms, weights and threshold were settled on the lists above;
# its misses were looked at once and led to general changes (word boundaries, half credit for
# pieces of a word), so it is no longer blind.  HELD_OUT_2 was then run blind (50% / 50%), and its
# misses led to a list of everyday staff words; BLIND_3 below is the one never looked at.
HELD_OUT: list[tuple[str, str, str]] = [
    ("药店帮别人代买药需要带什么证件", "nhsa_ddyd_2020", "第二十一条"),
    ("药店的外配处方要留多长时间", "nhsa_ddyd_2020", "第二十二条"),
    ("OTC非处方药以后还会新增进医保目录吗", "nhsa_yygl_2020", "第三十六条"),
    ("医保执法立案后多长时间要出处理决定", "nhsa_xzcf_2021", "第四十五条"),
    ("我们不在场的时候处罚决定书怎么送过来", "nhsa_xzcf_2021", "第五十九条"),
    ("可以通过哪些渠道举报骗保", "nhsa_jbcl_2022", "第六条"),
    ("查实的骗保典型案例会公开曝光吗", "nhsa_jbcl_2022", "第二十条"),
    ("飞行检查是随机抽的吗", "nhsa_fjjc_2023", "第十一条"),
    ("哪些医院人员要做医保登记备案", "nhsa_zfzg_2024", "第十一条"),
    ("医保医师备案状态暂停了还能给病人开医保的药吗", "nhsa_zfzg_2024", "第十六条"),
    ("特例单议是按月报还是按季度报", "nhsa_abzjb_2025", "第二十二条"),
    ("医院能不能让病人挂床住院", "nhsa_ddyl_2020", "第十五条"),
    ("药品从医保目录里调出来有哪些原因", "nhsa_yygl_2020", "第九条"),
    ("医保药品的支付标准是什么意思", "nhsa_yygl_2020", "第二十六条"),
]
HELD_OUT_UNANSWERABLE: list[str] = [
    "医院的护理部主任由谁任命",
    "实习生的带教补助怎么发",
    "门诊大厅的自助机坏了谁来修",
    "病房空调温度夏天设几度",
]

HELD_OUT_2: list[tuple[str, str, str]] = [
    ("即时结算以后医院报上去的费用多久能拨下来", "nhsa_jsjs_2025", "二、（一）"),
    ("做人流手术生育保险现在能报多少钱", "qh_shengyu_2025", "二、"),
    ("医保不报的项目给病人用要病人签字吗", "qh_yyxy_2025", "第十九条"),
    ("病人委托家属来开药，我们要核对什么", "qh_yyxy_2025", "第十条|nhsa_ddyd_2020:第二十一条"),
    ("药店卖药要扫追溯码上传吗", "qh_ydxy_2025r", "第十五条"),
    ("个人账户能不能给家里人用", "qh_ydxy_2025r", "第十八条"),
    ("医院自己要组织医保政策培训吗", "nhsa_ddyl_2020", "第十九条"),
    ("我们没超总额的医保费用，经办会按时全额给钱吗", "nhsa_ddyl_2020", "第三十七条"),
    ("麻醉药品的价格谁来管", "nhsa_ypjg_2019", "一、（四）"),
    ("以前拖欠医院的医保款会清理吗", "nhsa_drg2_2024", "二、（三）"),
    ("各地能自己调整DRG分组吗", "nhsa_drg2_2024", "一、（二）"),
    ("哪些药品是超量开药监管的重点", "nhsa_clky_2025", "二、（一）"),
]
HELD_OUT_2_UNANSWERABLE: list[str] = [
    "职工体检费用公司报销标准是多少",
    "护士执业证多久注册一次",
    "院内感染暴发要在几小时内上报",
    "医院的医疗纠纷怎么走调解",
]

# BLIND_3 was written after the last change to the retriever (HELD_OUT_2 had been looked at by then)
# and is run once: the honest estimate.
BLIND_3: list[tuple[str, str, str]] = [
    ("医保额度用完了，医院能不能拒收病人", "nhsa_ddyl_2020", "第十六条"),
    ("集采中选的药医院要优先用吗", "nhsa_ddyl_2020", "第十七条"),
    ("结算清单要报给医保经办哪些内容", "nhsa_ddyl_2020", "第二十一条"),
    ("执法人员跟我们医院有利害关系，可以申请他回避吗", "nhsa_xzcf_2021", "第五条"),
    ("罚款金额不大的可以当场处罚吗", "nhsa_xzcf_2021", "第四十八条"),
    ("中药饮片怎么调进医保目录", "nhsa_yygl_2020", "第十三条"),
    ("医生退休了，医院要在医保系统里做什么", "nhsa_zfzg_2024", "第十八条"),
    ("医保支付资格被暂停的医生怎么申请恢复", "nhsa_zfzg_2024", "第三十九条"),
    ("乱举报诬告别人要负责任吗", "nhsa_jbcl_2022", "第十八条"),
    ("国谈药医院说没有配，能用总额预算当理由吗", "qh_yyxy_2025", "第十三条|qh_nrdl_2024:四、（三）"),
    ("病人自己该出的钱由谁跟医院结", "qh_yyxy_2025", "第二十九条"),
    ("日间手术之前做的门诊检查能一起报吗", "qh_rjss_2024", "二、（二）"),
]
BLIND_3_UNANSWERABLE: list[str] = [
    "医院的手术室护士每周要上几个夜班",
    "进修医生的住宿费谁来出",
    "医院宣传科投稿有稿费吗",
    "病人投诉服务态度差该怎么处理员工",
]

# BLIND_4 was written on 2026-12-05 by the engineer who moved the adapter to yibao.document and
# reworked the ranking, BEFORE any of that change, from corpus texts read for it, and scored blind
# (50% top-3, 86% 没有找到依据).  It is a TUNING set since the retrieval rework for unseen questions
# (question-word stripping, character pairs, weaker citations beside a supporting one): its misses
# were studied then.  BLIND_5 below is the blind one now.
BLIND_4: list[tuple[str, str, str]] = [
    ("药店的医保协议快到期了，要提前多久申请续签", "nhsa_ddyd_2020", "第三十八条"),
    ("药店改了名字或者换了老板，多久内要报给医保", "nhsa_ddyd_2020", "第三十七条"),
    ("药店申请医保定点材料不全，经办多少天内告诉我们补", "nhsa_ddyd_2020", "第七条"),
    ("有的药店申请医保定点会直接不受理，是什么情况", "nhsa_ddyd_2020", "第十一条"),
    ("药店自己想退出医保定点要提前多久说", "nhsa_ddyd_2020", "第四十一条"),
    ("药店跟经办闹了协议纠纷怎么解决", "nhsa_ddyd_2020", "第四十二条"),
    ("举报了以后又撤回，医保局还会查吗", "nhsa_jbcl_2022", "第十四条"),
    ("两个地方医保局都说举报不归自己管怎么办", "nhsa_jbcl_2022", "第十条"),
    ("打电话去问政策算不算举报", "nhsa_jbcl_2022", "第二十五条"),
    ("飞行检查的人到了医院要先出示什么", "nhsa_fjjc_2023", "第十五条"),
    ("飞行检查完了多久要报整改方案", "nhsa_fjjc_2023", "第二十三条"),
    ("飞检的检查人员违纪了怎么处理", "nhsa_fjjc_2023", "第二十七条"),
    ("医保局发现医院即时结算数据异常会怎么处理", "nhsa_jsjs_2025", "二、（四）"),
    ("超量开药智能监管到什么时候要全覆盖", "nhsa_clky_2025", "一、（三）"),
    ("特例单议申请没通过的病例怎么付费", "nhsa_abzjb_2025", "第二十三条"),
    ("DRG的支付标准是怎么算出来的", "nhsa_abzjb_2025", "第十八条"),
    ("按病种付费跟医保有纠纷了怎么处理", "nhsa_abzjb_2025", "第三十七条|nhsa_abzjb_2025:第三十六条"),
    ("药店里保健品和药能混着摆吗", "qh_ydxy_2025r", "第十条"),
    ("外地病人来药店买药能直接结算吗", "qh_ydxy_2025r", "第十七条"),
    ("定点药店的质量保证金是怎么来的", "qh_ydxy_2025r", "第二十一条"),
]
BLIND_4_UNANSWERABLE: list[str] = [
    "医保局工作人员的工资由谁发",
    "药店店员的社保要交哪一档",
    "飞行检查组的住宿费谁出",
    "举报电话周末有人接吗",
    "医院停车收费要报医保局备案吗",
    "护士申请调岗要走什么流程",
    "医院食堂的饭菜价格谁来定",
]

# BLIND_5 was written on 2026-12-05 by the engineer who reworked retrieval for unseen questions,
# BEFORE any change to the retriever, from corpus clauses the other sets use little (凡例, 药品价格,
# 日间手术, 目录通知, DRG 2.0, 即时结算, 超量开药, 支付资格, 用药管理, 协议, 处罚程序).  Scored once
# with the old code (76% top-3, 19/25; 没有找到依据 86%, 6/7) and once at the end; never tuned on
# (its misses are not looked at): the honest generalisation figure.
BLIND_5: list[tuple[str, str, str]] = [
    ("备注里写着二线用药的药，医保报销要什么证明", "qh_fanli_2025", "四、（十一）2.|qh_fanli_2024:四、（十一）2."),
    ("住院病人用肠外营养液，什么条件下医保才给报", "qh_fanli_2025", "四、（十四）|qh_fanli_2024:四、（十四）"),
    ("含天然麝香的中成药医保给不给报", "qh_fanli_2025", "五、（十七）|qh_fanli_2024:五、（十七）"),
    ("同一种药换了剂型和规格，价格按什么原则定", "nhsa_ypjg_2019", "一、（三）"),
    ("药企涨价涨得太离谱，医保部门会约谈吗", "nhsa_ypjg_2019", "二、（二）"),
    ("病人出院要在多少小时以内才算日间手术", "qh_rjss_2024", "一、"),
    ("各地可以自己调整药品目录里药的甲乙类吗", "qh_nrdl_2024", "二、"),
    ("谈判药在平台上挂网的价格能比支付标准高吗", "qh_nrdl_2024", "四、（一）"),
    ("上一年的医保基金清算最晚什么时候要做完", "nhsa_drg2_2024", "二、（一）"),
    ("医保基金运行情况会不会定期告诉我们医院", "nhsa_drg2_2024", "三、（四）"),
    ("即时结算的钱要占医保每月结算资金多少", "nhsa_jsjs_2025", "一、（二）"),
    ("病人短时间内跑好几家医院重复开同样的药，医保会盯吗", "nhsa_clky_2025", "二、（一）"),
    ("医生今年被记的分到明年还算吗", "nhsa_zfzg_2024", "第二十八条"),
    ("收到记分处理通知书以后医院要做什么", "nhsa_zfzg_2024", "第三十六条"),
    ("药店负责人的医保资格被暂停了，他名下别的药店受影响吗", "nhsa_zfzg_2024", "第三十四条"),
    ("医保药品目录多久调整一次", "nhsa_yygl_2020", "第十一条"),
    ("统筹基金付药费，一定要有医生处方吗", "nhsa_yygl_2020", "第二十三条"),
    ("乙类药病人先自己付的比例由谁定", "nhsa_yygl_2020", "第二十五条"),
    ("医院被市场监管部门罚了款，要报给医保吗", "qh_yyxy_2025r", "第七条（六）"),
    ("医院审核完了多少天内要申请对账", "qh_yyxy_2025r", "第七条（三）"),
    ("病人住院转科，能让他先办出院结算吗", "qh_yyxy_2025r", "第十八条"),
    ("能不能因为病组费用限额让病人自己去外面买药", "qh_yyxy_2025r", "第十八条"),
    ("医保执法封存的资料什么情况下要解除", "nhsa_xzcf_2021", "第三十三条"),
    ("医保罚款过期不交会每天加罚吗", "nhsa_xzcf_2021", "第五十五条"),
    ("医保处罚前的法制审核要多少天", "nhsa_xzcf_2021", "第四十条"),
]
BLIND_5_UNANSWERABLE: list[str] = [
    "医保局的公务员考试考什么",
    "药师职称考试每年几月报名",
    "日间手术病房的护士怎么排班",
    "医院退休职工的养老金怎么调整",
    "药品仓库的温度要控制在多少度",
    "医生出国进修要医院审批吗",
    "医院污水处理要达到什么标准",
]

# BLIND_6 was written on 2026-12-05 after the retrieval rework (and after BLIND_5 was scored at its
# end), from clauses no other set uses, and scored once with the code before the rework (7ed9a77)
# and once with the code after it (both 77% top-3, 57% 没有找到依据).  Its misses were then studied:
# it is a TUNING set now.
BLIND_6: list[tuple[str, str, str]] = [
    ("养老院里的医务室能申请医保定点吗", "nhsa_ddyl_2020", "第五条"),
    ("床位多的医院是不是要单独设医保管理部门", "nhsa_ddyl_2020", "第六条"),
    ("经办对定点申请做完评估，结果分几种", "nhsa_ddyl_2020", "第九条"),
    ("医院弄虚作假申请定点被发现，几年内不能再申请", "nhsa_ddyl_2020", "第十二条"),
    ("经办机构可以给医院预付医保资金吗", "nhsa_ddyl_2020", "第三十一条"),
    ("医院违规申报的费用经办还给付吗", "nhsa_ddyl_2020", "第三十二条"),
    ("医院停业了没告诉经办会怎样", "nhsa_ddyl_2020", "第四十三条"),
    ("医院跟经办在签协议上有争议能打官司吗", "nhsa_ddyl_2020", "第四十六条"),
    ("飞行检查组里都有哪些人", "nhsa_fjjc_2023", "第十二条"),
    ("飞行检查的现场笔录要怎么签字", "nhsa_fjjc_2023", "第十七条第二款"),
    ("飞检查出来的问题，地方医保局要怎么处理", "nhsa_fjjc_2023", "第二十四条|nhsa_fjjc_2023:第二十三条"),
    ("飞检发现的典型案例会对外公布吗", "nhsa_fjjc_2023", "第二十九条"),
    ("飞检人员跟被检医院有亲戚关系还能参加检查吗", "nhsa_fjjc_2023", "第二十七条|nhsa_fjjc_2023:第九条"),
    ("举报的时候要提供什么材料", "nhsa_jbcl_2022", "第七条"),
    ("实名举报以后多久会告诉我受不受理", "nhsa_jbcl_2022", "第十二条"),
    ("举报大病保险的违规问题也按这个办法处理吗", "nhsa_jbcl_2022", "第二十四条"),
    ("按病种付费里的权重是什么意思", "nhsa_abzjb_2025", "第十五条"),
    ("审核发现疑点问题，经办会告诉医院吗", "nhsa_abzjb_2025", "第三十条"),
    ("按病种付费结余留用的办法怎么定", "nhsa_abzjb_2025", "第三十三条"),
    ("医保支付方式改革有没有专家组", "nhsa_abzjb_2025", "第四十一条"),
    ("医生的记分能修复吗，要谁同意", "nhsa_zfzg_2024", "第三十八条"),
    ("经办作出记分处理后几天内要通知到医院", "nhsa_zfzg_2024", "第三十三条|nhsa_zfzg_2024:第三十一条"),
]
BLIND_6_UNANSWERABLE: list[str] = [
    "医院的门诊挂号费是多少钱",
    "护士长每个月的绩效奖金怎么分",
    "医院的会议室可以外借吗",
    "住院病人的陪护床一晚多少钱",
    "医保局的办公电话是多少",
    "医生的处方权要怎么申请",
    "药剂科的库房多久盘点一次",
]

# BLIND_7 was written on 2026-12-05 after BLIND_6 had become a tuning set, from clauses no other set
# uses, and scored once with the code before the retrieval rework (7ed9a77) and once with the final
# code; its misses are not looked at.
BLIND_7: list[tuple[str, str, str]] = [
    ("药店里要不要设医保政策宣传栏和意见箱", "qh_ydxy_2025r", "第六条"),
    ("处方开具时间比药品结算时间晚，这张处方还有效吗", "qh_ydxy_2025r", "第十三条"),
    ("医保费用是转账拨给药店还是给现金", "qh_ydxy_2025r", "第二十七条"),
    ("医保对药店费用初审通过了还会复审吗", "qh_ydxy_2025r", "第二十四条"),
    ("药店的医保结算机器能借给别的店用吗", "nhsa_ddyd_2020", "第四十条"),
    ("药店被解除医保协议后多久才能重新申请定点", "nhsa_ddyd_2020", "第十一条"),
    ("药店申请定点要交医保管理人员的劳动合同吗", "nhsa_ddyd_2020", "第六条"),
    ("药店违约了经办能怎么处理", "nhsa_ddyd_2020", "第三十五条"),
    ("医保服务承诺一定要签承诺书吗", "nhsa_zfzg_2024", "第二十二条"),
    ("医生登记备案要填哪些信息", "nhsa_zfzg_2024", "第十五条"),
    ("多点执业医生在一家医院被暂停了，在别的医院还能用医保吗", "nhsa_zfzg_2024", "第三十四条第二款"),
    ("异地就医的违规行为由哪边医保局查", "nhsa_xzcf_2021", "第九条"),
    ("医保罚款可以当场交给执法人员吗", "nhsa_xzcf_2021", "第五十二条"),
    ("医保执法询问可以几个人一起问吗", "nhsa_xzcf_2021", "第二十四条"),
    ("医保处罚前医院有没有机会陈述申辩", "nhsa_xzcf_2021", "第四十一条"),
    ("医院是不是要优先用医保目录内的药", "nhsa_yygl_2020", "第二十二条|qh_yyxy_2025r:第九条"),
    ("发生紧急公共卫生事件时医保目录能临时调整吗", "nhsa_yygl_2020", "第三十五条"),
    ("医院要不要把医保考核结果展示出来", "qh_yyxy_2025r", "第七条"),
]
BLIND_7_UNANSWERABLE: list[str] = [
    "医院的夜班护士可以调休吗",
    "医保局招聘合同工有年龄限制吗",
    "药店店长的提成比例是多少",
    "医生开会迟到要扣多少钱",
    "医院的救护车出车费怎么收",
    "病房的电视坏了找谁修",
    "体检中心的套餐价格怎么定",
]

# BLIND_8 was written on 2026-12-05 before the corpus-feedback experiments (s4-qa2), from clauses no
# other set uses, and scored once with the code as it stood (bed566b) before any change: 14/26 = 54%
# top-3, 6/7 = 86% 没有找到依据; its misses are not looked at.
BLIND_8: list[tuple[str, str, str]] = [
    ("医院和医保经办签的服务协议一般管几年", "nhsa_ddyl_2020", "第十条|nhsa_ddyd_2020:第九条"),
    ("被医保扣掉的违约金，医院能当成医保欠款挂账吗", "nhsa_ddyl_2020", "第十四条第二款|nhsa_ddyd_2020:第十三条第二款"),
    ("医院报上去的医保费用，经办多久能把钱拨下来", "nhsa_ddyl_2020", "第三十条|nhsa_ddyd_2020:第二十九条"),
    ("病人去没有定点的医院看病，花的钱医保给报吗", "nhsa_ddyl_2020", "第三十三条"),
    ("医院的医保接口软件找哪家公司做，经办能指定吗", "nhsa_ddyl_2020", "第三十四条|nhsa_ddyd_2020:第三十二条"),
    ("公立医院可以自己提出不续签医保协议吗", "nhsa_ddyl_2020", "第四十四条"),
    ("医院违反了医保协议，经办会找院长约谈吗", "nhsa_ddyl_2020", "第三十八条"),
    ("医保经办自己违反协议，医院能怎么维权", "nhsa_ddyl_2020", "第三十九条|nhsa_ddyd_2020:第三十六条"),
    ("药店定点评估没通过，过多久能再申请", "nhsa_ddyd_2020", "第八条第二款|nhsa_ddyl_2020:第九条第二款"),
    ("药店申请定点后评估最长要多长时间", "nhsa_ddyd_2020", "第八条|nhsa_ddyl_2020:第九条"),
    ("病人拿别人的医保卡来药店买药可以吗", "nhsa_ddyd_2020", "第三十一条第二款"),
    ("药店的药品进货和库存数据要报给医保吗", "nhsa_ddyd_2020", "第十九条|nhsa_ddyd_2020:第十四条"),
    ("飞行检查结束后会出书面报告吗", "nhsa_fjjc_2023", "第二十二条"),
    ("飞检后医院被约谈了，整改措施多少天内要交", "nhsa_fjjc_2023", "第二十六条第二款"),
    ("飞行检查来了，医院要安排谁来对接", "nhsa_fjjc_2023", "第十六条"),
    ("发现医院骗保应该向哪里的医保局举报", "nhsa_jbcl_2022", "第九条"),
    ("执法人员登记保存了我们的资料，这期间医院能挪走吗", "nhsa_xzcf_2021", "第二十七条第二款"),
    ("医保执法检查的时候可以录音录像吗", "nhsa_xzcf_2021", "第十八条|nhsa_xzcf_2021:第二十条"),
    ("医保行政处罚的案卷材料怎么归档", "nhsa_xzcf_2021", "第五十七条"),
    ("医保当场处罚以后多少天内要报备", "nhsa_xzcf_2021", "第五十一条"),
    ("医保药品代码多久更新一次", "nhsa_yygl_2020", "第二十条"),
    ("医院自己配的制剂纳入药品目录后算甲类还是乙类", "nhsa_yygl_2020", "第二十四条第二款"),
    ("医生被医保记分是按什么时间点算的", "nhsa_zfzg_2024", "第二十七条第二款"),
    ("特例单议的病例数量有没有上限", "nhsa_abzjb_2025", "第二十一条|nhsa_drg2_2024:一、（三）"),
    ("给病人用医保不报的药，要让病人签字吗", "qh_yyxy_2025r", "第十九条|qh_yyxy_2025:第十九条"),
    ("药店对医保审核扣款有意见，找谁协调", "qh_ydxy_2025r", "第二十六条|qh_ydxy_2025:第二十六条"),
]
BLIND_8_UNANSWERABLE: list[str] = [
    "医院食堂的饭菜价格谁来定",
    "护士的夜班费一晚多少钱",
    "医保局的工作人员周末上班吗",
    "医生考职称需要发几篇论文",
    "住院病人的家属可以带宠物探视吗",
    "医院的停电应急预案多久演练一次",
    "规培生的宿舍怎么分配",
]

PROVINCES = ["四川", "广东", "浙江", "江苏", "上海", "河南", "湖北", "湖南", "山东", "福建", "云南", "甘肃"]


def load_corpus(session):
    """The real texts: corpus id → document id."""
    from yibao.qa.corpus import load_folder
    ids = {}
    for folder in (CORPUS / "nhsa-texts", CORPUS / "qinghai-texts"):
        for label, version in load_folder(session, folder, with_ids=True):
            ids[label] = version.document_id
    return ids


def synthesise(session, total_docs: int, copies: dict, seed: int = 7) -> int:
    """Load the corpus texts again as other provinces' / years' documents until `total_docs` exist.
    `copies` gets corpus id → the document ids of its copies."""
    from yibao.qa.corpus import store_text
    from yibao.store import Document
    texts = []
    for folder in (CORPUS / "nhsa-texts", CORPUS / "qinghai-texts"):
        for p in sorted(folder.glob("*.txt")):
            if p.name.endswith(".normalized.txt"):
                continue
            texts.append((p.stem, p.read_text(encoding="utf-8")))
    rng = random.Random(seed)
    n = session.query(Document).count()
    i = 0
    while n < total_docs:
        stem, text = texts[i % len(texts)]
        province = PROVINCES[(i // len(texts)) % len(PROVINCES)]
        year = 2015 + rng.randrange(10)
        varied = (text.replace("青海", province).replace("国家", province).replace("2025", str(year))
                  .replace("2024", str(year - 1)).replace("3个月", f"{rng.randrange(2, 7)}个月"))
        version = store_text(session, title=f"{province}省{stem}（{year}年第{i}号）", text=varied,
                             doc_number=f"{province}医保发〔{year}〕{i}号")
        copies.setdefault(stem.removesuffix(".normalized"), []).append(version.document_id)
        n += 1
        i += 1
    return n


def expected(ids: dict, cid: str, clauses: str, copies: dict | None = None) -> list[tuple[int, str]]:
    out = []
    for alt in clauses.split("|"):
        other, _, clause = alt.rpartition(":")
        for doc_id in [ids[other or cid]] + (copies or {}).get(other or cid, []):
            out.append((doc_id, clause))
    return out


def cited(answer, targets: list[tuple[int, str]]) -> bool:
    """One of the first three citations is an expected provision or one of its items."""
    return any(c.document_id == doc_id and c.clause.startswith(clause)
               for c in answer.citations[:3] for doc_id, clause in targets)


def evaluate(session, ids, index, verbose=False, copies=None, answerable=None, unanswerable=None) -> dict:
    from yibao.qa import ask
    answerable = ANSWERABLE if answerable is None else answerable
    unanswerable = UNANSWERABLE if unanswerable is None else unanswerable
    hits, misses, times = 0, [], []
    for q, cid, clause in answerable:
        t = time.perf_counter()
        a = ask(q, session=session, index=index)
        times.append(time.perf_counter() - t)
        if cited(a, expected(ids, cid, clause, copies)):
            hits += 1
        else:
            misses.append((q, cid, clause, [(c.document[:14], c.clause) for c in a.citations]))
    refused, wrong = 0, []
    for q in unanswerable:
        t = time.perf_counter()
        a = ask(q, session=session, index=index)
        times.append(time.perf_counter() - t)
        if not a.citations:
            refused += 1
        else:
            wrong.append((q, [(c.document[:14], c.clause, c.text[:30]) for c in a.citations]))
    if verbose:
        for m in misses:
            print("  miss:", m)
        for w in wrong:
            print("  answered:", w)
    return {"hit": hits / len(answerable), "refused": refused / len(unanswerable),
            "median_ms": statistics.median(times) * 1000, "misses": misses, "wrong": wrong}


def main(total_docs: int = 1000, verbose: bool = False) -> list[dict]:
    saved = {k: os.environ.get(k) for k in ("YIBAO_HOME", "YIBAO_DATABASE_URL", "YIBAO_QA_VECTORS_PATH",
                                            "YIBAO_QA_VECTORS")}
    try:
        return _run(total_docs, verbose)
    finally:   # `make bench` runs the other benches in this process afterwards
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


@dataclass(frozen=True)
class QuestionSet:
    name: str
    answerable: list
    unanswerable: list
    status: str                  # how far it may be trusted: looked at, a tuning set, never tuned on
    show_misses: bool = True     # never print the misses of a set still blind


# every set after the development one, in the order they were written
QUESTION_SETS = [
    QuestionSet("held out", HELD_OUT, HELD_OUT_UNANSWERABLE, "looked at once"),
    QuestionSet("second held-out", HELD_OUT_2, HELD_OUT_2_UNANSWERABLE, "looked at once"),
    QuestionSet("blind-3", BLIND_3, BLIND_3_UNANSWERABLE, "looked at since the retrieval rework"),
    QuestionSet("blind-4", BLIND_4, BLIND_4_UNANSWERABLE,
                "blind at 50% / 86%, a tuning set since the retrieval rework"),
    QuestionSet("blind-5", BLIND_5, BLIND_5_UNANSWERABLE,
                "never tuned on until session 7 (84% / 100% then), its misses studied since"),
    QuestionSet("blind-6", BLIND_6, BLIND_6_UNANSWERABLE,
                "blind at 77% / 57% with old and new code, then a tuning set"),
    QuestionSet("blind-7", BLIND_7, BLIND_7_UNANSWERABLE,
                "never tuned on until session 7 (83% / 100% then), its misses studied since"),
    QuestionSet("blind-8", BLIND_8, BLIND_8_UNANSWERABLE,
                "never tuned on until session 7 (85% / 100% then), its misses studied since"),
    QuestionSet("tuning-9", TUNING_9, TUNING_9_UNANSWERABLE,
                "written for tuning by a helper: unanswerable questions on 医保 subjects the texts name but do "
                "not settle; 73% / 20% before the answer-kind rules"),
    QuestionSet("blind-9", BLIND_9, BLIND_9_UNANSWERABLE,
                "written by a helper who never ran the retriever; never tuned on until session 7 (85% / 80% then), "
                "its misses studied since"),
    QuestionSet("blind-10", BLIND_10, BLIND_10_UNANSWERABLE,
                "written by a helper who never ran the retriever; never tuned on until session 7 (78% / 70% then), "
                "its misses studied since"),
    QuestionSet("blind-11", BLIND_11, BLIND_11_UNANSWERABLE,
                "written by a helper who never ran the retriever; scored blind once in session 7 (85% / 70%), "
                "its misses studied since"),
    QuestionSet("blind-12", BLIND_12, BLIND_12_UNANSWERABLE,
                "written by a second helper who never ran the retriever; scored blind once in session 7 "
                "(75% / 80%), its misses studied since"),
    QuestionSet("blind-13", BLIND_13, BLIND_13_UNANSWERABLE,
                "written by a third helper who never ran the retriever; scored blind at the end of session 7 "
                "(75% / 80%), its misses studied in session 8"),
    QuestionSet("blind-14", BLIND_14, BLIND_14_UNANSWERABLE,
                "written in session 8 by a helper who never ran the retriever (front-line staff); 75% / 80% "
                "with the session-7 code, 78% / 80% at mid-session, its misses studied since"),
    QuestionSet("blind-15", BLIND_15, BLIND_15_UNANSWERABLE,
                "written in session 8 by a helper who never ran the retriever (back office); 82% / 70% with the "
                "session-7 code, 85% / 70% at mid-session, its misses studied since"),
    QuestionSet("blind-16", BLIND_16, BLIND_16_UNANSWERABLE,
                "written in session 8 by a helper who never ran the retriever (short chat questions); 72% / 90% "
                "when first scored, its misses studied since"),
    QuestionSet("blind-17", BLIND_17, BLIND_17_UNANSWERABLE,
                "written in session 8 by a helper who never ran the retriever (long questions, the case first); "
                "85% / 90% when first scored, its misses studied since"),
    QuestionSet("blind-18", BLIND_18, BLIND_18_UNANSWERABLE,
                "written at the end of session 8 by a helper who never ran the retriever (mixed lengths); "
                "78% / 90% with the session-7 code, 82% / 90% when first scored, its misses studied in session 9"),
    QuestionSet("blind-19", BLIND_19, BLIND_19_UNANSWERABLE,
                "written at the end of session 8 by a helper who never ran the retriever (patients, pharmacies, "
                "yes/no questions); 62% / 90% with the session-7 code, 68% / 90% when first scored, its misses "
                "studied in session 9"),
    QuestionSet("blind-20", BLIND_20, BLIND_20_UNANSWERABLE,
                "written at the start of session 9 by a helper who never ran the retriever (window and wards, "
                "half yes/no); 85% / 90% with the session-8 code, 90% / 90% with the session-9 code, its misses "
                "studied in session 10"),
    QuestionSet("blind-21", BLIND_21, BLIND_21_UNANSWERABLE,
                "written at the start of session 9 by a helper who never ran the retriever (back office and "
                "management, chat fragments); 90% / 80% with the session-8 code, 95% / 80% with the session-9 "
                "code, its misses studied in session 10"),
    QuestionSet("blind-22", BLIND_22, BLIND_22_UNANSWERABLE,
                "written at the start of session 10 by a helper who never ran the retriever (pharmacy, inpatient "
                "settlement, inspections; the case first); 92% / 90% with the session-9 code, 92% / 90% at "
                "mid-session, its misses studied since"),
    QuestionSet("blind-23", BLIND_23, BLIND_23_UNANSWERABLE,
                "written at the start of session 10 by a helper who never ran the retriever (patients and "
                "relatives in chat, employers' HR, finance); 78% / 80% with the session-9 code, 80% / 80% at "
                "mid-session, its misses studied since"),
    QuestionSet("blind-24", BLIND_24, BLIND_24_UNANSWERABLE,
                "written in the middle of session 10 by a helper who never ran the retriever (wards and 医保办 on "
                "day surgery, maternity, the drug catalogue; many very short); 88% / 80% with the session-9 code "
                "and at mid-session, its misses studied since"),
    QuestionSet("blind-25", BLIND_25, BLIND_25_UNANSWERABLE,
                "written in the middle of session 10 by a helper who never ran the retriever (inspections, "
                "penalties, appeals; wrong assumptions, two-part questions); 68% / 60% with the session-9 code, "
                "70% / 60% at mid-session, its misses studied since"),
    QuestionSet("blind-26", BLIND_26, BLIND_26_UNANSWERABLE,
                "never tuned on, misses not shown; written at the end of session 10 by a helper who never ran "
                "the retriever (every role alike, a work-group chat), scored once with the final code", False),
    QuestionSet("blind-27", BLIND_27, BLIND_27_UNANSWERABLE,
                "never tuned on, misses not shown; written at the end of session 10 by a helper who never ran "
                "the retriever (a new 医保办 clerk and patients at the window; wrong numbers and bodies to correct), "
                "scored once with the final code", False),
    QuestionSet("blind-28", BLIND_28, BLIND_28_UNANSWERABLE,
                "written at the start of session 11 by a helper who never ran the retriever; 85% / 80% with the "
                "session-10 code, its misses studied since"),
    QuestionSet("blind-29", BLIND_29, BLIND_29_UNANSWERABLE,
                "written at the start of session 11 by a helper who never ran the retriever; 88% / 100% with the "
                "session-10 code, its misses studied since"),
    QuestionSet("blind-30", BLIND_30, BLIND_30_UNANSWERABLE,
                "never tuned on, misses not shown; written at the start of session 11 by a helper who never ran "
                "the retriever; 88% / 70% with the session-10 code", False),
    QuestionSet("blind-31", BLIND_31, BLIND_31_UNANSWERABLE,
                "never tuned on, misses not shown; written at the start of session 11 by a helper who never ran "
                "the retriever; 78% / 70% with the session-10 code", False),
    QuestionSet("blind-32", BLIND_32, BLIND_32_UNANSWERABLE,
                "never tuned on, misses not shown; written at the start of session 12 by a helper who never ran "
                "the retriever (doctors, nurses and billing clerks of a county hospital in a work chat)", False),
    QuestionSet("blind-33", BLIND_33, BLIND_33_UNANSWERABLE,
                "never tuned on, misses not shown; written at the start of session 12 by a helper who never ran "
                "the retriever (医保办, finance, pharmacy and management on risks; patients and HR on the hotline)",
                False),
]


def _figures(result: dict, words_only: dict | None = None) -> str:
    text = f"top-3 hit {result['hit']:.0%}, 没有找到依据 {result['refused']:.0%}"
    if words_only:
        text += f" (words only: {words_only['hit']:.0%}, {words_only['refused']:.0%})"
    return text


def _words_only(session, ids, index, qs: QuestionSet) -> dict:
    """The same set scored without sentence vectors (what the answerer does where the model cannot load)."""
    os.environ["YIBAO_QA_VECTORS"] = "0"
    try:
        return evaluate(session, ids, index, False, None, qs.answerable, qs.unanswerable)
    finally:
        os.environ.pop("YIBAO_QA_VECTORS")


def _run(total_docs: int, verbose: bool) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="yibao-qa-bench-") as home:
        os.environ["YIBAO_HOME"] = home
        os.environ.pop("YIBAO_DATABASE_URL", None)
        # sentence vectors are stored by text hash: kept between runs, so only new texts are encoded
        os.environ.setdefault("YIBAO_QA_VECTORS_PATH", str(REPO / "var" / "bench" / "qa-vectors.sqlite"))
        from yibao.qa import vectors
        from yibao.qa.index import QaIndex
        from yibao.store.db import open_session
        with open_session() as session:
            ids = load_corpus(session)
            index = QaIndex()
            index.sync(session)
            small = evaluate(session, ids, index, verbose)
            per_set = [(qs, evaluate(session, ids, index, verbose and qs.show_misses, None,
                                     qs.answerable, qs.unanswerable)) for qs in QUESTION_SETS]
            words = {qs.name: _words_only(session, ids, index, qs) for qs in QUESTION_SETS} if vectors.enabled() else {}
            _print_sets(small, per_set, len(ids), words)
            if total_docs <= 0:   # --docs 0: the quality figures only
                return []
            copies: dict = {}
            n = synthesise(session, total_docs, copies)
            t = time.perf_counter()
            index.sync(session)
            build_s = time.perf_counter() - t
            versions, passages = index.count()
            big = evaluate(session, ids, index, verbose)
            big_copies = evaluate(session, ids, index, False, copies)
    print(f"{n} documents ({passages} provisions, indexed in {build_s:.1f} s): top-3 hit {big['hit']:.0%} "
          f"(the original text; {big_copies['hit']:.0%} counting its synthetic copies), "
          f"没有找到依据 {big['refused']:.0%}, median latency {big['median_ms']:.1f} ms")
    return [
        {"case": f"top-3 hit rate, {len(ANSWERABLE)} staff questions (target ≥ 90%)", "median_s": None,
         "baseline": "", "ratio": None, "note": f"{small['hit']:.0%} on the corpus; among {n} docs {big_copies['hit']:.0%} "
                                                "(original or a synthetic copy)"},
        *[{"case": f"{qs.name} questions ({len(qs.answerable)} + {len(qs.unanswerable)} unanswerable, {qs.status})",
           "median_s": None, "baseline": "", "ratio": None, "note": _figures(result, words.get(qs.name))}
          for qs, result in per_set],
        {"case": f"没有找到依据 on {len(UNANSWERABLE)} unanswerable (target 100%)", "median_s": None,
         "baseline": "", "ratio": None, "note": f"{small['refused']:.0%} on the corpus, {big['refused']:.0%} among {n} docs"},
        {"case": f"ask, median over {n} stored documents (target < 200 ms)", "median_s": big["median_ms"] / 1000,
         "baseline": "", "ratio": None, "note": f"{passages} provisions; incremental index of the extra docs {build_s:.1f} s"},
    ]


def _print_sets(small: dict, per_set: list, n_texts: int, words: dict) -> None:
    print(f"corpus ({n_texts} texts): top-3 hit {small['hit']:.0%} ({len(ANSWERABLE)} questions), "
          f"没有找到依据 on unanswerable {small['refused']:.0%} ({len(UNANSWERABLE)}), median {small['median_ms']:.1f} ms")
    for qs, result in per_set:
        print(f"{qs.name} ({len(qs.answerable)} + {len(qs.unanswerable)} questions, {qs.status}): "
              f"{_figures(result, words.get(qs.name))}")
    unseen = [(qs, r) for qs, r in per_set if not qs.show_misses]
    hits = sum(round(r["hit"] * len(qs.answerable)) for qs, r in unseen)
    refused = sum(round(r["refused"] * len(qs.unanswerable)) for qs, r in unseen)
    asked, cannot = sum(len(qs.answerable) for qs, _ in unseen), sum(len(qs.unanswerable) for qs, _ in unseen)
    print(f"all never-studied sets: top-3 hit {hits}/{asked} = {hits / asked:.0%}, "
          f"没有找到依据 {refused}/{cannot} = {refused / cannot:.0%}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    main(args.docs, args.verbose)
