"""Worker processes for the stages that work item by item (reading files, per-story preparation).

Forked workers inherit the parent's imports and configuration, so nothing but the items and the
results crosses a pipe. Small runs stay in one process: starting workers costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

PARALLEL_MIN_SOURCES = 200  # below this, worker start-up costs more than it saves

Item = TypeVar("Item")
Result = TypeVar("Result")


def default_jobs() -> int:
    """One worker per CPU this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of `jobs` forked workers."""
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))


def map_items(fn: Callable[[Item], Result], items: Sequence[Item], jobs: int | None = None,
              min_items: int = PARALLEL_MIN_SOURCES) -> Iterator[Result]:
    """fn over items, in order: in `jobs` forked workers when there are at least `min_items`."""
    jobs = jobs or default_jobs()
    if jobs <= 1 or len(items) < min_items:
        yield from map(fn, items)
        return
    with worker_pool(jobs) as pool:
        yield from pool.map(fn, items, chunksize=max(1, len(items) // (jobs * 8)))
