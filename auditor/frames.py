"""Plain-Python views of the stage frames, for checks that walk one source's rows at a time.

Selecting one source's rows from a pandas frame costs far more than the check's own work on them;
these views group the rows once and hand out lists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd


def columns_by(frame: pd.DataFrame, key: str, columns: list[str]) -> dict[object, dict[str, list]]:
    """key value -> {column -> that group's values, in frame order}, groups in order of first appearance
    (rows without a key, which groupby drops, are in no group).

    The stage frames hold each source's rows together: a group that is one run of rows is a slice of
    each column's list (200,000 sources: no per-group indexing of arrays)."""
    if frame.empty:
        return {}
    codes, uniques = pd.factorize(frame[key])  # a missing key is -1
    runs: dict[int, list[tuple[int, int]]] = {}
    for lo, hi in _runs(codes):
        if (code := int(codes[lo])) >= 0:
            runs.setdefault(code, []).append((lo, hi))
    names = list(uniques)  # indexing a pandas array value by value is slow
    values = {c: frame[c].to_numpy(dtype=object).tolist() for c in columns}
    groups = {}
    for code, spans in runs.items():
        if len(spans) == 1:
            lo, hi = spans[0]
            groups[names[code]] = {c: values[c][lo:hi] for c in columns}
        else:
            groups[names[code]] = {c: [v for lo, hi in spans for v in values[c][lo:hi]] for c in columns}
    return groups


def row_runs(column: pd.Series) -> list[tuple[int, int]]:
    """(start, end) positions of each run of equal values, in order (a source's rows, held together)."""
    return _runs(pd.factorize(column, use_na_sentinel=False)[0])


def _runs(codes: np.ndarray) -> list[tuple[int, int]]:
    cuts = (np.flatnonzero(codes[1:] != codes[:-1]) + 1).tolist()
    return list(zip([0, *cuts], [*cuts, len(codes)], strict=True)) if len(codes) else []


def distinct_values(column: pd.Series) -> tuple[np.ndarray, list]:
    """Each row's position in the list of the column's distinct values, and that list (in order of first
    appearance): a check reads each distinct sentence once, then keeps the rows it needs (`keep[codes]`)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)  # missing values are one value (NaN)
    return codes, list(uniques)


def positions_where(column: pd.Series, wanted: Callable[[Any], object]) -> np.ndarray:
    """The positions of the rows whose value is wanted, each distinct value tested once: most sentences of
    a story repeat (wire copy) and most report nothing, so a check tests the texts, then walks the few rows
    left."""
    codes, values = distinct_values(column)
    keep = np.fromiter((bool(wanted(v)) for v in values), dtype=bool, count=len(values))
    return np.flatnonzero(keep[codes])
