"""Office tokens: signed (HS256 JWT), expiring, bound to an audience (the services it opens),
carrying the office's region code and the caller's role.

Roles, from most to least powerful:
- `admin` — the working committee's office (机关工委办公室): everything inside its jurisdiction,
  including campaigns, invitations and publishing good practices;
- `clerk` — liaison staff of organs (联络员): log visits, move problems along the ledger;
- `viewer` — reads records and reports.

A caller may act on a record only if the record's region lies within the caller's jurisdiction
(province → everything under it; city → its counties and itself; county → itself).
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt
from flask import current_app, g, request

from shared.regions import tier_of, within

ROLES = ("viewer", "clerk", "admin")
ISSUER = "shuangwan"


class AuthError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Caller:
    subject: str
    region: str
    role: str

    @property
    def tier(self) -> str:
        return tier_of(self.region)

    def can(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def covers(self, region: str) -> bool:
        return within(self.region, region)


def issue_token(secret: str, subject: str, region: str, role: str, audience: list[str],
                ttl_seconds: int = 30 * 24 * 3600) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not secret:
        raise ValueError("no token secret configured (SHUANGWAN_TOKEN_SECRET)")
    tier_of(region)  # validates the code's shape
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": subject, "region": region, "role": role, "aud": list(audience),
              "iat": now, "exp": now + ttl_seconds, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, secret, algorithm="HS256")


# Tokens verified already, with their expiry: checking the signature and claims again cost a
# sixth of a visit POST. Keyed by the token with the secret and audience it was checked against,
# so a changed secret or another service's check starts afresh. Bounded: emptied when full.
_VERIFIED: dict[tuple[str, str, str], tuple[Caller, int]] = {}
_VERIFIED_MAX = 4096


def verify_token(token: str, secret: str, audience: str) -> Caller:
    key = (token, secret, audience)
    known = _VERIFIED.get(key)
    if known is not None and known[1] > time.time():  # PyJWT's own test: expired once exp <= now
        return known[0]
    found, expires = _verify(token, secret, audience)
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[key] = found, expires
    return found


def _verify(token: str, secret: str, audience: str) -> tuple[Caller, int]:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], audience=audience, issuer=ISSUER,
                            options={"require": ["exp", "iat", "aud", "iss", "sub"]})
    except jwt.ExpiredSignatureError:
        raise AuthError(401, "The token has expired.") from None
    except jwt.InvalidAudienceError:
        raise AuthError(401, f"The token is not valid for the {audience} service.") from None
    except jwt.PyJWTError:
        raise AuthError(401, "The token is invalid.") from None
    role, region = claims.get("role"), claims.get("region")
    if role not in ROLES or not isinstance(region, str):
        raise AuthError(401, "The token is invalid.")
    return Caller(claims["sub"], region, role), int(claims["exp"])


def caller(role: str = "viewer") -> Caller:
    """The authenticated caller of this request, who must hold at least `role` (401/403 otherwise)."""
    found = g.get("caller")
    if found is None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise AuthError(401, "Authentication required: send `Authorization: Bearer <token>`.")
        found = verify_token(header[7:].strip(), current_app.config["TOKEN_SECRET"],
                             current_app.config["TOKEN_AUDIENCE"])
        g.caller = found
    if not found.can(role):
        raise AuthError(403, f"This needs the {role} role; the token has {found.role}.")
    return found


def require_region(who: Caller, region: str) -> None:
    """403 unless `region` lies within the caller's jurisdiction."""
    if not who.covers(region):
        raise AuthError(403, f"Region {region} is outside the jurisdiction of office {who.region}.")
