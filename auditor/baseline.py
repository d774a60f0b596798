"""Baselines: a file of accepted finding ids, reported as suppressed and not gating."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .config import parse_json, read_bounded
from .errors import ConfigError

BASELINE_VERSION = 1
# Sane sizes: a baseline entry is a few hundred bytes, a findings file carries evidence and context.
MAX_BYTES = {"baseline file": 64_000_000, "findings file": 256_000_000}


class BaselineError(ValueError):
    """A baseline (or the findings file it is made from) cannot be read or has the wrong shape."""


def _read_json(path: Path, what: str) -> Any:
    """JSON of a baseline or findings file, bounded in size and nesting; BaselineError naming the file."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise BaselineError(f"{path}: {what} not found")
    try:
        return parse_json(path, read_bounded(path, MAX_BYTES[what]))
    except ConfigError as exc:
        problem = exc.problem.replace("invalid JSON", "is not valid JSON", 1)
        joint = " " if problem.startswith(("is ", "nested")) else ": "
        raise BaselineError(f"{path}: {what}{joint}{problem}") from None


def _entry(finding: dict) -> dict:
    return {k: finding.get(k) for k in ("id", "kind", "source", "evidence")}


def _atomic_write(out: Path, text: str) -> None:
    """Write text to out via a temporary file in the same folder, then rename."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_baseline(findings_path: Path, out: Path) -> int:
    """Accept every finding of findings.json into a baseline file at `out`; return how many."""
    doc = _read_json(Path(findings_path), "findings file")
    findings = doc.get("findings") if isinstance(doc, dict) else None
    if not isinstance(findings, list) or not all(isinstance(f, dict) and f.get("id") for f in findings):
        raise BaselineError(
            f"{findings_path}: not a findings file (expected an object with a 'findings' list "
            "of objects that have an 'id')"
        )
    unique = {str(f["id"]): _entry(f) for f in findings}
    entries = [unique[k] for k in sorted(unique)]
    created = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    body = {"version": BASELINE_VERSION, "created": created, "findings": entries}
    _atomic_write(Path(out), json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    return len(entries)


def load_baseline(path: Path) -> set[str]:
    """The accepted finding ids of a baseline file; BaselineError naming the file when it is wrong.

    Each entry needs an `id`; `kind`, `source`, `evidence` and a `note` (why it is accepted, as the
    report page writes it) are optional and only for the reader.
    """
    doc = _read_json(Path(path), "baseline file")
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise BaselineError(f"{path}: not a baseline file (expected an object with a 'findings' list)")
    if doc.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"{path}: unsupported baseline version {doc.get('version')!r} (expected {BASELINE_VERSION})"
        )
    ids: set[str] = set()
    for i, entry in enumerate(doc["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
            raise BaselineError(f"{path}: findings[{i}] must be an object with a non-empty string 'id'")
        if entry.get("note") is not None and not isinstance(entry["note"], str):
            raise BaselineError(f"{path}: findings[{i}].note must be a string (why the finding is accepted)")
        ids.add(entry["id"])
    return ids

