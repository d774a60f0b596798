"""Worker processes for the stages that work item by item (reading files, per-story preparation).

Forked workers inherit the parent's imports and configuration, so nothing but the items and the
results crosses a pipe. Small runs stay in one process: starting workers costs more than it saves.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

PARALLEL_MIN_SOURCES = 200  # below this, worker start-up costs more than it saves

Item = TypeVar("Item")
Result = TypeVar("Result")


def default_jobs() -> int:
    """One worker per CPU this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@contextmanager
def worker_pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of `jobs` forked workers. What this process holds so far (GX's modules, the inputs) is
    frozen out of the garbage collector while the pool lives: the workers inherit it, and would
    otherwise walk it in every full collection; afterwards this process collects it as before."""
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            yield pool
    finally:
        gc.unfreeze()


def map_items(fn: Callable[[Item], Result], items: Sequence[Item], jobs: int | None = None,
              min_items: int = PARALLEL_MIN_SOURCES, meanwhile: Callable[[], object] | None = None) -> list[Result]:
    """fn over items, in order: in `jobs` forked workers when there are at least `min_items`.

    `meanwhile` runs in this process once the work is handed out (before it, in one process): the
    workers are forked first, so what it imports stays out of them. An exception it raises stops
    the workers and propagates."""
    jobs = jobs or default_jobs()
    if jobs <= 1 or len(items) < min_items:
        if meanwhile:
            meanwhile()
        return list(map(fn, items))
    with worker_pool(jobs) as pool:
        results = pool.map(fn, items, chunksize=max(1, len(items) // (jobs * 8)))
        if meanwhile:
            try:
                meanwhile()
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return list(results)
