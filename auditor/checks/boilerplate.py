"""boilerplate: newsletter and aggregator chrome inside an article.

Rules come from expectations/lexicons/boilerplate.yaml: line patterns (looked at in paragraphs up to
`line_max_chars`), and section headers after which a short tail of lines is chrome too ("Sources"
followed by a list of outlets).

`mark()` runs before claim extraction, so before any suite: it fills `boilerplate_rule` (the rule a
paragraph matched) and `is_boilerplate` (excluded from claims) in paragraphs and sentences. Marking
is conservative: only a matched paragraph of at most `mark_max_chars` is excluded, so a long
paragraph the suite may later reject as article text keeps its claims.
`detect()` reports each contiguous run of matched paragraphs, marked alike, as one candidate with
its features (chars, para_chars, n_paragraphs, position, is_tail); the suite decides which are chrome.
Inline rules (`inline` in the lexicon) find chrome inside a paragraph of article text ("(Photo: ...)",
"© AGENCY / NAME" glued to the next sentence, an embed shortcode): each match is a candidate of its own
(n_paragraphs 0, para_chars the match's length) and its span is left alone by the other checks of the
sentence (`inline_spans`); the paragraph keeps its claims.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from ..corpus import Corpus, candidates
from ..frames import row_runs
from ..text import Prefiltered, anchored_at_start, memo_by_text


def _joined_at_start(patterns: list[re.Pattern]) -> re.Pattern | None:
    """One pattern that matches where any of these start-anchored ones does (None: none, or not joinable)."""
    if not patterns:
        return None
    try:
        return re.compile("^(?:" + "|".join(f"(?:{p.pattern[1:]})" for p in patterns) + ")", re.IGNORECASE)
    except re.error:
        return None


@dataclass(frozen=True)
class Rules:
    """Compiled boilerplate lexicon."""

    lines: list[tuple[str, re.Pattern]]
    tail_headers: list[tuple[str, re.Pattern]]
    tail_max_paragraphs: int
    tail_max_chars: int
    line_max_chars: int = 600
    mark_max_chars: int = 300
    inline: tuple[tuple[str, re.Pattern], ...] = ()

    def __post_init__(self) -> None:
        # per pattern, strings one of which any match holds (a substring test rules most texts out)
        object.__setattr__(self, "_line_rules", [(name, Prefiltered.of(p)) for name, p in self.lines])
        object.__setattr__(self, "_inline_rules", [(name, Prefiltered.of(p)) for name, p in self.inline])
        # the line rules anchored at the start, joined into one pattern that rules most paragraphs out at once
        starts = [anchored_at_start(p) for _, p in self.lines]
        joined = _joined_at_start([p for (_, p), anchored in zip(self.lines, starts, strict=True) if anchored])
        object.__setattr__(self, "_any_anchored", joined)
        object.__setattr__(self, "_free", [rule for rule, anchored in zip(self._line_rules, starts, strict=True)
                                           if joined is None or not anchored])

    @classmethod
    def from_lexicon(cls, lexicon: dict) -> Rules:
        def compile_all(entries: list[dict]) -> list[tuple[str, re.Pattern]]:
            return [(e["name"], re.compile(e["pattern"], re.IGNORECASE)) for e in entries or []]

        tail = lexicon.get("tail", {}) or {}
        return cls(compile_all(lexicon.get("lines")), compile_all(tail.get("headers")),
                   int(tail.get("max_paragraphs", 12)), int(tail.get("max_chars", 160)),
                   int(lexicon.get("line_max_chars", 600)), int(lexicon.get("mark_max_chars", 300)),
                   tuple(compile_all(lexicon.get("inline"))))

    def line_rule(self, text: str) -> str | None:
        if len(text) > self.line_max_chars:
            return None  # the bound on what is looked at; the suite decides which length is article text
        folded = text.casefold()
        anchored = self._any_anchored is not None and self._any_anchored.search(text)
        rules = self._line_rules if anchored else self._free  # then every rule, in order: the first that matches
        return next((name for name, rule in rules if rule.search(text, folded)), None)

    def inline_spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, rule) of chrome inside a text, first rule first, overlaps dropped."""
        found: list[tuple[int, int, str]] = []
        folded = text.casefold()
        for name, rule in self._inline_rules:
            for m in rule.finditer(text, folded):
                if m.end() > m.start() and not any(s < m.end() and m.start() < e for s, e, _ in found):
                    found.append((m.start(), m.end(), name))
        return sorted(found)

    def header_rule(self, text: str) -> str | None:
        return next((name for name, pat in self.tail_headers if pat.fullmatch(text.strip())), None)


