"""The reporting service (统计报表): consumes every stream, keeps projections per region, answers reports."""
