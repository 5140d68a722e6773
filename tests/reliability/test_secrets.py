"""Secrets come from the environment only, and none is in the repository; identifiers citizens give
(phone numbers, device ids, invitation codes) are kept only as keyed hashes — never stored raw,
never published raw, never logged."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from services.appraisal.app import create_app as appraisal_app
from services.appraisal.domain.invitations import keyed_hash
from services.reporting.app import create_app as reporting_app
from services.visits.app import create_app as visits_app
from shared import config
from tests.reliability.support import ADMIN, ROOT, TARGETS, Stack, rating_body, wait_until

# Files whose throwaway secrets exist to run tests and benchmarks.
TEST_CODE = ("tests/", "bench/")
LOOKS_LIKE_A_SECRET = {
    "private key": re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "JSON web token": re.compile(rb"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    "AWS access key": re.compile(rb"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(rb"\bgh[pousr]_[A-Za-z0-9]{30,}\b"),
    "Slack token": re.compile(rb"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "API key": re.compile(rb"\bsk-[A-Za-z0-9]{20,}\b"),
    "password in a URL": re.compile(rb"[a-z+]+://[^/\s:@'\"]+:[^/\s@'\"]{3,}@"),
}
# A setting of ours, or a secret-ish name, given a literal value: quoted anywhere, or (outside
# Python, in env, YAML, config files) unquoted; an empty value or a `${VARIABLE}` is no secret.
SECRET_NAME = rb"(?i)(?<![{$])\b(?:SHUANGWAN_(?:\w+_)?(?:TOKEN_SECRET|HASH_KEY)|token_secret|hash_key|secret_key|password|passwd)"
QUOTED = re.compile(SECRET_NAME + rb"[ \t]*[:=][ \t]*(['\"])[^'\"\s]{4,}\1")
UNQUOTED = re.compile(SECRET_NAME + rb"[ \t]*[:=][ \t]*(?![$'\"{])[^\s'\"#]{4,}")


def hard_coded(name: str, data: bytes) -> list[bytes]:
    found = [m.group() for m in QUOTED.finditer(data)]
    if not name.endswith(".py"):
        found += [m.group() for m in UNQUOTED.finditer(data)]
    return found


def repository_files() -> list[Path]:
    """Files in the repository (tracked, or new and not ignored)."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                                capture_output=True, check=True, timeout=60).stdout
        names = [n for n in listed.decode().split("\0") if n]
    except (OSError, subprocess.SubprocessError):  # not a git checkout: walk it
        skip = {".git", ".venv", "node_modules", "var", "test-artifacts", "__pycache__"}
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                 if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]
    return [ROOT / n for n in names if (ROOT / n).is_file()]


def test_no_secrets_in_the_repository():
    files = repository_files()
    assert len(files) > 100
    found = []
    for path in files:
        name = str(path.relative_to(ROOT))
        data = path.read_bytes()
        for what, pattern in LOOKS_LIKE_A_SECRET.items():
            for match in pattern.finditer(data):
                found.append((name, what, match.group()[:40]))
        if not name.startswith(TEST_CODE):
            found += [(name, "hard-coded secret", match[:60]) for match in hard_coded(name, data)]
        if path.name == ".env" or path.suffix in (".pem", ".key", ".p12", ".pfx", ".jks"):
            found.append((name, "a secrets file", ""))
    assert not found, "\n".join(map(str, found))


def test_the_pattern_finds_what_it_is_for():
    for name, line in [("x.env", b"SHUANGWAN_TOKEN_SECRET=abcdef123456"), ("x.py", b'token_secret="swordfish-123"'),
                       ("x.yml", b"hash_key: 'k3y-v4lue'"), ("x.env", b"SHUANGWAN_VISITS_HASH_KEY=0123456789"),
                       ("x.yml", b"  SHUANGWAN_HASH_KEY: plain-value-here")]:
        assert hard_coded(name, line), line
    for name, line in [("x.env", b"SHUANGWAN_TOKEN_SECRET=\nSHUANGWAN_HASH_KEY="), ("x.py", b"token_secret=settings.token_secret"),
                       ("x.py", b"hash_key=None"), ("x.yml", b"SHUANGWAN_TOKEN_SECRET: ${SHUANGWAN_TOKEN_SECRET:?set it}"),
                       ("x.py", b'if not ctx.settings.hash_key:\n    raise'), ("x.py", b"self.token_secret = token_secret")]:
        assert not hard_coded(name, line), line


def test_secrets_come_from_the_environment_only(monkeypatch, tmp_path):
    for name in ("SHUANGWAN_TOKEN_SECRET", "SHUANGWAN_HASH_KEY", "SHUANGWAN_VISITS_TOKEN_SECRET",
                 "SHUANGWAN_APPRAISAL_TOKEN_SECRET", "SHUANGWAN_APPRAISAL_HASH_KEY", "SHUANGWAN_REPORTING_TOKEN_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SHUANGWAN_DATA_DIR", str(tmp_path))
    for service, create_app in (("visits", visits_app), ("appraisal", appraisal_app), ("reporting", reporting_app)):
        assert config.load(service).token_secret == "" and config.load(service).hash_key == ""
        with pytest.raises(RuntimeError, match="SHUANGWAN_(TOKEN_SECRET|HASH_KEY) is not set"):
            create_app()
    monkeypatch.setenv("SHUANGWAN_TOKEN_SECRET", "from-the-environment")
    with pytest.raises(RuntimeError, match="SHUANGWAN_HASH_KEY is not set"):
        appraisal_app()
    monkeypatch.setenv("SHUANGWAN_APPRAISAL_HASH_KEY", "key-from-the-environment")
    assert config.load("appraisal").hash_key == "key-from-the-environment"
    assert config.load("visits").token_secret == "from-the-environment"


