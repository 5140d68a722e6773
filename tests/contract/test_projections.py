"""Contract of the projection store port, run unchanged against memory, SQLite and MongoDB."""
from __future__ import annotations

import copy

from shared.projections import In, Prefix

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
