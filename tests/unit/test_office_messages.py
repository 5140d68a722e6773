"""The offices' forms tell a clerk the API's refusals in Chinese (shared/web/office/static/messages.js).

Every message the domain raises (`InvalidCommand` and `DomainError` in services/ and shared/) has
a rule there, so a new rule of the domain without its Chinese fails here rather than reaching a
clerk in English. The script runs under Node.js, as the page's script, not a copy of it.
"""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = ROOT / "shared" / "web" / "office" / "static" / "messages.js"
RUN = """
global.window = {};
require(process.argv[1]);
const asked = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(asked.map(([message, list]) => window.OfficeMessages.say(message, list))));
"""


def said(*asked: tuple[str, bool]) -> list[str]:
    node = shutil.which("node")
    assert node, "Node.js is required to run the offices' message table (install Node.js 20)"
    out = subprocess.run([node, "-e", RUN, str(MESSAGES)], input=json.dumps(asked), capture_output=True, text=True,
                         timeout=60, check=True)
    return json.loads(out.stdout)


def domain_messages() -> list[tuple[str, str]]:
    """(where, message) of every InvalidCommand and DomainError raised with a message written in
    the code; the values an f-string puts in are written as "1" (a number, a word and a code at once)."""
    found = []
    for path in sorted([*ROOT.joinpath("services").rglob("*.py"), *ROOT.joinpath("shared").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and
                    getattr(node.func, "id", getattr(node.func, "attr", None)) in ("InvalidCommand", "DomainError")):
                continue
            message = node.args[0]
            if isinstance(message, ast.Constant):
                text = message.value
            elif isinstance(message, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else "1" for v in message.values)
            else:
                continue
            found.append((f"{path.relative_to(ROOT)}:{node.lineno}", text))
    return found


def test_every_refusal_of_the_domain_is_told_in_chinese():
    messages = domain_messages()
    assert len(messages) > 50  # (the walk found the domain's rules)
    untold = [f"{where}: {text}" for (where, text), told in zip(messages, said(*[(t, False) for _, t in messages]))
              if told == text]
    assert not untold, "no Chinese in messages.js for:\n" + "\n".join(untold)


def test_the_values_in_a_message_are_kept_and_a_list_is_told_as_one():
    assert said(("The date is before the problem's last step (2026-11-02).", False),
                ("Length must be between 1 and 2.", True),
                ("Length must be between 1 and 200.", False),
                ("Only 31 days have passed since the start by 2026-12-06; 4 are already logged.", False),
                ("Something the table does not know.", False)) == [
        "日期不能早于上一步（2026-11-02）。", "应选择或填写 1 至 2 项。", "应为 1 至 200 个字。",
        "从开始到 2026-12-06 只有 31 天，已记录驻点 4 天。", "Something the table does not know."]
