import pytest

from yibao.lessons import ROLES, UnknownRoleError, role_id


def test_ten_roles_with_display_names():
    assert ROLES["yibaoban"] == "医保办" and ROLES["employer_hr"] == "参保单位HR" and len(ROLES) == 10


@pytest.mark.parametrize("given,expected", [("doctor", "doctor"), ("临床医生", "doctor"), ("药剂科", "pharmacy"),
                                            ("参保人", "insured"), (" 收费员 ", "cashier"), ("Doctor", "doctor")])
def test_role_id_accepts_id_or_name(given, expected):
    assert role_id(given) == expected


def test_unknown_role_lists_valid_ones():
    with pytest.raises(UnknownRoleError) as exc:
        role_id("保安")
    assert "yibaoban（医保办）" in str(exc.value) and isinstance(exc.value, ValueError)
