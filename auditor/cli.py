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


def _formats(value: str) -> set[str]:
    from .run import FORMATS

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
    b = sub.add_parser("baseline", help="accept every finding of a run")
    b.add_argument("findings", type=Path)
    b.add_argument("--out", type=Path, required=True)
    h = sub.add_parser("history", help="per-source score trend across recorded runs")
    h.add_argument("--db", required=True)
    return parser


def _summary(result) -> str:
    from .findings import SEVERITIES

    lines = [f"{'story':<16} {'source':<34} {'score':>6} {'grade':>5} " + " ".join(f"{s:>7}" for s in SEVERITIES)]
    counts: dict[str, dict[str, int]] = {}
    for f in result.findings_doc["findings"]:
        if not f["suppressed"]:
            counts.setdefault(f["source"], {}).setdefault(f["severity"], 0)
            counts[f["source"]][f["severity"]] += 1
    for s in result.scores_doc["sources"]:
        c = counts.get(s["source"], {})
        lines.append(f"{s['story'][:16]:<16} {s['source'][:34]:<34} {s['score']:>6.1f} {s['grade']:>5} "
                     + " ".join(f"{c.get(k, 0):>7}" for k in SEVERITIES))
    skipped = [s for s in result.findings_doc["sources"] if s["status"] == "skipped"]
    for s in skipped:
        lines.append(f"skipped {s['path']}: {s['reason']}")
    n = len(result.findings_doc["findings"])
    verdict = "passed" if result.passed else f"FAILED ({len(result.gate_failures)} source(s))"
    audited = len(result.scores_doc["sources"])
    lines.append(f"{audited} sources audited, {len(skipped)} skipped, {n} findings; gate {verdict}")
    for source, reason in sorted(result.gate_failures.items()):
        lines.append(f"  gate: {source}: {reason}")
    return "\n".join(lines)


def _audit(args: argparse.Namespace) -> int:
    from .run import AuditOptions, audit

    paths = args.paths or [SEED_DIR]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"auditor: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    options = AuditOptions(paths=paths, out=args.out, formats=args.formats, expectations=args.expectations,
                           fail_under=args.fail_under, fail_on=args.fail_on, baseline=args.baseline,
                           stories=args.stories, db=args.db, jobs=args.jobs, engine=args.engine)
    result = audit(options, announce=_announce)
    print(f"reports written to {result.folders[-1] if result.folders else args.out}", file=sys.stderr)
    return 0 if result.passed else 1


def _announce(result) -> None:
    """The summary on stdout, flushed before the outputs are published (a closed pipe stops the run)."""
    print(_summary(result))
    sys.stdout.flush()


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
    with _sigint_noted():
        code = _run(_audit, args)
        if code != 130 and _interrupted():  # Ctrl-C swallowed somewhere: still never a success
            code = _interrupt_code()
    return code


if __name__ == "__main__":
    sys.exit(main())
