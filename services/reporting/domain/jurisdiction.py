"""What a reporting instance keeps, and how figures roll up county → city → province.

An instance serves one office and keeps only events whose region lies within that office's
jurisdiction (its code prefix): the province keeps every 36xxxx event, a city its own and its
counties', a county only its own. So a county instance holds nothing of a neighbouring county,
and nothing of the city's own records either — including a city-run appraisal campaign, whose
events carry the city's code: that campaign appraises city-level organs (市直机关), which are
the city's business. What such a campaign raises about a county (a problem whose region is the
county) is the county's, and the county instance keeps it.
"""
from __future__ import annotations

from typing import Callable

from shared.envelope import Recorded
from shared.regions import Regions, jurisdiction_prefix, tier_of


def keeps(office_region: str) -> Callable[[Recorded], bool]:
    """The consumer's `accept` predicate for an office."""
    prefix = jurisdiction_prefix(office_region)
    return lambda event: event.region.startswith(prefix)


def child_of(parent: str, code: str, regions: Regions | None = None) -> str | None:
    """The drill-down line of `parent` a record of region `code` counts in.

    A child region (a city of the province, a county of a city), or `parent` itself for the
    parent's own records (本级: the city's own organs, say); None if `code` is outside `parent`.
    Former codes (南康市 360782 → 南康区 360703) count under their current region.
    """
    if regions is not None and code not in regions and code in regions.by_former:
        code = regions.by_former[code].code
    if not code.startswith(jurisdiction_prefix(parent)):
        return None
    if code == parent:
        return parent
    if tier_of(parent) == "province":
        return code[:4] + "00"
    return code
