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
    derived: dict = field(default_factory=dict, repr=False)  # what several stages derive from the frames, built once


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


@dataclass
class Disagreement:
    """One side of a group (see `disagreements`), without the list of all the others."""

    side: list
    other_side: list  # the biggest other side
    related: list  # the side's other members, then the other sides', at most `limit` of them
    n_others: int  # members of the other sides
    agrees: bool  # the side most members take


def bounded_disagreements(group: list, key: Callable, limit: int) -> list[Disagreement]:
    """`disagreements` in time linear in the group: the sides are split once and each names at most
    `limit` members (all of them when that is enough; else half from its own side, the rest from
    the others, biggest side first), so a story of thousands of sources does not list them all."""
    split = sides(group, key)
    total = len(group)
    head, covered = [], 0  # the first `limit` members of the biggest sides: the others of any later side
    while covered < len(split) and len(head) < limit:
        head.extend(split[covered][:limit - len(head)])
        covered += 1
    out = []
    for i, side in enumerate(split):
        n_others = total - len(side)
        if len(side) - 1 + n_others <= limit:
            named = side[1:] + [x for j, other in enumerate(split) if j != i for x in other]
        elif i >= covered and len(side) == 1:  # a lone side after the biggest ones (a flood's many)
            named = head[:]
        else:
            named = _others(split, i, limit - min(len(side) - 1, limit // 2))
            named = side[1:1 + limit - len(named)] + named
        biggest_other = (split[1] if len(split) > 1 else []) if i == 0 else split[0]
        out.append(Disagreement(side, biggest_other, named, n_others, i == 0))
    return out


def _others(split: list[list], i: int, limit: int) -> list:
    """Up to `limit` members of the sides other than split[i], biggest side first."""
    out: list = []
    for j, other in enumerate(split):
        if j != i:
            out.extend(other[:limit - len(out)])
            if len(out) >= limit:
                break
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
