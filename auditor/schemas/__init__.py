"""JSON Schemas of the files under expectations/ (validated by auditor.config before any work)."""
