"""Per-source metrics for the score: corroboration, attribution, transparency, independence.

`source_metrics` returns, per source id, the numbers the share and presence components of
expectations/scoring.yaml read: claims, corroborated_claims, sentences, attributed_sentences,
dateline, byline, named_sources, syndicated_with (the first MAX_SYNDICATED_LISTED sources, by id,
of its independence group) and syndicated_count (how many other sources the group holds).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .checks.allegation import language
from .checks.conflicts import corroboration
from .checks.duplicates import normalize
from .corpus import Corpus, UnionFind
from .frames import distinct_values
from .text import memo_by_text

MAX_SYNDICATED_LISTED = 20
"""Sources of a source's group listed by name in scores.json; the rest are counted (syndicated_count)."""


def independence(corpus: Corpus) -> dict[str, str]:
    """source -> its independence group (the smallest source id of the group).

    Two sources of a story are one voice when they share verbatim at least `min_shared_share` of the
    sentences (of `min_sentence_words` words or more) of the one with fewer; groups are the connected
    components of that relation, so copies of copies are one voice too. See `linked_groups`.
    """
    cfg = corpus.config.check("independence")
    min_words, min_share = int(cfg.get("min_sentence_words", 8)), float(cfg.get("min_shared_share", 0.6))
    keys, story_of = _sentence_keys(corpus.sentences, min_words)
    by_story: dict[str, dict[str, frozenset[int]]] = defaultdict(dict)
    for source in sorted(keys):
        by_story[story_of[source]][source] = frozenset(keys[source])
    group = {s: s for s in corpus.texts}
    for members in by_story.values():
        group.update(linked_groups(members, min_share).groups)
    return group


def _sentence_keys(sents: pd.DataFrame, min_words: int) -> tuple[dict[str, set[int]], dict[str, str]]:
    """Per source, the hashes of its long enough non-boilerplate sentences (normalized); and its story."""
    sents = sents[~sents["is_boilerplate"]]
    keys: dict[str, set[int]] = defaultdict(set)
    story_of = dict(zip(sents["source"], sents["story"], strict=True))
    codes, texts = distinct_values(sents["text"])  # a sentence given again (wire copy) is read once
    hashes = [hash(norm) if norm.count(" ") + 1 >= min_words else None for norm in map(normalize, texts)]
    for source, code in zip(sents["source"], codes.tolist(), strict=True):
        if (key := hashes[code]) is not None:
            keys[source].add(key)
    return keys, story_of


@dataclass
class Grouping:
    """Independence groups of one story, and how many pairs of sources were compared to find them."""

    groups: dict[str, str]
    compared: int


def _min_shared(size: int, min_share: float) -> int:
    """Fewest shared sentences that make `shared / size >= min_share` (the same float test as `_linked`)."""
    need = max(0, math.floor(min_share * size) - 1)
    while need <= size and need / max(1, size) < min_share:
        need += 1
    return need


def _linked(a: frozenset[int], b: frozenset[int], min_share: float) -> bool:
    return len(a & b) / max(1, min(len(a), len(b))) >= min_share


def linked_groups(keys: dict[str, frozenset[int]], min_share: float) -> Grouping:
    """Connected components of "shares at least min_share of the smaller one's sentences", in near-linear time.

    Not every pair is compared: sources with the same sentence set are merged at once; an inverted
    index (sentence hash -> sources) gives each source its candidates, looked up only through its
    rarest sentences (prefix filter: if A, the smaller, shares t of its |A| sentences with B, any
    |A| - t + 1 of them include a shared one), and a candidate already in the source's group is not
    compared (the index keeps, per sentence, its sources bucketed by group, merged small into large).
    The result is exactly the components of the pairwise test.
    """
    names = sorted(keys)
    uf = UnionFind(len(names))
    if min_share > 1:  # not even identical sets share that much
        return Grouping(_labels(names, uf), 0)
    reps = _merge_identical([keys[n] for n in names], uf)
    if min_share <= 0:  # every two sources with a long sentence are one voice
        for i in range(1, len(names)):
            uf.union(0, i)
        return Grouping(_labels(names, uf), 0)
    sets = {r: keys[names[r]] for r in reps}
    index = _BucketIndex(sets, uf)
    compared = 0
    for a in sorted(reps, key=lambda r: len(sets[r])):
        size = len(sets[a])
        for token in index.prefix(sets[a], size - _min_shared(size, min_share) + 1):
            for members in index.foreign_buckets(token, a):
                for b in members:
                    if len(sets[b]) < size:
                        continue  # compared from b's side, b being the smaller
                    compared += 1
                    if _linked(sets[a], sets[b], min_share):
                        index.union(a, b)
                        break  # the rest of this bucket is now in a's group
    return Grouping(_labels(names, uf), compared)


