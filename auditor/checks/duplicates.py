"""duplicate_paragraph: paragraphs that repeat earlier paragraphs of the same source.

Exact copies are found by hashing normalized text; near copies with rapidfuzz, compared only
against earlier paragraphs of the same source of similar length that share at least half of the
long words of the one with fewer (blocking: `LongWords`; a near copy keeps most of its long words).
Consecutive repeats form one block, reported once with the first copy as related.
Sentences given twice (a quote, a caption or a standfirst repeated, within a paragraph or across
paragraphs) are subkind `sentence`: n_paragraphs 0, n_sentences the run of repeated sentences;
a sentence inside a paragraph already reported as a repeat is not reported again, nor chrome.
Features: similarity (lowest in the block), n_paragraphs, n_sentences, block_chars.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import pandas as pd
from rapidfuzz import fuzz

from ..corpus import Corpus, candidates, related
from ..frames import columns_by

WORDS = re.compile(r"\w+")


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """Lower-case words only: punctuation and spacing do not make a paragraph new. Cached: wire copy
    and a story's sources share many paragraphs."""
    return " ".join(WORDS.findall(text.lower()))


@dataclass
class Match:
    para: int
    copy_of: int
    similarity: float


def best_earlier(norms: list[str], i: int, min_ratio: float, length_slack: float,
                 window: int = 400, earlier: list[int] | None = None) -> Match | None:
    """The earlier paragraph (among the last `window`) most similar to paragraph i, if similar enough.
    `earlier` narrows the paragraphs compared (blocking)."""
    target = norms[i]
    best: Match | None = None
    for j in earlier if earlier is not None else range(max(0, i - window), i):
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


def _source_candidates(source: str, paras: dict[str, list], cfg: dict) -> list[dict]:
    """Repeated paragraph blocks of one source (paras: its paragraphs' columns)."""
    norms = [normalize(t) for t in paras["text"]]
    headings = {i for i, h in enumerate(paras["is_heading"]) if h}
    min_chars = int(cfg.get("min_chars", 40))
    matches: dict[int, Match] = {}
    first_seen: dict[str, int] = {}
    window = int(cfg.get("max_compare", 400))
    index = LongWords(window)
    for i, norm in enumerate(norms):
        earlier = index.add(i, norm) if norm else None
        if not norm or (len(norm) < min_chars and i not in headings):
            continue
        if norm in first_seen:  # exact copies by hash: no pairwise work
            matches[i] = Match(i, first_seen[norm], 1.0)
            continue
        first_seen[norm] = i
        if len(norm) >= min_chars:
            m = best_earlier(norms, i, float(cfg.get("min_ratio", 0.8)), float(cfg.get("length_slack", 0.25)),
                             window, earlier)
            if m:
                matches[i] = m
    rows = []
    starts, ends, story = paras["start"], paras["end"], paras["story"][0]
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


def best_earlier_sentence(norms: list[str], i: int, min_ratio: float, window: int = 400,
                          earlier: list[int] | None = None) -> Match | None:
    """The earlier sentence most like sentence i: the whole of it, or (when one is at least half the other's
    length) the shorter given again inside the longer ("The regulator ordered X." and "The regulator
    ordered X, the statement said."). `earlier` narrows the sentences compared (blocking)."""
    target, best = norms[i], None
    for j in earlier if earlier is not None else range(max(0, i - window), i):
        other = norms[j]
        short, long_ = sorted((len(other), len(target)))
        if not other or short < SHORTER_SHARE * long_:
            continue
        score = fuzz.ratio(target, other, score_cutoff=min_ratio * 100)
        if short < long_:
            score = max(score, fuzz.partial_ratio(target, other, score_cutoff=min_ratio * 100))
        if score and (best is None or score > best.similarity * 100):
            best = Match(i, j, score / 100)
    return best


QUOTE = re.compile(r"[\"“]([^\"“”]{20,})[\"”]")


def _quote_matches(texts: list[str], min_chars: int) -> dict[int, Match]:
    """Sentences that give again a quotation of an earlier sentence, word for word (whatever the attribution)."""
    seen: dict[str, int] = {}
    found: dict[int, Match] = {}
    for i, text in enumerate(texts):
        for quote in QUOTE.findall(text):
            norm = normalize(quote)
            if len(norm) < min_chars:
                continue
            if norm in seen and seen[norm] != i:
                found.setdefault(i, Match(i, seen[norm], 1.0))
            seen.setdefault(norm, i)
    return found


BLOCK_WORD_CHARS = 6
BLOCK_SHARED_SHARE = 0.5
"""Sentences are compared only with earlier ones sharing at least this share of the long words (this
many characters or more) of the one with fewer: sentences alike enough to be a repeat share most of
their long words. A sentence without a long word is compared with every earlier one."""
SHORTER_SHARE = 0.5
"""A sentence is compared with one at most twice its length (a standfirst repeated inside a longer one)."""


@lru_cache(maxsize=1 << 16)
def long_words(norm: str) -> frozenset[str]:
    """The words of BLOCK_WORD_CHARS characters or more of a normalized text (cached: texts recur)."""
    return frozenset(w for w in norm.split() if len(w) >= BLOCK_WORD_CHARS)


