"""The memory benchmark's shortcut to large projections (rows of one corpus copy written under each
copy's ids) leaves exactly the rows that a rebuild of the replicated events leaves."""
from bench import events as corpus
from bench import memory
from bench.measure import Config, cleanup
from bench.rebuild import generation_file, sqlite_rows


def rows(projections) -> dict:
    """The rows of the active generation of a projection database."""
    return {(c, i): body for c, i, body in sqlite_rows(generation_file(projections))}


def test_replicated_projections_are_those_of_a_rebuild():
    cfg = Config(corpus_scale=0.05)
    try:
        n = 2 * len(corpus.corpus(cfg.corpus_scale)) + 57  # two whole copies and part of a third
        copied, built = rows(memory.replicated(cfg, n)), rows(memory.rebuilt(corpus.corpus(cfg.corpus_scale), n))
        assert len(built) > 100
        assert copied == built
    finally:
        cleanup()
