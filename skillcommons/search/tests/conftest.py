from __future__ import annotations

import pytest

from skillcommons.search import service
from skillcommons.search.tests.fixtures import documents


@pytest.fixture
def golden(db: None) -> None:
    """The thirteen-language fixture documents, indexed."""
    service.index_documents(documents())
