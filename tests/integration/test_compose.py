"""docker-compose.yml, validated by Docker Compose itself (`docker compose config`).

Compose is built from its Go module by the harness (tests/harness/compose.py) and runs as the
docker CLI's plugin; `config` parses, interpolates and validates the file against the compose
specification without a Docker engine. The checks below read the resolved model it prints.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from shared.contracts.appraisal import APPRAISAL
from shared.contracts.visits import VISITS
from shared.bus import topic_for
from tests.harness.compose import compose_command, install_compose

ROOT = Path(__file__).resolve().parents[2]
ENV_DIR = ROOT / "deploy" / "env"
OFFICES = {"province": "360000", "city": "360700", "county": "360702"}
WEB = ("visits", "appraisal", "reporting")
DUMMY = {"SHUANGWAN_TOKEN_SECRET": "dummy-token-secret-for-validation-only-0123456789",
         "SHUANGWAN_HASH_KEY": "dummy-hash-key-for-validation-only-0123456789"}


@pytest.fixture(scope="module")
def compose(tmp_path_factory):
    """Runs `docker compose … config` on a copy of the repository's compose files and returns
    the resolved model; `env` is the office's env file (deploy/env/<office>.env), dummy secrets
    filled in, written where compose reads it (.env beside docker-compose.yml)."""
    binary = install_compose()
    command, environ = compose_command(binary, tmp_path_factory.mktemp("docker-config"))

    def run(office: str = "city", extra_env: dict | None = None, files=("docker-compose.yml",),
            check: bool = True) -> dict | subprocess.CompletedProcess:
        project = tmp_path_factory.mktemp(f"project-{office}")
        shutil.copy(ROOT / "docker-compose.yml", project / "docker-compose.yml")
        (project / "deploy").mkdir()
        shutil.copy(ROOT / "deploy" / "compose.shared-bus.yml", project / "deploy" / "compose.shared-bus.yml")
        values = {**DUMMY, **(extra_env or {})}
        lines = []
        for line in (ENV_DIR / f"{office}.env").read_text(encoding="utf-8").splitlines():
            name = line.split("=", 1)[0]
            lines.append(f"{name}={values.pop(name)}" if "=" in line and name in values else line)
        lines += [f"{k}={v}" for k, v in values.items()]
        (project / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")
        args = [*command, "--project-directory", str(project)]
        for f in files:
            args += ["-f", str(project / f)]
        proc = subprocess.run([*args, "config", "--format", "json"], cwd=project, env=environ,
                              capture_output=True, text=True, timeout=120)
        if not check:
            return proc
        assert proc.returncode == 0, f"compose config failed:\n{proc.stderr}"
        model = json.loads(proc.stdout)
        model["_project"] = project
        return model

    return run


@pytest.fixture(scope="module")
def city(compose) -> dict:
    return compose("city")


def services(model: dict) -> dict:
    return model["services"]


def command_text(service: dict) -> str:
    parts = (service.get("entrypoint") or []) + (service.get("command") or [])
    return " ".join(parts)


def healthy_dependencies(service: dict) -> set[str]:
    return {name for name, dep in (service.get("depends_on") or {}).items()
            if dep.get("condition") in ("service_healthy", "service_completed_successfully")}


@pytest.mark.parametrize("office", sorted(OFFICES))
def test_the_file_validates_with_each_offices_env_file(compose, office):
    model = compose(office)
    assert model["name"] == "shuangwan"
    for name in (*WEB, "visits-relay", "appraisal-relay", "reporting-consumer"):
        env = services(model)[name]["environment"]
        assert env["SHUANGWAN_OFFICE_REGION"] == OFFICES[office], name
        assert env["SHUANGWAN_TOKEN_SECRET"] == DUMMY["SHUANGWAN_TOKEN_SECRET"]
        assert env["SHUANGWAN_HASH_KEY"] == DUMMY["SHUANGWAN_HASH_KEY"]


def test_the_example_env_files_hold_no_secrets():
    for office in OFFICES:
        values = dict(line.split("=", 1) for line in (ENV_DIR / f"{office}.env").read_text().splitlines()
                      if line and not line.startswith("#"))
        assert values["SHUANGWAN_TOKEN_SECRET"] == "" and values["SHUANGWAN_HASH_KEY"] == "", office


def test_every_service_has_a_healthcheck_or_waits_for_one(city):
    model = services(city)
    checked = {name for name, s in model.items()
               if s.get("healthcheck", {}).get("test") and not s["healthcheck"].get("disable")}
    for name, service in model.items():
        if name in checked:
            continue
        waits_for = healthy_dependencies(service)
        assert waits_for, f"{name} has no healthcheck and waits for nothing"
        for dependency in waits_for:
            condition = service["depends_on"][dependency]["condition"]
            assert dependency in checked or condition == "service_completed_successfully", (name, dependency)
    # The web services are checked on /readyz (storage reachable), not only on liveness.
    for name in WEB:
        assert "/readyz" in " ".join(model[name]["healthcheck"]["test"]), name


def test_kafka_is_a_kraft_node_from_the_official_image(city):
    kafka = services(city)["kafka"]
    assert re.fullmatch(r"apache/kafka:\d+\.\d+\.\d+", kafka["image"]), kafka["image"]
    env = kafka["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert not any("ZOOKEEPER" in key for key in env), "KRaft: no ZooKeeper"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith(f"{env['KAFKA_NODE_ID']}@")
    assert "CONTROLLER" in env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", "topics are created with their retention"
    assert any(v["target"] == env["KAFKA_LOG_DIRS"] for v in kafka["volumes"]), "the log is on a volume"
    # The broker tested by the harness is the broker deployed.
    pom = (ROOT / "tests" / "harness" / "kafka" / "pom.xml").read_text()
    tested = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", pom).group(1)
    assert kafka["image"] == f"apache/kafka:{tested}"


def test_mongodb_is_a_single_node_replica_set_from_the_official_image(city):
    model = services(city)
    mongo = model["mongodb"]
    assert re.fullmatch(r"mongo:\d+(\.\d+)*", mongo["image"]), mongo["image"]
    command = mongo["command"]
    replica_set = command[command.index("--replSet") + 1]
    init = " ".join(mongo["healthcheck"]["test"])
    assert "rs.initiate" in init and f"_id: '{replica_set}'" in init
    assert init.count("host:") == 1, "one member"
    assert any(v["target"] == "/data/db" for v in mongo["volumes"])
    for name in (*WEB, "visits-relay", "appraisal-relay", "reporting-consumer"):
        env = model[name]["environment"]
        for key in ("SHUANGWAN_EVENT_STORE_URL", "SHUANGWAN_PROJECTION_URL"):
            assert env[key].startswith("mongodb://mongodb:27017/"), (name, key)
            assert f"replicaSet={replica_set}" in env[key], (name, key)
        assert "mongodb" in healthy_dependencies(model[name])


def test_the_three_services_run_under_gunicorn_with_the_deploy_settings(city):
    model = services(city)
    for name in WEB:
        command = model[name]["command"]
        assert command[0] == "gunicorn", name
        assert command[command.index("-c") + 1] == "deploy/gunicorn.conf.py"
        assert command[-1] == f"services.{name}.wsgi:app"
        assert (ROOT / "services" / name / "wsgi.py").exists()
        assert any(p["target"] == 8000 for p in model[name]["ports"])
    # One relay per event store and the reporting consumer, from the same image.
    assert model["visits-relay"]["command"] == ["python", "-m", "services.visits", "relay"]
    assert model["appraisal-relay"]["command"] == ["python", "-m", "services.appraisal", "relay"]
    assert model["reporting-consumer"]["command"] == ["python", "-m", "services.reporting", "consume"]
    images = {model[n]["image"] for n in (*WEB, "visits-relay", "appraisal-relay", "reporting-consumer")}
    assert images == {"shuangwan:latest"}
    build = model["visits"]["build"]
    context = ROOT / Path(build["context"]).relative_to(city["_project"])
    assert (context / build["dockerfile"]).exists()


def test_topics_are_created_before_the_services_and_keep_their_events_forever(city):
    model = services(city)
    topics = model["topics"]
    assert topics["image"] == model["kafka"]["image"]
    assert topics["depends_on"]["kafka"]["condition"] == "service_healthy"
    script = command_text(topics)
    for family in (VISITS.family, APPRAISAL.family):
        assert topic_for(family, "shuangwan") in script, family
    assert "--config retention.ms=-1" in script and "--config retention.bytes=-1" in script
    assert "--create" in script and "--if-not-exists" in script
    assert "restart" not in topics or topics["restart"] in ("no", "")
    for name in (*WEB, "visits-relay", "appraisal-relay", "reporting-consumer"):
        assert model[name]["depends_on"]["topics"]["condition"] == "service_completed_successfully", name


def test_the_topic_prefix_comes_from_the_env_file(compose):
    model = compose("province", {"SHUANGWAN_TOPIC_PREFIX": "jx"})
    script = command_text(services(model)["topics"])
    assert "jx.visits" in script and "jx.appraisal" in script and "shuangwan.visits" not in script
    assert services(model)["visits"]["environment"]["SHUANGWAN_TOPIC_PREFIX"] == "jx"


def test_the_record_lives_on_named_volumes(city):
    volumes = city["volumes"]
    model = services(city)
    for service, target in (("kafka", model["kafka"]["environment"]["KAFKA_LOG_DIRS"]), ("mongodb", "/data/db")):
        mounts = [v for v in model[service]["volumes"] if v["target"] == target]
        assert mounts and mounts[0]["type"] == "volume", service
        assert mounts[0]["source"] in volumes, service


def test_relays_serve_their_metrics_for_the_healthcheck(city):
    model = services(city)
    for name in ("visits-relay", "appraisal-relay"):
        env = model[name]["environment"]
        assert f"127.0.0.1:{env['SHUANGWAN_METRICS_PORT']}/metrics" in " ".join(model[name]["healthcheck"]["test"])


def test_an_office_on_the_shared_cluster_runs_no_broker_of_its_own(compose):
    files = ("docker-compose.yml", "deploy/compose.shared-bus.yml")
    missing = compose("county", files=files, check=False)
    assert missing.returncode != 0 and "SHUANGWAN_BUS_URL" in missing.stderr

    bus = "kafka://kafka1.example:9092,kafka2.example:9092"
    model = compose("county", {"SHUANGWAN_BUS_URL": bus, "SHUANGWAN_TOPIC_PREFIX": "jx"}, files=files)
    assert "kafka" not in services(model) and "topics" not in services(model)
    for name in (*WEB, "visits-relay", "appraisal-relay", "reporting-consumer"):
        service = services(model)[name]
        assert service["environment"]["SHUANGWAN_BUS_URL"] == bus, name
        assert set(service["depends_on"]) == {"mongodb"}, name
    assert services(model)["visits-relay"]["environment"]["SHUANGWAN_METRICS_PORT"] == "9100"


def test_the_image_is_built_from_what_the_repository_holds():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    copies = [line.split()[1:-1] for line in dockerfile.splitlines() if line.startswith("COPY ")]
    for sources in copies:
        if any(s.startswith("--from=") for s in sources):
            continue
        for source in sources:
            assert (ROOT / source).exists(), source
    assert "USER shuangwan" in dockerfile and "EXPOSE 8000" in dockerfile
    # The gunicorn settings the compose services name are in the image.
    assert "COPY deploy/gunicorn.conf.py ./deploy/gunicorn.conf.py" in dockerfile
