"""What the SQLite projection store's parts are on disk: database files beside the store's own."""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from shared.projections.sqlite import PROVISIONAL, SQLiteProjectionStore


def store(tmp_path) -> SQLiteProjectionStore:
    return SQLiteProjectionStore(f"sqlite:///{tmp_path}/reporting-views.db")


def test_a_part_is_a_file_and_dropping_it_deletes_the_files(tmp_path):
    views = store(tmp_path)
    views.part("g2").put_many("visits", [{"_id": "a"}])
    assert (tmp_path / "reporting-views.g2.db").exists()
    assert views.collections() == [] and views.parts() == {"g2"}
    views.drop_part("g2")
    assert not deleted_files_open(tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["reporting-views.db", "reporting-views.db-shm", "reporting-views.db-wal",
                                            "reporting-views.db.writer"]
    views.close()


def test_a_part_dropped_by_another_process_is_let_go_and_found_empty(tmp_path):
    reader, rebuilder = store(tmp_path), store(tmp_path)
    reader.part("g1").put_many("visits", [{"_id": "a"}])
    assert rebuilder.part("g1").get("visits", "a") == {"_id": "a"}
    rebuilder.drop_part("g1")
    assert reader.part("g1").get("visits", "a") is None  # not the deleted file, still open…
    assert not deleted_files_open(tmp_path)               # …nor holding on to its disk space
    reader.close()
    rebuilder.close()


def test_a_thread_reading_a_part_dropped_meanwhile_finishes_what_it_began(tmp_path):
    views = store(tmp_path)
    views.part("g1").put_many("visits", [{"_id": f"v{i}"} for i in range(500)])
    begun, dropped = threading.Event(), threading.Event()

    def report():  # a report begun before a rebuild switched generations
        scan = views.part("g1").scan("visits")
        next(scan)
        begun.set()
        dropped.wait(5)
        return 1 + sum(1 for _ in scan)

    with ThreadPoolExecutor(1) as other:
        counted = other.submit(report)
        assert begun.wait(5)
        views.drop_part("g1")
        views.part("g2")
        dropped.set()
        assert counted.result(5) == 500
    views.close()


def test_a_provisional_part_is_marked_until_it_is_durable_and_not_intact_after_a_restart(tmp_path):
    views = store(tmp_path)
    views.part("g2", provisional=True).put_many("visits", [{"_id": "a"}])
    marker = tmp_path / f"reporting-views.g2.db{PROVISIONAL}"
    assert marker.exists() and views.part_intact("g2")
    marker.write_text("a boot of the machine before the last one")
    assert not views.part_intact("g2")
    views.make_durable("g2")
    assert not marker.exists() and views.part_intact("g2")
    assert store(tmp_path).part("g2").get("visits", "a") == {"_id": "a"}
    views.close()


def test_parts_written_as_prefixed_collections_before_parts_had_files_stay_there(tmp_path):
    views = store(tmp_path)
    views.put_many("g1.visits", [{"_id": "a"}])
    views.put_many("meta", [{"_id": "generations"}])
    assert views.parts() == {"g1"}
    assert views.part("g1").get("visits", "a") == {"_id": "a"}
    assert not (tmp_path / "reporting-views.g1.db").exists()
    views.drop_part("g1")
    assert views.parts() == set() and views.collections() == ["meta"]
    views.close()


def deleted_files_open(directory) -> list[str]:
    """The deleted files of `directory` this process still has open (Linux)."""
    links = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
             if os.path.islink(f"/proc/self/fd/{fd}")]
    return [link for link in links if link.startswith(str(directory)) and link.endswith(" (deleted)")]
