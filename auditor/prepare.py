"""The per-story stages (segment, mark chrome, extract, detect, metrics), in worker processes.

Every cross-source comparison stays inside a story, so stories are independent: they are cut
into chunks balanced by text size and prepared in parallel (`--jobs`). The parent concatenates the
candidate frames (fresh row ids) and validates each suite once over the whole run. A run of one
story cannot be cut: its segmentation is shared by halves of its sources, its detectors task by
task (`_segmented_shared`, `_detect_shared`).
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import pandas as pd

from .checks import boilerplate, detect_all
from .config import Config
from .corpus import Corpus
from .extract.claims import extract_claims
from .metrics import source_metrics
from .parallel import PARALLEL_MIN_SOURCES, default_jobs, worker_pool
from .segment import DEFAULT_ABBREVIATIONS, Segmenter, segment


@dataclass
class Prepared:
    """What the detect stage produced for a set of stories."""

    claims: pd.DataFrame
    frames: dict[str, pd.DataFrame]
    metrics: dict[str, dict]
    counts: dict[str, int] = field(default_factory=dict)


def prepare(sources: pd.DataFrame, config: Config, frame_names: set[str], jobs: int = 1) -> Prepared:
    """All per-story stages for the given sources (no I/O): in this process, or with the claims and
    the detectors shared between this process and jobs - 1 forked workers (`_detect_shared`)."""
    listed = config.lexicons.get("abbreviations", {}).get("abbreviations", [])
    reading = (Segmenter(frozenset(listed) or DEFAULT_ABBREVIATIONS), config.lexicons.get("boilerplate", {}))
    paragraphs, sentences = _segmented_shared(sources, *reading) if jobs > 1 else _segmented(sources, *reading)
    audited = sources[sources["status"] == "audited"]
    texts = dict(zip(audited["source"], audited["text"], strict=True))
    corpus = Corpus(config=config, sources=sources, paragraphs=paragraphs, sentences=sentences, texts=texts)
    counts = {"paragraphs": len(paragraphs), "sentences": len(sentences)}
    if jobs > 1:
        frames, metrics = _detect_shared(corpus, frame_names, jobs)
    else:
        corpus.claims = extract_claims(corpus)
        frames, metrics = detect_all(corpus, frame_names), source_metrics(corpus)
    return Prepared(corpus.claims, frames, metrics, counts)


def _segmented(sources: pd.DataFrame, segmenter: Segmenter, chrome: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The paragraphs and sentences of the sources, chrome marked."""
    paragraphs, sentences = segment(sources, segmenter)
    boilerplate.mark(paragraphs, sentences, chrome)
    return paragraphs, sentences


FIRST_PART = 0.5
"""Share of the sources this process segments when one story's segmentation is shared."""
_TO_SEGMENT: tuple[pd.DataFrame, Segmenter, dict] | None = None  # what a forked segmenting worker reads


def _segment_rest() -> tuple[pd.DataFrame, pd.DataFrame]:
    assert _TO_SEGMENT is not None
    return _segmented(*_TO_SEGMENT)


