"""The appraisal service's event family (topic `shuangwan.appraisal`): its own types plus the ledger's."""
from shared.events import EventRegistry
from shared.ledger.events import register_ledger

APPRAISAL = EventRegistry("appraisal")
register_ledger(APPRAISAL)
