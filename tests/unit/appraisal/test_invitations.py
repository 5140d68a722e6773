"""Invitation tokens: genuine ones verify without storage; a token is spent exactly once."""
import pytest

from shared.eventstore import ConcurrencyError
from services.appraisal.domain.invitations import (InvalidInvitation, batch_tokens, keyed_hash, make_token,
                                                   read_token, spent_stream_id)
from services.appraisal.domain.response import Response
from tests.unit.appraisal.support import DAY, invitation_batch, opened, repository

KEY = "office-hash-key"
BATCH = "batch-0123456789abcdef"


def test_a_genuine_token_reads_back_its_batch_and_serial():
    token = make_token(KEY, BATCH, 42)
    assert token.startswith(BATCH + ".42.") and len(token.rsplit(".", 1)[1]) == 20
    assert read_token(KEY, token) == (BATCH, 42)
    assert read_token(KEY, " " + token.upper() + " ") == (BATCH, 42)  # typed in by hand


@pytest.mark.parametrize("token", [
    make_token(KEY, BATCH, 42)[:-1] + "0",          # forged MAC
    make_token(KEY, BATCH, 42).replace(".42.", ".43."),  # another serial, same MAC
    make_token("another office", BATCH, 42),         # another key
    "batch-0123456789abcdef.0.00000000000000000000",  # serial 0
    "not a token", "", "batch-0123456789abcdef.1",
])
def test_anything_else_is_not_an_invitation(token):
    with pytest.raises(InvalidInvitation) as raised:
        read_token(KEY, token)
    assert raised.value.status == 403 and raised.value.field == "token"


def test_a_batch_has_distinct_tokens_and_distinct_spent_streams():
    tokens = [t for _, t in batch_tokens(KEY, BATCH, 50)]
    streams = {spent_stream_id(KEY, t) for t in tokens}
    assert len(set(tokens)) == 50 and len(streams) == 50
    assert all(s.startswith("response-") and len(s) == len("response-") + 32 for s in streams)
    # The stream id does not reveal the token, and depends on the key.
    assert all(t.rsplit(".", 1)[1] not in s for t, s in zip(tokens, sorted(streams)))
    assert spent_stream_id(KEY, tokens[0]) != spent_stream_id("other key", tokens[0])


def test_keyed_hashes_are_separated_by_purpose_and_key():
    assert keyed_hash(KEY, "phone", "13800000000") == keyed_hash(KEY, "phone", "13800000000")
    assert keyed_hash(KEY, "phone", "13800000000") != keyed_hash(KEY, "device", "13800000000")
    assert keyed_hash(KEY, "phone", "13800000000") != keyed_hash("other", "phone", "13800000000")
    assert "13800000000" not in keyed_hash(KEY, "phone", "13800000000")
    with pytest.raises(RuntimeError):
        keyed_hash("", "phone", "x")


def test_a_token_is_spent_by_one_submission_only():
    repo = repository()
    campaign = opened()
    batch = invitation_batch(campaign)
    repo.save(campaign)
    repo.save(batch)
    stream = spent_stream_id(KEY, make_token(KEY, batch.id, 1))
    ratings = [{"organ_id": "traffic", "dimension": "work_quality", "level": "satisfied"}]
    first = Response.submit(stream, campaign, batch, ratings=ratings, on=DAY)
    second = Response.submit(stream, campaign, batch, ratings=ratings, on=DAY)
    repo.save(first)
    with pytest.raises(ConcurrencyError):
        repo.save(second)
    assert len(repo.store.read_stream(stream)) == 1
