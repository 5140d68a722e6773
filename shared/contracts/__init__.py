"""The published event contracts: each service family's event types and payload schemas.

They live in `shared/` because two parties need them — the service that publishes the events
and every consumer (the reporting service, integrators' JSON Schemas, the AsyncAPI document).
"""
