"""Contract of the projection store port, run unchanged against memory, SQLite and MongoDB."""
from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared.projections import Between, In, Namespaced, Prefix, ProjectionStore

ROWS = [
    {"_id": "visit-1", "region": "360102", "tier": "county", "status": "open", "score": 3, "flag": True,
     "owner": None},
    {"_id": "visit-2", "region": "360103", "tier": "county", "status": "closed", "score": 5, "flag": False},
    {"_id": "visit-3", "region": "360100", "tier": "city", "status": "open", "score": 5, "flag": True,
     "owner": "张三"},
    {"_id": "visit-4", "region": "360702", "tier": "county", "status": "referred", "score": 1, "flag": False,
     "owner": "李四"},
    {"_id": "visit-5", "region": "36.1", "tier": "weird", "status": "open", "score": 0, "flag": True,
     "owner": "南昌市东湖区"},
]


def ids(docs):
    return sorted(d["_id"] for d in docs)


def test_put_many_and_get_many(projection_store):
    projection_store.put_many("views", copy.deepcopy(ROWS))
    got = projection_store.get_many("views", ["visit-1", "visit-3", "visit-missing"])
    assert got == {"visit-1": ROWS[0], "visit-3": ROWS[2]}
    assert projection_store.get_many("views", []) == {}
    assert projection_store.get("views", "visit-2") == ROWS[1]
    assert projection_store.get("views", "visit-missing") is None
    assert projection_store.get("other", "visit-1") is None
    projection_store.put_many("views", [])  # nothing to do is fine


def test_put_replaces_the_whole_document(projection_store):
    projection_store.put("views", {"_id": "a", "x": 1, "y": 2})
    projection_store.put("views", {"_id": "a", "x": 3})
    assert projection_store.get("views", "a") == {"_id": "a", "x": 3}
    assert projection_store.find("views", {"y": 2}) == []
    assert ids(projection_store.find("views", {"x": 3})) == ["a"]


def test_returned_documents_are_copies(projection_store):
    doc = {"_id": "a", "items": [1, 2]}
    projection_store.put("views", doc)
    doc["items"].append(3)
    got = projection_store.get("views", "a")
    assert got["items"] == [1, 2]
    got["items"].append(4)
    assert projection_store.get("views", "a")["items"] == [1, 2]


def test_many_documents_at_once(projection_store):
    docs = [{"_id": f"row-{i:04d}", "n": i, "even": i % 2 == 0} for i in range(600)]
    projection_store.put_many("bulk", docs)
    got = projection_store.get_many("bulk", [d["_id"] for d in docs] + ["row-9999"])
    assert len(got) == 600 and got["row-0577"] == docs[577]
    assert len(projection_store.find("bulk")) == 600
    assert len(projection_store.find("bulk", {"even": True})) == 300


def test_find_by_equality_prefix_in_and_none(projection_store):
    projection_store.put_many("views", copy.deepcopy(ROWS))
    projection_store.put_many("elsewhere", [{"_id": "visit-1", "status": "open", "region": "360102"}])
    find = lambda where=None: ids(projection_store.find("views", where))  # noqa: E731

    assert find() == ["visit-1", "visit-2", "visit-3", "visit-4", "visit-5"]
    assert find({}) == find()
    assert find({"status": "open"}) == ["visit-1", "visit-3", "visit-5"]
    assert find({"status": "open", "tier": "county"}) == ["visit-1"]
    assert find({"score": 5}) == ["visit-2", "visit-3"]
    assert find({"score": 0}) == ["visit-5"]
    assert find({"flag": True}) == ["visit-1", "visit-3", "visit-5"]
    assert find({"flag": False}) == ["visit-2", "visit-4"]
    assert find({"status": "nothing"}) == []
    assert find({"owner": "张三"}) == ["visit-3"]
    # Prefix: how region codes express jurisdiction; its characters are literal.
    assert find({"region": Prefix("3601")}) == ["visit-1", "visit-2", "visit-3"]
    assert find({"region": Prefix("36010")}) == ["visit-1", "visit-2", "visit-3"]
    assert find({"region": Prefix("360102")}) == ["visit-1"]
    assert find({"region": Prefix("36")}) == ["visit-1", "visit-2", "visit-3", "visit-4", "visit-5"]
    assert find({"region": Prefix("36.")}) == ["visit-5"]
    assert find({"region": Prefix("3.")}) == []
    assert find({"region": Prefix("")}) == find()
    assert find({"owner": Prefix("南昌")}) == ["visit-5"]
    assert find({"score": Prefix("5")}) == []  # a prefix matches strings only
    assert find({"region": Prefix("3601"), "status": "open"}) == ["visit-1", "visit-3"]
    # In: any of a set of values.
    assert find({"status": In(("open", "referred"))}) == ["visit-1", "visit-3", "visit-4", "visit-5"]
    assert find({"score": In((1, 3))}) == ["visit-1", "visit-4"]
    assert find({"status": In(())}) == []
    assert find({"status": In(("open",)), "region": Prefix("3607")}) == []
    # None: the field is null or absent.
    assert find({"owner": None}) == ["visit-1", "visit-2"]
    assert find({"missing": None}) == find()
    assert find({"owner": None, "flag": False}) == ["visit-2"]


