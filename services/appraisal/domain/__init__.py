"""The appraisal domain core: plain Python aggregates and pure rules (no web, storage or bus)."""
