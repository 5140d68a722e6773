"""The visits service's event family (topic `shuangwan.visits`)."""
from shared.events import EventRegistry
from shared.ledger.events import register_ledger

VISITS = EventRegistry("visits")
register_ledger(VISITS)
