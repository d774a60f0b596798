"""auditor: audit news sources of one story for internal errors and cross-source discrepancies."""

__version__ = "0.1.0"
