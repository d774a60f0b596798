"""Command line: parse arguments, call run.audit(), map the outcome to an exit code.

Exit status: 0 audit done and gate passed; 1 gate failed; 2 usage, config or suite error, an
unusable --out, a failed write, nothing to audit; 130 interrupted (Ctrl-C). Never a traceback
for any of these: one line on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from . import __version__

SEED_DIR = Path(__file__).resolve().parent.parent / "seeds"
FORMATS = frozenset({"html", "json", "csv", "sarif", "junit"})  # run.FORMATS (kept here: no heavy import to parse)
TERMINAL_ROWS = 20  # summary rows on a terminal (the worst sources); all rows when stdout is not a terminal


def _formats(value: str) -> set[str]:
    chosen = {v.strip() for v in value.split(",") if v.strip()}
    unknown = chosen - FORMATS
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown format(s) {sorted(unknown)}; choose from {sorted(FORMATS)}")
    return chosen


def _score(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError("a score is between 0 and 100")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="auditor",
                                     description="Audit news sources for credibility and discrepancies.")
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("audit", help="audit sources and write reports")
    a.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the bundled seeds/)")
    a.add_argument("--out", type=Path, default=Path("reports/latest"))
    a.add_argument("--format", dest="formats", type=_formats, default={"html", "json"},
                   help="comma list of html,json,csv,sarif,junit (default html,json)")
    a.add_argument("--expectations", type=Path, help="expectations folder (default: the project's)")
    a.add_argument("--fail-under", type=_score, help="exit 1 if any source scores below SCORE")
    a.add_argument("--fail-on", choices=["error", "warning", "info"], help="exit 1 on a finding this severe")
    a.add_argument("--baseline", type=Path, help="accepted findings: reported as suppressed, not gating")
    a.add_argument("--stories", choices=["folder", "auto"], default="folder")
    a.add_argument("--db", help="history database: SQLite path or SQLAlchemy URL")
    a.add_argument("--jobs", type=int, help="worker processes (default: the machine's cores)")
    a.add_argument("--engine", choices=["pandas", "spark"], default="pandas",
                   help="spark: per-source stages as a Spark job, suites validated on Spark (extra auditor[spark])")
    a.add_argument("--compare", type=Path, metavar="FINDINGS.json",
                   help="mark findings new/unchanged against a previous run's findings.json (default with --db: "
                        "the history's previous run)")
    b = sub.add_parser("baseline", help="accept every finding of a run")
    b.add_argument("findings", type=Path)
    b.add_argument("--out", type=Path, required=True)
    h = sub.add_parser("history", help="per-source score trend across recorded runs")
    h.add_argument("--db", required=True)
    return parser


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _summary(result, limit: int | None = None) -> str:
    """The summary table, worst source first, full ids; at most `limit` rows (the rest counted)."""
    from .findings import SEVERITIES

    counts: dict[str, dict[str, int]] = {}
    for f in result.findings_doc["findings"]:
        if not f["suppressed"]:
            counts.setdefault(f["source"], {}).setdefault(f["severity"], 0)
            counts[f["source"]][f["severity"]] += 1
    ranked = sorted(result.scores_doc["sources"], key=lambda s: (s["score"], s["story"], s["source"]))
    shown = ranked if limit is None else ranked[:limit]
    story_w = max([len("story")] + [len(str(s["story"])) for s in shown])
    source_w = max([len("source")] + [len(str(s["source"])) for s in shown])
    lines = [f"{'story':<{story_w}}  {'source':<{source_w}} {'score':>6} {'grade':>5} "
             + " ".join(f"{s:>7}" for s in SEVERITIES)]
    for s in shown:
        c = counts.get(s["source"], {})
        lines.append(f"{s['story']:<{story_w}}  {s['source']:<{source_w}} {s['score']:>6.1f} {s['grade']:>5} "
                     + " ".join(f"{c.get(k, 0):>7}" for k in SEVERITIES))
    if len(ranked) > len(shown):
        lines.append(f"… and {_plural(len(ranked) - len(shown), 'more source')} (all in scores.json)")
    skipped = [s for s in result.findings_doc["sources"] if s["status"] == "skipped"]
    for s in skipped[:limit] if limit is not None else skipped:
        lines.append(f"skipped {s['path']}: {s['reason']}")
    if limit is not None and len(skipped) > limit:
        lines.append(f"… and {_plural(len(skipped) - limit, 'more skipped input')} (all in findings.json)")
    n = len(result.findings_doc["findings"])
    verdict = "passed" if result.passed else f"FAILED ({_plural(len(result.gate_failures), 'source')})"
    lines.append(f"{_plural(len(ranked), 'source')} audited, {len(skipped):,} skipped, {_plural(n, 'finding')}"
                 f"{_changes(result.findings_doc['run'])}; gate {verdict}")
    failures = sorted(result.gate_failures.items())
    for source, reason in failures[:limit] if limit is not None else failures:
        lines.append(f"  gate: {source}: {reason}")
    if limit is not None and len(failures) > limit:
        lines.append(f"  … and {_plural(len(failures) - limit, 'more failing source')} (see junit.xml or the report)")
    return "\n".join(lines)


def _changes(run: dict) -> str:
    """' (3 new, 1 fixed since 2026-11-22)' when the run was compared with a previous one."""
    changes, previous = run.get("changes"), run.get("previous") or {}
    if not changes:
        return ""
    since = f" since {previous['date']}" if previous.get("date") else ""
    return f" ({changes['new']:,} new, {changes['absent']:,} fixed{since})"


def _start(args: argparse.Namespace) -> bool:
    """Say at once that the audit starts (before the seconds of library imports); False for missing paths."""
    paths = args.paths or [SEED_DIR]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"auditor: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return False
    print(f"[auditor] auditing {_plural(len(paths), 'path')}…", file=sys.stderr, flush=True)
    return True


def _audit(args: argparse.Namespace) -> int:
    from .run import AuditOptions, audit

    paths = args.paths or [SEED_DIR]

    options = AuditOptions(paths=paths, out=args.out, formats=args.formats, expectations=args.expectations,
                           fail_under=args.fail_under, fail_on=args.fail_on, baseline=args.baseline,
                           stories=args.stories, db=args.db, jobs=args.jobs, engine=args.engine,
                           compare=args.compare)
    result = audit(options, announce=_announce)
    print(f"reports written to {_written(result.folders, args.out)}", file=sys.stderr)
    return 0 if result.passed else 1


def _written(folders: list[Path], out: Path) -> str:
    """Where the reports went: 'reports/latest', or with --db 'reports/latest (and reports/2026-11-22,
    index reports/index.html)'."""
    if not folders:
        return str(out)
    if len(folders) == 1:
        return str(folders[0])
    dated = ", ".join(str(f) for f in folders[:-1])
    return f"{folders[-1]} (and {dated}; runs listed in {folders[-1].parent / 'index.html'})"


