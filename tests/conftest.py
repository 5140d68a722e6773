"""Shared pytest fixtures: real Kafka and FerretDB servers, unique names.

Servers start lazily, once per session, and only when a test asks for them
(directly or through another fixture): a run of unit tests alone starts
nothing. If ``KAFKA_BOOTSTRAP_SERVERS`` / ``MONGODB_URL`` are set (e.g. from
``python -m tests.harness serve``, or servers of your own), those are used
instead and nothing is started.

A server that cannot start makes the tests that need it error out with the
tail of its log; they are never skipped.
"""

from __future__ import annotations

import os
import uuid

import pytest

from tests.harness.servers import FerretDBServer, KafkaServer


# The server objects, for tests that stop and start a server (outbox recovery
# while Kafka is down, 503s while FerretDB is down). Such a test must bring the
# server back (``server.start()`` in a ``finally``), since the same server
# serves the rest of the session. These fixtures always start a server of
# their own: when KAFKA_BOOTSTRAP_SERVERS / MONGODB_URL point elsewhere, a test
# that stops ``kafka_server`` / ``ferretdb_server`` while talking to
# ``kafka_bootstrap`` / ``mongodb_url`` tests nothing useful and may fail; such
# tests should talk to ``kafka_server.bootstrap_servers`` / ``ferretdb_server.url``.
@pytest.fixture(scope="session")
def kafka_server():
    server = KafkaServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def ferretdb_server():
    server = FerretDBServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def kafka_bootstrap(request) -> str:
    """``host:port`` of a Kafka broker (``$KAFKA_BOOTSTRAP_SERVERS`` or a local one)."""
    env = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if env:
        return env
    return request.getfixturevalue("kafka_server").bootstrap_servers


@pytest.fixture(scope="session")
def mongodb_url(request) -> str:
    """MongoDB URL of a FerretDB (``$MONGODB_URL`` or a local one)."""
    env = os.environ.get("MONGODB_URL")
    if env:
        return env
    return request.getfixturevalue("ferretdb_server").url


@pytest.fixture
def unique_name() -> str:
    """A short unique lowercase name for a topic, consumer group or database."""
    return "t" + uuid.uuid4().hex[:10]
