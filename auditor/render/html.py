"""Self-contained HTML review report (inline CSS, JS and SVG; works offline).

The page is rendered with Jinja2 autoescaping. Everything the browser needs
for the interactive parts (findings list, source view) is embedded once as
JSON in a ``<script type="application/json">`` block with ``<``, ``>`` and
``&`` escaped, and turned into DOM on demand with ``textContent`` only.
"""

from __future__ import annotations

import base64
import bisect
import functools
import hashlib
import json
import math
import pathlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from auditor.render import charts

TEMPLATES = pathlib.Path(__file__).with_name("templates")
SEVERITIES = ("error", "warning", "info")
CARDS_OPEN = 12
"""Cards shown per story before the rest fold into a "show all" block."""
STORIES_OPEN = 3
ROWS_OPEN = 50  # rows of the stories table in the HTML; the rest are built from the JSON on demand
"""Story sections open on load (weakest first); the rest are collapsed."""
FIXED_MAX = 1000
"""Most fixed (absent) findings listed in the page; findings.json has them all."""
CONTEXT_SIDE = 600
"""Most characters of context shown on each side of a flagged span."""
NEIGHBOUR_MAX = 200
"""Longest neighbouring line shown as extra context (headings, datelines; not whole paragraphs)."""

_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}
_NEWLINE = re.compile("\n")


# ---------------------------------------------------------------- text geometry


@dataclass
class SourceText:
    """A source's text with its line starts, for span/line arithmetic."""

    text: str
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(self.text)]

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self.starts, offset)

    def line_end(self, index: int) -> int:
        """Offset just past the content of 0-based line ``index`` (newline excluded)."""
        if index + 1 < len(self.starts):
            return self.starts[index + 1] - 1
        return len(self.text)

    def line_span(self, line: int, end_line: int | None = None) -> tuple[int, int] | None:
        """Character span covering 1-based lines ``line``..``end_line``."""
        if not 1 <= line <= len(self.starts):
            return None
        last = min(max(end_line or line, line), len(self.starts))
        return self.starts[line - 1], self.line_end(last - 1)


def resolve_span(
    src: SourceText | None, span: Any, evidence: str, line: Any = None, end_line: Any = None
) -> tuple[int, int] | None:
    """A valid ``(start, end)`` inside the text: the given span, else the evidence, else the lines."""
    if src is None:
        return None
    size = len(src.text)
    if (
        isinstance(span, list | tuple)
        and len(span) == 2
        and all(_is_int(v) for v in span)
        and 0 <= span[0] <= span[1] <= size
    ):
        start, end = int(span[0]), int(span[1])
        return (start, end) if end > start else (start, min(start + 1, size))
    if evidence:
        found = src.text.find(evidence)
        if found >= 0:
            return found, found + len(evidence)
    if _is_int(line):
        return src.line_span(int(line), int(end_line) if _is_int(end_line) else None)
    return None


def context_window(src: SourceText, span: tuple[int, int], side: int = CONTEXT_SIDE) -> list[int]:
    """``[start, end, first_line]``: the span's paragraph(s), clipped to ``side`` characters each side.

    A neighbouring line is added when it is short and not blank (a heading, a dateline).
    """
    start, end = span
    first = src.line_of(start) - 1
    last = src.line_of(max(start, end - 1)) - 1
    lo = src.starts[first]
    if start - lo > side:
        lo = _word_start(src.text, start - side)
    elif first > 0 and _is_short_line(src, first - 1) and start - src.starts[first - 1] <= side:
        lo = src.starts[first - 1]
    hi = src.line_end(last)
    if hi - end > side:
        hi = _word_end(src.text, end + side)
    elif (
        last + 1 < len(src.starts) and _is_short_line(src, last + 1) and src.line_end(last + 1) - end <= side
    ):
        hi = src.line_end(last + 1)
    return [lo, max(hi, end), src.line_of(lo)]


def _is_short_line(src: SourceText, index: int) -> bool:
    """True when 0-based line ``index`` exists, is not blank and has at most NEIGHBOUR_MAX characters."""
    if not 0 <= index < len(src.starts) or src.starts[index] >= len(src.text):
        return False
    line = src.text[src.starts[index] : src.line_end(index)]
    return bool(line.strip()) and len(line) <= NEIGHBOUR_MAX


