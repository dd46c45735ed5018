"""Two learners taking a mentor's last place at the same moment never over-assign.

Runs real threads with their own database connections, so it needs PostgreSQL (row locks with
``select_for_update``); run it with ``scripts/with_postgres.sh .venv/bin/pytest
skillcommons/exchange/tests/test_concurrency.py``. On SQLite the test is skipped: there every
transaction is ``IMMEDIATE`` and writers are serialised by the database lock itself.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from skillcommons.exchange import actions
from skillcommons.exchange.models import Exchange, ExchangeRequest, RequestStatus

from .factories import person, vocabulary

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real threads"
    ),
]


def _race(calls: list[Any]) -> list[BaseException | None]:
    """Run each call in its own thread, released together; return what each raised."""
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


@pytest.mark.parametrize("attempt", range(5))
def test_two_accepts_for_the_last_place_give_one_exchange(attempt: int) -> None:
    v = vocabulary()
    mentor = person(
        f"Mentor{attempt}", offers=[(v["wikidata"], 3)], languages=[(v["fr"], 6)], capacity=1
    )
    requests = []
    for name in ("A", "B"):
        learner = person(f"{name}{attempt}", languages=[(v["fr"], 5)])
        requests.append(
            actions.send_request(
                learner=learner, mentor=mentor, skill=v["wikidata"], method="mentoring"
            )
        )
    results = _race([lambda r=r: actions.accept_request(request=r, by=mentor) for r in requests])
    assert Exchange.objects.filter(mentor=mentor).count() == 1
    refused = [r for r in results if r is not None]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError)
    assert "no free place" in str(refused[0])
    statuses = sorted(ExchangeRequest.objects.values_list("status", flat=True))
    assert statuses == [RequestStatus.ACCEPTED, RequestStatus.PENDING]


def test_many_programs_or_accepts_at_once_never_exceed_the_capacity() -> None:
    v = vocabulary()
    mentor = person("Mentor", offers=[(v["wikidata"], 3)], languages=[(v["fr"], 6)], capacity=2)
    learners = [person(f"L{i}", languages=[(v["fr"], 5)]) for i in range(6)]
    results = _race(
        [
            lambda learner=learner: actions.start_exchange(
                learner=learner, mentor=mentor, skill=v["wikidata"], method="peer"
            )
            for learner in learners
        ]
    )
    assert Exchange.objects.filter(mentor=mentor).count() == 2
    assert sum(1 for r in results if r is None) == 2
    assert all(isinstance(r, ValidationError) for r in results if r is not None)
