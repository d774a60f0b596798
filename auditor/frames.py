"""Plain-Python views of the stage frames, for checks that walk one source's rows at a time.

Selecting one source's rows from a pandas frame costs far more than the check's own work on them;
these views group the rows once and hand out lists.
"""

from __future__ import annotations

import pandas as pd


def columns_by(frame: pd.DataFrame, key: str, columns: list[str]) -> dict[object, dict[str, list]]:
    """key value -> {column -> that group's values, in frame order}, groups in order of first appearance."""
    if frame.empty:
        return {}
    positions = frame.groupby(key, sort=False).indices
    arrays = {c: frame[c].to_numpy(dtype=object) for c in columns}
    return {k: {c: arrays[c][rows].tolist() for c in columns} for k, rows in positions.items()}