def _announce(result) -> None:
    """The summary on stdout, flushed before the outputs are published (a closed pipe stops the run).

    On a terminal only the worst TERMINAL_ROWS sources are listed; piped or redirected, all of them.
    """
    print(_summary(result, TERMINAL_ROWS if _isatty() else None))
    sys.stdout.flush()


def _isatty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _baseline(args: argparse.Namespace) -> int:
    from .baseline import write_baseline

    count = write_baseline(args.findings, args.out)
    print(f"{count} findings accepted into {args.out}")
    return 0


def _history(args: argparse.Namespace) -> int:
    from .history import format_history, score_history

    print(format_history(score_history(args.db)), end="")
    return 0


def _say(message: str) -> None:
    """One line on stderr (nothing if stderr is closed too)."""
    with contextlib.suppress(OSError, ValueError):
        print(f"auditor: {message}", file=sys.stderr, flush=True)


def _mute_stdout() -> None:
    """After a broken pipe: send what is left of stdout to /dev/null so the exit flush cannot fail."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


@contextlib.contextmanager
def _sigint_noted() -> Iterator[None]:
    """Install the run's SIGINT handler (main thread only), restore the previous one afterwards.

    A KeyboardInterrupt that Python cannot raise (inside an at-fork hook, a finalizer) is recorded
    by the handler and not printed as "Exception ignored": the run stops at its next checkpoint.
    """
    from .run import on_sigint, reset_interrupts

    reset_interrupts()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous, hook = signal.signal(signal.SIGINT, on_sigint), sys.unraisablehook

    def quiet_interrupts(unraisable) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            hook(unraisable)

    sys.unraisablehook = quiet_interrupts
    try:
        yield
    finally:
        sys.unraisablehook = hook
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)


def _run(handler, args: argparse.Namespace) -> int:
    """The command, with every expected failure mapped to one line and an exit code."""
    from .errors import ConfigError, MissingDependency, NothingToAudit, OutputError

    try:
        return handler(args)
    except KeyboardInterrupt as exc:
        if getattr(exc, "published", False):
            _say("interrupted after the reports were written and the run recorded")
            return 130
        return _interrupt_code()
    except BrokenPipeError:
        _mute_stdout()
        _say("standard output was closed before the summary was written (broken pipe); "
             "the previous reports and the history are unchanged")
        return 2
    except ConfigError as exc:
        _say(f"configuration error: {exc}")
        return 2
    except (OutputError, NothingToAudit, MissingDependency) as exc:
        _say(str(exc))
        return 2
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _say(f"{where}{exc.strerror or exc}")
        return 2
    except (ValueError, RuntimeError) as exc:
        if type(exc).__name__ in ("BaselineError", "HistoryError"):
            _say(str(exc))
            return 2
        if _interrupted():  # e.g. a worker pool broken by Ctrl-C
            return _interrupt_code()
        if type(exc).__name__ == "BrokenProcessPool":
            _say(f"a worker process ended unexpectedly ({exc}); nothing was written")
            return 2
        raise


def _interrupted() -> bool:
    """Whether Ctrl-C was pressed during this audit (its handler is armed only for `audit`)."""
    run = sys.modules.get("auditor.run")
    return bool(run and run.interrupted())


def _interrupt_code() -> int:
    _say("interrupted; the previous reports and the history are unchanged")
    return 130


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `auditor` console script."""
    args = build_parser().parse_args(argv)
    handlers = {"audit": _audit, "baseline": _baseline, "history": _history}
    if args.command != "audit":
        return _run(handlers[args.command], args)
    if not _start(args):
        return 2
    with _sigint_noted():
        code = _run(_audit, args)
        if code != 130 and _interrupted():  # Ctrl-C swallowed somewhere: still never a success
            code = _interrupt_code()
    return code


def console() -> None:
    """The `auditor` console script: `main()`, then the process ends without freeing its heap object by
    object (a 200,000-record run holds 3.5 GB of small objects; Python's own teardown took 8 s to free
    them after the reports were written). Exit handlers run first (temporary folders, logging), and
    the output streams are flushed; with another (non-daemon) thread still running, Python exits as usual."""
    code = main()
    if any(t is not threading.main_thread() and not t.daemon for t in threading.enumerate()):
        sys.exit(code)  # Python joins it first
    _exit_now(code)


def _exit_now(code: int) -> None:
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    console()
