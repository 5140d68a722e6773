"""Generate the integrators' event documentation, check it, and snapshot the published contract.

    python -m shared.contracts              write docs/events/asyncapi.json and docs/events/schemas/*.json
    python -m shared.contracts --check      exit 1 if those files differ from what the code generates
    python -m shared.contracts --snapshot   write shared/contracts/snapshot.json (the contract the
                                            compatibility test holds the code to); refuses if the
                                            current contract breaks the snapshot, unless --force

Schema files of older versions (`<family>.<Type>.v1.json` once a type is at v2) are kept, never
deleted: events recorded with them stay on the topics forever. `--check` accepts them, and
reports any other file in docs/events/schemas/ that the code does not generate.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from shared.contracts import catalog, compat

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "events"
SNAPSHOT = Path(__file__).resolve().parent / "snapshot.json"
_SCHEMA_FILE = re.compile(r"^(?P<key>[a-z]+\.[A-Za-z0-9]+)\.v(?P<version>\d+)\.json$")


def _stale(out: Path, files: dict[str, str]) -> list[str]:
    """Files in schemas/ that are neither generated nor an older version of a current type."""
    versions = {key: entry["version"] for key, entry in catalog.current().items()}
    stale = []
    for path in sorted((out / "schemas").glob("*")):
        rel = f"schemas/{path.name}"
        if rel in files:
            continue
        match = _SCHEMA_FILE.match(path.name)
        if match and int(match["version"]) < versions.get(match["key"], 0):
            continue  # an older version's schema: kept for the events recorded with it
        stale.append(rel)
    return stale


def write(out: Path, topic_prefix: str) -> int:
    files = catalog.generated_files(topic_prefix)
    changed = 0
    for rel, content in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            changed += 1
    print(f"{out}: {len(files)} files, {changed} written")
    for rel in _stale(out, files):
        print(f"  not generated (remove it if the type is gone): {rel}")
    return 0


def check(out: Path, topic_prefix: str) -> int:
    files = catalog.generated_files(topic_prefix)
    problems = []
    for rel, content in files.items():
        path = out / rel
        if not path.exists():
            problems.append(f"missing: {rel}")
        elif path.read_text(encoding="utf-8") != content:
            problems.append(f"out of date: {rel}")
    problems += [f"not generated: {rel}" for rel in _stale(out, files)]
    if problems:
        print("docs/events does not match the event contracts:", *problems, sep="\n  ")
        print("regenerate with: python -m shared.contracts")
        return 1
    print(f"{out}: {len(files)} files up to date")
    return 0


def write_snapshot(path: Path, force: bool) -> int:
    if path.exists() and not force:
        import json

        published = json.loads(path.read_text(encoding="utf-8"))["types"]
        problems = compat.check(published, catalog.current())
        if problems:
            print("the current contracts break the snapshot:", *problems, sep="\n  ")
            print("fix them (new version + upcaster), or, for types never released, use --force")
            return 1
    path.write_text(catalog.render(catalog.snapshot()), encoding="utf-8")
    print(f"{path}: {len(catalog.current())} event types")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.contracts", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail if the docs differ from the code")
    mode.add_argument("--snapshot", action="store_true", help="write shared/contracts/snapshot.json")
    parser.add_argument("--force", action="store_true", help="with --snapshot: even if incompatible")
    parser.add_argument("--out", type=Path, default=DOCS, help="output directory (default docs/events)")
    parser.add_argument("--topic-prefix", default="shuangwan", help="topic prefix (default shuangwan)")
    args = parser.parse_args(argv)
    if args.snapshot:
        return write_snapshot(SNAPSHOT, args.force)
    if args.check:
        return check(args.out, args.topic_prefix)
    return write(args.out, args.topic_prefix)


if __name__ == "__main__":
    sys.exit(main())
