"""Relevance (skip) logic: the subset of XLSForm expressions Skillcommons understands.

Pure Python, no ORM. Supported, and nothing else:

- references to earlier questions: ``${name}``;
- text in single or double quotes (``'yes'``) and numbers (``3``, ``-1.5``);
- comparisons ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` (numbers compare as numbers when both
  sides are numbers, otherwise as text);
- ``selected(${q}, 'value')`` for multiple-choice questions;
- ``and``, ``or``, ``not(...)`` and parentheses.

An unanswered question has the empty value ``''`` (as in ODK): ``${q} != ''`` means "answered".
A multiple-choice answer compares as its values joined by spaces, as in XForms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_LENGTH = 1000
MAX_DEPTH = 30

Value = str | int | float | Decimal | list[str] | None


class SkipLogicError(ValueError):
    """An expression outside the supported subset, with a translated message."""


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Literal:
    value: str


@dataclass(frozen=True)
class Compare:
    op: str
    left: Ref | Literal
    right: Ref | Literal


@dataclass(frozen=True)
class Selected:
    ref: Ref
    value: str


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" or "or"
    operands: tuple[Node, ...]


Node = Compare | Selected | Not | BoolOp

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{(?P<refname>[A-Za-z_][A-Za-z0-9_.-]*)\})
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op>!=|<=|>=|=|<|>)
      | (?P<paren>[(),])
      | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _tokenize(expression: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    stripped = expression.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            raise SkipLogicError(
                _("Unexpected text at “%(text)s”.") % {"text": stripped[position:][:20].strip()}
            )
        kind = match.lastgroup or ""
        if kind == "refname":
            kind = "ref"
        if match.group("ref"):
            tokens.append(_Token("ref", match.group("refname")))
        else:
            tokens.append(_Token(kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise SkipLogicError(_("The expression ends too early."))
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise SkipLogicError(
                _("Expected “%(expected)s” but found “%(found)s”.")
                % {"expected": text, "found": token.text}
            )

    def parse(self) -> Node:
        node = self.parse_or()
        token = self.peek()
        if token is not None:
            raise SkipLogicError(_("Unexpected text at “%(text)s”.") % {"text": token.text})
        return node

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while (token := self.peek()) is not None and token.kind == "word" and token.text == "or":
            self.take()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_unary()]
        while (token := self.peek()) is not None and token.kind == "word" and token.text == "and":
            self.take()
            operands.append(self.parse_unary())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def parse_unary(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SkipLogicError(_("The expression is nested too deeply."))
        try:
            token = self.peek()
            if token is None:
                raise SkipLogicError(_("The expression ends too early."))
            if token.kind == "paren" and token.text == "(":
                self.take()
                node = self.parse_or()
                self.expect(")")
                return node
            if token.kind == "word" and token.text == "not":
                self.take()
                self.expect("(")
                node = self.parse_or()
                self.expect(")")
                return Not(node)
            if token.kind == "word" and token.text == "selected":
                self.take()
                self.expect("(")
                ref = self.take()
                if ref.kind != "ref":
                    raise SkipLogicError(
                        _("selected() takes a question reference such as ${name} first.")
                    )
                self.expect(",")
                value = self.take()
                if value.kind not in ("string", "number"):
                    raise SkipLogicError(_("selected() takes a quoted choice value second."))
                self.expect(")")
                return Selected(Ref(ref.text), _literal_text(value))
            return self.parse_comparison()
        finally:
            self.depth -= 1

    def parse_operand(self) -> Ref | Literal:
        token = self.take()
        if token.kind == "ref":
            return Ref(token.text)
        if token.kind in ("string", "number"):
            return Literal(_literal_text(token))
        if token.kind == "word":
            raise SkipLogicError(
                _("“%(name)s” is not supported in skip logic.") % {"name": token.text}
            )
        raise SkipLogicError(_("Unexpected text at “%(text)s”.") % {"text": token.text})

    def parse_comparison(self) -> Node:
        left = self.parse_operand()
        token = self.peek()
        if token is None or token.kind != "op":
            raise SkipLogicError(_("A comparison such as ${name} = 'value' is expected here."))
        self.take()
        right = self.parse_operand()
        return Compare(token.text, left, right)


def _literal_text(token: _Token) -> str:
    if token.kind == "string":
        return token.text[1:-1]
    return token.text


def parse(expression: str) -> Node | None:
    """The parsed expression, or ``None`` when it is empty (always relevant).

    Raises :class:`SkipLogicError` with a translated message for anything outside the subset."""
    text = expression.strip()
    if not text:
        return None
    if len(text) > MAX_LENGTH:
        raise SkipLogicError(
            _("The expression is longer than %(limit)d characters.") % {"limit": MAX_LENGTH}
        )
    return _Parser(_tokenize(text)).parse()


def references(node: Node | None) -> set[str]:
    """The question names an expression refers to."""
    found: set[str] = set()

    def walk(item: Node | Ref | Literal) -> None:
        if isinstance(item, Ref):
            found.add(item.name)
        elif isinstance(item, Compare):
            walk(item.left)
            walk(item.right)
        elif isinstance(item, Selected):
            found.add(item.ref.name)
        elif isinstance(item, Not):
            walk(item.operand)
        elif isinstance(item, BoolOp):
            for operand in item.operands:
                walk(operand)

    if node is not None:
        walk(node)
    return found


def _as_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, float | Decimal) and value == int(value):
        return str(int(value))
    return str(value)


def _as_number(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _compare(op: str, left: str, right: str) -> bool:
    a, b = _as_number(left), _as_number(right)
    if a is not None and b is not None:
        pair: tuple[Decimal, Decimal] | tuple[str, str] = (a, b)
    else:
        pair = (left, right)
    x, y = pair
    if op == "=":
        return x == y
    if op == "!=":
        return x != y
    if op == "<":
        return x < y  # type: ignore[operator]
    if op == "<=":
        return x <= y  # type: ignore[operator]
    if op == ">":
        return x > y  # type: ignore[operator]
    return x >= y  # type: ignore[operator]


def evaluate(node: Node | None, answers: Mapping[str, Value]) -> bool:
    """Whether a question with relevance ``node`` is asked, given the answers so far."""
    if node is None:
        return True

    def operand(item: Ref | Literal) -> str:
        if isinstance(item, Ref):
            return _as_text(answers.get(item.name))
        return item.value

    if isinstance(node, Compare):
        return _compare(node.op, operand(node.left), operand(node.right))
    if isinstance(node, Selected):
        value = answers.get(node.ref.name)
        chosen = value if isinstance(value, list) else _as_text(value).split()
        return node.value in chosen
    if isinstance(node, Not):
        return not evaluate(node.operand, answers)
    results = (evaluate(operand_, answers) for operand_ in node.operands)
    return all(results) if node.op == "and" else any(results)


def check(expression: str, *, known: list[str]) -> None:
    """Parse ``expression`` and check that it refers only to names in ``known`` (the questions
    before it). Raises :class:`SkipLogicError`."""
    node = parse(expression)
    for name in sorted(references(node)):
        if name not in known:
            raise SkipLogicError(
                _("The expression refers to ${%(name)s}, which is not an earlier question.")
                % {"name": name}
            )
