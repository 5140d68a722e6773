"""The visits service's event family (topic `shuangwan.visits`): its own types plus the ledger's."""
from shared.events import EventRegistry
from shared.ledger.events import register_ledger

VISITS = EventRegistry("visits")
register_ledger(VISITS)
