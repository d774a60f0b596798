"""Plain-Python views of the stage frames, for checks that walk one source's rows at a time.

Selecting one source's rows from a pandas frame costs far more than the check's own work on them;
these views walk each column once and hand out lists.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd


def columns_by(frame: pd.DataFrame, key: str, columns: list[str]) -> dict[object, dict[str, list]]:
    """key value -> {column -> that group's values, in frame order}, groups in order of first appearance."""
    groups: dict[object, dict[str, list]] = {}
    values = [frame[c].tolist() for c in columns]
    members: dict[object, list[int]] = defaultdict(list)
    for i, k in enumerate(frame[key].tolist()):
        members[k].append(i)
    for k, rows in members.items():
        groups[k] = {c: [vals[i] for i in rows] for c, vals in zip(columns, values, strict=True)}
    return groups
