"""The frames one run passes between stages, bundled so each check reads what it needs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
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


def sides(group: list, key: Callable) -> list[list]:
    """Members of a group split by what they say (key), the side most sources take first."""
    by_value: dict[object, list] = defaultdict(list)
    for item in sorted(group, key=lambda x: x.source):
        by_value[key(item)].append(item)
    return sorted(by_value.values(), key=lambda side: (-len(side), side[0].source))


def disagreements(group: list, key: Callable) -> list[tuple[list, list, bool]]:
    """(side, the others, agrees) for every side of a group: one candidate per disagreement.

    The minority sides each get one; on an even split between the two biggest sides, only the
    second is reported (naming the first), so one disagreement is one candidate, not one per pair.
    """
    split = sides(group, key)
    out = [(split[0], [x for side in split[1:] for x in side], True)]
    for side in split[1:]:
        out.append((side, [x for other in split if other is not side for x in other], False))
    return out


def publication_days(corpus: Corpus) -> dict[str, int]:
    """Source -> publication day (proleptic ordinal); sources without a known date are left out."""
    days: dict[str, int] = {}
    frame = corpus.sources
    if "published" not in frame:
        return days
    for source, published in zip(frame["source"], frame["published"], strict=True):
        try:
            days[source] = dt.date.fromisoformat(str(published)[:10]).toordinal()
        except ValueError:
            continue
    return days


class UnionFind:
    """Disjoint sets over 0..n-1: union by size, path halving."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> tuple[int, int] | None:
        """Merge the sets of i and j: (new root, absorbed root), or None when already one set."""
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return None
        if self.size[ri] < self.size[rj]:
            ri, rj = rj, ri
        self.parent[rj] = ri
        self.size[ri] += self.size[rj]
        return ri, rj