def _merge_identical(sets: list[frozenset[int]], uf: UnionFind) -> list[int]:
    """Union the sources with the same sentence set; the first of each set represents it."""
    first: dict[frozenset[int], int] = {}
    for i, s in enumerate(sets):
        rep = first.setdefault(s, i)
        if rep != i:
            uf.union(rep, i)
    return list(first.values())


def _labels(names: list[str], uf: UnionFind) -> dict[str, str]:
    """source -> the smallest source id of its group."""
    label: dict[int, str] = {}
    for i, name in enumerate(names):  # names are sorted: the first seen of a group is its smallest
        label.setdefault(uf.find(i), name)
    return {name: label[uf.find(i)] for i, name in enumerate(names)}


class _BucketIndex:
    """sentence hash -> {group root: its sources holding that sentence}, kept up to date on union."""

    def __init__(self, sets: dict[int, frozenset[int]], uf: UnionFind) -> None:
        self.uf = uf
        holders: dict[int, list[int]] = defaultdict(list)
        for r, s in sets.items():
            for token in s:
                holders[token].append(r)
        self.freq = {t: len(h) for t, h in holders.items()}
        self.buckets: dict[int, dict[int, list[int]]] = {
            t: {uf.find(r): [r] for r in h} for t, h in holders.items() if len(h) > 1}
        self.tokens: dict[int, list[int]] = {uf.find(r): [t for t in s if t in self.buckets] for r, s in sets.items()}
        self.removed: dict[int, int] = defaultdict(int)  # groups merged away from a token's buckets since rebuilt

    def prefix(self, s: frozenset[int], n: int) -> list[int]:
        """The n rarest sentences of a set (fewest sources first), the only ones worth looking up."""
        if n <= 0:
            return []
        return sorted(s, key=lambda t: (self.freq[t], t))[:n]

    def foreign_buckets(self, token: int, a: int) -> list[list[int]]:
        """The sources holding `token` outside a's group, one list per group."""
        buckets = self.buckets.get(token)
        if not buckets:
            return []
        own = self.uf.find(a)
        return [members for root, members in buckets.items() if root != own]

    def union(self, a: int, b: int) -> None:
        """Merge the groups of a and b, and their buckets."""
        merged = self.uf.union(a, b)
        if merged is None:
            return
        root, gone = merged
        tokens, other = self.tokens.pop(root, []), self.tokens.pop(gone, [])
        if len(tokens) < len(other):
            tokens, other = other, tokens
        for token in other:  # each token entry moves to the bigger side: O(n log n) overall
            buckets = self.buckets[token]
            moved = buckets.pop(gone, None)
            if moved is None:
                continue
            kept = buckets.get(root, [])
            if len(kept) < len(moved):
                kept, moved = moved, kept
            kept.extend(moved)  # the shorter list into the longer: each source moves O(log n) times
            buckets[root] = kept
            self._compact(token, buckets)
        tokens.extend(other)
        self.tokens[root] = tokens

    def _compact(self, token: int, buckets: dict[int, list[int]]) -> None:
        """A dict keeps its size when keys are removed and iterating it reads every slot: a sentence held by
        200,000 sources merged into one group would cost 200,000 steps per look-up. Rebuilt once it has lost
        more groups than it holds (amortized constant per merge)."""
        self.removed[token] += 1
        if self.removed[token] > len(buckets):
            self.buckets[token] = dict(buckets)
            self.removed[token] = 0


