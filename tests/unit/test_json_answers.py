"""The services' JSON (shared/web/app.FastJSON): orjson, writing what Flask's own provider wrote."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from shared.web.app import FastJSON

SAMPLE = {"名称": "章贡区民政局", "b": 1, "a": [1.5, None, True], "on": date(2026, 5, 1),
          "at": datetime(2026, 5, 1, 3, 4, 5, tzinfo=timezone.utc), "funds": Decimal("1200.50"), 7: "seven"}


def flask_default(app: Flask) -> DefaultJSONProvider:
    """Flask's own provider, set as the services set it before."""
    provider = DefaultJSONProvider(app)
    provider.ensure_ascii, provider.sort_keys = False, False
    return provider


def test_an_answer_is_what_flasks_own_provider_wrote():
    app = Flask("now")
    app.json = FastJSON(app)
    with app.app_context():
        answer = app.json.response(SAMPLE)
    before_app = Flask("before")
    before = flask_default(before_app)
    with before_app.app_context():
        expected = before.response(SAMPLE)
    assert answer.mimetype == "application/json"
    assert answer.get_data() == expected.get_data()  # compact, UTF-8, keys in order, HTTP dates, Decimal as text
    assert "章贡区民政局".encode() in answer.get_data()
    assert json.loads(app.json.dumps(SAMPLE)) == json.loads(before.dumps(SAMPLE))


def test_what_json_has_no_form_for_is_null_not_invalid_json():
    app = Flask("now")
    app.json = FastJSON(app)
    assert json.loads(app.json.dumps({"score": float("nan"), "n": float("inf")})) == {"score": None, "n": None}
    assert app.json.loads(b'{"x": "\\u7ae0"}') == {"x": "章"}
