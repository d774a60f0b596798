"""reports/index.html: the list of dated runs of a nightly folder (--db), each linking to its report.

The index is one of the files the auditor may replace in the dated root: it carries a generator
mark, and a file of that name without the mark (someone else's) is never replaced.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from ..errors import OutputError

INDEX_NAME = "index.html"
GENERATOR = "auditor-index"  # <meta name="generator" content="auditor-index">: the index is the auditor's
TEMPLATES = Path(__file__).resolve().parent / "templates"
DATED = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_HEADER = 64_000_000  # the "run" line of a findings.json (run.absent, run.suites: bounded but not tiny)
MAX_WHOLE = 16_000_000  # an older findings.json without the one-line layout is parsed whole up to this size


def is_ours(path: Path) -> bool:
    """Whether `path` is an index the auditor wrote (a regular file with the generator mark)."""
    if path.is_symlink() or not path.is_file():
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return f'content="{GENERATOR}"'.encode() in head


def check_index(root: Path) -> None:
    """OutputError unless root/index.html is missing or an index the auditor wrote."""
    path = root / INDEX_NAME
    if path.is_symlink() or (path.exists() and not is_ours(path)):
        raise OutputError(path, "is not an index the auditor wrote; refusing to replace it: move it away, "
                                "or choose another folder for the dated runs")


def run_header(findings: Path) -> dict | None:
    """The "run" object of a findings.json, read from its second line (the auditor writes it on one line)."""
    try:
        with findings.open(encoding="utf-8") as fh:
            first = fh.readline(16)
            line = fh.readline(MAX_HEADER) if first.strip() == "{" else ""
        line = line.strip().rstrip(",")
        if line.startswith('"run":'):
            run = json.loads(line[len('"run":'):])
        elif findings.stat().st_size <= MAX_WHOLE:
            run = json.loads(findings.read_text(encoding="utf-8")).get("run")
        else:
            return None
    except (OSError, ValueError, AttributeError):
        return None
    return run if isinstance(run, dict) else None


def entry(date: str, run: dict, has_html: bool) -> dict[str, Any]:
    """One row of the index from a run's header."""
    changes = run.get("changes") if isinstance(run.get("changes"), dict) else {}
    worst = run.get("worst") if isinstance(run.get("worst"), dict) else None
    return {
        "date": date,
        "started": run.get("started"),
        "sources": run.get("sources"),
        "skipped": run.get("skipped"),
        "findings": run.get("findings"),
        "new": changes.get("new"),
        "fixed": changes.get("absent"),
        "worst": worst,
        "href": f"{date}/report.html" if has_html else f"{date}/findings.json",
    }


def dated_entries(root: Path, skip: str | None = None) -> list[dict[str, Any]]:
    """The index rows of the dated run folders already in `root` (except the date `skip`)."""
    rows = []
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return []
    for name in names:
        folder = root / name
        if name == skip or not DATED.fullmatch(name) or not folder.is_dir():
            continue
        run = run_header(folder / "findings.json")
        if run is not None:
            rows.append(entry(name, run, (folder / "report.html").is_file()))
    return rows


def render_index(rows: list[dict[str, Any]], has_latest: bool = True) -> str:
    """The index page, newest run first."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["count"] = lambda v: "—" if v is None else f"{v:,}"
    ordered = sorted(rows, key=lambda r: (r["date"], str(r.get("started") or "")), reverse=True)
    return env.get_template("index.html.j2").render(rows=ordered, generator=GENERATOR, has_latest=has_latest)


def stage_index(root: Path, current: dict[str, Any]) -> Path:
    """Write the index (the runs in `root` plus the current one) to a hidden temporary file in root."""
    rows = [r for r in dated_entries(root, skip=current["date"])] + [current]
    tmp = root / f".{INDEX_NAME}.tmp-{os.getpid()}"
    try:
        tmp.write_text(render_index(rows), encoding="utf-8")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp
