"""Detection of garbage text from PDFs with a missing or wrong ToUnicode map.

Such PDFs do not fail: they yield ``(cid:N)`` tokens, control characters,
Latin-1 letters, or *real but wrong* Chinese characters (domain.md §6.2).
The checks below are cheap and are run on every extracted text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# About 700 of the most frequent characters in Chinese official documents
# (general high-frequency characters plus 医保 vocabulary). Real 公文 text has
# well over half of its Han characters in this set; wrong-map garbage, which
# draws characters from all over the CJK block, has far fewer.
COMMON_CHARS = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所"
    "民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那"
    "社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通"
    "并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区"
    "强放决西被干做必战先回则任取据处府研单收费医保障局疗药险金支付参定点构办规通知意见施执目录范围标准服务协议签订履约违按照"
    "市州县省级卫健委财社会人力资源城镇职工居民生育伤残病种诊断治疗住院门诊费用报销比例起限额个账户统筹基金监督检查审核结算清"
    "单价格项目耗材器械采购带量中选谈判竞价挂网配备使用落地执行时间印送抄日月年号文件附件附表说明解释负责自施行废止停止原同时效"
    "期有限至以下简称其中含包括规范管理机构定点零售店药店医疗卫生健康委员会办公室厅局部国务院中心处科室经信息系统数据编码分类"
    "名称剂型备注甲乙类西成饮片民族增补凡例与及并且或者应当可以不得须要求按照根据为了进一步加强做好推进落实完善建立健全开展实施"
    "工作情况问题措施政策文件通知意见决定办法方案细则规定标准指南目录公告通告批复函报告请示纪要通报复议诉讼处罚追回拒付违约责任"
    "甲方乙方双方约定终止解除续签申请审批备案登记变更注销暂停恢复材料证明记录档案保存提供报送上传下载平台网站电话邮箱地址联系"
    "每月季度半年全年当日次日之内以上以内超过低于高于不超过达到满足符合条件内容方式程序流程环节岗位人员队伍培训考核评价奖励"
    "一二三四五六七八九十百千万亿零〇元角分份种项类批次例床人次岁周天小时分钟、，。；：？！“”‘’（）《》〔〕【】—…·"
)

_CID = re.compile(r"\(cid:\d+\)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LATIN1_LETTERS = re.compile(r"[\u00c0-\u00ff\u0100-\u024f\u2020-\u2030\u0152\u0153\u0160\u0161\u0178\u017d\u0192\u02c6\u02dc]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class GarbleVerdict:
    garbled: bool
    reason: str
    cid_tokens: int = 0
    control_chars: int = 0
    common_ratio: float | None = None


def check_text(text: str) -> GarbleVerdict:
    """Decide whether ``text`` looks like wrong-map garbage."""
    if not text.strip():
        return GarbleVerdict(False, "empty")
    cids = len(_CID.findall(text))
    stripped = _CID.sub("", text)
    controls = len(_CONTROL.findall(stripped))
    visible = max(1, len(re.sub(r"\s", "", stripped)) + cids)
    if cids >= 3 and cids / visible > 0.01:
        return GarbleVerdict(True, f"{cids} (cid:N) tokens: the font has no ToUnicode map", cids, controls)
    if controls >= 3 and controls / visible > 0.01:
        return GarbleVerdict(True, f"{controls} control characters: wrong or missing ToUnicode map", cids, controls)
    latin1 = len(_LATIN1_LETTERS.findall(stripped))
    han = _HAN.findall(stripped)
    if latin1 >= 5 and latin1 / visible > 0.05:
        return GarbleVerdict(True, f"{latin1} stray Latin-1 letters: wrong ToUnicode map", cids, controls)
    if len(han) >= 40:
        ratio = sum(ch in COMMON_CHARS for ch in han) / len(han)
        if ratio < 0.30:
            return GarbleVerdict(True, f"only {ratio:.0%} of Han characters are common 公文 characters: "
                                       "probably a wrong ToUnicode map", cids, controls, ratio)
        return GarbleVerdict(False, "plausible", cids, controls, ratio)
    return GarbleVerdict(False, "plausible", cids, controls)
