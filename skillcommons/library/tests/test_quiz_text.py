"""The plain-text quiz format and its editor page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from skillcommons.library.quiz import QuestionInput, parse_quiz, quiz_text

from .factories import draft, person

SOURCE = """? Who writes Wikipedia?
* Volunteers
- A company
> Volunteers write it.

?+ Which are Wikimedia projects?
* Wikidata
* Wiktionary
- Facebook
"""


def test_parse_reads_questions_answers_and_explanations() -> None:
    questions = parse_quiz(SOURCE)
    assert questions == [
        QuestionInput(
            "Who writes Wikipedia?",
            "single",
            [("Volunteers", True), ("A company", False)],
            "Volunteers write it.",
        ),
        QuestionInput(
            "Which are Wikimedia projects?",
            "multiple",
            [("Wikidata", True), ("Wiktionary", True), ("Facebook", False)],
            "",
        ),
    ]
    assert parse_quiz(quiz_text(questions)) == questions


@pytest.mark.parametrize("bad", ["* an answer before any question", "? Q\nanswer without marker"])
def test_parse_names_the_line_it_does_not_understand(bad: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_quiz(bad)
    assert "Line" in error.value.messages[0]


@pytest.mark.django_db
def test_the_author_writes_questions_on_the_page(client: Client) -> None:
    work = draft(person(), format="quiz")
    url = reverse("library:quiz_edit", args=[work.pk, "en"])
    client.force_login(person())
    assert client.get(url).status_code == 404  # someone else's draft is not even visible
    client.force_login(work.created_by)  # type: ignore[arg-type]
    response = client.post(url, {"questions": SOURCE})
    assert response.status_code == 302
    variant = work.variants.get()
    assert [q.kind for q in variant.questions.all()] == ["single", "multiple"]
    page = client.get(url)
    assert "?+ Which are Wikimedia projects?" in page.text
    bad = client.post(url, {"questions": "? Only wrong answers\n- a\n- b"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["questions"]
    assert variant.questions.count() == 2
