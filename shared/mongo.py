"""MongoDB connections shared by the distributed adapters.

Only what both real MongoDB and FerretDB support is used: single-document atomicity, unique
indexes, plain finds and updates. No multi-document transactions, no change streams.
"""
from __future__ import annotations

from urllib.parse import urlparse

import pymongo
from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError

_clients: dict[str, pymongo.MongoClient] = {}

UNAVAILABLE = (ConnectionFailure, ServerSelectionTimeoutError)


def database(url: str, namespace: str):
    """Database `<base>_<namespace>`, base being the URL's path (`mongodb://host/base`) or "shuangwan".

    Every service and every kind of data gets a database of its own, so two services pointed
    at one server never share a collection.
    """
    client = _clients.get(url)
    if client is None:
        # Short timeouts: a dead server should answer 503 in seconds, not hang a request.
        client = pymongo.MongoClient(url, serverSelectionTimeoutMS=5000, connectTimeoutMS=5000,
                                     socketTimeoutMS=30000, tz_aware=True)
        _clients[url] = client
    base = urlparse(url).path.lstrip("/") or "shuangwan"
    return client[f"{base}_{namespace}"]
