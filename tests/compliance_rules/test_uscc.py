import pytest

from compliance_rules.uscc import check_character, is_valid_uscc, uscc_problem


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91512081MA62K0260E"])
def test_published_examples_are_valid(code: str) -> None:
    assert is_valid_uscc(code)


def test_check_character_worked() -> None:
    # 9 1 3 5 0 1 0 0 M 0 0 0 1 0 0 Y 4 with weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
    # M=21, Y=30: 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640; 1640 mod 31 = 28; 31-28 = 3
    assert check_character("91350100M000100Y4") == "3"


def test_wrong_check_character_named() -> None:
    problem = uscc_problem("91350100M000100Y44")
    assert problem is not None and problem.code == "check_character" and "3" in problem.message_en


@pytest.mark.parametrize(
    ("code", "kind"), [("9135010", "length"), ("91350100I000100Y43", "character")]
)
def test_malformed(code: str, kind: str) -> None:
    problem = uscc_problem(code)
    assert problem is not None and problem.code == kind
