"""One audit: the stages in order, outputs written to a temporary folder then renamed into place."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__
from .config import Config, load_config
from .expect import build_suites, to_findings, validate
from .findings import SEVERITY_RANK, Finding, Locator, finding_order
from .incremental import cache_keys, reusable, stored_findings
from .ingest import ingest
from .prepare import prepare_all
from .score import score_sources

FORMATS = {"html", "json", "csv", "sarif", "junit"}
SOURCE_FIELDS = ["source", "story", "path", "status", "reason", "title", "published", "outlet", "url", "sha256"]


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


@dataclass
class AuditResult:
    """Everything a run produced, in memory."""

    findings_doc: dict
    scores_doc: dict
    texts: dict[str, str]
    claims: pd.DataFrame
    gate_failures: dict[str, str]

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


def analyse(sources: pd.DataFrame, config: Config, log: Callable[[str], None] = _stderr,
            jobs: int | None = 1, engine: str = "pandas") -> Analysis:
    """Prepare every story (in parallel with jobs > 1, or on Spark), then validate each suite once."""
    clock = time.perf_counter()
    audited = sources[sources["status"] == "audited"]
    texts = dict(zip(audited["source"], audited["text"], strict=True))
    frame_names = {s["meta"]["frame"] for s in config.suites.values()}
    if engine == "spark":
        from .spark_engine import prepare_all_spark, validate_spark

        prepared = prepare_all_spark(sources, config, frame_names, log)
        failures = validate_spark(config, prepared.frames)
        findings = to_findings(config, failures, prepared.frames, Locator(texts))
        log(f"spark: {len(findings)} findings ({time.perf_counter() - clock:.1f}s)")
        return Analysis(findings, prepared.claims, prepared.metrics, texts)
    prepared = prepare_all(sources, config, frame_names, jobs, log)
    log(f"segment, extract, detect: {prepared.counts.get('sentences', 0)} sentences, {len(prepared.claims)} claims, "
        + ", ".join(f"{k} {len(v)}" for k, v in prepared.frames.items()) + f" ({time.perf_counter() - clock:.1f}s)")
    clock = time.perf_counter()
    failures = validate(config, prepared.frames)
    findings = to_findings(config, failures, prepared.frames, Locator(texts))
    log(f"expect: {len(findings)} findings from {len(config.suites)} suites ({time.perf_counter() - clock:.1f}s)")
    return Analysis(findings, prepared.claims, prepared.metrics, texts)


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


def audit(options: AuditOptions, log: Callable[[str], None] = _stderr) -> AuditResult:
    """Run one audit and write its outputs. Raises ConfigError before writing anything."""
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    config = load_config(options.expectations)
    build_suites(config)
    accepted = _load_baseline(options.baseline)
    sources = ingest(options.paths)
    skipped = int((sources["status"] == "skipped").sum())
    log(f"ingest: {len(sources)} inputs, {len(sources) - skipped} audited, {skipped} skipped")
    if options.stories == "auto":
        from .stories import assign_stories

        sources["story"] = assign_stories(sources)
        log(f"stories: {sources.loc[sources['status'] == 'audited', 'story'].nunique()} found by content")
    keys, reused = _reuse(options, config, sources, log)
    fresh = sources[~sources["source"].isin(set(reused))]
    analysis = analyse(fresh, config, log, options.jobs, options.engine)
    findings = sorted(analysis.findings + stored_findings(reused), key=finding_order)
    for f in findings:
        f.suppressed = f.id in accepted
    scores = score_sources(fresh, [f for f in findings if f.source not in reused], config.scoring, analysis.metrics)
    scores = sorted(scores + [h["score"] for h in reused.values()], key=lambda s: (s["story"], s["source"]))
    failing = gate(findings, scores, options.fail_under, options.fail_on)
    audited = sources[sources["status"] == "audited"]
    result = AuditResult(
        findings_doc=_findings_doc(options, config, sources, findings, started, keys),
        scores_doc={"sources": scores}, texts=dict(zip(audited["source"], audited["text"], strict=True)),
        claims=analysis.claims, gate_failures=failing,
    )
    history = _record(options, config, result, started) if options.db else None
    folders = output_folders(options, started)
    written = write_outputs(options, config, result, folders[0], history)
    for out in folders[1:]:  # the same files again (latest/ beside a dated folder): copy, don't re-render
        copy = out.parent / f".{out.name}.tmp-{os.getpid()}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(written.resolve(), copy)
        _swap(copy, out)
    return result


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


def output_folders(options: AuditOptions, started: dt.datetime) -> list[Path]:
    """Where the run is written: --out, or with a history database a dated folder plus latest/."""
    if not options.db:
        return [options.out]
    root = options.out.parent if options.out.name == "latest" else options.out
    return [root / started.strftime("%Y-%m-%d"), root / "latest"]


def _record(options: AuditOptions, config: Config, result: AuditResult, started: dt.datetime) -> list[dict]:
    """Record the run (rerunning the same night replaces it) and return the score history."""
    from .history import record_run, score_history

    inputs = ",".join(sorted(str(p.resolve()) for p in options.paths))
    run_key = f"{started:%Y-%m-%d}:{inputs}"
    record_run(options.db, result.findings_doc, result.scores_doc, run_key=run_key, suites_hash=config.digest)
    return score_history(options.db)


def _load_baseline(path: Path | None) -> set[str]:
    if not path:
        return set()
    from .baseline import load_baseline

    return load_baseline(path)


def _findings_doc(options: AuditOptions, config: Config, sources: pd.DataFrame, findings: list[Finding],
                  started: dt.datetime, keys: dict[str, str] | None = None) -> dict:
    rows = []
    for rec in sources[SOURCE_FIELDS].to_dict("records"):
        row = {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in rec.items()
               if k != "reason" or rec["status"] == "skipped"}
        if keys and rec["source"] in keys:
            row["cache_key"] = keys[rec["source"]]
        rows.append(row)
    return {
        "run": {"started": started.isoformat().replace("+00:00", "Z"), "version": __version__,
                "inputs": [str(p) for p in options.paths], "expectations": str(config.root),
                "suites_hash": config.digest[:16], "findings": len(findings),
                "sources": int((sources["status"] == "audited").sum()),
                "skipped": int((sources["status"] == "skipped").sum())},
        "sources": rows,
        "findings": [f.to_dict() for f in findings],
    }


def write_outputs(options: AuditOptions, config: Config, result: AuditResult, out: Path,
                  history: list[dict] | None = None) -> Path:
    """Write every requested format to a temp folder, then swap it into place atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    _write_json(tmp / "findings.json", result.findings_doc)
    _write_json(tmp / "scores.json", result.scores_doc)
    if "csv" in options.formats:
        result.claims.to_csv(tmp / "claims.csv", index=False)
    if "html" in options.formats:
        from .render.html import write_report

        write_report(tmp, result.findings_doc, result.scores_doc, result.texts, history)
    if "sarif" in options.formats:
        from .render.sarif import write_sarif
        from .rules import rules_of

        write_sarif(tmp, result.findings_doc, rules_of(config), Path.cwd())
    if "junit" in options.formats:
        from .render.junit import write_junit

        write_junit(tmp, result.findings_doc, result.scores_doc, set(result.gate_failures), result.gate_failures)
    _swap(tmp, out)
    return out


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
    it, replaced with os.replace. A plain folder left by an older layout is converted once."""
    target = out.parent / f".{out.name}.{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
    tmp.rename(target)
    previous = out.parent / os.readlink(out) if out.is_symlink() else None
    if out.exists() and not out.is_symlink():
        legacy = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(legacy)
        previous = legacy
    link = out.parent / f".{out.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(target.name, link)
    os.replace(link, out)
    if previous is not None and previous.resolve() != target.resolve():
        shutil.rmtree(previous, ignore_errors=True)
    _sweep(out, target)


def _sweep(out: Path, keep: Path) -> None:
    """Remove run folders that killed runs left beside `out` (their process is gone)."""
    for leftover in out.parent.glob(f".{out.name}.*"):
        if leftover == keep or leftover.is_symlink():
            continue
        pid = _pid_of(leftover.name)
        if pid is not None and pid != os.getpid() and not _alive(pid):
            shutil.rmtree(leftover, ignore_errors=True)


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
    from .ingest import Source, _finish, sources_frame

    rows = [_finish(Source(source=sid, story=story, path=f"{sid}.txt", text=text)) for sid, text in texts.items()]
    return analyse(sources_frame(rows), config or load_config(), log=lambda _m: None).findings
