"""The services' HTTP APIs as the administrator's command line reaches them (stdlib urllib).

A client holds one service's base URL and an office token it issues itself from the services'
shared token secret (`SHUANGWAN_TOKEN_SECRET`), for the office region and role asked for.
"""
from __future__ import annotations

import json as jsonlib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Iterator

from shared.web.auth import issue_token

TOKEN_TTL = 2 * 3600  # a command's token: long enough for a big load, short if it leaks
SUBJECT = "shuangwan-cli"


class Unreachable(RuntimeError):
    """The service did not answer (wrong URL, not running, network)."""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        try:
            return jsonlib.loads(self.body.decode("utf-8-sig")) if self.body else None
        except (UnicodeDecodeError, ValueError):
            return None

    def error(self) -> dict:
        """The service's error document (`{"status", "code", "message", "fields"}`), or one made
        from the status when the answer is not one (a proxy's page, say)."""
        data = self.json()
        if isinstance(data, dict) and isinstance(data.get("error"), dict):
            return data["error"]
        text = self.body[:300].decode("utf-8", errors="replace").strip()
        return {"status": self.status, "message": text or f"HTTP {self.status}"}

    def describe(self) -> str:
        error = self.error()
        message = f"HTTP {self.status}: {error.get('message', '')}".rstrip(": ")
        for name, reasons in (error.get("fields") or {}).items():
            message += f"\n  {name}: {'; '.join(map(str, reasons))}"
        return message


@dataclass
class ServiceClient:
    base_url: str
    service: str          # visits | appraisal | reporting: the token's audience
    secret: str
    region: str
    role: str
    timeout: float = 60
    _token: str | None = field(default=None, repr=False)

    def __post_init__(self):
        self.base_url = self.base_url.rstrip("/")
        parsed = urllib.parse.urlparse(self.base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"{self.base_url!r} is not an http(s) URL, e.g. http://127.0.0.1:8001")

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = issue_token(self.secret, SUBJECT, self.region, self.role, [self.service], TOKEN_TTL)
        return self._token

    def request(self, method: str, path: str, json: Any = None, params: dict | None = None,
                accept: str = "application/json") -> Answer:
        url = self.base_url + path
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        data = None if json is None else jsonlib.dumps(json, ensure_ascii=False).encode("utf-8")
        headers = {"Accept": accept, "Authorization": "Bearer " + self.token}
        if data is not None:
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers or {}), error.read())
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Unreachable(f"cannot reach the {self.service} service at {self.base_url}: {reason}") from None

    def pages(self, path: str, params: dict | None = None, page_size: int = 500) -> Iterator[dict]:
        """Every item of a paged list endpoint."""
        page = 1
        while True:
            answer = self.request("GET", path, params={**(params or {}), "page": page, "page_size": page_size})
            if not answer.ok:
                raise ServiceRefused(answer)
            body = answer.json()
            yield from body["items"]
            if page * page_size >= body["total"] or not body["items"]:
                return
            page += 1


class ServiceRefused(RuntimeError):
    """A request the command cannot do without was refused (listing what exists, say)."""

    def __init__(self, answer: Answer):
        super().__init__(answer.describe())
        self.answer = answer
