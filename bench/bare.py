"""The HTTP baseline: a bare Flask endpoint that parses the same JSON and answers 201."""
from flask import Flask, request

app = Flask(__name__)


@app.post("/<path:anything>")
def ingest(anything):
    body = request.get_json()
    return {"id": "bare", "fields": len(body)}, 201
