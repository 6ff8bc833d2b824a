import pytest

from yibao.diff import TableKeyError, compare_tables


def rows(*items):
    return [{"序号": i + 1, "药品代码": c, "药品名称": n, "支付标准": p} for i, (c, n, p) in enumerate(items)]


def test_rows_keyed_by_code_added_removed_changed():
    old = rows(("XA01", "阿莫西林胶囊", "3.42"), ("XB02", "头孢呋辛片", "5.10"), ("XC03", "布洛芬片", "1.00"))
    new = rows(("XA01", "阿莫西林胶囊", "3.20"), ("XC03", "布洛芬片", "1.00"), ("XD04", "二甲双胍片", "0.80"))
    d = compare_tables(old, new)
    assert d.key == ["药品代码"]
    assert [r["药品代码"] for r in d.added] == ["XD04"] and [r["药品代码"] for r in d.removed] == ["XB02"]
    changed = {c.key: c.columns for c in d.changed}
    assert changed["XA01"] == {"支付标准": ["3.42", "3.20"]}
    assert "XC03" in changed and set(changed["XC03"]) == {"序号"}  # row number shifted only
    assert d.to_dict()["stats"]["added"] == 1


def test_explicit_and_composite_key_and_errors():
    old = [{"名称": "A", "剂型": "片"}, {"名称": "A", "剂型": "针"}]
    new = [{"名称": "A", "剂型": "片"}]
    assert compare_tables(old, new, key=["名称", "剂型"]).removed == [{"名称": "A", "剂型": "针"}]
    with pytest.raises(TableKeyError):
        compare_tables(old, new, key="名称")
