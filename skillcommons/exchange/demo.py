"""Demo data of the peer exchange, called by ``manage.py seed_demo`` after people and
organizations exist. Each part of the app adds its demo data with one call here."""

from __future__ import annotations

import random

from .lifecycle_demo import seed_exchanges
from .program_demo import seed_programs


def seed(rng: random.Random) -> None:
    seed_exchanges(rng)
    seed_programs(rng)