def _word_start(text: str, offset: int) -> int:
    """Move a clipped start forward to the next word (within 20 characters)."""
    space = text.find(" ", offset, offset + 20)
    return space + 1 if space >= 0 else offset


def _word_end(text: str, offset: int) -> int:
    """Move a clipped end back to the previous word break (within 20 characters)."""
    space = text.rfind(" ", max(offset - 20, 0), offset)
    return space if space >= 0 else offset


def segments(intervals: Iterable[tuple[int, int, int]]) -> list[list[Any]]:
    """Split possibly overlapping ``(start, end, tag)`` intervals into ordered, disjoint segments.

    Each segment is ``[start, end, [tags covering it]]``; nested and partly
    overlapping spans become several adjacent segments.
    """
    events: list[tuple[int, int, int]] = []
    for start, end, tag in intervals:
        if end > start:
            events.append((start, 1, tag))
            events.append((end, 0, tag))
    events.sort()
    out: list[list[Any]] = []
    active: dict[int, int] = {}
    pos = None
    for offset, is_start, tag in events:
        if pos is not None and offset > pos and active:
            out.append([pos, offset, sorted(active)])
        pos = offset
        if is_start:
            active[tag] = active.get(tag, 0) + 1
        elif active.get(tag, 0) > 1:
            active[tag] -= 1
        else:
            active.pop(tag, None)
    return out


def _is_int(value: Any) -> bool:
    """True for a real int (not bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


# ---------------------------------------------------------------- data model


def _num(value: Any) -> float | None:
    """A finite float, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _str(value: Any) -> str:
    """A display string ('' for None)."""
    return "" if value is None else str(value)


def severity_rank(severity: Any) -> int:
    """0 for error, 1 warning, 2 info, 3 anything else."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else 3


class Registry:
    """Numbers stories and sources in first-seen order and keeps their metadata."""

    def __init__(self) -> None:
        self.stories: list[str] = []
        self.story_index: dict[str, int] = {}
        self.sources: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}

    def story(self, name: Any) -> int:
        """Index of a story, added if new."""
        key = _str(name) or "(no story)"
        if key not in self.story_index:
            self.story_index[key] = len(self.stories)
            self.stories.append(key)
        return self.story_index[key]

    def source(self, name: Any, story: Any = None, **meta: Any) -> int:
        """Index of a source, added if new; known metadata is filled in, never overwritten."""
        key = _str(name)
        if key not in self.index:
            self.index[key] = len(self.sources)
            self.sources.append(
                {"id": key, "story": self.story(story), "status": "unknown", "score": None, "grade": ""}
            )
        entry = self.sources[self.index[key]]
        for name_, value in meta.items():
            if value is not None and entry.get(name_) in (None, "unknown"):
                entry[name_] = value
        return self.index[key]


def _register_sources(reg: Registry, findings_doc: dict, scores_doc: dict) -> None:
    """Register every source named by the findings, scores and findings' related entries."""
    for entry in findings_doc.get("sources") or []:
        if isinstance(entry, dict):
            reg.source(
                entry.get("source"),
                entry.get("story"),
                status=_str(entry.get("status")) or "unknown",
                title=entry.get("title"),
                published=entry.get("published"),
                outlet=entry.get("outlet"),
                url=entry.get("url"),
                path=entry.get("path"),
                reason=entry.get("reason"),
                language=entry.get("language"),
                not_assessed=entry.get("not_assessed"),
            )
    for entry in scores_doc.get("sources") or []:
        if isinstance(entry, dict):
            reg.source(entry.get("source"), entry.get("story"))
    for finding in findings_doc.get("findings") or []:
        if isinstance(finding, dict):
            reg.source(finding.get("source"), finding.get("story"))
            for rel in finding.get("related") or []:
                if isinstance(rel, dict):
                    reg.source(
                        rel.get("source", finding.get("source")), rel.get("story", finding.get("story"))
                    )


TextLookup = Callable[[int], SourceText | None]
Mark = tuple[int, int, int, int]


