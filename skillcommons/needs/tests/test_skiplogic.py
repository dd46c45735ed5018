"""The supported subset of XLSForm relevance expressions."""

from __future__ import annotations

import pytest

from skillcommons.needs import skiplogic


@pytest.mark.parametrize(
    ("expression", "answers", "expected"),
    [
        ("", {}, True),
        ("${a} = 'x'", {"a": "x"}, True),
        ("${a} = 'x'", {"a": "y"}, False),
        ("${a} != 'x'", {}, True),
        ("${a} != ''", {}, False),
        ("${n} > 3", {"n": 10}, True),  # numeric, not text ("10" < "3" as text)
        ("${n} < 3", {"n": "10"}, False),
        ("${n} >= 3 and ${n} <= 5", {"n": 5}, True),
        ("selected(${m}, 'b')", {"m": ["a", "b"]}, True),
        ("selected(${m}, 'c')", {"m": ["a", "b"]}, False),
        ("not(selected(${m}, 'c'))", {"m": ["a"]}, True),
        ("${a} = 'x' or ${b} = 'y'", {"b": "y"}, True),
        ("(${a} = 'x' or ${b} = 'y') and not(${c} = 1)", {"a": "x", "c": "1"}, False),
        ('${a} = "x"', {"a": "x"}, True),
        ("${m} = 'a b'", {"m": ["a", "b"]}, True),
    ],
)
def test_expressions_evaluate_like_xforms(
    expression: str, answers: dict[str, skiplogic.Value], expected: bool
) -> None:
    assert skiplogic.evaluate(skiplogic.parse(expression), answers) is expected


@pytest.mark.parametrize(
    "expression",
    [
        "count-selected(${m}) > 1",
        "${a} = 'x' and",
        "${a} =",
        "(${a} = 'x'",
        "${a} + 1 = 2",
        "string-length(${a}) > 3",
        "true()",
        "${a}",
        "selected('x', ${a})",
        ". > 3",
        "(" * 40 + "${a} = 1" + ")" * 40,
        "${a} = 'x'" + " or ${a} = 'x'" * 100,
    ],
)
def test_anything_outside_the_subset_is_refused_with_a_message(expression: str) -> None:
    with pytest.raises(skiplogic.SkipLogicError) as error:
        skiplogic.parse(expression)
    assert str(error.value)


def test_check_refuses_references_to_later_or_unknown_questions() -> None:
    skiplogic.check("${a} = 'x'", known=["a"])
    with pytest.raises(skiplogic.SkipLogicError, match=r"\$\{b\}"):
        skiplogic.check("${a} = 'x' or ${b} = 'y'", known=["a"])


def test_references_lists_every_question_used() -> None:
    node = skiplogic.parse("${a} = 1 and (selected(${b}, 'x') or not(${c} != ${d}))")
    assert skiplogic.references(node) == {"a", "b", "c", "d"}