class LongWords:
    """Blocking for near copies: the earlier texts that share enough long words with a new one.

    Up to INDEX_FROM texts, each new one is intersected with the earlier ones (set intersections in C,
    the common case: an article's paragraphs); beyond, an inverted index (long word -> texts) counts
    what each earlier text shares, so a source of thousands of paragraphs stays linear."""

    INDEX_FROM = 64

    def __init__(self, window: int) -> None:
        self.window = window
        self.texts: list[tuple[int, frozenset[str]]] = []  # (text, its long words), in order
        self.by_word: dict[str, list[int]] | None = None  # long word -> earlier texts holding it, once indexed
        self.n_long: dict[int, int] = {}  # text -> how many long words it has

    def add(self, i: int, norm: str) -> list[int] | None:
        """Index text i; return the earlier texts (in the window) it is to be compared with, in order,
        or None when it has no long word (then it is compared with every earlier one)."""
        words = long_words(norm)
        shared = self._shared(words)
        self._index(i, words)
        if not words:
            return None
        floor, need = i - self.window, BLOCK_SHARED_SHARE * len(words)
        return sorted(j for j, n in shared if j >= floor and (n >= need or n >= BLOCK_SHARED_SHARE * self.n_long[j]))

    def _shared(self, words: frozenset[str]) -> list[tuple[int, int]]:
        """(earlier text, how many of these long words it holds), for those holding at least one."""
        if not words:
            return []
        if self.by_word is None:
            return [(j, n) for j, held in self.texts if (n := len(words & held))]
        return list(Counter(chain.from_iterable(self.by_word.get(w, ()) for w in words)).items())

    def _index(self, i: int, words: frozenset[str]) -> None:
        self.n_long[i] = len(words)
        if self.by_word is None:
            self.texts.append((i, words))
            if len(self.texts) <= self.INDEX_FROM:
                return
            self.by_word = {}
            for j, held in self.texts:
                for w in held:
                    self.by_word.setdefault(w, []).append(j)
            return
        for w in words:
            self.by_word.setdefault(w, []).append(i)


def _sentence_candidates(source: str, sents: dict[str, list], repeated_paras: set[int], cfg: dict) -> list[dict]:
    """Runs of sentences that repeat earlier sentences of the same source (not in repeated paragraphs)."""
    norms = [normalize(t) for t in sents["text"]]
    min_chars = int(cfg.get("sentence_min_chars", 40))
    paras = sents["para"]
    matches: dict[int, Match] = {}
    first_seen: dict[str, int] = {}
    window = int(cfg.get("max_compare", 400))
    index = LongWords(window)
    for i, norm in enumerate(norms):
        if len(norm) < min_chars:
            continue
        if norm in first_seen:
            matches[i] = Match(i, first_seen[norm], 1.0)
            continue
        first_seen[norm] = i
        m = best_earlier_sentence(norms, i, float(cfg.get("min_ratio", 0.8)), window, index.add(i, norm))
        if m:
            matches[i] = m
    matches = _quote_matches(sents["text"], min_chars) | matches
    kept = {i: m for i, m in matches.items() if paras[i] not in repeated_paras}
    starts, ends, story = sents["start"], sents["end"], sents["story"][0]
    rows = []
    for block in _blocks(kept, set()):
        first, last = block[0], block[-1]
        similarity = min(m.similarity for m in block)
        rows.append({
            "source": source, "story": story, "start": starts[first.para], "end": ends[last.para],
            "subkind": "sentence", "related": [related(source, starts[first.copy_of], ends[last.copy_of])],
            "note": f"{len(block)} sentence(s)", "similarity": round(similarity, 4), "n_paragraphs": 0,
            "n_sentences": len(block), "block_chars": ends[last.para] - starts[first.para],
        })
    return rows


def _repeated_paragraphs(rows: list[dict], paras: dict[str, list]) -> set[int]:
    """Paragraph numbers covered by paragraph candidates (their sentences are not reported again)."""
    spans = [(r["start"], r["end"]) for r in rows]
    return {p for p, s, e in zip(paras["para"], paras["start"], paras["end"], strict=True)
            if any(lo <= s and e <= hi for lo, hi in spans)}


def detect(corpus: Corpus) -> pd.DataFrame:
    """Candidate repeated blocks of every source, and repeated sentences outside them."""
    cfg = corpus.config.check("duplicate_paragraph")
    rows: list[dict] = []
    paras = corpus.paragraphs[~corpus.paragraphs["is_boilerplate"]]
    sents = corpus.sentences[~corpus.sentences["is_boilerplate"]]
    by_source = columns_by(sents, "source", ["story", "para", "start", "end", "text"])
    para_groups = columns_by(paras, "source", ["story", "para", "start", "end", "text", "is_heading"])
    for source in sorted(para_groups):
        group = para_groups[source]
        found = _source_candidates(source, group, cfg)
        for row in found:
            row["n_sentences"] = 0
        rows.extend(found)
        if source in by_source:
            rows.extend(_sentence_candidates(source, by_source[source], _repeated_paragraphs(found, group), cfg))
    return candidates(rows, ["similarity", "n_paragraphs", "n_sentences", "block_chars"])
