"""Docker Compose v2, built from the Go module proxy, to validate ``docker-compose.yml``.

The ``docker`` CLI on a test machine may lack the compose plugin, and no Docker engine is
needed to check a compose file: ``docker compose config`` only parses, interpolates and
validates it. So the harness builds the compose CLI from its Go module (the same way it
builds FerretDB) into ``<cache>/compose/<version>/docker-compose`` and uses it

* as a CLI plugin: ``DOCKER_CONFIG=<dir>`` where ``<dir>/cli-plugins/docker-compose`` is the
  binary, so that ``docker compose …`` works with the machine's ``docker`` CLI; or
* standalone: ``docker-compose …`` (the same binary, when there is no ``docker`` CLI).

``go install module/cmd@version`` refuses compose's module (its go.mod carries ``exclude``
directives), so the module is downloaded with ``go mod download`` and its ``./cmd`` package is
built inside the downloaded module, which is then the main module with its own go.mod and
go.sum: the build uses exactly the dependency versions compose's release was built with.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .servers import _locked, _progress, _run_build, cache_root

COMPOSE_MODULE = "github.com/docker/compose/v2"
COMPOSE_VERSION = "v2.40.3"
COMPOSE_BINARY = "docker-compose"


def compose_version() -> str:
    return COMPOSE_VERSION


def _go() -> str:
    go = shutil.which("go")
    if not go:
        raise RuntimeError("building Docker Compose needs Go: no 'go' on PATH")
    return go


def _go_env() -> dict[str, str]:
    # Outside any workspace, never writing into the (read-only) module cache.
    return dict(os.environ, CGO_ENABLED="0", GO111MODULE="on", GOWORK="off",
                GOFLAGS="-mod=readonly -buildvcs=false")


def install_compose() -> Path:
    """Build the Docker Compose CLI (once) and return the path of the binary."""
    base = cache_root() / "compose"
    entry = base / COMPOSE_VERSION
    binary = entry / COMPOSE_BINARY
    if binary.exists():
        return binary
    with _locked(base / ".lock"):
        if binary.exists():
            return binary
        go = _go()
        _progress(f"building Docker Compose {COMPOSE_VERSION} from the Go module proxy into {binary} "
                  "(first run: minutes)")
        started = time.monotonic()
        entry.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="compose-download-") as outside_any_module:
            download_log = entry / "download.log"
            proc = subprocess.run([go, "mod", "download", "-json", f"{COMPOSE_MODULE}@{COMPOSE_VERSION}"],
                                  cwd=outside_any_module, env=_go_env(), stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, check=False)
            download_log.write_text(proc.stdout + proc.stderr)
            if proc.returncode != 0:
                raise RuntimeError(f"downloading {COMPOSE_MODULE}@{COMPOSE_VERSION} failed "
                                   f"(exit {proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
            module_dir = Path(json.loads(proc.stdout)["Dir"])
        partial = entry / (COMPOSE_BINARY + ".partial")
        ldflags = f"-s -w -X {COMPOSE_MODULE}/internal.Version={COMPOSE_VERSION}"
        _run_build([go, "build", "-trimpath", "-ldflags", ldflags, "-o", str(partial), "./cmd"],
                   cwd=module_dir, env=_go_env(), log_path=entry / "build.log",
                   what=f"building Docker Compose {COMPOSE_VERSION}")
        partial.rename(binary)
        _progress(f"Docker Compose {COMPOSE_VERSION} built in {time.monotonic() - started:.0f} s")
    return binary


def plugin_config_dir(binary: Path, into: Path) -> Path:
    """A DOCKER_CONFIG directory whose only content is the compose CLI plugin."""
    plugins = into / "cli-plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    link = plugins / COMPOSE_BINARY
    if not link.exists():
        link.symlink_to(binary)
    return into


def compose_command(binary: Path, config_dir: Path) -> tuple[list[str], dict[str, str]]:
    """The command (and environment) that runs compose: `docker compose` through the plugin
    when the docker CLI is installed, else the binary standalone."""
    env = dict(os.environ, DOCKER_CONFIG=str(plugin_config_dir(binary, config_dir)))
    # A developer's own settings must not leak into what the test validates.
    for name in list(env):
        if name.startswith(("COMPOSE_", "SHUANGWAN_")):
            del env[name]
    docker = shutil.which("docker")
    return ([docker, "compose"] if docker else [str(binary)]), env
