"""Matplotlib charts for the HTML report, returned as inline SVG markup.

matplotlib is imported lazily inside the functions so that importing the
report module stays cheap. Output is deterministic: a fixed ``svg.hashsalt``
per chart, text kept as ``<text>`` (``svg.fonttype = "none"``) and no date
or creator metadata.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

MAX_ROWS = 30
"""Most sources shown in the score bar chart and the heatmap (the weakest ones)."""
MAX_TREND_LINES = 10
"""Most sources drawn in the trend chart (the weakest by latest score)."""

BAND_COLOURS = {"good": "#2e7d32", "fair": "#e0a100", "poor": "#c62828", "none": "#9e9e9e"}
"""Colour of each grade band, shared with the HTML cards."""

_SVG_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_SVG_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)
_SVG_ID = re.compile(r'\b(id)="([^"]+)"')
_SVG_REF = re.compile(r'(url\(|xlink:href="|href=")#([^")]+)')
_SVG_OPEN = re.compile(r"<svg\b")


def grade_band(grade: str | None, score: float | None = None) -> str:
    """Map a letter grade (or, failing that, a score) to good/fair/poor/none."""
    letter = (grade or "").strip()[:1].upper()
    if letter in ("A", "B"):
        return "good"
    if letter == "C":
        return "fair"
    if letter in ("D", "E", "F"):
        return "poor"
    if isinstance(score, int | float):
        return "good" if score >= 80 else "fair" if score >= 60 else "poor"
    return "none"


def _score(value: Any) -> float | None:
    """Return a finite float score or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if value == value else None


def _sorted_scores(scores_doc: dict) -> list[dict]:
    """Scored source entries, weakest first (unscored ones last)."""
    entries = [e for e in scores_doc.get("sources") or [] if isinstance(e, dict)]
    return sorted(
        entries,
        key=lambda e: (
            _score(e.get("score")) is None,
            _score(e.get("score")) or 0.0,
            str(e.get("story")),
            str(e.get("source")),
        ),
    )


def _label(entry: dict, multi_story: bool, width: int = 38) -> str:
    """Axis label for a source; safe for matplotlib (no mathtext) and short."""
    text = str(entry.get("source"))
    if multi_story:
        text = f"{entry.get('story')} · {text}"
    if len(text) > width:
        text = text[: width - 1] + "…"
    return _plain(text)


def _plain(text: str) -> str:
    """Escape characters matplotlib would read as mathtext; control characters become spaces."""
    text = "".join(" " if ord(ch) < 32 or ord(ch) == 127 else ch for ch in text)
    return text.replace("$", r"\$")


def _figure(width: float, height: float) -> Any:
    """A new pyplot-free Figure on the Agg canvas."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _to_svg(fig: Any, name: str, title: str) -> str:
    """Serialise a figure to inline SVG (no prolog/metadata, fluid width, unique ids)."""
    import io

    import matplotlib

    buf = io.StringIO()
    rc = {"svg.hashsalt": f"auditor-{name}", "svg.fonttype": "none", "svg.id": None}
    try:
        with matplotlib.rc_context(rc):
            fig.savefig(
                buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None}
            )
    finally:
        fig.clear()
    svg = _SVG_PROLOG.sub("", buf.getvalue(), count=1)
    svg = _SVG_METADATA.sub("", svg, count=1)
    svg = _SVG_COMMENT.sub("", svg)
    svg = _scope_ids(svg, name)
    label = html.escape(title, quote=True)
    attrs = f'<svg id="chart-{name}" class="chart" role="img" aria-label="{label}"'
    svg = _SVG_OPEN.sub(lambda _: attrs, svg, count=1)
    return svg.strip()


def _scope_ids(svg: str, name: str) -> str:
    """Prefix every id and internal reference so several inline SVGs never clash."""
    svg = _SVG_ID.sub(lambda m: f'{m.group(1)}="{name}-{m.group(2)}"', svg)
    return _SVG_REF.sub(lambda m: f"{m.group(1)}#{name}-{m.group(2)}", svg)


def _style_axes(ax: Any) -> None:
    """Quiet axes: no top/right spines, light grid."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.set_axisbelow(True)