def test_put_newer_keeps_the_newer_version_in_either_order(projection_store):
    v1 = {"_id": "a", "_version": 1, "state": "one"}
    v2 = {"_id": "a", "_version": 2, "state": "two"}
    projection_store.put_newer("views", [v1])
    projection_store.put_newer("views", [v2])
    assert projection_store.get("views", "a") == v2

    projection_store.put_newer("views", [{"_id": "b", "_version": 2, "state": "two"}])
    projection_store.put_newer("views", [{"_id": "b", "_version": 1, "state": "one"}])
    assert projection_store.get("views", "b") == {"_id": "b", "_version": 2, "state": "two"}

    # The same version again does not replace what is there.
    projection_store.put_newer("views", [{"_id": "b", "_version": 2, "state": "other"}])
    assert projection_store.get("views", "b")["state"] == "two"

    # Many at once, mixed: each is decided on its own; much higher versions compare as numbers.
    projection_store.put_newer("views", [{"_id": "a", "_version": 10, "state": "ten"},
                                         {"_id": "b", "_version": 1, "state": "stale"},
                                         {"_id": "c", "_version": 3, "state": "new"}])
    got = projection_store.get_many("views", ["a", "b", "c"])
    assert {k: (v["_version"], v["state"]) for k, v in got.items()} == {
        "a": (10, "ten"), "b": (2, "two"), "c": (3, "new")}
    projection_store.put_newer("views", [{"_id": "a", "_version": 9, "state": "nine"}])
    assert projection_store.get("views", "a")["state"] == "ten"
    assert ids(projection_store.find("views", {"state": "ten"})) == ["a"]


def test_drop_and_collections(projection_store):
    assert projection_store.collections() == []
    projection_store.put_many("zeta", [{"_id": "1"}])
    projection_store.put_many("alpha", [{"_id": "1", "x": 1}, {"_id": "2", "x": 2}])
    projection_store.put_many("dead_letters", [{"_id": "contract.visits/0/7", "reason": "x"}])
    assert projection_store.collections() == ["alpha", "dead_letters", "zeta"]
    projection_store.drop("alpha")
    assert projection_store.collections() == ["dead_letters", "zeta"]
    assert projection_store.find("alpha") == []
    assert projection_store.get("alpha", "1") is None
    assert projection_store.get("zeta", "1") == {"_id": "1"}
    assert projection_store.get("dead_letters", "contract.visits/0/7") == {"_id": "contract.visits/0/7",
                                                                           "reason": "x"}
    projection_store.drop("never-existed")
    projection_store.put_many("alpha", [{"_id": "3"}])  # usable again after a drop
    assert projection_store.find("alpha") == [{"_id": "3"}]


def test_awkward_documents_round_trip_unchanged(projection_store):
    doc = {
        "_id": "问题-0001",
        "_version": 3,
        "title": "群众反映：村道路灯不亮 💡",
        "matrix": [[1, 2], [3, [4, [5, []]]], []],
        "rows": [{"a": [["x"]]}, [{"b": None}]],
        "dotted": {"a.b": 1, "c.d.e": {"f.g": ["h.i"]}, "$sign": "ok"},
        "地区": {"江西省": {"南昌市": ["东湖区", "西湖区"]}},
        "top.level": "dots in a top-level key",
        "numbers": {"int": -42, "float": 3.25, "zero": 0, "big": 2 ** 53},
        "booleans": [True, False, None],
        "empty": {"s": "", "l": [], "d": {}},
        "quote": "He said \"hi\" \\ back",
    }
    projection_store.put_many("views", [copy.deepcopy(doc)])
    assert projection_store.get("views", doc["_id"]) == doc
    assert projection_store.find("views", {"title": doc["title"]}) == [doc]
    assert projection_store.find("views", {"_id": "问题-0001"}) == [doc]
    projection_store.put_newer("views", [{**copy.deepcopy(doc), "_version": 4}])
    assert projection_store.get("views", doc["_id"]) == {**doc, "_version": 4}


