"""The services' blueprint: flask-smorest's, with argument schemas built once and JSON bodies
parsed by orjson.

Given a schema class, webargs builds an instance on every request, and marshmallow copies every
declared field to do it: for a visit that was a fifth of the request's time in Flask, more than
loading the body. An instance made at declaration serves every request (loading does not change it).
"""
from __future__ import annotations

import flask_smorest
import orjson
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request


class Parser(FlaskParser):
    """webargs' Flask parser, reading JSON with orjson: a questionnaire's body (~15 KB) parsed in a
    tenth of the time. orjson is the stricter reader (no NaN, no integers past 64 bits): a body it
    refuses is read again the usual way, so that the answer (400, or 422 naming the field) is the
    same as ever."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        body = req.get_data(cache=True)
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            return core.parse_json(body)  # webargs' own reading, for its answer to what orjson refuses


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()

    def arguments(self, schema, **kwargs):
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)
