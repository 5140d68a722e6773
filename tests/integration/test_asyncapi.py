"""The AsyncAPI document and the JSON Schemas for integrators: valid, complete, and current.

The document is checked by the official parser (@asyncapi/parser, a devDependency in
package.json: `npm ci`), run with Node.js: these tests fail, never skip, without them.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from marshmallow import fields

from shared.contracts import __main__ as contracts_cli
from shared.contracts import catalog
from shared.events import EventRegistry, Schema

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = Path(__file__).with_name("validate_asyncapi.mjs")


def node() -> str:
    path = shutil.which("node")
    assert path, "Node.js is required to validate the AsyncAPI document (install Node.js 20)"
    for package in ("@asyncapi/parser", "ajv", "ajv-formats"):
        assert (ROOT / "node_modules" / package / "package.json").exists(), (
            f"{package} is missing: run `npm ci` at the repository root")
    return path


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([node(), str(VALIDATOR), str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=180)


def generate(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shared.contracts", "--out", str(out), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_generated_asyncapi_document_passes_the_official_parser(tmp_path):
    generated = generate(tmp_path)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    result = validate(tmp_path / "asyncapi.json")
    assert result.returncode == 0, result.stdout + result.stderr
    types = len(catalog.current())
    assert (f"OK: AsyncAPI 3.0.0, {len(catalog.FAMILIES)} channels, {len(catalog.FAMILIES)} operations, "
            f"{types} messages, {types} examples valid") in result.stdout


@pytest.mark.parametrize("breakage, expected", [
    (lambda d: d["operations"]["receiveVisits"].update(action="listen"), '"action" property must be'),
    (lambda d: d["operations"]["receiveVisits"]["messages"].append(
        {"$ref": "#/channels/appraisal/messages/CampaignOpened"}), "does not belong to the specified channel"),
    (lambda d: d["components"]["messages"]["visits.VisitLogged"]["examples"][0]["payload"].update(tier="galaxy"),
     "example-payload at message"),
    (lambda d: d["components"]["messages"]["visits.VisitLogged"]["examples"][0]["payload"]["data"].pop("region"),
     "must have required property 'region'"),
], ids=["bad action", "foreign message", "bad envelope", "bad payload"])
def test_the_validator_fails_on_a_broken_document(tmp_path, breakage, expected):
    document = catalog.asyncapi()
    breakage(document)
    path = tmp_path / "asyncapi.json"
    path.write_text(catalog.render(document), encoding="utf-8")
    result = validate(path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in result.stdout


def test_document_describes_every_topic_and_type():
    document = catalog.asyncapi(topic_prefix="acme")
    assert document["asyncapi"] == "3.0.0"
    for family, registry in catalog.FAMILIES.items():
        channel = document["channels"][family]
        assert channel["address"] == f"acme.{family}"
        kafka = channel["bindings"]["kafka"]
        assert kafka["topic"] == f"acme.{family}"
        assert kafka["topicConfiguration"]["retention.ms"] == -1
        operation = document["operations"][f"receive{family.title()}"]
        assert operation["action"] == "receive"
        assert operation["channel"] == {"$ref": f"#/channels/{family}"}
        for event_type in registry:
            key = f"{family}.{event_type.name}"
            assert channel["messages"][event_type.name] == {"$ref": f"#/components/messages/{key}"}
            assert {"$ref": f"#/channels/{family}/messages/{event_type.name}"} in operation["messages"]
            message = document["components"]["messages"][key]
            assert message["bindings"]["kafka"]["key"]["type"] == "string"
            envelope = message["payload"]
            assert envelope["properties"]["type"]["const"] == f"cn.shuangwan.{key}"
            assert {"region", "tier", "streamversion", "dataversion", "subject", "data"} <= set(envelope["required"])
            assert envelope["properties"]["data"] == {"$ref": f"#/components/schemas/{key}"}
            schema = registry.json_schema(event_type.name)
            embedded = document["components"]["schemas"][key]
            assert embedded["properties"] == schema["properties"]
            assert embedded["required"] == schema["required"]


def test_committed_docs_match_the_code():
    """docs/events is what `python -m shared.contracts` generates (run it after changing a contract)."""
    result = subprocess.run([sys.executable, "-m", "shared.contracts", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_reports_changed_missing_and_stray_files(tmp_path):
    assert generate(tmp_path).returncode == 0
    assert generate(tmp_path, "--check").returncode == 0
    assert (tmp_path / "asyncapi.json").read_text(encoding="utf-8") == catalog.render(catalog.asyncapi())
    schema_file = tmp_path / "schemas" / "visits.VisitLogged.v1.json"
    assert json.loads(schema_file.read_text(encoding="utf-8")) == catalog.VISITS.json_schema("VisitLogged")

    schema_file.write_text(schema_file.read_text(encoding="utf-8").replace("grassroots", "roots"), encoding="utf-8")
    (tmp_path / "schemas" / "visits.Gone.v1.json").write_text("{}", encoding="utf-8")
    (tmp_path / "schemas" / "appraisal.CampaignOpened.v1.json").unlink()
    result = generate(tmp_path, "--check")
    assert result.returncode == 1
    assert "out of date: schemas/visits.VisitLogged.v1.json" in result.stdout
    assert "not generated: schemas/visits.Gone.v1.json" in result.stdout
    assert "missing: schemas/appraisal.CampaignOpened.v1.json" in result.stdout


class Note(Schema):
    """A note (v2)."""
    body = fields.Str(required=True)


def test_older_versions_schema_files_are_kept(tmp_path, monkeypatch, capsys):
    registry = EventRegistry("demo")
    registry.register("NoteWritten", Note, version=2, upcasters={1: lambda p: p})
    monkeypatch.setattr(catalog, "FAMILIES", {"demo": registry})
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "demo.NoteWritten.v1.json").write_text("{}", encoding="utf-8")
    assert contracts_cli.main(["--out", str(tmp_path)]) == 0
    assert (tmp_path / "schemas" / "demo.NoteWritten.v2.json").exists()
    assert (tmp_path / "schemas" / "demo.NoteWritten.v1.json").exists()
    assert contracts_cli.main(["--out", str(tmp_path), "--check"]) == 0
    document = json.loads((tmp_path / "asyncapi.json").read_text(encoding="utf-8"))
    envelope = document["components"]["messages"]["demo.NoteWritten"]["payload"]
    assert envelope["properties"]["dataversion"] == {"type": "integer", "minimum": 1, "maximum": 2}
    assert envelope["properties"]["dataschema"]["enum"] == [
        "urn:shuangwan:schema:demo.NoteWritten:v1", "urn:shuangwan:schema:demo.NoteWritten:v2"]