def _locate(geometry: SourceText | None, entry: dict) -> dict[str, Any]:
    """Span, lines and context window of a finding or related entry (span/lines may be repaired)."""
    evidence = _str(entry.get("evidence"))
    span = resolve_span(geometry, entry.get("span"), evidence, entry.get("line"), entry.get("end_line"))
    line = entry.get("line")
    if not _is_int(line):
        line = geometry.line_of(span[0]) if geometry and span else None
    end = entry.get("end_line")
    return {
        "line": line,
        "end": end if _is_int(end) else line,
        "span": list(span) if span else None,
        "ctx": context_window(geometry, span) if geometry and span else None,
        "ev": evidence,
    }


def _finding_record(
    finding: dict, number: int, reg: Registry, text_of: TextLookup
) -> tuple[dict[str, Any], list[Mark]]:
    """JSON record of one finding and its ``(source, start, end, tag)`` marks.

    The finding's own span is tagged ``number``; related spans ``-(number + 1)``.
    """
    src = reg.index[_str(finding.get("source"))]
    record = {
        "id": _str(finding.get("id")) or f"#{number}",
        "kind": _str(finding.get("kind")) or "unknown",
        "sub": _str(finding.get("subkind")),
        "check": _str(finding.get("check")),
        "sev": _str(finding.get("severity")) or "info",
        "rank": severity_rank(finding.get("severity")),
        "src": src,
        "story": reg.sources[src]["story"],
        **_locate(text_of(src), finding),
        "msg": _str(finding.get("message")),
        "sup": bool(finding.get("suppressed")),
        "st": _str(finding.get("baseline_state")),
        "rel": [],
    }
    marks = [(src, *record["span"], number)] if record["span"] else []
    for rel in finding.get("related") or []:
        if isinstance(rel, dict):
            rel_src = reg.index[_str(rel.get("source", finding.get("source")))]
            rel_record = {"src": rel_src, **_locate(text_of(rel_src), rel)}
            record["rel"].append(rel_record)
            if rel_record["span"]:
                marks.append((rel_src, *rel_record["span"], -(number + 1)))
    return record, marks


def build_data(findings_doc: dict, scores_doc: dict, texts: dict[str, str]) -> dict[str, Any]:
    """Everything the page's JS needs: stories, sources, texts, findings and highlight segments."""
    reg = Registry()
    _register_sources(reg, findings_doc, scores_doc)
    for entry in scores_doc.get("sources") or []:
        if isinstance(entry, dict):
            meta = reg.sources[reg.index[_str(entry.get("source"))]]
            meta["score"], meta["grade"] = _num(entry.get("score")), _str(entry.get("grade"))
    for meta in reg.sources:
        meta["band"] = charts.grade_band(meta.get("grade"), meta.get("score"))

    @functools.cache
    def text_of(index: int) -> SourceText | None:
        text = texts.get(reg.sources[index]["id"])
        return SourceText(text) if isinstance(text, str) else None

    findings: list[dict[str, Any]] = []
    intervals: dict[int, list[tuple[int, int, int]]] = {}
    for finding in findings_doc.get("findings") or []:
        if isinstance(finding, dict):
            record, marks = _finding_record(finding, len(findings), reg, text_of)
            findings.append(record)
            for src, start, end, tag in marks:
                intervals.setdefault(src, []).append((start, end, tag))
    return {
        "stories": reg.stories,
        "sources": reg.sources,
        "texts": [
            texts.get(meta["id"]) if isinstance(texts.get(meta["id"]), str) else None for meta in reg.sources
        ],
        "marks": [segments(intervals.get(i, [])) for i in range(len(reg.sources))],
        "findings": findings,
        "kinds": sorted({f["kind"] for f in findings}),
    }


# ---------------------------------------------------------------- page model


def _components(entry: dict) -> list[dict[str, Any]]:
    """Score components as bar rows (name, points, max, percentage, detail)."""
    rows = []
    for name, comp in (entry.get("components") or {}).items():
        if not isinstance(comp, dict):
            continue
        points, top = _num(comp.get("points")), _num(comp.get("max"))
        pct = max(0.0, min(100.0, 100.0 * points / top)) if points is not None and top else 0.0
        rows.append(
            {
                "name": _str(name),
                "points": points,
                "max": top,
                "pct": round(pct, 1),
                "band": charts.grade_band(None, pct),
                "detail": _str(comp.get("detail")),
                "assessed": comp.get("assessed") is not False,
            }
        )
    return rows


