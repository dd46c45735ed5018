import socket
import urllib.request
from typing import Any, NoReturn

import pytest


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to open a connection fail the test.

    Used by the modules that sign, verify and bake: they must work offline. (Not autouse: tests
    that use a PostgreSQL database connect through a socket.)
    """

    def refuse(*args: Any, **kwargs: Any) -> NoReturn:
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    try:
        import requests
    except ImportError:  # pragma: no cover - requests is only a transitive dependency
        return
    monkeypatch.setattr(requests.Session, "request", refuse)