def _segmented_shared(sources: pd.DataFrame, segmenter: Segmenter,
                      chrome: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`_segmented` for one big story, its sources in two runs side by side (here the first, a forked
    worker the rest): both stages read one source at a time, so the two parts concatenated, sentence
    row ids renumbered, are the frames of one run."""
    global _TO_SEGMENT
    cut = int(len(sources) * FIRST_PART)
    first, rest = sources.iloc[:cut], sources.iloc[cut:]
    if (first["status"] != "audited").all() or (rest["status"] != "audited").all():
        return _segmented(sources, segmenter, chrome)
    _TO_SEGMENT = (rest, segmenter, chrome)
    try:
        with worker_pool(1) as pool:
            later = pool.submit(_segment_rest)
            head = _segmented(first, segmenter, chrome)
            tail = later.result()
    finally:
        _TO_SEGMENT = None
    paragraphs = pd.concat([head[0], tail[0]], ignore_index=True)
    sentences = pd.concat([head[1], tail[1]], ignore_index=True)
    sentences["row_id"] = range(len(sentences))
    return paragraphs, sentences


METRICS = "source metrics"
"""The task name of `source_metrics` among the detectors shared out by `_detect_shared`."""
READS_CLAIMS = frozenset({"figure_conflict", "date_conflict", METRICS})
"""The tasks that read `corpus.claims`: they run in this process, which extracts the claims while the
workers (forked before) run the others."""
TYPICAL_COST = {"name_conflict": 1.7, METRICS: 0.9, "duplicate_paragraph": 0.8, "garbled_text": 0.5,
                "claim_conflict": 0.3, "term_confusion": 0.3, "boilerplate": 0.15, "list_conflict": 0.15,
                "date_conflict": 0.15, "title_conflict": 0.1, "repeated_word": 0.09, "unattributed_allegation": 0.08,
                "unbalanced_punctuation": 0.06, "figure_conflict": 0.02}
"""Seconds per 20,000 wire copies in one story, by task: the order in which `_detect_shared` hands the
tasks out, heaviest first (a guide: which process runs which task is decided as they finish)."""

_SHARED: Corpus | None = None  # the corpus forked detector workers read (inherited, never pickled)


def _balanced(items: list[str], weight: Callable[[str], float], n: int) -> list[list[str]]:
    """Items in n bins of about equal total weight: the heaviest first, each into the lightest bin so far
    (ties by name: deterministic)."""
    bins: list[list[str]] = [[] for _ in range(n)]
    load = [0.0] * n
    for item in sorted(items, key=lambda x: (-weight(x), x)):
        k = load.index(min(load))
        bins[k].append(item)
        load[k] += weight(item)
    return bins


def _heaviest_first(tasks: list[str]) -> list[str]:
    return sorted(tasks, key=lambda t: (-TYPICAL_COST.get(t, 1.0), t))


def _run_tasks(tasks: list[str]) -> tuple[dict[str, pd.DataFrame], dict[str, dict] | None]:
    """Some detectors (and perhaps the metrics) over the shared corpus."""
    corpus = _SHARED
    assert corpus is not None
    frames = detect_all(corpus, {t for t in tasks if t != METRICS})
    return frames, source_metrics(corpus) if METRICS in tasks else None


def _detect_shared(corpus: Corpus, frame_names: set[str], jobs: int) -> tuple[dict[str, pd.DataFrame], dict]:
    """The claims, the detectors and the metrics of one big story shared between this process and
    jobs - 1 workers forked before the claims are extracted. The tasks that do not read the claims wait
    in one queue, heaviest first; a feeder thread per worker hands it the next one as it finishes the
    last. This process extracts the claims, runs the tasks that read them (READS_CLAIMS), then takes
    the heaviest task left, and the next, until the queue is empty: the shares follow what each task
    costs on this corpus. The workers inherit the corpus without claims (None: a task that read them there
    would fail, not read an empty frame). The detectors read the same frames and never each other's
    output, so the results are those of one process."""
    global _SHARED
    tasks = sorted(frame_names) + [METRICS]
    here = _heaviest_first([t for t in tasks if t in READS_CLAIMS])
    queue = deque(_heaviest_first([t for t in tasks if t not in READS_CLAIMS]))
    done: list[tuple[dict[str, pd.DataFrame], dict[str, dict] | None]] = []
    failed: list[BaseException] = []
    corpus.claims = None  # type: ignore[assignment]  # what the forked workers see
    _SHARED = corpus
    try:
        with worker_pool(jobs - 1) as pool:
            feeders = [threading.Thread(target=_feed, args=(pool, queue, done, failed), daemon=True)
                       for _ in range(jobs - 1)]
            for feeder in feeders:
                feeder.start()
            try:
                corpus.claims = extract_claims(corpus)
                done.append(_run_tasks(here))
                while not failed:
                    try:
                        task = queue.popleft()  # the heaviest left, as the workers (deque: safe between threads)
                    except IndexError:
                        break
                    done.append(_run_tasks([task]))
            except BaseException:
                queue.clear()  # the feeders hand out nothing more
                raise
            for feeder in feeders:
                feeder.join()
            if failed:
                raise failed[0]
    finally:
        _SHARED = None
    frames: dict[str, pd.DataFrame] = {}
    metrics: dict[str, dict] = {}
    for more, their_metrics in done:
        frames.update(more)
        metrics = their_metrics if their_metrics is not None else metrics
    return {name: frames[name] for name in sorted(frame_names)}, metrics


def _feed(pool: ProcessPoolExecutor, queue: deque[str], done: list, failed: list[BaseException]) -> None:
    """Hand one worker the heaviest task left, one at a time, until the queue is empty or a task fails."""
    while not failed:
        try:
            task = queue.popleft()
        except IndexError:
            return
        try:
            done.append(pool.submit(_run_tasks, [task]).result())
        except BaseException as exc:  # noqa: BLE001 - raised again in the main thread
            failed.append(exc)


def chunks(sources: pd.DataFrame, n: int) -> list[pd.DataFrame]:
    """Whole stories split into about n chunks of similar text size (deterministic)."""
    sizes = sources.groupby("story", sort=True)["text"].apply(lambda t: int(t.str.len().sum())).to_dict()
    bins = _balanced(list(sizes), sizes.__getitem__, n)
    return [sources[sources["story"].isin(set(b))] for b in bins if b]


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate, skipping empty frames (an empty frame would turn typed columns into object)."""
    filled = [f for f in frames if not f.empty]
    return pd.concat(filled, ignore_index=True) if filled else frames[0].reset_index(drop=True)


def combine(parts: list[Prepared]) -> Prepared:
    """One Prepared from the parts of several chunks: row and claim ids renumbered to be unique in the run."""
    offset = 0
    for p in parts:  # sentence row ids are numbered per chunk: make them unique in the run
        p.claims = p.claims.assign(row_id=p.claims["row_id"] + offset)
        offset += p.counts.get("sentences", 0)
    claims = _concat([p.claims for p in parts])
    claims["claim_id"] = range(len(claims))
    frames = {}
    for name in parts[0].frames:
        frame = _concat([p.frames[name] for p in parts])
        frame["row_id"] = range(len(frame))
        frames[name] = frame
    metrics = {k: v for p in parts for k, v in p.metrics.items()}
    counts = {k: sum(p.counts.get(k, 0) for p in parts) for k in parts[0].counts}
    return Prepared(claims, frames, metrics, counts)


def _worker(args: tuple[pd.DataFrame, Config, set[str]]) -> Prepared:
    return prepare(*args)


def prepare_all(sources: pd.DataFrame, config: Config, frame_names: set[str], jobs: int | None = None,
                log: Callable[[str], None] = lambda _m: None) -> Prepared:
    """Prepare every story, in `jobs` worker processes when the run is big enough."""
    jobs = jobs or default_jobs()
    audited = sources[sources["status"] == "audited"]
    if jobs <= 1 or len(audited) < PARALLEL_MIN_SOURCES:
        return prepare(sources, config, frame_names)
    if audited["story"].nunique() == 1:  # one story: its detectors are shared out instead
        log(f"prepare: one story of {len(audited):,} sources, its detectors on {jobs} processes")
        return prepare(sources, config, frame_names, jobs)
    parts = chunks(audited, jobs * 4)
    log(f"prepare: {len(parts)} chunks of whole stories on {jobs} worker processes")
    results = []
    with worker_pool(jobs) as pool:
        for done, result in enumerate(pool.map(_worker, [(part, config, frame_names) for part in parts]), 1):
            results.append(result)
            progress(done, len(parts))
    return combine(results)


def progress(done: int, total: int) -> None:
    """A progress bar on a terminal (stderr); nothing in CI or when redirected (stage lines say enough)."""
    if not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // max(total, 1)
    end = "\n" if done >= total else ""
    print(f"\r[auditor] prepare [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end=end,
          file=sys.stderr, flush=True)
