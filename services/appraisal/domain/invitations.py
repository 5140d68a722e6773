"""One-time invitation tokens (邀请码) and keyed hashes: pure functions of the office's hash key.

A token is `<batch id>.<serial>.<mac>`, where `mac` is a truncated HMAC-SHA256 of
`<batch id>:<serial>`. Whether a token is genuine needs no per-token storage, and tokens are
never stored: an export re-derives them from the batch. 80 bits of MAC make guessing hopeless.

A token is spent by the submission whose stream id is derived from it (`spent_stream_id`): the
event store appends that stream only at version 0, so exactly one submission per token wins,
even when many race. The stream id is a keyed hash, so the stored record does not reveal the
token, and a different key (by purpose) from the MAC keeps the two unlinkable.
"""
from __future__ import annotations

import hashlib
import hmac
import re

from shared.aggregate import DomainError

MAC_HEX_CHARS = 20  # 80 bits
TOKEN = re.compile(r"^(batch-[0-9a-f]{16})\.([1-9][0-9]{0,5})\.([0-9a-f]{%d})$" % MAC_HEX_CHARS)


class InvalidInvitation(DomainError):
    """Not a genuine invitation of this campaign. 403 for every cause (malformed, forged, unknown
    batch, another campaign), so a guesser learns nothing from the answer."""

    status = 403
    code = "invalid_invitation"

    def __init__(self, message: str = "This invitation code is not valid for this questionnaire."):
        super().__init__(message, "token")


class InvitationUsed(DomainError):
    status = 409
    code = "invitation_used"

    def __init__(self):
        super().__init__("This invitation code has already been used; each code answers once.", "token")


def _key(hash_key: str, purpose: str) -> bytes:
    if not hash_key:
        raise RuntimeError("no hash key configured (SHUANGWAN_HASH_KEY)")
    return hmac.new(hash_key.encode(), purpose.encode(), hashlib.sha256).digest()


def keyed_hash(hash_key: str, purpose: str, value: str) -> str:
    """HMAC-SHA256 hex of `value` under a key derived for `purpose` ("ip", "device", "phone"…)."""
    return hmac.new(_key(hash_key, purpose), value.encode(), hashlib.sha256).hexdigest()


def _mac(hash_key: str, batch_id: str, serial: int) -> str:
    return keyed_hash(hash_key, "invitation", f"{batch_id}:{serial}")[:MAC_HEX_CHARS]


def make_token(hash_key: str, batch_id: str, serial: int) -> str:
    return f"{batch_id}.{serial}.{_mac(hash_key, batch_id, serial)}"


def batch_tokens(hash_key: str, batch_id: str, count: int) -> list[tuple[int, str]]:
    return [(serial, make_token(hash_key, batch_id, serial)) for serial in range(1, count + 1)]


def read_token(hash_key: str, token: str) -> tuple[str, int]:
    """(batch id, serial) of a genuine token; `InvalidInvitation` otherwise."""
    match = TOKEN.match(token.strip().lower())
    if not match:
        raise InvalidInvitation()
    batch_id, serial, mac = match.group(1), int(match.group(2)), match.group(3)
    if not hmac.compare_digest(mac, _mac(hash_key, batch_id, serial)):
        raise InvalidInvitation()
    return batch_id, serial


def spent_stream_id(hash_key: str, token: str) -> str:
    """The stream id of the one submission a token may make."""
    return "response-" + keyed_hash(hash_key, "spent", token.strip().lower())[:32]
