"""The Finding record: a flagged span with its evidence, stable id and related places."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from .segment import LineIndex

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
GX_SEVERITY = {"critical": "error", "warning": "warning", "info": "info"}


@dataclass
class Finding:
    """One finding as written to findings.json (see the contract)."""

    id: str
    kind: str
    subkind: str
    check: str
    severity: str
    source: str
    story: str
    line: int
    end_line: int
    span: list[int]
    evidence: str
    message: str
    related: list[dict] = field(default_factory=list)
    suppressed: bool = False

    def to_dict(self) -> dict:
        """The finding as a plain dict (fields in order; its lists and related places copied, not shared).
        `dataclasses.asdict` gives the same but deep-copies every value: seconds on a big run."""
        out = dict(self.__dict__)
        out["span"] = list(self.span)
        out["related"] = [dict(r) if isinstance(r, dict) else r for r in self.related]
        return out


def finding_order(f: Finding) -> tuple:
    """The order of findings in findings.json: story, source, position, kind, check."""
    return (f.story, f.source, f.span[0], f.kind, f.check)


def normalize_evidence(text: str) -> str:
    """Evidence as hashed for ids: case and spacing do not matter."""
    return re.sub(r"\s+", " ", text).strip().lower()


def finding_id(check: str, source: str, evidence: str, context: str, occurrence: int) -> str:
    """Stable across runs and edits elsewhere: no line numbers, only text and its context."""
    key = "\x1f".join([check, source, normalize_evidence(evidence), normalize_evidence(context), str(occurrence)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


class Locator:
    """Turns (source, start, end) into lines and evidence, caching a line index per source."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self._index: dict[str, LineIndex] = {}

    def index(self, source: str) -> LineIndex:
        if source not in self._index:
            self._index[source] = LineIndex(self.texts[source])
        return self._index[source]

    def place(self, source: str, start: int, end: int) -> dict:
        """source, line, end_line, span and evidence of one place."""
        idx = self.index(source)
        return {"source": source, "line": idx.line(start), "end_line": idx.end_line(start, end),
                "span": [int(start), int(end)], "evidence": self.texts[source][start:end]}

    def context(self, source: str, start: int, end: int, width: int = 40) -> str:
        """Text around a span, for ids that survive edits elsewhere in the article."""
        text = self.texts[source]
        return text[max(0, start - width):min(len(text), end + width)]