def _paragraph_rules(texts: list[str], rules: Rules, line_rule: Callable[[str], str | None],
                     header_rule: Callable[[str], str | None]) -> list[str | None]:
    """The rule that makes each paragraph of one source chrome (None for article text); `line_rule` and
    `header_rule` are memos of the rules' own."""
    found: list[str | None] = list(map(line_rule, texts))
    first = max(0, len(texts) - rules.tail_max_paragraphs - 1)  # a tail header sits near the end
    for i in range(first, len(texts)):
        header = header_rule(texts[i])
        tail = texts[i + 1:]
        if header and len(tail) <= rules.tail_max_paragraphs and all(len(t) <= rules.tail_max_chars for t in tail):
            found[i] = header
            for k in range(i + 1, len(texts)):
                found[k] = found[k] or f"{header} (list)"
            break
    return found


def mark(paragraphs: pd.DataFrame, sentences: pd.DataFrame, lexicon: dict) -> None:
    """Fill boilerplate_rule (the matched rule) and is_boilerplate (excluded from claims) in both frames, in place."""
    rules = Rules.from_lexicon(lexicon or {})
    line_rule = memo_by_text(rules.line_rule)  # a paragraph given again (wire copy) is read once
    header_rule = memo_by_text(rules.header_rule)
    found: list[str | None] = []
    texts = paragraphs["text"].tolist()
    for start, end in row_runs(paragraphs["source"]):  # paragraphs of a source are contiguous
        found.extend(_paragraph_rules(texts[start:end], rules, line_rule, header_rule))
    paragraphs["boilerplate_rule"] = pd.Series(found, index=paragraphs.index, dtype=object)
    short = paragraphs["text"].str.len() <= rules.mark_max_chars
    paragraphs["is_boilerplate"] = (paragraphs["boilerplate_rule"].notna() & short).astype(bool)
    key = paragraphs.set_index(["source", "para"])[["boilerplate_rule", "is_boilerplate"]]
    sent_keys = key.reindex(pd.MultiIndex.from_arrays([sentences["source"], sentences["para"]]))
    sentences["boilerplate_rule"] = pd.Series(sent_keys["boilerplate_rule"].to_numpy(), index=sentences.index,
                                              dtype=object)  # as in paragraphs, whatever the rules found
    sentences["is_boilerplate"] = sent_keys["is_boilerplate"].eq(True).to_numpy()


FEATURES = ["rule", "n_paragraphs", "chars", "para_chars", "position", "is_tail"]


class _Para(NamedTuple):
    """A paragraph some rule matched, as the detector reads it."""

    source: str
    story: str
    para: int
    start: int
    end: int
    text: str
    is_boilerplate: bool
    boilerplate_rule: str


def detect(corpus: Corpus) -> pd.DataFrame:
    """One candidate per contiguous run of matched paragraphs marked alike, with the features the suite reads."""
    p = corpus.paragraphs
    n_paras = p.groupby("source", sort=False)["para"].max().add(1).to_dict()
    rows: list[dict] = []
    matched = p[p["boilerplate_rule"].notna()]
    by_source: dict[str, list[_Para]] = defaultdict(list)  # plain records: itertuples builds a class per call
    for values in zip(*(matched[c] for c in _Para._fields), strict=True):
        by_source[values[0]].append(_Para(*values))
    for source in sorted(by_source):
        run: list[_Para] = []
        for row in by_source[source]:
            if run and (row.para != run[-1].para + 1 or row.is_boilerplate != run[-1].is_boilerplate):
                rows.append(_block(source, run, n_paras[source]))
                run = []
            run.append(row)
        if run:
            rows.append(_block(source, run, n_paras[source]))
    rules = Rules.from_lexicon(corpus.config.lexicons.get("boilerplate", {}))
    rows.extend(_inline_rows(p[~p["is_boilerplate"]], rules))
    return candidates(rows, FEATURES)


def _inline_rows(paragraphs: pd.DataFrame, rules: Rules) -> list[dict]:
    """One candidate per inline chrome match in paragraphs not already chrome as a whole."""
    if not rules.inline:
        return []
    rows = []
    spans_of = memo_by_text(rules.inline_spans)
    for source, story, start, text in zip(paragraphs["source"], paragraphs["story"], paragraphs["start"],
                                          paragraphs["text"], strict=True):
        for lo, hi, name in spans_of(text):
            rows.append({"source": source, "story": story, "start": start + lo, "end": start + hi,
                         "subkind": "chrome", "related": [], "note": name, "rule": name, "n_paragraphs": 0,
                         "chars": hi - lo, "para_chars": hi - lo, "position": 0.0, "is_tail": False})
    return rows


def _block(source: str, run: list, n_paras: int) -> dict:
    """A candidate: the run's span, its first rule, its size and where it sits in the article."""
    return {"source": source, "story": run[0].story, "start": run[0].start, "end": run[-1].end,
            "subkind": "chrome", "related": [], "note": run[0].boilerplate_rule,
            "rule": run[0].boilerplate_rule, "n_paragraphs": len(run), "chars": run[-1].end - run[0].start,
            "para_chars": max(len(r.text) for r in run), "position": round(run[0].para / n_paras, 3),
            "is_tail": run[-1].para == n_paras - 1}
