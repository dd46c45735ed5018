"""Publishing twice at the same moment publishes once; one person applying twice at once gives
one application. Real threads with their own connections: PostgreSQL only (run with
``scripts/with_postgres.sh .venv/bin/pytest skillcommons/exchange/tests/test_program_concurrency.py``);
skipped on SQLite, where writers are serialised by the database lock."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from skillcommons.exchange import program_actions
from skillcommons.exchange.models import Exchange
from skillcommons.exchange.program_models import Application, ProgramMatch

from .program_factories import mentee, mentor, person, program, setting

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real threads"
    ),
]


def _race(calls: list[Any]) -> list[BaseException | None]:
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results: list[BaseException | None] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait()
            calls[i]()
        except BaseException as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_publications_at_once_publish_one_run(attempt: int) -> None:
    organization, organizer, skill, language = setting()
    p = program(organization, organizer, skill, language)
    mentor(p, person(f"Mentor{attempt}", capacity=3), skill, language, capacity=2)
    for name in ("Ann", "Ben"):
        mentee(p, person(f"{name}{attempt}"), skill, language)
    first = program_actions.run_matching(program=p, by=organizer)
    second = program_actions.run_matching(program=p, by=organizer)
    results = _race(
        [
            lambda: program_actions.publish_run(run=first, by=organizer),
            lambda: program_actions.publish_run(run=second, by=organizer),
        ]
    )
    assert sum(r is None for r in results) == 1
    (error,) = [r for r in results if r is not None]
    assert isinstance(error, ValidationError)
    assert Exchange.objects.count() == 2 == ProgramMatch.objects.count()


def test_applying_twice_at_once_gives_one_application() -> None:
    organization, organizer, skill, language = setting()
    p = program(organization, organizer, skill, language)
    alice = person("Alice")
    results = _race([lambda: mentee(p, alice, skill, language) for _ in range(2)])
    assert sum(r is None for r in results) == 1
    assert Application.objects.count() == 1
