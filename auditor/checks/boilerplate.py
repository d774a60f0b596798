"""boilerplate: newsletter and aggregator chrome inside an article.

`mark()` runs before claim extraction and adds `is_boilerplate`/`boilerplate_rule` columns to
paragraphs and sentences, so chrome yields no claims. Rules come from
expectations/lexicons/boilerplate.yaml: line patterns, and section headers after which a short
tail of lines is chrome too ("Sources" followed by a list of outlets).
`detect()` reports each contiguous run of chrome paragraphs as one candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..corpus import Corpus, candidates


@dataclass(frozen=True)
class Rules:
    """Compiled boilerplate lexicon."""

    lines: list[tuple[str, re.Pattern]]
    tail_headers: list[tuple[str, re.Pattern]]
    tail_max_paragraphs: int
    tail_max_chars: int
    line_max_chars: int = 300

    @classmethod
    def from_lexicon(cls, lexicon: dict) -> Rules:
        def compile_all(entries: list[dict]) -> list[tuple[str, re.Pattern]]:
            return [(e["name"], re.compile(e["pattern"], re.IGNORECASE)) for e in entries or []]

        tail = lexicon.get("tail", {}) or {}
        return cls(compile_all(lexicon.get("lines")), compile_all(tail.get("headers")),
                   int(tail.get("max_paragraphs", 12)), int(tail.get("max_chars", 160)),
                   int(lexicon.get("line_max_chars", 300)))

    def line_rule(self, text: str) -> str | None:
        if len(text) > self.line_max_chars:
            return None  # chrome lines are short; long paragraphs are article text
        return next((name for name, pat in self.lines if pat.search(text)), None)

    def header_rule(self, text: str) -> str | None:
        return next((name for name, pat in self.tail_headers if pat.fullmatch(text.strip())), None)


def _paragraph_rules(texts: list[str], rules: Rules) -> list[str | None]:
    """The rule that makes each paragraph of one source chrome (None for article text)."""
    found: list[str | None] = [rules.line_rule(t) for t in texts]
    first = max(0, len(texts) - rules.tail_max_paragraphs - 1)  # a tail header sits near the end
    for i in range(first, len(texts)):
        header = rules.header_rule(texts[i])
        tail = texts[i + 1:]
        if header and len(tail) <= rules.tail_max_paragraphs and all(len(t) <= rules.tail_max_chars for t in tail):
            found[i] = header
            for k in range(i + 1, len(texts)):
                found[k] = found[k] or f"{header} (list)"
            break
    return found


def mark(paragraphs: pd.DataFrame, sentences: pd.DataFrame, lexicon: dict) -> None:
    """Add is_boilerplate and boilerplate_rule to both frames, in place."""
    rules = Rules.from_lexicon(lexicon or {})
    found: list[str | None] = []
    sources, texts = paragraphs["source"].tolist(), paragraphs["text"].tolist()
    start = 0
    for end in range(1, len(sources) + 1):  # paragraphs of a source are contiguous
        if end == len(sources) or sources[end] != sources[start]:
            found.extend(_paragraph_rules(texts[start:end], rules))
            start = end
    paragraphs["boilerplate_rule"] = pd.Series(found, index=paragraphs.index, dtype=object)
    paragraphs["is_boilerplate"] = paragraphs["boilerplate_rule"].notna()
    key = paragraphs.set_index(["source", "para"])["boilerplate_rule"]
    sent_rules = key.reindex(pd.MultiIndex.from_arrays([sentences["source"], sentences["para"]]))
    sentences["boilerplate_rule"] = sent_rules.to_numpy()
    sentences["is_boilerplate"] = sent_rules.notna().to_numpy()


def detect(corpus: Corpus) -> pd.DataFrame:
    """One candidate per contiguous run of chrome paragraphs."""
    p = corpus.paragraphs
    rows: list[dict] = []
    for source, group in p[p["is_boilerplate"]].groupby("source", sort=True):
        run: list = []
        for row in group.itertuples():
            if run and row.para != run[-1].para + 1:
                rows.append(_block(source, run))
                run = []
            run.append(row)
        if run:
            rows.append(_block(source, run))
    return candidates(rows, ["rule", "n_paragraphs"])


def _block(source: str, run: list) -> dict:
    return {"source": source, "story": run[0].story, "start": run[0].start, "end": run[-1].end,
            "subkind": "chrome", "related": [], "note": run[0].boilerplate_rule,
            "rule": run[0].boilerplate_rule, "n_paragraphs": len(run)}
