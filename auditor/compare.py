"""Changes since the previous run: findings new or unchanged (by stable id), findings gone, score deltas.

The previous run is the last one in the history (`--db`) or a `findings.json` given with `--compare`
(its sibling `scores.json`, when present, gives the previous scores).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

ABSENT_FIELDS = ("id", "kind", "subkind", "check", "severity", "source", "story", "line", "end_line", "evidence",
                 "message")


@dataclass
class Previous:
    """The run compared with: when it started, where it comes from, its findings and scores."""

    started: str | None
    origin: str  # "history" or the findings file given with --compare
    findings: list[dict]
    scores: list[dict] = field(default_factory=list)
    n_findings: int | None = None


def from_history(db: str, run_key: str | None) -> Previous | None:
    """The previous recorded run (same inputs preferred), or None when the history has none."""
    from .history import previous_run

    found = previous_run(db, run_key)
    if found is None:
        return None
    return Previous(found["started"], "history", found["findings"], found["scores"], found["n_findings"])


def from_file(path: Path) -> Previous:
    """A previous run's findings.json (and its sibling scores.json); BaselineError naming a bad file."""
    from .baseline import BaselineError, _read_json

    doc = _read_json(Path(path), "findings file")
    found = doc.get("findings") if isinstance(doc, dict) else None
    if not isinstance(found, list) or not all(isinstance(f, dict) and isinstance(f.get("id"), str) for f in found):
        raise BaselineError(f"{path}: not a findings file (expected an object with a 'findings' list "
                            "of objects that have an 'id')")
    run = doc.get("run") if isinstance(doc.get("run"), dict) else {}
    return Previous(_text(run.get("started")), str(path), found, _sibling_scores(Path(path)), len(found))


def _sibling_scores(path: Path) -> list[dict]:
    """The scores.json beside a findings.json ([] when missing or not a scores file)."""
    scores = path.with_name("scores.json")
    try:
        doc = json.loads(scores.read_text(encoding="utf-8")) if scores.is_file() else {}
    except (OSError, ValueError):
        return []
    entries = doc.get("sources") if isinstance(doc, dict) else None
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def apply(findings_doc: dict, scores_doc: dict, previous: Previous) -> None:
    """Mark each finding `baseline_state` new or unchanged, list the gone ones in run.absent, name the
    previous run in run.previous, and give each score its previous_score and score_delta."""
    before = {str(f["id"]): f for f in previous.findings if f.get("id")}
    now: set[str] = set()
    counts = {"new": 0, "unchanged": 0}
    for f in findings_doc.get("findings") or []:
        state = "unchanged" if f["id"] in before else "new"
        f["baseline_state"] = state
        counts[state] += 1
        now.add(f["id"])
    absent = [{k: f.get(k) for k in ABSENT_FIELDS} for fid, f in sorted(before.items()) if fid not in now]
    absent.sort(key=lambda f: (str(f.get("story") or ""), str(f.get("source") or ""), f.get("line") or 0,
                               str(f.get("kind") or ""), str(f.get("id"))))
    run = findings_doc.setdefault("run", {})
    run["previous"] = {"started": previous.started, "date": (previous.started or "")[:10] or None,
                       "findings": previous.n_findings if previous.n_findings is not None else len(before),
                       "from": previous.origin}
    run["changes"] = {**counts, "absent": len(absent)}
    run["absent"] = absent
    _score_deltas(scores_doc, previous.scores)


def _score_deltas(scores_doc: dict, previous: list[dict]) -> None:
    """previous_score and score_delta (None for a source the previous run did not score)."""
    by_key = {(str(s.get("story")), str(s.get("source"))): s.get("score") for s in previous}
    by_source: dict[str, object] = {}
    for s in previous:
        by_source.setdefault(str(s.get("source")), s.get("score"))
    for entry in scores_doc.get("sources") or []:
        old = by_key.get((str(entry.get("story")), str(entry.get("source"))),
                         by_source.get(str(entry.get("source"))))
        old = float(old) if isinstance(old, int | float) and not isinstance(old, bool) else None
        entry["previous_score"] = old
        entry["score_delta"] = None if old is None else round(float(entry["score"]) - old, 1)