WHERES = [None, {}, {"status": "open"}, {"region": Prefix("3601")}, {"score": In((1, 5))}, {"owner": None},
          {"flag": False, "tier": "county"}, {"status": "nothing"}]


def test_scan_yields_what_find_returns(projection_store):
    projection_store.put_many("views", copy.deepcopy(ROWS))
    for where in WHERES:
        found = sorted(projection_store.find("views", where), key=lambda d: d["_id"])
        assert sorted(projection_store.scan("views", where), key=lambda d: d["_id"]) == found, where
        assert projection_store.count("views", where) == len(found), where
    assert list(projection_store.scan("never-written")) == []
    assert projection_store.count("never-written") == 0


def test_scan_with_fields_gives_only_those_the_document_has(projection_store):
    docs = [{"_id": "a", "region": "360102", "n": 1, "ratings": [["organ-1", "work_quality", "satisfied"]],
             "nested": {"x": [1, {"y": None}]}, "none": None, "text": "不了解"},
            {"_id": "b", "region": "360103", "n": 2, "ratings": [], "nested": "now a string"},
            {"_id": "c", "region": "360702"}]
    projection_store.put_many("views", copy.deepcopy(docs))
    scan = lambda where=None, **kw: sorted(projection_store.scan("views", where, **kw),  # noqa: E731
                                           key=lambda d: d["_id"])
    assert scan(fields=["n"]) == [{"_id": "a", "n": 1}, {"_id": "b", "n": 2}, {"_id": "c"}]
    assert scan(fields=["ratings", "none", "text"]) == [
        {"_id": "a", "ratings": docs[0]["ratings"], "none": None, "text": "不了解"}, {"_id": "b", "ratings": []},
        {"_id": "c"}]
    assert scan(fields=["nested", "n"]) == [{"_id": "a", "nested": docs[0]["nested"], "n": 1},
                                            {"_id": "b", "nested": "now a string", "n": 2}, {"_id": "c"}]
    assert scan(fields=[]) == [{"_id": "a"}, {"_id": "b"}, {"_id": "c"}]
    assert scan(fields=("_id", "region")) == [{"_id": d["_id"], "region": d["region"]} for d in docs]
    assert scan({"region": Prefix("3601")}, fields=["n"]) == [{"_id": "a", "n": 1}, {"_id": "b", "n": 2}]
    assert scan({"n": 2}, fields=("missing",)) == [{"_id": "b"}]
    with pytest.raises(ValueError):
        projection_store.scan("views", fields=["n') IS NULL OR ('"])
    # What a scan hands over is the caller's to change.
    first = next(iter(projection_store.scan("views", {"_id": "a"}, fields=["ratings"])))
    first["ratings"].append("changed")
    assert projection_store.get("views", "a") == docs[0]


def test_scan_of_many_documents_and_an_abandoned_scan(projection_store):
    docs = [{"_id": f"row-{i:04d}", "n": i, "even": i % 2 == 0, "items": [i] * (i % 3)} for i in range(1200)]
    projection_store.put_many("bulk", docs)
    assert sorted(projection_store.scan("bulk"), key=lambda d: d["n"]) == docs
    got = sorted(projection_store.scan("bulk", {"even": True}, fields=["items", "n"]), key=lambda d: d["n"])
    assert got == [{"_id": d["_id"], "items": d["items"], "n": d["n"]} for d in docs if d["even"]]
    assert projection_store.count("bulk") == 1200 and projection_store.count("bulk", {"even": False}) == 600
    for _ in zip(range(3), projection_store.scan("bulk", fields=["items"])):
        pass  # stop early: the rest is never read, and the store goes on working
    projection_store.put_many("bulk", [{"_id": "row-0000", "n": -1}])
    assert projection_store.count("bulk", {"n": -1}) == 1


DATED = [
    {"_id": "v-a", "region": "360702", "on": "2026-10-03", "name": "乙", "n": 2},
    {"_id": "v-b", "region": "360702", "on": "2026-10-01", "name": "甲", "n": 10},
    {"_id": "v-c", "region": "360703", "on": "2026-10-03", "name": "甲", "n": 1},
    {"_id": "v-d", "region": "360100", "on": "2026-09-30", "name": "丙", "n": 3},
    {"_id": "v-e", "region": "360702", "name": "丁", "n": 2},  # no date
]


