"""Quizzes as plain text, so they can be written and translated in a textarea without JavaScript.

Pure: no ORM. The format, one question per block::

    ? Who writes Wikipedia?
    * Volunteers like you
    - Staff of the Wikimedia Foundation
    > Wikipedia is written by volunteers; the Foundation hosts it.

    ?+ Which of these are Wikimedia projects?
    * Wikidata
    * Wikimedia Commons
    - A search engine
    > Both are sister projects of Wikipedia.

``?`` starts a question with one answer, ``?+`` one where every right answer must be chosen;
``*`` marks a right answer, ``-`` a wrong one, ``>`` the explanation shown after answering.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_QUESTIONS = 50
MAX_CHOICES = 10


@dataclass(frozen=True)
class QuestionInput:
    text: str
    kind: str  # "single" or "multiple"
    choices: Sequence[tuple[str, bool]]
    explanation: str = ""


def parse_quiz(source: str) -> list[QuestionInput]:
    """The questions written in ``source``; a ``ValidationError`` names the first bad line."""
    questions: list[QuestionInput] = []
    text = kind = ""
    choices: list[tuple[str, bool]] = []
    explanation: list[str] = []

    def finish() -> None:
        if text:
            questions.append(QuestionInput(text, kind, list(choices), " ".join(explanation)))

    for number, raw in enumerate((source or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        marker, _space, rest = line.partition(" ")
        rest = rest.strip()
        if marker in {"?", "?+"} and rest:
            finish()
            text, kind = rest, "multiple" if marker == "?+" else "single"
            choices, explanation = [], []
        elif marker in {"*", "-"} and rest and text:
            choices.append((rest, marker == "*"))
        elif marker == ">" and rest and text:
            explanation.append(rest)
        else:
            raise ValidationError(
                _(
                    "Line %(number)d is not understood. Start a question with “?” (or “?+” when "
                    "several answers are right), an answer with “*” (right) or “-” (wrong), an "
                    "explanation with “>”."
                )
                % {"number": number},
                code="quiz_syntax",
            )
    finish()
    if len(questions) > MAX_QUESTIONS or any(len(q.choices) > MAX_CHOICES for q in questions):
        raise ValidationError(
            _("A quiz has at most %(questions)d questions of at most %(choices)d answers each.")
            % {"questions": MAX_QUESTIONS, "choices": MAX_CHOICES},
            code="quiz_size",
        )
    return questions


def quiz_text(questions: Sequence[QuestionInput]) -> str:
    """``questions`` written in the format :func:`parse_quiz` reads."""
    blocks = []
    for question in questions:
        lines = [f"{'?+' if question.kind == 'multiple' else '?'} {question.text}"]
        lines.extend(f"{'*' if ok else '-'} {choice}" for choice, ok in question.choices)
        if question.explanation:
            lines.append(f"> {question.explanation}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
