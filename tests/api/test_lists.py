"""Lists page through the store's order (newest first, or by region and name), on both backends:
pages put together give every record once, in order, with the same total on each page."""
from services.visits.app import create_app
from tests.backends import token

ADMIN = token("360700", "admin", subject="city-office")
CLERK = token("360700", "clerk", subject="clerk-1")
COUNTY = token("360702", "viewer")
ACTIVITIES = ["ask_needs", "ask_advice", "deliver_policy", "learn_from_people"]


def post(client, url, body, headers):
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 201, (url, response.json)
    return response.json


def every_page(client, path, headers, page_size):
    """Each page of `path` in turn: [(items, total)]."""
    pages, page = [], 1
    while True:
        got = client.get(f"{path}{'&' if '?' in path else '?'}page={page}&page_size={page_size}", headers=headers)
        assert got.status_code == 200, got.json
        pages.append((got.json["items"], got.json["total"]))
        if not got.json["items"]:
            return pages
        page += 1


def test_pages_of_a_list_give_every_record_once_in_order(backend):
    client = create_app(backend.settings("visits", office_region="360700")).test_client()
    organs = [post(client, "/organs", {"name": name, "category": "government", "region": region}, ADMIN)
              for name, region in [("乙局", "360702"), ("甲局", "360702"), ("丙局", "360700"), ("丁局", "360703"),
                                   ("甲局", "360703")]]
    cadre = post(client, "/cadres", {"organ_id": organs[0]["id"], "name": "李四", "rank": "clerk"}, ADMIN)
    visits = [post(client, "/visits", {
        "cadre_ids": [cadre["id"]], "region": "360702" if i % 3 else "360703",
        "visited_on": f"2024-05-{1 + (i * 7) % 9:02d}",  # repeated days: ties go by id
        "place_type": "village", "place_name": f"第{i}村", "activities": [ACTIVITIES[i % 4]]}, CLERK)
        for i in range(13)]

    newest_first = sorted(visits, key=lambda v: (v["visited_on"], v["id"]), reverse=True)
    pages = every_page(client, "/visits", ADMIN, 4)
    assert [v["id"] for items, _ in pages for v in items] == [v["id"] for v in newest_first]
    assert {total for _, total in pages} == {13} and len(pages) == 5  # 4 + 4 + 4 + 1, then an empty page

    # Filters the store applies (region, a date range) and one applied on the way (an activity).
    in_county = [v for v in newest_first if v["region"] == "360702" and "2024-05-02" <= v["visited_on"] <= "2024-05-06"]
    pages = every_page(client, "/visits?from=2024-05-02&to=2024-05-06", COUNTY, 2)
    assert [v["id"] for items, _ in pages for v in items] == [v["id"] for v in in_county]
    assert {total for _, total in pages} == {len(in_county)}
    asked = [v for v in newest_first if v["activities"] == ["ask_advice"]]
    pages = every_page(client, "/visits?activity=ask_advice", ADMIN, 2)
    assert [v["id"] for items, _ in pages for v in items] == [v["id"] for v in asked]
    assert {total for _, total in pages} == {len(asked)}

    by_place = sorted(organs, key=lambda o: (o["region"], o["name"], o["id"]))
    pages = every_page(client, "/organs", ADMIN, 2)
    assert [o["id"] for items, _ in pages for o in items] == [o["id"] for o in by_place]
    assert {total for _, total in pages} == {5}
