"""What kind of answer a question wants, and whether a provision has it."""
from yibao.qa.intent import holds, wanted


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
