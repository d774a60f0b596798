"""Rule descriptions of every check, read from the suites (for SARIF, docs and the report)."""

from __future__ import annotations

from .config import Config
from .findings import GX_SEVERITY


def rules_of(config: Config) -> list[dict]:
    """One dict per check: id, kind, name, description, help, severity."""
    rules = []
    for name, spec in sorted(config.suites.items()):
        doc = spec.get("meta", {}).get("doc", "")
        for exp in spec["expectations"]:
            meta = exp.get("meta", {})
            check = meta["check"]
            rules.append({
                "id": check, "kind": meta.get("kind", spec["meta"].get("kind", name)),
                "name": check.replace("_", " ").replace(".", ": ").capitalize(),
                "description": exp.get("description", check),
                "help": f"See {doc}." if doc else exp.get("description", check),
                "severity": GX_SEVERITY.get(str(exp.get("severity", "critical")).lower(), "error"),
            })
    return rules
