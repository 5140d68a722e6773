"""What the reporting service is built from: its settings, projection store, generations, bus and
consumers. It owns no event store: everything it holds is derived from the topics it reads."""
from __future__ import annotations

import logging
from functools import cached_property

from services.reporting.domain.jurisdiction import keeps
from services.reporting.generations import Generations
from services.reporting.projections import PROJECTIONS, VERSION
from shared import backends
from shared.bus import EventBus, Lane, topic_for
from shared.config import Settings
from shared.consumer import Consumer
from shared.contracts.appraisal import APPRAISAL
from shared.contracts.visits import VISITS
from shared.projections import ProjectionStore
from shared.regions import Regions, default_regions

log = logging.getLogger(__name__)

REGISTRIES = {"visits": VISITS, "appraisal": APPRAISAL}


class ReportingContext:
    def __init__(self, settings: Settings, regions: Regions | None = None):
        self.settings = settings
        self.regions = regions or default_regions()

    @cached_property
    def store(self):
        """The projection store holding every generation and the `meta` document."""
        return backends.projection_store(self.settings.projection_url, f"{self.settings.service}_projections")

    @cached_property
    def generations(self) -> Generations:
        return Generations(self.store, f"{self.settings.topic_prefix}-reporting-{self.settings.office_region}",
                           VERSION)

    @cached_property
    def bus(self) -> EventBus:
        return backends.event_bus(self.settings.bus_url)

    @property
    def topics(self) -> list[str]:
        return [topic_for(family, self.settings.topic_prefix) for family in REGISTRIES]

    def group(self, generation: int) -> str:
        """The consumer group feeding one generation of this office's projections."""
        return self.generations.group(generation)

    def consumer(self, generation: int, hold: int = 0, building: bool = False, lane: Lane | None = None,
                 fresh: bool = False) -> Consumer:
        """A consumer filling `generation` from every topic, keeping only events within this
        office's jurisdiction; `hold`, `lane` and `fresh` as `Consumer` takes them, `building` as
        `Generations.view` does."""
        return Consumer(self.bus, self.topics, self.group(generation), REGISTRIES,
                        self.generations.view(generation, building), PROJECTIONS,
                        accept=keeps(self.settings.office_region), hold=hold, lane=lane, fresh=fresh)

    def rows(self) -> ProjectionStore:
        """The generation queries read: the active one."""
        return self.generations.view()

    def ready(self) -> None:
        self.generations.read()
