"""Administrative regions (GB/T 2260 codes) and the jurisdiction rule.

The project keeps its own copy of the region list (`regions-jiangxi.csv`); a deployment may
point `SHUANGWAN_REGIONS_FILE` at a fuller list. Jurisdiction follows the code: the province
(`36xxxx`) sees everything under `36`, a city (`3607xx`) everything under `3607`, a county only
itself.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TIERS = ("province", "city", "county")
DEFAULT_FILE = Path(__file__).with_name("regions-jiangxi.csv")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    tier: str
    parent: str | None
    former_code: str | None = None


class UnknownRegion(ValueError):
    pass


class Regions:
    def __init__(self, regions: list[Region]):
        self.by_code = {r.code: r for r in regions}
        self.by_former = {r.former_code: r for r in regions if r.former_code}

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Regions":
        path = Path(path or os.environ.get("SHUANGWAN_REGIONS_FILE") or DEFAULT_FILE)
        with open(path, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        return cls([Region(r["code"], r["name"], r["tier"], r["parent"] or None, r.get("former_code") or None)
                    for r in rows])

    def __contains__(self, code: str) -> bool:
        return code in self.by_code

    def get(self, code: str) -> Region:
        region = self.by_code.get(code) or self.by_former.get(code)
        if region is None:
            raise UnknownRegion(f"unknown region code {code!r}")
        return region

    def children(self, code: str) -> list[Region]:
        return sorted((r for r in self.by_code.values() if r.parent == code), key=lambda r: r.code)

    def lineage(self, code: str) -> list[Region]:
        """The region and its ancestors, county → city → province."""
        out, region = [], self.get(code)
        while region is not None:
            out.append(region)
            region = self.by_code.get(region.parent) if region.parent else None
        return out


@lru_cache(maxsize=1)
def default_regions() -> Regions:
    return Regions.load()


def tier_of(code: str) -> str:
    """The tier a code denotes by its shape: `xx0000` province, `xxxx00` city, else county."""
    if len(code) != 6 or not code.isdigit():
        raise UnknownRegion(f"{code!r} is not a 6-digit region code")
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def jurisdiction_prefix(code: str) -> str:
    """The code prefix an office of this region sees: `36`, `3607` or the whole county code."""
    return {"province": code[:2], "city": code[:4], "county": code}[tier_of(code)]


def within(office_region: str, code: str) -> bool:
    return code.startswith(jurisdiction_prefix(office_region))