PHONE = "13912345678"
DEVICE = "device-7f3a9c2e51d04b8a"


def test_phone_numbers_device_ids_and_invitation_codes_are_never_kept_raw(backend, procs, tmp_path):
    """An opinion with a phone number and a device id, twice (the second is flagged as a repeat,
    found through the keyed hash), and an answer with an invitation code, through the appraisal
    service under gunicorn with its relay; then every store, every message on the bus and every
    log line is searched for the raw values."""
    stack = Stack(backend, procs)
    url = stack.api("appraisal", verbose=True)
    stack.relay("appraisal")
    cid = stack.post("appraisal", "/campaigns", {"title": "测评", "targets": TARGETS,
                                                 "respondent_categories": [{"category": "npc_deputy", "quota": 5}]},
                     ADMIN)["id"]
    stack.post("appraisal", f"/campaigns/{cid}/open", {}, ADMIN, 200)
    batch = stack.post("appraisal", f"/campaigns/{cid}/invitation-batches",
                       {"respondent_category": "npc_deputy", "count": 1}, ADMIN)["id"]
    code = stack.http.get(f"{url}/batches/{batch}/invitations.csv", headers=ADMIN,
                          timeout=30).content.decode("utf-8-sig").splitlines()[1].split(",")[1]
    stack.post("appraisal", "/responses", {"token": code, **rating_body(0)}, headers={})
    opinion = {"organ_id": "traffic", "text": "办事效率有待提高", "phone": PHONE, "device_id": DEVICE}
    stack.post("appraisal", f"/campaigns/{cid}/opinions", opinion, headers={})
    repeat = stack.post("appraisal", f"/campaigns/{cid}/opinions", {**opinion, "text": "再说一次"}, headers={})
    # A bad phone number is refused without echoing it back.
    bad = stack.http.post(f"{url}/campaigns/{cid}/opinions", json={**opinion, "phone": PHONE + "9"}, timeout=30)
    assert bad.status_code == 422 and PHONE not in bad.text

    stored = stack.settled("appraisal")
    key = stack.settings["appraisal"].hash_key
    opinions = [e for e in stored if e.type == "OpinionSubmitted"]
    assert {e.data["phone_hash"] for e in opinions} == {keyed_hash(key, "phone", PHONE)}
    assert {e.data["device_hash"] for e in opinions} == {keyed_hash(key, "device", DEVICE)}
    listed = stack.http.get(f"{url}/campaigns/{cid}/opinions", headers=ADMIN, timeout=30).json()["items"]
    assert "phone_repeat" in next(o for o in listed if o["id"] == repeat["id"])["flags"]

    secrets = {"phone number": PHONE.encode(), "device id": DEVICE.encode(), "invitation code": code.encode()}
    published = b"\n".join(to_raw(e) for e in stack.published("appraisal"))
    assert keyed_hash(key, "phone", PHONE).encode() in published
    places = {"bus": published, **{f"log {p.name}": p.read_bytes() for p in (tmp_path / "logs").iterdir()}}
    if backend.kind == "embedded":
        places.update({f"file {p.name}": p.read_bytes() for p in tmp_path.glob("*.db*")})
    else:
        places.update(mongo_dump(stack))
    assert any(key_hash in data for data in places.values() for key_hash in [keyed_hash(key, "device", DEVICE).encode()])
    leaks = [(what, where) for where, data in places.items() for what, value in secrets.items() if value in data]
    assert not leaks, leaks
    assert len([p for p in places if p.startswith(("file", "mongo"))]) >= 2
    assert f"/campaigns/{cid}/opinions".encode() in places["log appraisal.log"]  # requests were logged


def to_raw(event) -> bytes:
    from shared.envelope import to_bytes
    return to_bytes(event)


def mongo_dump(stack: Stack) -> dict[str, bytes]:
    """Every document of every database of this test's offices on the MongoDB-protocol server, as BSON."""
    import bson
    import pymongo

    client = pymongo.MongoClient(stack.backend.mongodb_url, serverSelectionTimeoutMS=5000)
    try:
        out = {}
        for name in client.list_database_names():
            if not name.startswith(stack.backend.name):
                continue
            database = client[name]
            for collection in database.list_collection_names():
                docs = list(database[collection].find())
                out[f"mongo {name}.{collection}"] = b"".join(bson.encode(d) for d in docs)
        return out
    finally:
        client.close()


def test_logs_of_a_failing_request_hold_no_identifier(tmp_path, caplog):
    """Even an internal error's log (the request is logged with its traceback) names no phone number."""
    from tests.backends import Backend
    app = appraisal_app(Backend("embedded", "logs", tmp_path).settings("appraisal"))
    client = app.test_client()
    with caplog.at_level("DEBUG"):
        answer = client.post("/campaigns/campaign-0000000000000000/opinions",
                             json={"text": "意见", "phone": PHONE, "device_id": DEVICE})
        wait_until(lambda: answer.status_code == 404, 1, "a 404")
    assert PHONE not in caplog.text and DEVICE not in caplog.text