def previous_label(run: dict) -> str:
    """When the compared run was made (``run.previous`` as a string or its started/date), or ''."""
    previous = run.get("previous")
    if isinstance(previous, dict):
        previous = previous.get("started") or previous.get("date") or previous.get("run")
    text = _str(previous)
    if re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text):
        return text[:16].replace("T", " ")
    return text


def absent_rows(run: dict) -> list[dict[str, Any]]:
    """``run.absent`` (findings of the previous run that are gone) as rows, worst first."""
    rows = []
    for entry in run.get("absent") or []:
        entry = {"id": entry} if isinstance(entry, str) else entry
        if isinstance(entry, dict):
            rows.append(
                {
                    "id": _str(entry.get("id")),
                    "kind": _str(entry.get("kind")) or "unknown",
                    "check": _str(entry.get("check")),
                    "sev": _str(entry.get("severity")),
                    "source": _str(entry.get("source")),
                    "story": _str(entry.get("story")),
                    "msg": _str(entry.get("message")),
                    "ev": _str(entry.get("evidence")),
                }
            )
    rows.sort(key=lambda r: (severity_rank(r["sev"]), r["story"], r["source"], r["kind"], r["id"]))
    return rows


def _cards(data: dict[str, Any], scores_doc: dict, fixed: Counter[str] | None = None) -> list[dict[str, Any]]:
    """One card per audited or scored source, with counts by severity and kind, new and fixed findings."""
    score_entries = {_str(e.get("source")): e for e in scores_doc.get("sources") or [] if isinstance(e, dict)}
    fixed = fixed or Counter()
    sev: dict[int, Counter[str]] = {}
    kinds: dict[int, Counter[str]] = {}
    first_msg: dict[int, str] = {}
    suppressed: Counter[int] = Counter()
    new: Counter[int] = Counter()
    for f in sorted(data["findings"], key=lambda f: f["rank"]):
        if f["sup"]:
            suppressed[f["src"]] += 1
            continue
        new[f["src"]] += f["st"] == "new"
        sev.setdefault(f["src"], Counter())[f["sev"]] += 1
        kinds.setdefault(f["src"], Counter())[f["kind"]] += 1
        first_msg.setdefault(f["src"], f["msg"])
    cards = []
    for index, meta in enumerate(data["sources"]):
        if meta.get("status") == "skipped" and meta["id"] not in score_entries:
            continue
        entry = score_entries.get(meta["id"], {})
        cards.append(
            {
                **meta,
                "index": index,
                "components": _components(entry),
                "previous": _num(entry.get("previous_score")),
                "delta": _delta(entry, meta.get("score")),
                "new": new[index],
                "fixed": fixed[meta["id"]],
                "sev": sev.get(index, Counter()),
                "kinds": (kinds.get(index) or Counter()).most_common(),
                "top_message": first_msg.get(index, ""),
                "suppressed": suppressed[index],
                "has_text": data["texts"][index] is not None,
            }
        )
    return cards


def _delta(entry: dict, score: Any) -> float | None:
    """``score_delta`` of a scores.json entry, else score minus ``previous_score``, else None."""
    delta = _num(entry.get("score_delta"))
    previous, now = _num(entry.get("previous_score")), _num(score)
    if delta is None and previous is not None and now is not None:
        delta = now - previous
    return round(delta, 1) if delta is not None else None


def _card_order(card: dict[str, Any]) -> tuple:
    """Weakest first: lowest score, then most errors and warnings; unscored last."""
    score = card.get("score")
    return (
        score is None,
        score if score is not None else 0.0,
        -card["sev"]["error"],
        -card["sev"]["warning"],
        card["id"],
    )


