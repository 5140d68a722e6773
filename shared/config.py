"""Configuration: every setting comes from the environment, read here and nowhere else.

URLs choose the adapters: `sqlite:///path` (embedded, the default), `mongodb://…`, `kafka://…`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_DATA_DIR = "var"


@dataclass(frozen=True)
class Settings:
    service: str
    office_region: str = "360700"
    data_dir: str = DEFAULT_DATA_DIR
    event_store_url: str = ""
    bus_url: str = ""
    projection_url: str = ""
    token_secret: str = ""
    topic_prefix: str = "shuangwan"
    max_body_bytes: int = 1_000_000
    hash_key: str = ""
    # Where people's browsers reach each web service ({"visits": "https://…/visits/", …}): the
    # pages link to one another's. Unset where the services are not published together.
    public_urls: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def office_tier(self) -> str:
        from shared.regions import tier_of
        return tier_of(self.office_region)


def available_cpus() -> int:
    """CPUs this process may run on (a container's cpuset, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def load(service: str) -> Settings:
    """Settings of one service; `SHUANGWAN_<SERVICE>_…` overrides the shared `SHUANGWAN_…`."""
    prefix = f"SHUANGWAN_{service.upper()}_"

    def get(name: str, default: str = "") -> str:
        return _env(prefix + name, _env("SHUANGWAN_" + name, default))

    data_dir = get("DATA_DIR", DEFAULT_DATA_DIR)
    return Settings(
        service=service,
        office_region=get("OFFICE_REGION", "360700"),
        data_dir=data_dir,
        event_store_url=get("EVENT_STORE_URL", f"sqlite:///{data_dir}/{service}-events.db"),
        bus_url=get("BUS_URL", f"sqlite:///{data_dir}/bus.db"),
        projection_url=get("PROJECTION_URL", f"sqlite:///{data_dir}/{service}-projections.db"),
        token_secret=get("TOKEN_SECRET"),
        topic_prefix=get("TOPIC_PREFIX", "shuangwan"),
        max_body_bytes=int(get("MAX_BODY_BYTES", "1000000")),
        hash_key=get("HASH_KEY"),
        public_urls=public_urls(get("PUBLIC_URLS")),
    )


WEB_SERVICES = ("visits", "appraisal", "reporting")


def public_urls(text: str) -> dict[str, str]:
    """`visits=https://office.example/visits/,appraisal=…,reporting=…` (SHUANGWAN_PUBLIC_URLS):
    each given service's address as browsers reach it, ending in "/"."""
    urls = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        service, _, url = part.partition("=")
        service, url = service.strip(), url.strip()
        if service not in WEB_SERVICES:
            raise ValueError(f"SHUANGWAN_PUBLIC_URLS: {service!r} is not a web service ({', '.join(WEB_SERVICES)})")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"SHUANGWAN_PUBLIC_URLS: the address of {service} must start with http:// or https://")
        urls[service] = url if url.endswith("/") else url + "/"
    return urls
