"""Evolve functions: what each event does to its row."""
import pytest

from services.reporting.projections import PROJECTIONS
from shared.contracts.appraisal import APPRAISAL
from shared.contracts.samples import sample
from shared.contracts.visits import VISITS
from shared.envelope import Recorded
from tests.unit.reporting.support import (DIMENSION_CODES, batch, cadre, campaign_events, cancel, organ, recorded,
                                          report, response, visit)


def fold(*events: Recorded) -> dict:
    """{collection: {id: row}} after the events, as the consumer would write them."""
    out: dict = {}
    for event in events:
        for projection in PROJECTIONS:
            if projection.handles(event):
                rows = out.setdefault(projection.collection, {})
                row = projection.evolve(rows.get(event.stream), event)
                row["_id"], row["_version"] = event.stream, event.version
                rows[event.stream] = row
    return out


@pytest.mark.parametrize("registry, name", [(r, t.name) for r in (VISITS, APPRAISAL) for t in r])
def test_every_published_type_lands_in_exactly_one_collection(registry, name):
    """A contract type nobody projects would be silently lost from the reports."""
    payload = registry.decode(name, registry.get(name).version, sample(registry.json_schema(name)))
    event = recorded(registry.family, name, "x-1", 1, payload, region="360702")
    handlers = [p for p in PROJECTIONS if p.handles(event)]
    assert len(handlers) == 1, [p.collection for p in handlers]
    row = handlers[0].evolve(None, event)
    # every row can be found by region (ledger steps after the first carry none: the row has it)
    assert isinstance(row, dict) and ("region" in row or "region" not in payload)


def test_cadre_update_replaces_what_the_reports_use():
    rows = fold(organ("organ-a", "360702"), cadre("cadre-1", "organ-a", "360702", leading=False),
                cadre("cadre-1", "organ-a", "360702", leading=True, version=2))
    assert rows["organs"]["organ-a"]["category"] == "government"
    assert (rows["cadres"]["cadre-1"]["leading"], rows["cadres"]["cadre-1"]["_version"]) == (True, 2)


def test_a_cancelled_visit_is_kept_and_marked():
    logged = visit("visit-1", "360702", "2026-10-05", ["cadre-1"], funds=("1000.00", "250.50"), items=(3, 2),
                   services=("义诊",), problems=("problem-1",))
    rows = fold(logged)["visits"]["visit-1"]
    assert (rows["funds_yuan"], rows["items"], rows["services"], rows["problems"], rows["cancelled"]) == \
        ("1250.50", 5, 1, 1, False)
    rows = fold(logged, cancel("visit-1", "360702", "2026-10-05", ["cadre-1"]))["visits"]["visit-1"]
    assert rows["cancelled"] and rows["people_reached"] == 10


def test_point_takes_the_totals_and_remembers_when_it_became_compliant():
    region = "360702"
    totals = lambda i, f, c, ok: dict(region=region, instructors_total=i, funds_total_yuan=f, computers_total=c,  # noqa: E731
                                      compliant=ok)
    rows = fold(
        recorded("visits", "ConstructionPointRegistered", "point-1", 1,
                 dict(name="新村点", region=region, organ_id=None, registered_on="2026-10-01")),
        recorded("visits", "InstructorAssigned", "point-1", 2, dict(
            instructor_name="李四", cadre_id=None, organ_id=None, assigned_on="2026-10-02", **totals(1, "0.00", 0, False))),
        recorded("visits", "PointFundsGiven", "point-1", 3, dict(
            amount_yuan="10000.00", organ_id=None, given_on="2026-10-03", **totals(1, "10000.00", 0, False))),
        recorded("visits", "ComputersDonated", "point-1", 4, dict(
            count=2, organ_id=None, donated_on="2026-10-04", **totals(1, "10000.00", 2, True))),
    )["points"]["point-1"]
    assert (rows["instructors"], rows["funds_yuan"], rows["computers"], rows["compliant"], rows["compliant_on"]) == \
        (1, "10000.00", 2, True, "2026-10-04")


def test_campaign_status_and_seal():
    opened = campaign_events("campaign-1", "360700", [("organ-a", "交通局", "government")],
                             [("retiree", 100, None)])
    sealed = recorded("appraisal", "CampaignSealed", "campaign-1", 3, dict(region="360700", reason=None,
                                                                             sealed_on="2026-10-05"))
    closed = recorded("appraisal", "CampaignClosed", "campaign-1", 4, dict(region="360700", closed_on="2026-10-30"))
    row = fold(*opened, sealed)["campaigns"]["campaign-1"]
    assert (row["status"], row["sealed"], row["targets"][0]["organ_id"]) == ("open", True, "organ-a")
    row = fold(*opened, sealed, closed)["campaigns"]["campaign-1"]
    assert (row["status"], row["sealed"], row["closed_on"]) == ("closed", False, "2026-10-30")


def test_responses_and_opinions_keep_nothing_that_identifies():
    rows = fold(
        batch("batch-1", "campaign-1", "360700", "retiree", 10),
        response("response-1", "campaign-1", "360700", "batch-1", "retiree", {"organ-a": "satisfied"},
                 opinions=[("organ-a", "办事效率高")]),
        recorded("appraisal", "OpinionSubmitted", "opinion-1", 1, dict(
            campaign_id="campaign-1", region="360700", organ_id="organ-a", organ_name="交通局",
            organ_category="government", organ_region="360700", text="窗口排队太久", channel="online",
            submitted_at="2026-10-03T02:00:00+00:00", submitted_on="2026-10-03", ip_hash="h1", device_hash="h2",
            phone_hash="h3", flags=["ip_rate"])),
        recorded("appraisal", "OpinionHidden", "opinion-1", 2, dict(
            campaign_id="campaign-1", region="360700", reason="辱骂", hidden_by="admin", hidden_on="2026-10-04")),
    )
    assert rows["batches"]["batch-1"]["channel"] == "online" and rows["batches"]["batch-1"]["issued"] == 10
    answer = rows["responses"]["response-1"]
    assert answer["ratings"] == [{"organ_id": "organ-a", **{d: "satisfied" for d in DIMENSION_CODES}}]
    opinion = rows["opinions"]["opinion-1"]
    assert opinion["hidden"] and opinion["text"] == "窗口排队太久"
    assert not {"ip_hash", "device_hash", "phone_hash"} & set(opinion)


def test_research_report_row():
    row = fold(report("report-1", "cadre-1", "360702", True, "2026-10-09"))["reports"]["report-1"]
    assert (row["cadre_id"], row["leading"], row["submitted_on"]) == ("cadre-1", True, "2026-10-09")