BLANK_LINES = re.compile(r"\n\s*\n")
"""Where a text's blocks part: a named-source pattern does not match across a paragraph break."""


def _compile(patterns: list[str], flags: int = 0) -> list[re.Pattern]:
    return [re.compile(p, flags) for p in patterns]


def _transparency(corpus: Corpus) -> dict[str, dict]:
    lex = corpus.config.lexicons.get("attribution", {})
    bylines = _compile((lex.get("byline") or {}).get("patterns", []), re.IGNORECASE | re.MULTILINE)
    named = _compile((lex.get("named_source") or {}).get("patterns", []), re.MULTILINE)
    src = corpus.sources
    published = dict(zip(src["source"], src["published"], strict=True))  # dicts: no pandas lookup per source
    outlets = dict(zip(src["source"], src["outlet"], strict=True)) if "outlet" in src.columns else {}
    # a named source is named within a block of text between blank lines (a paragraph): read once per block
    named_in = memo_by_text(lambda block: any(p.search(block) for p in named))
    out = {}
    for source, text in corpus.texts.items():
        lines = [ln.strip(" -•*\t") for ln in text.splitlines() if ln.strip()]
        edges = "\n".join(lines[:6] + lines[-3:])
        outlet = outlets.get(source)
        date = published[source]
        out[source] = {
            "dateline": bool(date) and pd.notna(date),
            "byline": any(p.search(edges) for p in bylines) or (isinstance(outlet, str) and bool(outlet)),
            "named_sources": any(map(named_in, BLANK_LINES.split(text))),
        }
    return out


def _attribution(corpus: Corpus) -> dict[str, dict]:
    lang = language(corpus)
    s = corpus.sentences
    keep = s[~s["is_boilerplate"] & ~s["is_heading"]]
    counts: dict[str, dict] = {src: {"sentences": 0, "attributed_sentences": 0} for src in corpus.texts}
    codes, texts = distinct_values(keep["text"])  # a sentence given again (wire copy) is read once
    found = [None if len(text.split()) < 6 else bool(lang.cues.search(text)) for text in texts]
    counted = np.array([f is not None for f in found], dtype=bool)[codes]
    attributed = np.array([bool(f) for f in found], dtype=bool)[codes]
    by_source, sources = distinct_values(keep["source"])
    n_counted = np.bincount(by_source, weights=counted, minlength=len(sources)).astype(int).tolist()
    n_attributed = np.bincount(by_source, weights=attributed, minlength=len(sources)).astype(int).tolist()
    for source, n, a in zip(sources, n_counted, n_attributed, strict=True):
        counts[source]["sentences"] += n
        counts[source]["attributed_sentences"] += a
    return counts


def source_metrics(corpus: Corpus) -> dict[str, dict]:
    """Metrics keyed by source id."""
    independent = independence(corpus)
    corroborated = corroboration(corpus, independent)
    claims = corpus.claims
    metrics: dict[str, dict] = {s: {} for s in corpus.texts}
    for source, claim_id in zip(claims["source"], claims["claim_id"], strict=True):
        m = metrics[source]
        m["claims"] = m.get("claims", 0) + 1
        m["corroborated_claims"] = m.get("corroborated_claims", 0) + (corroborated.get(int(claim_id), 0) > 0)
    for source, values in _attribution(corpus).items():
        metrics[source].update(values)
    for source, values in _transparency(corpus).items():
        metrics[source].update(values)
    groups: dict[str, list[str]] = defaultdict(list)
    for source, group in independent.items():
        groups[group].append(source)
    for members in groups.values():
        members.sort()
    for source, group in independent.items():
        members = groups[group]  # a group of 20,000 copies: each lists a few, not 19,999 (linear output)
        metrics[source]["syndicated_with"] = [s for s in members[:MAX_SYNDICATED_LISTED + 1] if s != source][
            :MAX_SYNDICATED_LISTED]
        metrics[source]["syndicated_count"] = len(members) - 1
    return metrics
