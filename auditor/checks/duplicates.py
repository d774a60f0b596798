"""duplicate_paragraph: paragraphs that repeat earlier paragraphs of the same source.

Exact copies are found by hashing normalized text; near copies with rapidfuzz, compared only
against earlier paragraphs of the same source and of similar length (the blocking key).
Consecutive repeats form one block, reported once with the first copy as related.
Features: similarity (lowest in the block), n_paragraphs, block_chars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz

from ..corpus import Corpus, candidates, related

WORDS = re.compile(r"\w+")


def normalize(text: str) -> str:
    """Lower-case words only: punctuation and spacing do not make a paragraph new."""
    return " ".join(WORDS.findall(text.lower()))


@dataclass
class Match:
    para: int
    copy_of: int
    similarity: float


def best_earlier(norms: list[str], i: int, min_ratio: float, length_slack: float,
                 window: int = 400) -> Match | None:
    """The earlier paragraph (among the last `window`) most similar to paragraph i, if similar enough."""
    target = norms[i]
    best: Match | None = None
    for j in range(max(0, i - window), i):
        other = norms[j]
        if not other or abs(len(other) - len(target)) > length_slack * max(len(other), len(target)):
            continue
        score = 100.0 if other == target else fuzz.ratio(target, other, score_cutoff=min_ratio * 100)
        if score and (best is None or score > best.similarity * 100):
            best = Match(i, j, score / 100)
            if score == 100.0:
                break
    return best


def _blocks(matches: dict[int, Match], headings: set[int]) -> list[list[Match]]:
    """Group consecutive repeats (i -> j, i+1 -> j+1, ...) into blocks."""
    blocks: list[list[Match]] = []
    for i in sorted(matches):
        m = matches[i]
        prev = blocks[-1][-1] if blocks else None
        if prev and m.para == prev.para + 1 and m.copy_of == prev.copy_of + 1:
            blocks[-1].append(m)
        else:
            blocks.append([m])
    # a block made only of repeated headings is not a duplicated paragraph
    return [b for b in blocks if any(m.para not in headings for m in b)]


def _source_candidates(paras: pd.DataFrame, cfg: dict) -> list[dict]:
    norms = [normalize(t) for t in paras["text"]]
    headings = {i for i, h in enumerate(paras["is_heading"]) if h}
    min_chars = int(cfg.get("min_chars", 40))
    matches: dict[int, Match] = {}
    first_seen: dict[str, int] = {}
    for i, norm in enumerate(norms):
        if not norm or (len(norm) < min_chars and i not in headings):
            continue
        if norm in first_seen:  # exact copies by hash: no pairwise work
            matches[i] = Match(i, first_seen[norm], 1.0)
            continue
        first_seen[norm] = i
        if len(norm) >= min_chars:
            m = best_earlier(norms, i, float(cfg.get("min_ratio", 0.8)), float(cfg.get("length_slack", 0.25)),
                             int(cfg.get("max_compare", 400)))
            if m:
                matches[i] = m
    rows = []
    starts, ends = paras["start"].tolist(), paras["end"].tolist()
    source, story = paras["source"].iat[0], paras["story"].iat[0]
    for block in _blocks(matches, headings):
        body = [m for m in block if m.para not in headings] or block
        first, last = block[0], block[-1]
        similarity = min(m.similarity for m in body)
        rows.append({
            "source": source, "story": story, "start": starts[first.para], "end": ends[last.para],
            "subkind": "exact" if similarity >= 1.0 else "near",
            "related": [related(source, starts[first.copy_of], ends[last.copy_of])],
            "note": f"{len(block)} paragraph(s)",
            "similarity": round(similarity, 4), "n_paragraphs": len(block),
            "block_chars": ends[last.para] - starts[first.para],
        })
    return rows


def detect(corpus: Corpus) -> pd.DataFrame:
    """Candidate repeated blocks of every source."""
    cfg = corpus.config.check("duplicate_paragraph")
    rows: list[dict] = []
    paras = corpus.paragraphs[~corpus.paragraphs["is_boilerplate"]]
    for _, group in paras.groupby("source", sort=True):
        rows.extend(_source_candidates(group.reset_index(drop=True), cfg))
    return candidates(rows, ["similarity", "n_paragraphs", "block_chars"])
