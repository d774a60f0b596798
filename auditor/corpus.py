"""The frames one run passes between stages, bundled so each check reads what it needs."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .config import Config

# Columns every candidate frame carries; each check adds its own feature columns.
CANDIDATE_COLUMNS = ["row_id", "source", "story", "start", "end", "subkind", "related", "note"]


@dataclass
class Corpus:
    """Everything known about the run's sources after segmentation and extraction."""

    config: Config
    sources: pd.DataFrame
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    claims: pd.DataFrame = field(default_factory=pd.DataFrame)
    texts: dict[str, str] = field(default_factory=dict)


def candidates(rows: list[dict], features: list[str]) -> pd.DataFrame:
    """A candidate frame: common columns, the check's features, and a fresh row_id."""
    frame = pd.DataFrame(rows, columns=[c for c in CANDIDATE_COLUMNS if c != "row_id"] + features)
    frame.insert(0, "row_id", range(len(frame)))
    return frame


def related(source: str, start: int, end: int) -> dict:
    """A pointer into another place of the run (same or other source)."""
    return {"source": source, "start": int(start), "end": int(end)}
