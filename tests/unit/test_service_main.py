"""The write services' command line (`python -m services.<service> relay|reindex`)."""
from __future__ import annotations

import pytest

from shared.service import main


class Store:
    reindexed = 0

    def reindex(self):
        self.reindexed += 1


class Context:
    def __init__(self):
        self.store, self.relayed = Store(), 0

    def run_relay(self):
        self.relayed += 1


@pytest.mark.parametrize("argv", [[], ["bogus"], ["relay", "reindex"]])
def test_anything_but_one_command_prints_the_usage(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main("visits", Context, argv)
    assert "usage: python -m services.visits relay|reindex" in str(exited.value.code)


def test_each_command_does_its_one_thing():
    context = Context()
    main("appraisal", lambda: context, ["reindex"])
    assert (context.store.reindexed, context.relayed) == (1, 0)
    main("appraisal", lambda: context, ["relay"])
    assert (context.store.reindexed, context.relayed) == (1, 1)
