import pytest

from tests.backends import *  # noqa: F401,F403
from tests.processes import Processes


@pytest.fixture
def procs(tmp_path):
    """Service processes of one test, ended (TERM, then KILL) when it ends; logs in tmp_path/logs."""
    logs = tmp_path / "logs"
    logs.mkdir()
    processes = Processes(logs)
    yield processes
    processes.stop_all()
