"""Organs and cadres: tiers follow region codes; leading cadres are derived from rank and organ tier."""
from datetime import date

import pytest

from shared.aggregate import DomainError, InvalidCommand
from services.visits import handlers
from services.visits.domain import Cadre, Organ, is_leading
from tests.unit.visits.conftest import all_events


@pytest.mark.parametrize("rank, tier, leading", [
    ("section", "city", False),           # 正科 in a city organ: not 县处级
    ("deputy_county", "city", True),      # 副处 in a city organ: 县处级以上
    ("bureau", "province", True),
    ("section", "province", False),
    ("clerk", "county", False),
    ("deputy_section", "county", True),   # 副科 in a county organ: 科级以上
    ("county", "county", True),
])
def test_leading_cadre_is_derived_from_rank_and_organ_tier(rank, tier, leading):
    assert is_leading(rank, tier) is leading


def test_an_organs_tier_follows_its_region_code():
    assert [Organ.register(f"organ-{r}", name="x", category="court", region=r).tier
            for r in ("360000", "360700", "360702")] == ["province", "city", "county"]


def test_registering_a_cadre_records_the_organ_and_the_leading_flag(repo, city, county_organ):
    cadre = handlers.register_cadre(repo, city, organ_id=county_organ.id, name="李四", rank="deputy_section")
    event = all_events(repo)[-1]
    assert event.type == "CadreRegistered"
    assert event.data == {"name": "李四", "position": None, "rank": "deputy_section", "organ_id": county_organ.id,
                          "organ_name": "章贡区民政局", "organ_category": "government", "organ_tier": "county",
                          "region": "360702", "leading": True}
    assert repo.view(cadre.id)["leading"] is True


def test_a_move_to_a_city_organ_rederives_leading(repo, city, organ, county_organ):
    cadre = handlers.register_cadre(repo, city, organ_id=county_organ.id, name="李四", rank="section")
    moved = handlers.update_cadre(repo, city, cadre.id, version=1, organ_id=organ.id, on=date(2024, 5, 1))
    assert (moved.leading, moved.region, moved.version) == (False, "360700", 2)
    promoted = handlers.update_cadre(repo, city, cadre.id, rank="deputy_county")
    assert promoted.leading is True
    assert [e.type for e in all_events(repo)][-2:] == ["CadreUpdated", "CadreUpdated"]
    assert Cadre.rebuild(cadre.id, repo.store.read_stream(cadre.id)).view() == promoted.view()


def test_an_update_that_changes_nothing_is_refused(repo, city, organ):
    cadre = handlers.register_cadre(repo, city, organ_id=organ.id, name="王五", rank="clerk")
    with pytest.raises(DomainError) as err:
        handlers.update_cadre(repo, city, cadre.id, rank="clerk")
    assert err.value.field == "rank"


def test_unknown_region_and_duplicate_organ_name_are_refused(repo, city, organ):
    with pytest.raises(InvalidCommand) as err:
        handlers.register_organ(repo, city, name="某局", category="court", region="360799")
    assert err.value.field == "region"
    with pytest.raises(DomainError) as err:
        handlers.register_organ(repo, city, name="市发改委", category="government", region="360700")
    assert err.value.field == "name"


def test_a_cadre_of_a_missing_organ_is_refused_naming_the_field(repo, city):
    with pytest.raises(InvalidCommand) as err:
        handlers.register_cadre(repo, city, organ_id="organ-nope", name="x", rank="clerk")
    assert err.value.field == "organ_id"
    assert all_events(repo) == []