def test_between_is_an_inclusive_range_that_leaves_out_documents_without_the_field(projection_store):
    projection_store.put_many("dated", copy.deepcopy(DATED))
    found = lambda where: ids(projection_store.find("dated", where))  # noqa: E731
    assert found({"on": Between("2026-10-01", "2026-10-03")}) == ["v-a", "v-b", "v-c"]
    assert found({"on": Between("2026-10-02")}) == ["v-a", "v-c"]
    assert found({"on": Between(high="2026-10-01")}) == ["v-b", "v-d"]
    assert found({"on": Between()}) == ["v-a", "v-b", "v-c", "v-d"]
    assert found({"n": Between(2, 3)}) == ["v-a", "v-d", "v-e"]  # numbers compare as numbers
    assert found({"on": Between("2026-10-01"), "region": Prefix("3607")}) == ["v-a", "v-b", "v-c"]
    assert projection_store.count("dated", {"on": Between("2026-10-02")}) == 2


def test_delete_removes_what_find_returns_and_nothing_else(projection_store):
    projection_store.put_many("dated", copy.deepcopy(DATED))
    projection_store.put_many("views", copy.deepcopy(ROWS))
    assert projection_store.delete("dated", {"on": Between(high="2026-10-01")}) == 2
    assert ids(projection_store.find("dated")) == ["v-a", "v-c", "v-e"]
    assert projection_store.delete("dated", {"on": Between(high="2026-10-01")}) == 0
    assert projection_store.delete("dated", {"region": "360702", "name": "丁"}) == 1
    assert ids(projection_store.find("dated")) == ["v-a", "v-c"]
    assert projection_store.delete("nothing here", {"on": Between()}) == 0
    assert len(projection_store.find("views")) == len(ROWS)  # another collection: untouched
    assert projection_store.delete("dated", {}) == 2 and projection_store.find("dated") == []
    projection_store.put_many("dated", [{"_id": "v-a", "n": 9}])  # an id deleted can be put again
    assert projection_store.get("dated", "v-a") == {"_id": "v-a", "n": 9}


def test_scan_in_order(projection_store):
    projection_store.put_many("dated", copy.deepcopy(DATED))
    scan = lambda order, where=None, **kw: [d["_id"] for d in projection_store.scan("dated", where, order=order, **kw)]  # noqa: E731
    # Newest first, ties by _id (descending, as the last key); the undated document counts as null.
    assert scan([("on", True)]) == ["v-c", "v-a", "v-b", "v-d", "v-e"]
    assert scan([("on", False)]) == ["v-e", "v-d", "v-b", "v-a", "v-c"]
    # Strings by code point (丁 U+4E01 < 乙 U+4E59 < 甲 U+7532), not by any Chinese collation.
    assert scan([("region", False), ("name", False)]) == ["v-d", "v-e", "v-a", "v-b", "v-c"]
    assert scan([("n", True), ("on", False)]) == ["v-b", "v-d", "v-e", "v-a", "v-c"]  # numbers as numbers
    assert scan([]) == ["v-a", "v-b", "v-c", "v-d", "v-e"]  # _id alone
    assert scan([("on", True)], {"region": Prefix("3607")}, fields=["on"]) == ["v-c", "v-a", "v-b", "v-e"]
    assert list(projection_store.scan("dated", {"on": Between("2026-10-03")}, ["name"], [("name", False)])) == [
        {"_id": "v-a", "name": "乙"}, {"_id": "v-c", "name": "甲"}]
    with pytest.raises(ValueError):
        list(projection_store.scan("dated", order=[("on') DESC; --", False)]))


def test_an_ordered_scan_of_many_documents(projection_store):
    docs = [{"_id": f"row-{i:04d}", "day": f"2026-{1 + i % 12:02d}-01", "items": [i]} for i in range(1200)]
    projection_store.put_many("bulk", copy.deepcopy(docs))
    expected = sorted(docs, key=lambda d: (d["day"], d["_id"]), reverse=True)
    assert list(projection_store.scan("bulk", order=[("day", True)])) == expected
    first = [d["_id"] for _, d in zip(range(10), projection_store.scan("bulk", order=[("day", True)]))]
    assert first == [d["_id"] for d in expected[:10]]


