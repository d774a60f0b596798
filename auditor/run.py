"""One audit: the stages in order, outputs written to a temporary folder then renamed into place."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import glob
import json
import multiprocessing
import os
import re
import shutil
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__
from .checks import warm_up
from .compare import Previous
from .config import Config, load_config
from .errors import NothingToAudit, OutputError
from .expect import build_suites, suite_report, to_findings, validate
from .findings import SEVERITY_RANK, Finding, Locator, finding_order
from .incremental import cache_keys, reusable, stored_findings
from .ingest import ingest
from .language import not_assessed, with_languages
from .prepare import prepare_all
from .render.index import INDEX_NAME, check_index, entry, stage_index
from .score import score_sources

FORMATS = {"html", "json", "csv", "sarif", "junit"}
SOURCE_FIELDS = ["source", "story", "path", "status", "reason", "title", "published", "language", "outlet", "url",
                 "sha256"]
MARKER = ".auditor-out"  # in every run folder: what an earlier audit wrote, and so may be replaced
MARKER_TEXT = "Written by `auditor audit`: the next audit with the same --out replaces this folder.\n"
OUTPUT_NAMES = frozenset({"findings.json", "scores.json", "claims.csv", "report.html", "findings.sarif", "junit.xml"})
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads a cell starting so as a formula


@dataclass
class AuditOptions:
    """What the user asked for (see the contract's command line)."""

    paths: list[Path]
    out: Path = Path("reports/latest")
    formats: set[str] = field(default_factory=lambda: {"html", "json"})
    expectations: Path | None = None
    fail_under: float | None = None
    fail_on: str | None = None
    baseline: Path | None = None
    stories: str = "folder"
    db: str | None = None
    jobs: int | None = None
    engine: str = "pandas"
    compare: Path | None = None  # a previous run's findings.json: mark findings new/unchanged against it


@dataclass
class AuditResult:
    """Everything a run produced, in memory."""

    findings_doc: dict
    scores_doc: dict
    texts: dict[str, str]
    claims: pd.DataFrame
    gate_failures: dict[str, str]
    folders: list[Path] = field(default_factory=list)  # where the outputs were published (latest last)

    @property
    def passed(self) -> bool:
        return not self.gate_failures


def _stderr(message: str) -> None:
    print(f"[auditor] {message}", file=sys.stderr, flush=True)


@dataclass
class Analysis:
    """Findings of a run and what scoring and the outputs need besides."""

    findings: list[Finding]
    claims: pd.DataFrame
    metrics: dict[str, dict]
    texts: dict[str, str]
    suites: list[dict] = field(default_factory=list)  # expect.suite_report: what each suite validated and failed


def analyse(sources: pd.DataFrame, config: Config, log: Callable[[str], None] = _stderr,
            jobs: int | None = 1, engine: str = "pandas") -> Analysis:
    """Prepare every story (in parallel with jobs > 1, or on Spark), then validate each suite once."""
    clock = time.perf_counter()
    sources = localized_datelines(with_languages(sources))  # no-ops when audit() did them already
    audited = sources[sources["status"] == "audited"]
    texts = dict(zip(audited["source"], audited["text"], strict=True))
    frame_names = {s["meta"]["frame"] for s in config.suites.values()}
    if engine == "spark":
        from .spark_engine import prepare_all_spark, validate_spark

        prepared = prepare_all_spark(sources, config, frame_names, log)
        failures = validate_spark(config, prepared.frames)
        findings = to_findings(config, failures, prepared.frames, Locator(texts))
        log(f"spark: {len(findings)} findings ({time.perf_counter() - clock:.1f}s)")
        return Analysis(findings, prepared.claims, prepared.metrics, texts,
                        suite_report(config, prepared.frames, failures))
    prepared = prepare_all(sources, config, frame_names, jobs, log)
    candidates = sum(len(v) for v in prepared.frames.values())
    log(f"detect: {candidates:,} candidates in {plural(len(prepared.frames), 'frame')}, "
        f"{plural(prepared.counts.get('sentences', 0), 'sentence')}, {plural(len(prepared.claims), 'claim')} "
        f"({time.perf_counter() - clock:.1f}s)")
    clock = time.perf_counter()
    failures = validate(config, prepared.frames)
    findings = to_findings(config, failures, prepared.frames, Locator(texts))
    log(f"expect: {len(findings)} findings from {len(config.suites)} suites ({time.perf_counter() - clock:.1f}s)")
    return Analysis(findings, prepared.claims, prepared.metrics, texts, suite_report(config, prepared.frames, failures))


def gate(findings: list[Finding], scores: list[dict], fail_under: float | None, fail_on: str | None) -> dict[str, str]:
    """Sources failing the gate, with the reason: a score below the bar or a finding too severe."""
    failing: dict[str, str] = {}
    if fail_under is not None:
        for s in scores:
            if s["score"] < fail_under:
                failing[s["source"]] = f"score {s['score']} below {fail_under}"
    if fail_on:
        bar = SEVERITY_RANK[fail_on]
        for f in findings:
            if not f.suppressed and SEVERITY_RANK[f.severity] >= bar and f.source not in failing:
                failing[f.source] = f"{f.severity} finding {f.check} at line {f.line}"
    return failing


def audit(options: AuditOptions, log: Callable[[str], None] = _stderr,
          announce: Callable[[AuditResult], None] | None = None) -> AuditResult:
    """Run one audit and publish its outputs (announce(result) runs just before, e.g. to print the summary).

    Raises OutputError (unusable --out, failed write), ConfigError, NothingToAudit or HistoryError
    with the previous outputs and the history as they were.
    """
    with batch_collection():
        return _audit(options, log, announce)


BATCH_COLLECTION = (100_000, 20, 100)
"""Thresholds of CPython's cyclic garbage collector while an audit runs (its defaults: 700, 10, 10).
An audit builds millions of long-lived objects (rows, mentions, indexes) that are not garbage; with the
defaults the collector walks them again at every full pass, a fifth of a 200,000-record feed's time (70 s,
58 s with these). Cycles are still collected, less often; the peak memory is the same there."""


@contextlib.contextmanager
def batch_collection() -> Iterator[None]:
    """BATCH_COLLECTION in this process (and the workers it forks) until the block ends."""
    previous = gc.get_threshold()
    gc.set_threshold(*BATCH_COLLECTION)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _audit(options: AuditOptions, log: Callable[[str], None],
           announce: Callable[[AuditResult], None] | None) -> AuditResult:
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    folders = plan_outputs(options, started)
    if options.db:
        from .history import check_database

        check_database(options.db)
    config = load_config(options.expectations)
    accepted = _load_baseline(options.baseline)
    compared = _load_compare(options.compare)
    # the suites are built (GX imported, every expectation checked: a bad one is exit 2) and the
    # detectors' data loaded (inherited by the per-story workers) while the workers read the
    # inputs; nothing is written before both are done
    clock = time.perf_counter()
    sources = ingest(options.paths, jobs=options.jobs, meanwhile=lambda: (build_suites(config), warm_up()))
    skipped = int((sources["status"] == "skipped").sum())
    log(f"ingest: {plural(len(sources), 'input')}, {len(sources) - skipped} audited, {skipped} skipped "
        f"({time.perf_counter() - clock:.1f}s, suites built meanwhile)")
    _require_sources(sources, options.paths)
    sources = localized_datelines(with_languages(sources))
    if options.stories == "auto":
        from .stories import StorySettings, assign_stories

        story_terms: dict[str, list[str]] = {}
        sources["story"] = assign_stories(sources, settings=StorySettings.from_config(config.check("stories")),
                                          terms=story_terms)
        log(f"stories: {sources.loc[sources['status'] == 'audited', 'story'].nunique()} found by content")
    keys, reused = _reuse(options, config, sources, log)
    fresh = sources[~sources["source"].isin(set(reused))]
    analysis = analyse(fresh, config, log, options.jobs, options.engine)
    with collector_paused():  # scores and outputs: no pass over what the analysis left in memory
        findings = sorted(analysis.findings + stored_findings(reused), key=finding_order)
        for f in findings:  # scored before the baseline applies: accepting a finding changes the gate, not the score
            f.suppressed = False
        scores = score_sources(fresh, [f for f in findings if f.source not in reused], config.scoring, analysis.metrics)
        for f in findings:
            f.suppressed = f.id in accepted
        scores = sorted(scores + [h["score"] for h in reused.values()], key=lambda s: (s["story"], s["source"]))
        failing = gate(findings, scores, options.fail_under, options.fail_on)
        audited = sources[sources["status"] == "audited"]
        result = AuditResult(
            findings_doc=_findings_doc(options, config, sources, findings, started, keys, analysis.suites),
            scores_doc={"sources": scores}, texts=dict(zip(audited["source"], audited["text"], strict=True)),
            claims=analysis.claims, gate_failures=failing, folders=folders,
        )
        if options.stories == "auto":  # per auto story: its sources and the terms that tied them together
            result.findings_doc["run"]["stories"] = [
                {"story": label, "sources": sorted(members), "terms": story_terms.get(label, [])}
                for label, members in audited.groupby("story")["source"]]
        _compare(options, result, started, compared)
        publish(options, config, result, started, announce)
        return result


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """What this process holds so far is left out of the garbage collector's passes until the block ends
    (gc.freeze): after the analysis of a flood that is millions of objects, which scoring and writing the
    outputs would otherwise walk again and again (20,000 wire copies: scoring 1.0 s, 0.36 s without)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def localized_datelines(sources: pd.DataFrame) -> pd.DataFrame:
    """`sources` with the dateline of a source in another language read in its locale ("Berlin, 12. März
    2025"), where ingest (which reads English) found none."""
    from .extract.dates import parse_dateline

    missing = (sources["status"] == "audited") & sources["published"].isna() & ~sources["language"].isin(["", "en"])
    if not missing.any():
        return sources
    sources = sources.copy()
    for i in sources.index[missing]:
        found = parse_dateline(sources.at[i, "text"][:2000], sources.at[i, "language"])
        sources.at[i, "published"] = found.isoformat() if found else None
    return sources


def plural(count: int, noun: str) -> str:
    """'1 input', '2 inputs', '1,328 sources'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _load_compare(path: Path | None) -> Previous | None:
    """The run given with --compare, read before the analysis (a bad file is exit 2 before any work)."""
    if path is None:
        return None
    from .compare import from_file

    return from_file(path)


def _compare(options: AuditOptions, result: AuditResult, started: dt.datetime, given: Previous | None) -> None:
    """Changes since the previous run (--compare, else the history's last run): baseline_state on each
    finding, run.absent, run.previous, previous_score and score_delta; and run.worst for the index."""
    from .compare import apply, from_history

    scores = result.scores_doc["sources"]
    if scores:
        worst = min(scores, key=lambda s: (s["score"], s["story"], s["source"]))
        result.findings_doc["run"]["worst"] = {k: worst.get(k) for k in ("source", "story", "score", "grade")}
    previous = given
    if previous is None and options.db:
        previous = from_history(options.db, _run_key(options, started))
    if previous is not None:
        apply(result.findings_doc, result.scores_doc, previous)


def _require_sources(sources: pd.DataFrame, paths: list[Path]) -> None:
    """A run that audits nothing must not pass its gate: no readable source is an error."""
    if (sources["status"] == "audited").any():
        return
    if sources.empty:
        raise NothingToAudit(f"nothing to audit: no input files in {', '.join(map(str, paths))}")
    raise NothingToAudit(f"nothing to audit: {len(sources)} inputs, all skipped "
                         f"(first: {sources['path'].iloc[0]}: {sources['reason'].iloc[0]})")


# ---------------------------------------------------------------- interruption (Ctrl-C)

_interrupts: list[int] = []
_owner: list[int] = []  # the process that armed the handler; forked workers are not it
_publishing: list[bool] = []  # non-empty while publish() runs: it stops at its own checkpoints
WATCHDOG_SECONDS = 2.0


def on_sigint(signum: int, _frame: object) -> None:
    """SIGINT handler: remember it (so a library that swallows KeyboardInterrupt cannot hide it), then raise.

    A forked worker process leaves at once and quietly: the parent, interrupted too, stops the run.
    If the parent is still analysing WATCHDOG_SECONDS later (the exception was swallowed, or worker
    processes are finishing their chunks), it stops there: nothing has been written yet.
    """
    if _owner and os.getpid() != _owner[0]:
        os._exit(130)
    _interrupts.append(signum)
    if len(_interrupts) == 1:
        threading.Thread(target=_watchdog, name="auditor-sigint", daemon=True).start()
    raise KeyboardInterrupt


def _watchdog() -> None:
    time.sleep(WATCHDOG_SECONDS)
    if _publishing:
        return
    for child in multiprocessing.active_children():
        child.terminate()
    with contextlib.suppress(OSError, ValueError):
        print("auditor: interrupted; the previous reports and the history are unchanged", file=sys.stderr,
              flush=True)
    os._exit(130)


def interrupted() -> bool:
    return bool(_interrupts)


def reset_interrupts() -> None:
    """Arm for a new run in this process: no interrupt seen yet."""
    _interrupts.clear()
    _owner[:] = [os.getpid()]


def _checkpoint() -> None:
    """Stop before publishing anything if Ctrl-C was pressed, even if its exception was swallowed."""
    if _interrupts:
        raise KeyboardInterrupt


class _HeldSigint:
    """Hold SIGINT back from start() to exit, so the publishing renames and the commit finish together."""

    def __init__(self) -> None:
        self.held = False

    def __enter__(self) -> _HeldSigint:
        return self

    def start(self) -> None:
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            self.held = True

    def __exit__(self, *_exc: object) -> None:
        if self.held:
            self.held = False
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # a pending Ctrl-C is raised now


# ---------------------------------------------------------------- where the outputs go


def output_folders(options: AuditOptions, started: dt.datetime) -> list[Path]:
    """Where the run is written: --out, or with a history database a dated folder plus latest/."""
    if not options.db:
        return [options.out]
    return [_dated_root(options) / started.strftime("%Y-%m-%d"), _dated_root(options) / "latest"]


def _dated_root(options: AuditOptions) -> Path:
    return options.out.parent if options.out.name == "latest" else options.out


def plan_outputs(options: AuditOptions, started: dt.datetime) -> list[Path]:
    """The folders this run will replace, after checking each is the auditor's own (OutputError if not).

    Nothing is created or changed here.
    """
    folders = output_folders(options, started)
    _refuse_current_folder(options.out)
    container = _dated_root(options) if options.db else options.out
    _refuse_input_overlap(container, options.paths)
    if options.db:
        _check_dated_root(container)
        _refuse_db_inside(options.db, folders)
        check_index(container)
    for folder in folders:
        _check_replaceable(folder)
        _check_writable(folder)
    return folders


def _check_writable(folder: Path) -> None:
    """Fail before the analysis, not after it, when the folder's parent cannot be written."""
    parent = Path(os.path.abspath(folder)).parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.is_dir() and not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(folder, f"cannot write the reports: {parent} is not writable (permissions or a "
                                  "read-only file system); nothing was changed")


def _logical(path: Path) -> Path:
    """Absolute path with its parent resolved but its last component kept (a symlink stays itself)."""
    absolute = Path(os.path.abspath(path))
    return absolute.parent.resolve() / absolute.name if absolute.name else absolute


def _refuse_current_folder(out: Path) -> None:
    here = Path.cwd().resolve()
    for place in {_logical(out), out.resolve()}:
        if place == here:
            raise OutputError(out, "is the current folder; each audit replaces its --out folder: "
                                   "choose a folder of its own, such as reports/latest")
        if here.is_relative_to(place):
            raise OutputError(out, "contains the current folder; choose a folder of its own, such as reports/latest")


def _refuse_input_overlap(folder: Path, paths: list[Path]) -> None:
    """--out must not be an input, hold an input or lie inside an input folder."""
    places = {_logical(folder), folder.resolve()}
    for path in paths:
        for target in {_logical(path), path.resolve()}:
            for place in places:
                if place == target:
                    raise OutputError(folder, f"is the input {path}; choose a folder outside the inputs")
                if target.is_relative_to(place):
                    raise OutputError(folder, f"holds the input {path}; choose a folder outside the inputs")
                if path.is_dir() and place.is_relative_to(target):
                    raise OutputError(folder, f"is inside the input folder {path} (the next audit would read "
                                              "the reports); choose a folder outside the inputs")


def _check_dated_root(root: Path) -> None:
    """With --db the root keeps the dated runs; it may hold other files, but not be a single run's folder."""
    if root.is_symlink() and _RUN_TARGET.fullmatch(os.readlink(root)):
        raise OutputError(root, "is the output folder of an audit without --db; with --db choose its parent "
                                "or another folder for the dated runs")
    if root.exists() and not root.is_dir():
        raise OutputError(root, "is a file, not a folder")
    if root.is_dir() and (MARKER in _entries(root)):
        raise OutputError(root, "is the output folder of an audit without --db; with --db choose its parent "
                                "or another folder for the dated runs")


def _refuse_db_inside(db: str, folders: list[Path]) -> None:
    """The history database must not live in a folder that each run replaces."""
    from .history import to_url

    url = to_url(db)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    place = Path(url.database).resolve()
    for folder in folders:
        for replaced in {_logical(folder), folder.resolve()}:
            if place.is_relative_to(replaced):
                raise OutputError(folder, f"holds the history database {db}, and each run replaces this folder; "
                                          "keep the database beside it")


_RUN_TARGET = re.compile(r"\.(?P<name>.+)\.\d{8}T\d{6}-\d+-\d+")


def _entries(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
    except OSError as exc:
        raise OutputError(folder, f"cannot be read: {exc.strerror or exc}") from None


def _foreign(folder: Path) -> list[str]:
    """Entries of a run folder that an audit did not write ([] for our own or an empty folder).

    A folder is ours when it holds the marker and only output files (and the logs its marker names),
    or (written before the marker existed) only output files, findings.json among them. This run's own
    standard output or error redirected into it (`2> out/err`) is written by this audit too.
    """
    entries = _entries(folder)
    entries -= _own_streams(folder, entries)
    if MARKER in entries or "findings.json" in entries:
        return sorted(entries - OUTPUT_NAMES - {MARKER} - _logs(folder))
    return sorted(entries)


LOG_LINE = "log: "
"""A marker line naming a file of the run folder that the audit's own output was redirected into."""


def _own_streams(folder: Path, entries: set[str]) -> set[str]:
    """The entries of `folder` that are this process's standard output or error (a shell redirection)."""
    streams = set()
    for fd in (1, 2):
        with contextlib.suppress(OSError, ValueError):
            info = os.fstat(fd)
            if stat.S_ISREG(info.st_mode):
                streams.add((info.st_dev, info.st_ino))
    if not streams:
        return set()
    own = set()
    for name in entries:
        with contextlib.suppress(OSError):
            info = os.stat(folder / name, follow_symlinks=False)
            if (info.st_dev, info.st_ino) in streams:
                own.add(name)
    return own


def _logs(folder: Path) -> set[str]:
    """The logs the folder's marker names (an earlier audit's redirected output, carried into its run)."""
    try:
        lines = (folder / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return set()
    return {line[len(LOG_LINE):] for line in lines if line.startswith(LOG_LINE)}


def _carry_own_streams(previous: Path, target: Path) -> None:
    """Move this run's redirected output out of the folder just replaced into the new run folder (the
    same file: the shell keeps writing it) and name it in the marker, so a later audit may replace it."""
    if not previous.is_dir() or previous.is_symlink():
        return
    for name in sorted(_own_streams(previous, _entries(previous))):
        if name in OUTPUT_NAMES or name == MARKER or (target / name).exists():
            continue
        (previous / name).rename(target / name)
        with (target / MARKER).open("a", encoding="utf-8") as marker:
            marker.write(f"{LOG_LINE}{name}\n")


def _check_replaceable(out: Path) -> None:
    """OutputError unless `out` is missing, empty, or a run folder (or link to one) an audit wrote."""
    if out.is_symlink():
        target = os.readlink(out)
        match = _RUN_TARGET.fullmatch(target)
        if not match or match["name"] != out.name:
            raise OutputError(out, f"is a symlink to {target}, not to a run folder of the auditor; "
                                   "refusing to replace it")
        real = out.parent / target
        if real.is_symlink() or (real.exists() and not real.is_dir()):
            raise OutputError(out, f"links to {target}, which is not a folder; refusing to replace it")
        if real.is_dir():
            _refuse_foreign(out, _foreign(real))
        return
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(out, "is a file, not a folder; refusing to replace it")
    _refuse_foreign(out, _foreign(out))


def _refuse_foreign(out: Path, foreign: list[str]) -> None:
    if not foreign:
        return
    foreign = sorted(foreign, key=lambda name: (name.startswith("."), name))  # visible names first
    shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
    hint = (" (it holds dated runs: add --db, or use --out " + str(out / "latest") + ")"
            if "latest" in foreign else "")
    raise OutputError(out, f"holds files the auditor did not write ({shown}){hint}; refusing to replace it: "
                           "choose a new or empty folder")


# ---------------------------------------------------------------- publishing


def publish(options: AuditOptions, config: Config, result: AuditResult, started: dt.datetime,
            announce: Callable[[AuditResult], None] | None = None) -> None:
    """Write every folder to a temporary sibling, then swap them into place and only then commit the
    run to the history. Any failure or Ctrl-C before the swaps leaves outputs and history as they were."""
    folders = result.folders or output_folders(options, started)
    staged: list[Path] = []
    published = False
    missing = _missing_parents(folders)
    _publishing.append(True)
    try:
        with _HeldSigint() as hold, _recorded(options, config, result, started) as history:
            _checkpoint()
            staged.append(stage_outputs(options, config, result, folders[0], history))
            for out in folders[1:]:  # the same files again (latest/ beside a dated folder): copy, don't re-render
                staged.append(_stage_copy(staged[0], out))
            index = _stage_index(options, result, folders) if options.db else None
            if announce is not None:
                announce(result)
            _checkpoint()
            hold.start()
            for tmp, out in zip(staged, folders, strict=True):
                _swap(tmp, out)
            if index is not None:  # the dated root's index.html, only ever over one the auditor wrote
                check_index(index.parent)
                os.replace(index, index.with_name(INDEX_NAME))
            published = True
    except KeyboardInterrupt as exc:
        exc.published = published  # held back until the swaps and the commit were done
        raise
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise _write_error(folders[-1], exc) from None
    except RuntimeError as exc:
        if published and type(exc).__name__ == "HistoryError":
            raise type(exc)(f"{exc}; the reports are in {folders[-1]} but this run is not in the history") from None
        raise
    finally:
        for out in folders:  # by name: a Ctrl-C between creating a folder and noting it leaves none behind
            tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
            if tmp.is_dir() and not tmp.is_symlink():
                shutil.rmtree(tmp, ignore_errors=True)
        if options.db:
            tmp_index = _dated_root(options) / f".{INDEX_NAME}.tmp-{os.getpid()}"
            if tmp_index.is_file() and not tmp_index.is_symlink():
                tmp_index.unlink(missing_ok=True)
        if not published:
            for parent in missing:  # folders this run created for its outputs, deepest first, if still empty
                with contextlib.suppress(OSError):
                    parent.rmdir()
        _publishing.clear()


def _stage_index(options: AuditOptions, result: AuditResult, folders: list[Path]) -> Path:
    """The dated root's index.html (every dated run, this one included), staged beside its place."""
    current = entry(folders[0].name, result.findings_doc["run"], "html" in options.formats)
    return stage_index(_dated_root(options), current)


def _missing_parents(folders: list[Path]) -> list[Path]:
    """Parent folders of the outputs that do not exist yet, deepest first."""
    missing: set[Path] = set()
    for folder in folders:
        parent = Path(os.path.abspath(folder)).parent
        while not parent.exists() and parent != parent.parent:
            missing.add(parent)
            parent = parent.parent
    return sorted(missing, key=lambda p: len(p.parts), reverse=True)


def _write_error(folder: Path, exc: OSError) -> OutputError:
    where = f" ({exc.filename})" if exc.filename else ""
    return OutputError(folder, f"cannot write the reports: {exc.strerror or exc}{where}; "
                               "the previous reports and the history are unchanged")


@contextlib.contextmanager
def _recorded(options: AuditOptions, config: Config, result: AuditResult,
              started: dt.datetime) -> Iterator[list[dict] | None]:
    """With --db: the run inserted in a transaction that commits when the block ends (its history
    yielded for the report); without: None."""
    if not options.db:
        yield None
        return
    from .history import recording

    with recording(options.db, result.findings_doc, result.scores_doc, run_key=_run_key(options, started),
                   suites_hash=config.digest) as rec:
        yield rec.history


def _run_key(options: AuditOptions, started: dt.datetime) -> str:
    """The history's key of a run: its date and its inputs (a rerun the same night replaces the run)."""
    inputs = ",".join(sorted(str(p.resolve()) for p in options.paths))
    return f"{started:%Y-%m-%d}:{inputs}"


def _reuse(options: AuditOptions, config: Config, sources: pd.DataFrame,
           log: Callable[[str], None]) -> tuple[dict[str, str], dict[str, dict]]:
    """Cache keys of every source and the stored results of unchanged stories (with --db)."""
    if not options.db:
        return {}, {}
    keys = cache_keys(sources, config.digest)
    reused = reusable(sources, keys, options.db)
    if reused:
        log(f"incremental: reusing stored results of {len(reused)} unchanged sources")
    return keys, reused


def _load_baseline(path: Path | None) -> set[str]:
    if not path:
        return set()
    from .baseline import load_baseline

    return load_baseline(path)


def _findings_doc(options: AuditOptions, config: Config, sources: pd.DataFrame, findings: list[Finding],
                  started: dt.datetime, keys: dict[str, str] | None = None, suites: list[dict] | None = None) -> dict:
    rows = []
    columns = [[None if isinstance(v, float) and v != v else v for v in sources[name].tolist()]  # NaN -> None
               for name in SOURCE_FIELDS]
    fields = [name for name in SOURCE_FIELDS if name != "reason"]  # a reason is written for skipped sources only
    for values in zip(*columns, strict=True):
        rec = dict(zip(SOURCE_FIELDS, values, strict=True))
        row = rec if rec["status"] == "skipped" else {name: rec[name] for name in fields}
        if rec["status"] == "audited":
            row["not_assessed"] = not_assessed(rec["language"])
        if keys and rec["source"] in keys:
            row["cache_key"] = keys[rec["source"]]
        rows.append(row)
    return {
        "run": {"started": started.isoformat().replace("+00:00", "Z"), "version": __version__,
                "inputs": [str(p) for p in options.paths], "expectations": str(config.root),
                "suites_hash": config.digest[:16], "findings": len(findings),
                "sources": int((sources["status"] == "audited").sum()),
                "skipped": int((sources["status"] == "skipped").sum()),
                "suites": suites or []},
        "sources": rows,
        "findings": [f.to_dict() for f in findings],
    }


def stage_outputs(options: AuditOptions, config: Config, result: AuditResult, out: Path,
                  history: list[dict] | None = None) -> Path:
    """Write every requested format to a temporary sibling of `out` (marker first); return it.

    On any failure the temporary folder is removed and the error raised.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        (tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        _write_formats(options, config, result, tmp, history)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


def _write_formats(options: AuditOptions, config: Config, result: AuditResult, tmp: Path,
                   history: list[dict] | None) -> None:
    _write_json(tmp / "findings.json", result.findings_doc)
    _write_json(tmp / "scores.json", result.scores_doc)
    if "csv" in options.formats:
        csv_safe(result.claims).to_csv(tmp / "claims.csv", index=False)
    if "html" in options.formats:
        from .render.html import write_report

        write_report(tmp, result.findings_doc, result.scores_doc, result.texts, history)
    if "sarif" in options.formats:
        from .render.sarif import write_sarif
        from .rules import rules_of

        write_sarif(tmp, result.findings_doc, rules_of(config), Path.cwd(), result.texts)
    if "junit" in options.formats:
        from .render.junit import write_junit

        write_junit(tmp, result.findings_doc, result.scores_doc, set(result.gate_failures), result.gate_failures)


def _stage_copy(staged: Path, out: Path) -> Path:
    """A copy of a staged folder, staged beside `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    copy = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(copy, ignore_errors=True)
    try:
        copy.mkdir()
        for item in sorted(staged.iterdir()):  # a run folder is flat; copy2 raises the OSError itself
            shutil.copy2(item, copy / item.name)
    except BaseException:
        shutil.rmtree(copy, ignore_errors=True)
        raise
    return copy


def write_outputs(options: AuditOptions, config: Config, result: AuditResult, out: Path,
                  history: list[dict] | None = None) -> Path:
    """Write every requested format to a temp folder, then swap it into place atomically."""
    _check_replaceable(out)
    _swap(stage_outputs(options, config, result, out, history), out)
    return out


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first)
    prefixed with a single quote; numbers, negative ones included, stay numbers."""
    escaped = frame
    for column in frame.columns:
        values = frame[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        risky = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START)).astype(bool)
        if risky.any():
            if escaped is frame:
                escaped = frame.copy()
            escaped[column] = values.where(~risky, "'" + values[risky].astype(str))
    return escaped


def _write_json(path: Path, doc: dict) -> None:
    """One JSON document, one line per list entry: readable, diff-friendly, and written by the C
    encoder (indent= forces Python's slow pure encoder: seconds on a 10,000-article run)."""
    path.write_text(json_lines(doc), encoding="utf-8")


def json_lines(doc: dict) -> str:
    """Serialize a dict of scalars, dicts and lists with each list entry on its own line."""
    def one(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    parts = []
    for key, value in doc.items():
        if isinstance(value, list):
            body = ",\n".join(f"    {one(item)}" for item in value)
            parts.append(f"  {one(key)}: [\n{body}\n  ]" if value else f"  {one(key)}: []")
        else:
            parts.append(f"  {one(key)}: {one(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _swap(tmp: Path, out: Path) -> None:
    """Point `out` at the finished run in one atomic step, so readers (and a run killed at any
    moment) always find a complete folder there: `out` is a symlink to a hidden run folder beside
    it, replaced with os.replace. A plain run folder left by an older layout is converted once.
    `out` is checked again first: only a run folder an audit wrote is ever replaced."""
    _check_replaceable(out)
    target = out.parent / f".{out.name}.{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
    tmp.rename(target)
    previous = out.parent / os.readlink(out) if out.is_symlink() else None
    legacy = out.parent / f".{out.name}.old-{os.getpid()}"
    link = out.parent / f".{out.name}.link-{os.getpid()}"
    try:
        if out.exists() and not out.is_symlink():
            out.rename(legacy)
            previous = legacy
        link.unlink(missing_ok=True)
        os.symlink(target.name, link)
        os.replace(link, out)
    except Exception:  # a failed step (not a kill): put back what was there, drop the new run folder
        _undo_swap(out, target, legacy, link)
        raise
    with contextlib.suppress(OSError):  # the run is in place; tidying up cannot fail it
        if previous is not None and previous.resolve() != target.resolve():
            _carry_own_streams(previous, target)
            shutil.rmtree(previous, ignore_errors=True)
        _sweep(out, target)


def _undo_swap(out: Path, target: Path, legacy: Path, link: Path) -> None:
    with contextlib.suppress(OSError):
        if not out.exists() and not out.is_symlink() and legacy.is_dir():
            legacy.rename(out)
        link.unlink(missing_ok=True)
        if not (out.is_symlink() and os.readlink(out) == target.name):
            shutil.rmtree(target, ignore_errors=True)


_LEFTOVER = r"\.{name}\.(tmp-\d+|old-\d+|\d{{8}}T\d{{6}}-\d+-\d+)"


def _sweep(out: Path, keep: Path) -> None:
    """Remove run folders that killed runs left beside `out` (their process is gone): only folders
    named as this module names them and holding nothing but output files."""
    pattern = re.compile(_LEFTOVER.format(name=re.escape(out.name)))
    for leftover in out.parent.glob(f".{glob.escape(out.name)}.*"):
        if leftover == keep or leftover.is_symlink() or not leftover.is_dir() or not pattern.fullmatch(leftover.name):
            continue
        pid = _pid_of(leftover.name)
        if pid is not None and pid != os.getpid() and not _alive(pid) and _only_outputs(leftover):
            shutil.rmtree(leftover, ignore_errors=True)


def _only_outputs(folder: Path) -> bool:
    try:
        return set(os.listdir(folder)) <= OUTPUT_NAMES | {MARKER}
    except OSError:
        return False


def _pid_of(name: str) -> int | None:
    """The writer's process id in `.latest.tmp-PID`, `.latest.old-PID` or `.latest.STAMP-PID-NS`."""
    parts = name.replace(".tmp-", "-").replace(".old-", "-").split("-")
    numbers = [p for p in parts[1:] if p.isdigit()]
    return int(numbers[0]) if numbers else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def audit_texts(texts: dict[str, str], config: Config | None = None, story: str = "story") -> list[Finding]:
    """Findings for in-memory articles of one story (source id -> text): for tests and embedding."""
    from .ingest import Source, finish_source, sources_frame

    rows = [finish_source(Source(source=sid, story=story, path=f"{sid}.txt", text=text)) for sid, text in texts.items()]
    return analyse(with_languages(sources_frame(rows)), config or load_config(), log=lambda _m: None).findings
