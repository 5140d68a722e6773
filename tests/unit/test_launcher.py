"""`make run`'s launcher refuses to start over a port that is taken (a server left from an earlier
run would answer its readiness check in place of the new one)."""
from __future__ import annotations

import socket

import pytest

from shared.launcher import Launcher


def free_base_port() -> int:
    """A port whose next two are free too, as the launcher takes three."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + 2 < 65536 and all(_free(base + i) for i in range(3)):
            return base
    raise RuntimeError("no three free ports in a row")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def test_a_port_in_use_stops_the_launch_naming_it(tmp_path):
    base = free_base_port()
    launcher = Launcher(tmp_path, "127.0.0.1", base, demo=False)
    launcher.ports_free()  # all three free: nothing said
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", base + 1))
        taken.listen()
        with pytest.raises(SystemExit, match=f"Port {base + 1} \\(appraisal\\).*in use"):
            launcher.ports_free()
