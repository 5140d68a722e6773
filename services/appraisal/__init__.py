"""The appraisal service: citizens appraise the organs (组织群众评机关)."""