def test_writes_made_together_are_read_back_inside_and_kept_after(projection_store):
    with projection_store.together():
        projection_store.put_many("views", copy.deepcopy(ROWS[:2]))
        projection_store.put_newer("counts", [{"_id": "c", "_version": 1, "n": 1}])
        assert projection_store.get("views", "visit-2") == ROWS[1]
        projection_store.put_many("views", [{"_id": "visit-2", "status": "reopened"}])
        assert projection_store.count("views") == 2
    with ThreadPoolExecutor(1) as elsewhere:  # another thread: another connection, where there are some
        assert elsewhere.submit(projection_store.get_many, "views", ["visit-1", "visit-2"]).result() == {
            "visit-1": ROWS[0], "visit-2": {"_id": "visit-2", "status": "reopened"}}
        assert elsewhere.submit(projection_store.get, "counts", "c").result() == {"_id": "c", "_version": 1, "n": 1}
    with Namespaced(projection_store, "g7.").together():  # a view groups on its store
        Namespaced(projection_store, "g7.").put_many("views", [{"_id": "v"}])
    assert projection_store.get("g7.views", "v") == {"_id": "v"}


class FindOnly(Namespaced):
    """A view implementing `find` but not `scan` or `count`: the port's defaults serve it."""
    scan = ProjectionStore.scan
    count = ProjectionStore.count


@pytest.mark.parametrize("view", [Namespaced, FindOnly])
def test_a_namespaced_view_passes_everything_on(projection_store, view):
    projection_store.put_many("other", [{"_id": "x", "n": 0}])
    store = view(projection_store, "g7.")
    store.put_many("views", copy.deepcopy(ROWS))
    store.put_newer("views", [{"_id": "new", "_version": 2}])
    assert projection_store.get("g7.views", "visit-1") == ROWS[0]
    assert projection_store.get("g7.views", "new") == {"_id": "new", "_version": 2}
    assert store.get("views", "visit-2") == ROWS[1] and store.get("other", "x") is None
    assert ids(store.find("views", {"status": "open"})) == ["visit-1", "visit-3", "visit-5"]
    store.drop("views")  # (and the versioned one)
    store.put_many("views", copy.deepcopy(ROWS))
    assert sorted(store.scan("views", {"region": Prefix("3601")}, fields=["score"]), key=lambda d: d["_id"]) == [
        {"_id": "visit-1", "score": 3}, {"_id": "visit-2", "score": 5}, {"_id": "visit-3", "score": 5}]
    assert [d["_id"] for d in store.scan("views", {"score": Between(1)}, order=[("score", True)])] == [
        "visit-3", "visit-2", "visit-1", "visit-4"]
    assert store.count("views", {"flag": True}) == 3
    assert store.delete("views", {"status": "referred"}) == 1 and store.get("views", "visit-4") is None
    assert store.collections() == ["views"]
    store.drop("views")
    assert store.collections() == [] and projection_store.collections() == ["other"]


def test_parts_are_stores_of_their_own(projection_store):
    g1, g2 = projection_store.part("g1"), projection_store.part("g2")
    g1.put_many("views", copy.deepcopy(ROWS[:2]))
    g2.put_many("views", copy.deepcopy(ROWS[2:]))
    g2.put_newer("counts", [{"_id": "c", "_version": 1}])
    assert projection_store.parts() == {"g1", "g2"}
    assert ids(g1.find("views")) == ["visit-1", "visit-2"] and g1.collections() == ["views"]
    assert ids(g2.scan("views", {"flag": True})) == ["visit-3", "visit-5"]
    assert g2.collections() == ["counts", "views"] and g2.count("views") == 3
    with g1.together():
        g1.put_many("views", [{"_id": "visit-9"}])
    assert projection_store.part("g1").get("views", "visit-9") == {"_id": "visit-9"}
    projection_store.drop_part("g1")
    assert projection_store.parts() == {"g2"}
    assert projection_store.part("g1").find("views") == [] and g2.count("views") == 3
    assert projection_store.parts() == {"g2"}  # a part read, never written, holds nothing


def test_a_provisional_part_is_read_back_and_made_durable(projection_store):
    building = projection_store.part("g3", provisional=True)
    building.put_many("views", copy.deepcopy(ROWS))
    assert projection_store.part_intact("g3")  # written in this boot of the machine
    projection_store.make_durable("g3")
    projection_store.make_durable()
    assert projection_store.part_intact("g3") and projection_store.parts() == {"g3"}
    assert ids(projection_store.part("g3").find("views")) == ids(ROWS)


@pytest.mark.parametrize("name", ["", "g.1", "../g1", "g 1", "g1/", "ｇ1"])
def test_a_part_name_that_could_name_another_thing_is_refused(projection_store, name):
    with pytest.raises(ValueError):
        projection_store.part(name)