def scores_chart(scores_doc: dict) -> str:
    """Horizontal bar chart of scores, weakest source on top, coloured by grade."""
    entries = [e for e in _sorted_scores(scores_doc) if _score(e.get("score")) is not None]
    if not entries:
        return ""
    total = len(entries)
    entries = entries[:MAX_ROWS]
    multi = len({str(e.get("story")) for e in entries}) > 1
    labels = [_label(e, multi) for e in entries]
    values = [_score(e.get("score")) or 0.0 for e in entries]
    colours = [BAND_COLOURS[grade_band(e.get("grade"), _score(e.get("score")))] for e in entries]
    fig = _figure(6.4, 0.9 + 0.26 * len(entries))
    ax = fig.add_subplot()
    ypos = list(range(len(entries)))
    ax.barh(ypos, values, color=colours, height=0.7)
    for y, value, entry in zip(ypos, values, entries, strict=True):
        ax.text(
            min(value, 100) + 1,
            y,
            _plain(f"{value:.1f} {entry.get('grade') or ''}".strip()),
            va="center",
            fontsize=8,
            color="#333333",
        )
    ax.set_yticks(ypos, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.set_xlabel("score (0-100)", fontsize=8)
    shown = f" — {len(entries)} weakest of {total}" if total > len(entries) else ""
    ax.set_title(_plain(f"Scores by source, weakest first{shown}"), fontsize=10, loc="left")
    _style_axes(ax)
    return _to_svg(fig, "scores", "Scores by source")


def _finding_counts(findings_doc: dict) -> Counter[tuple[str, str]]:
    """Active (not suppressed) findings counted by (source, kind)."""
    counts: Counter[tuple[str, str]] = Counter()
    for finding in findings_doc.get("findings") or []:
        if isinstance(finding, dict) and not finding.get("suppressed"):
            counts[(str(finding.get("source")), str(finding.get("kind")))] += 1
    return counts


def _heatmap_rows(findings_doc: dict, scores_doc: dict, counts: Counter[tuple[str, str]]) -> list[dict]:
    """Sources for the heatmap rows: scored ones weakest first, then unscored ones with findings."""
    rows = _sorted_scores(scores_doc)
    seen = {str(e.get("source")) for e in rows}
    story_of = {
        str(f.get("source")): f.get("story")
        for f in findings_doc.get("findings") or []
        if isinstance(f, dict)
    }
    extra = sorted({src for src, _ in counts} - seen)
    rows += [{"source": src, "story": story_of.get(src)} for src in extra]
    return rows


def heatmap_chart(findings_doc: dict, scores_doc: dict) -> str:
    """Heatmap of active findings by source (rows, weakest first) × kind (columns)."""
    counts = _finding_counts(findings_doc)
    if not counts:
        return ""
    rows = _heatmap_rows(findings_doc, scores_doc, counts)
    total = len(rows)
    rows = rows[:MAX_ROWS]
    by_kind: Counter[str] = Counter()
    for (_, kind), n in counts.items():
        by_kind[kind] += n
    kinds = [k for k, _ in sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0]))]
    matrix = [[counts.get((str(r.get("source")), k), 0) for k in kinds] for r in rows]
    multi = len({str(r.get("story")) for r in rows}) > 1
    fig = _figure(max(4.8, 1.9 + 0.55 * len(kinds)), 1.7 + 0.26 * len(rows))
    ax = fig.add_subplot()
    peak = max((v for line in matrix for v in line), default=1) or 1
    mesh = ax.pcolormesh(matrix, cmap="OrRd", vmin=0, vmax=peak, edgecolors="white", linewidth=0.8)
    _annotate_cells(ax, matrix, peak)
    ax.set_yticks([i + 0.5 for i in range(len(rows))], [_label(r, multi) for r in rows])
    ax.set_xticks(
        [i + 0.5 for i in range(len(kinds))],
        [_plain(k) for k in kinds],
        rotation=40,
        ha="right",
        rotation_mode="anchor",
    )
    ax.invert_yaxis()
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8, length=0)
    shown = f" — {len(rows)} weakest of {total} sources" if total > len(rows) else ""
    ax.set_title(_plain(f"Findings by kind × source{shown}"), fontsize=10, loc="left")
    fig.colorbar(mesh, ax=ax, shrink=0.6, pad=0.02).ax.tick_params(labelsize=7)
    return _to_svg(fig, "heatmap", "Findings by kind and source")


def _annotate_cells(ax: Any, matrix: Sequence[Sequence[int]], peak: int) -> None:
    """Write the non-zero count in each heatmap cell."""
    for y, line in enumerate(matrix):
        for x, value in enumerate(line):
            if value:
                colour = "white" if value > peak * 0.55 else "#222222"
                ax.text(x + 0.5, y + 0.5, str(value), ha="center", va="center", fontsize=7, color=colour)


def _trend_series(
    history: Iterable[dict],
) -> tuple[list[tuple[str, str]], dict[tuple[str, str], dict[tuple[str, str], float]]]:
    """Runs as (started, run id) in time order and, per (story, source), the score of each run."""
    runs: set[tuple[str, str]] = set()
    series: dict[tuple[str, str], dict[tuple[str, str], float]] = {}
    for row in history:
        score = _score(row.get("score")) if isinstance(row, dict) else None
        if score is None:
            continue
        run = (str(row.get("started") or ""), f"{row.get('run')!s:>12}")
        runs.add(run)
        series.setdefault((str(row.get("story")), str(row.get("source"))), {})[run] = score
    return sorted(runs), series


def trend_chart(history: list[dict] | None) -> str:
    """Score per source over past runs (the weakest sources by latest score); "" for fewer than 2 runs."""
    runs, series = _trend_series(history or [])
    if len(runs) < 2:
        return ""
    latest = {key: points[max(points)] for key, points in series.items()}
    keys = sorted(series, key=lambda k: (latest[k], k))[:MAX_TREND_LINES]
    multi = len({story for story, _ in keys}) > 1
    index = {run: i for i, run in enumerate(runs)}
    fig = _figure(9.6, 3.2)
    ax = fig.add_subplot()
    for story, source in keys:
        points = sorted(series[(story, source)].items())
        label = _label({"story": story, "source": source}, multi, width=30)
        ax.plot(
            [index[r] for r, _ in points],
            [s for _, s in points],
            marker="o",
            markersize=3,
            linewidth=1.4,
            label=label,
        )
    step = max(1, len(runs) // 8)
    ticks = list(range(0, len(runs), step))
    dates = [started[:10] or run.strip() for started, run in runs]  # the run dates; time too on a shared date
    if len(set(dates)) < len(dates):
        dates = [started[:16].replace("T", " ") or run.strip() for started, run in runs]
    ax.set_xticks(
        ticks,
        [_plain(dates[i]) for i in ticks],
        rotation=30,
        ha="right",
        rotation_mode="anchor",
    )
    ax.set_ylim(0, 105)
    ax.set_ylabel("score", fontsize=8)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    shown = f" — {len(keys)} weakest of {len(series)}" if len(series) > len(keys) else ""
    ax.set_title(_plain(f"Score trend by source{shown}"), fontsize=10, loc="left")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    _style_axes(ax)
    return _to_svg(fig, "trend", "Score trend by source")
