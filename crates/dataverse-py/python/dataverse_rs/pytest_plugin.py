"""The pytest plugin of ``dataverse_rs`` (registered through the ``pytest11`` entry point).

Fixtures:

- ``local_dataverse``: one embedded Dataverse for the whole session (a
  :class:`LocalDataverse`).
- ``fresh_dataverse``: a new, empty one for a single test (isolation).
- ``dataverse_admin``: a :class:`NativeApi` with the superuser's token on the session's
  server.
- ``dataverse_user``: a new plain user on the session's server: ``{"username", "token",
  "email", "api"}``.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator

import pytest

from .local import LocalDataverse


@pytest.fixture(scope="session")
def local_dataverse() -> Iterator[LocalDataverse]:
    """An embedded Dataverse shared by the session's tests."""
    with LocalDataverse() as dv:
        yield dv


@pytest.fixture
def fresh_dataverse() -> Iterator[LocalDataverse]:
    """An embedded Dataverse of this test's own."""
    with LocalDataverse() as dv:
        yield dv


@pytest.fixture
def dataverse_admin(local_dataverse: LocalDataverse):
    """A client with the superuser's token on the session's Dataverse."""
    return local_dataverse.api()


@pytest.fixture
def dataverse_user(local_dataverse: LocalDataverse) -> Dict[str, Any]:
    """A new plain user on the session's Dataverse, with a client of theirs (``api``)."""
    user = local_dataverse.create_user()
    user["api"] = local_dataverse.api(user["token"])
    return user