def _stories(data: dict[str, Any], cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Story sections: cards weakest first, the weakest source, and totals."""
    stories = []
    for index, name in enumerate(data["stories"]):
        own = sorted((c for c in cards if c["story"] == index), key=_card_order)
        skipped = [s for s in data["sources"] if s["story"] == index and s.get("status") == "skipped"]
        if not own and not skipped:
            continue
        scored = [c["score"] for c in own if c.get("score") is not None]
        weakest = own[0] if own and (own[0].get("score") is not None or own[0]["sev"]["error"]) else None
        if weakest is not None and len(own) > 1:
            weakest = {**weakest, "gap": _gap(own)}
        stories.append(
            {
                "index": index,
                "name": name,
                "cards": own,
                "weakest": weakest,
                "skipped": len(skipped),
                "min": min(scored) if scored else None,
                "mean": sum(scored) / len(scored) if scored else None,
                "errors": sum(c["sev"]["error"] for c in own),
                "warnings": sum(c["sev"]["warning"] for c in own),
                "findings": sum(sum(c["sev"].values()) for c in own),
                "new": sum(c["new"] for c in own),
                "fixed": sum(c["fixed"] for c in own),
            }
        )
    stories.sort(key=lambda s: (s["min"] is None, s["min"] or 0.0, s["name"]))
    return stories


def _gap(cards: list[dict[str, Any]]) -> float | None:
    """Points between the weakest and the next weakest scored source."""
    if len(cards) > 1 and cards[0].get("score") is not None and cards[1].get("score") is not None:
        return cards[1]["score"] - cards[0]["score"]
    return None


def _summary(data: dict[str, Any], cards: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals for the page header."""
    active = Counter(f["sev"] for f in data["findings"] if not f["sup"])
    return {
        "stories": len({c["story"] for c in cards}),
        "sources": len(cards),
        "skipped": sum(1 for s in data["sources"] if s.get("status") == "skipped"),
        "findings": sum(active.values()),
        "sev": active,
        "suppressed": sum(1 for f in data["findings"] if f["sup"]),
        "new": sum(1 for f in data["findings"] if f["st"] == "new" and not f["sup"]),
    }


def _count(value: Any) -> int | None:
    """A non-negative int count, or None."""
    return value if _is_int(value) and value >= 0 else None


def suite_rows(run: dict) -> list[dict[str, Any]]:
    """``run.suites`` as table rows: suite, frame, candidates validated, and per expectation its check,
    severity and the candidates it failed (odd entries skipped, odd values shown as missing)."""
    rows = []
    for entry in run.get("suites") or []:
        if not isinstance(entry, dict):
            continue
        expectations = [
            {"check": _str(e.get("check")), "sev": _str(e.get("severity")), "failed": _count(e.get("failed"))}
            for e in entry.get("expectations") or []
            if isinstance(e, dict)
        ]
        rows.append(
            {
                "suite": _str(entry.get("suite")),
                "frame": _str(entry.get("frame")),
                "candidates": _count(entry.get("candidates")),
                "expectations": expectations or [{"check": "", "sev": "", "failed": None}],
            }
        )
    return rows


def _embed_json(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">`` (``<``, ``>``, ``&`` as \\u escapes)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)


@functools.cache
def _environment() -> Any:
    """The Jinja2 environment (autoescape on for every template)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["score"] = lambda v: f"{v:.1f}" if _num(v) is not None else "–"
    env.filters["points"] = lambda v: f"{v:g}" if _num(v) is not None else "–"
    env.globals["band_colours"] = charts.BAND_COLOURS
    return env


def _asset(name: str) -> Any:
    """A static CSS/JS file from the templates folder, inlined verbatim (trusted, ours)."""
    import markupsafe

    return markupsafe.Markup((TEMPLATES / name).read_text(encoding="utf-8"))


def _order(data: dict[str, Any], stories: list[dict[str, Any]]) -> dict[str, list[int]]:
    """The overview's order for the page's JS: story rank (weakest first) and source rank within it."""
    story_rank = [len(stories)] * len(data["stories"])
    source_rank = [len(data["sources"])] * len(data["sources"])
    position = 0
    for rank, story in enumerate(stories):
        story_rank[story["index"]] = rank
        for card in story["cards"]:
            source_rank[card["index"]] = position
            position += 1
    return {"story": story_rank, "source": source_rank}


def _card_json(card: dict[str, Any]) -> dict[str, Any]:
    """A card of a folded story as JSON for the page's JS (its source's metadata is in ``sources``)."""
    return {
        "i": card["index"],
        "comp": [[c["name"], c["points"], c["max"], c["pct"], c["band"], c["detail"], c["assessed"]]
                 for c in card["components"]],
        "prev": card["previous"],
        "delta": card["delta"],
        "new": card["new"],
        "fixed": card["fixed"],
        "sev": [card["sev"]["error"], card["sev"]["warning"], card["sev"]["info"]],
        "kinds": [list(k) for k in card["kinds"]],
        "sup": card["suppressed"],
    }


def _folded_cards(stories: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Cards of the stories folded on load, by story index: built by the page's JS when a story is opened."""
    out = {}
    for story in stories[STORIES_OPEN:]:
        cards = out[str(story["index"])] = [_card_json(c) for c in story["cards"]]
        if story["weakest"] is not None:  # the weakest source's callout is built with the cards
            cards[0]["gap"], cards[0]["msg"] = story["weakest"].get("gap"), story["weakest"]["top_message"]
    return out


def _row_json(story: dict[str, Any]) -> list[Any]:
    """A stories-table row not in the HTML, for the page's JS: story index, weakest source index (or None),
    its delta and previous score, findings, new, fixed, sources, errors, warnings, skipped, mean score."""
    w = story["weakest"]
    return [
        story["index"], None if w is None else w["index"], None if w is None else w["delta"],
        None if w is None else w["previous"], story["findings"], story["new"], story["fixed"], len(story["cards"]),
        story["errors"], story["warnings"], story["skipped"], story["mean"],
    ]


def _changes(run: dict, data: dict[str, Any], absent: list[dict[str, Any]]) -> dict[str, Any]:
    """What changed since the compared run: its date, whether there is one, and the fixed findings."""
    compared = bool(absent) or "previous" in run or "absent" in run or any(f["st"] for f in data["findings"])
    return {
        "compared": compared,
        "since": previous_label(run),
        "fixed": absent[:FIXED_MAX],
        "fixed_total": len(absent),
    }


def render_report(
    findings_doc: dict, scores_doc: dict, texts: dict[str, str], history: list[dict] | None = None
) -> str:
    """Render the whole report as one self-contained HTML page."""
    import markupsafe

    findings_doc, scores_doc, texts = findings_doc or {}, scores_doc or {}, texts or {}
    data = build_data(findings_doc, scores_doc, texts)
    run = findings_doc.get("run") if isinstance(findings_doc.get("run"), dict) else {}
    absent = absent_rows(run)
    script = _asset("report.js")
    cards = _cards(data, scores_doc, Counter(row["source"] for row in absent))
    stories = _stories(data, cards)
    data["order"] = _order(data, stories)
    changes = _changes(run, data, absent)
    data["since"] = changes["since"]
    data["compared"] = changes["compared"]
    data["cards"] = _folded_cards(stories)
    data["cards_open"] = CARDS_OPEN
    data["rows"] = [_row_json(s) for s in stories[ROWS_OPEN:]]
    page = {
        "run": run,
        "suites": suite_rows(run),
        "summary": _summary(data, cards),
        "stories": stories,
        "changes": changes,
        "skipped": [s for s in data["sources"] if s.get("status") == "skipped"],
        "story_names": data["stories"],
        "charts": {
            "scores": markupsafe.Markup(charts.scores_chart(scores_doc)),
            "heatmap": markupsafe.Markup(charts.heatmap_chart(findings_doc, scores_doc)),
            "trend": markupsafe.Markup(charts.trend_chart(history)) if history else "",
        },
        "data_json": markupsafe.Markup(_embed_json(data)),
        "css": _asset("report.css"),
        "js": script,
        "script_hash": "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode(),
        "cards_open": CARDS_OPEN,
        "stories_open": STORIES_OPEN,
        "rows_open": ROWS_OPEN,
    }
    return _environment().get_template("report.html.j2").render(**page)


def write_report(
    out_dir: pathlib.Path,
    findings_doc: dict,
    scores_doc: dict,
    texts: dict[str, str],
    history: list[dict] | None = None,
) -> pathlib.Path:
    """Write ``out_dir/report.html`` and return its path."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "report.html"
    path.write_text(render_report(findings_doc, scores_doc, texts, history), encoding="utf-8")
    return path
