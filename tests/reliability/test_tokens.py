"""Bad office tokens get 401 on every secured operation of every service: expired, forged (another
secret), for another service (audience), from another issuer, unsigned (alg=none), signed with
another algorithm, with a tampered claim, without an expiry, with an unknown role, or none."""
from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from services.appraisal.app import create_app as appraisal_app
from services.reporting.app import create_app as reporting_app
from services.visits.app import create_app as visits_app
from shared.web.auth import ISSUER
from tests.backends import ALL_SERVICES, SECRET, Backend, token
from tests.reliability.support import CITY
from tests.reliability.test_access import secured_operations

APPS = {"visits": visits_app, "appraisal": appraisal_app, "reporting": reporting_app}
A_LIST = {"visits": "/organs", "appraisal": "/campaigns", "reporting": "/reports/overview"}


def claims(**changes) -> dict:
    now = int(time.time())
    base = {"iss": ISSUER, "sub": "intruder", "region": CITY, "role": "admin", "aud": ALL_SERVICES,
            "iat": now, "exp": now + 3600, "jti": "x"}
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def b64(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def bad_tokens() -> dict[str, str]:
    good = token(CITY, "admin")["Authorization"][7:]
    header, payload, signature = good.split(".")
    province = {**json.loads(base64.urlsafe_b64decode(payload + "==")), "region": "360000"}
    return {
        "expired": jwt.encode(claims(iat=int(time.time()) - 7200, exp=int(time.time()) - 60), SECRET, "HS256"),
        "forged with another secret": jwt.encode(claims(), "another-secret-of-the-same-length-as-ours!", "HS256"),
        "for another service": jwt.encode(claims(aud=["somewhere-else"]), SECRET, "HS256"),
        "from another issuer": jwt.encode(claims(iss="not-shuangwan"), SECRET, "HS256"),
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}.",
        "alg none, good signature kept": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.{signature}",
        "HS512 with our secret": jwt.encode(claims(), SECRET, "HS512"),
        "claim tampered (region → province)": f"{header}.{b64(province)}.{signature}",
        "no expiry": jwt.encode(claims(exp=None), SECRET, "HS256"),
        "unknown role": jwt.encode(claims(role="root"), SECRET, "HS256"),
        "garbage": "not-a-token",
        "empty": "",
    }


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # HS512 with our (HS256) secret
@pytest.mark.parametrize("service", list(APPS))
def test_bad_tokens_get_401_everywhere(service, tmp_path):
    client = APPS[service](Backend("embedded", "tokens", tmp_path).settings(service, office_region=CITY)).test_client()
    operations = secured_operations(client)
    assert operations
    # The good token opens (at least) a list.
    assert client.get(A_LIST[service], headers=token(CITY, "admin")).status_code == 200
    for name, bad in [*bad_tokens().items(), ("no header", None)]:
        headers = {} if bad is None else {"Authorization": f"Bearer {bad}"}
        for method, path in operations:
            answer = client.open(path, method=method, json={}, headers=headers)
            assert answer.status_code == 401, (name, method, path, answer.status_code, answer.json)
            assert answer.headers["WWW-Authenticate"] == "Bearer"
            assert answer.json["error"]["code"] == "unauthenticated", (name, path)


def test_an_accepted_token_stops_working_when_it_expires(tmp_path):
    """Verified tokens are remembered (see shared.web.auth): never past their expiry, and only for
    the secret and service they were checked against."""
    client = visits_app(Backend("embedded", "tokens", tmp_path).settings("visits", office_region=CITY)).test_client()
    short = jwt.encode(claims(exp=int(time.time()) + 2), SECRET, "HS256")
    assert client.get("/organs", headers={"Authorization": f"Bearer {short}"}).status_code == 200
    time.sleep(max(0.0, jwt.decode(short, options={"verify_signature": False})["exp"] - time.time()) + 0.05)
    answer = client.get("/organs", headers={"Authorization": f"Bearer {short}"})
    assert answer.status_code == 401 and "expired" in answer.json["error"]["message"], answer.json

    only_visits = jwt.encode(claims(aud=["visits"]), SECRET, "HS256")
    assert client.get("/organs", headers={"Authorization": f"Bearer {only_visits}"}).status_code == 200
    reporting = reporting_app(Backend("embedded", "tokens2", tmp_path).settings("reporting", office_region=CITY))
    answer = reporting.test_client().get("/reports/overview", headers={"Authorization": f"Bearer {only_visits}"})
    assert answer.status_code == 401, answer.json
