"""Story grouping by content, for `--stories auto`: a flat folder of articles -> one label per story.

Each article becomes a set of features: named entities (capitalized words and runs of them, such as
"Kestrel City" or "Oscar Eriksen"), content words of its title and lead, figures normalized to three
significant digits ("$6.6 million" and "USD 6 600 000" agree) and day-month dates ("21 January").
Features are weighted by inverse document frequency (figures and dates count 1.5x: they tell a story
from a follow-up about the same people); features found in more than `max_df` articles are dropped.

Blocking: an inverted index on the rare names and words yields the candidate pairs and their cosine
similarity in one pass, so an article is only ever compared with articles sharing a rare feature; the
cost is the sum of squared posting lengths (bounded by max_df x the number of features), near linear.
Gray-zone pairs whose titles are near-identical (rapidfuzz token_sort_ratio) are lifted to the
threshold. Groups are then merged by average linkage: two groups join only when their mean pairwise
similarity (a pair that is no candidate counts as zero) reaches the threshold, so one stray link
cannot chain two stories together.

Labels are `<prefix>/<smallest source id of the group>`: deterministic, and stable when unrelated
articles are added. Skipped rows keep their story.
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from .extract.dates import extract_dates
from .extract.figures import extract_figures
from .text import default_vocabulary

ENTITY_RUN = re.compile(r"[A-Z][\w’'&-]*[\w](?:[ \t]+(?:of[ \t]+|for[ \t]+|and[ \t]+|de[ \t]+)?[A-Z][\w’'&-]*[\w])*")
WORD = re.compile(r"[a-z][a-z’'-]{3,}")
CONNECTORS = ("of", "for", "and", "de")
# Capitalized at the start of a sentence without being a name: stopwords, and these.
OPENERS = frozenset(
    "however meanwhile despite today yesterday officials critics analysts experts investors shares users residents "
    "lawmakers supporters opponents one two three".split()
)
STARTS = frozenset({". ", "! ", "? ", "- ", "• ", "* ", "\" ", "” ", ": "})
LEAD_CHARS = 400
DEFAULT_THRESHOLD = 0.35
MAX_DF = 50  # features in more articles than this (or 0.5% of them) are too common to tell stories apart
GRAY_ZONE = 0.5  # pairs below threshold * GRAY_ZONE are dropped; above it they count in group averages
TITLE_MATCH = 92  # rapidfuzz token_sort_ratio of two titles that makes them the same headline
BACKGROUND = 50  # see _idf
FACT_MARKS = "#@"  # feature prefixes of figures and dates
FACT_WEIGHT = 1.5  # figures and dates: the facts that tell one story from a follow-up about the same people


def _figures(text: str) -> Iterable[str]:
    """Figures (auditor.extract) as three-significant-digit values: 6.6 million, 6,600,000 and 6 600 000 agree."""
    for f in extract_figures(text):
        if abs(f.value) >= 10:
            yield f"#{f.value:.3g}"


def _dates(text: str) -> Iterable[str]:
    """Day-and-month mentions (auditor.extract: "21 January", "Jan. 21, 2025"), year left out: outlets differ."""
    for d in extract_dates(text):
        if d.month and d.day:
            yield f"@{d.month}-{d.day}"


def _entities(text: str) -> Iterable[str]:
    """Capitalized words and multi-word names, lower-cased (a run yields its words and the whole run).

    A run's first word is dropped when it only wears a capital for starting a sentence ("The",
    "Critics"): a common starter, or a word the article also writes in lower case.
    """
    lower = None
    for m in ENTITY_RUN.finditer(text):
        words = m.group().lower().split()
        if m.start() == 0 or text[m.start() - 1] in "\n\"“(" or text[max(0, m.start() - 2):m.start()] in STARTS:
            if lower is None:
                lower = set(WORD.findall(text))
            while words and (words[0] in _starters() or words[0] in lower):
                words = words[1:]
                while words and words[0] in CONNECTORS:
                    words = words[1:]
        yield from (w for w in words if w not in CONNECTORS)
        if len(words) > 1:
            yield " ".join(words)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """Words of no use to tell stories apart: stopwords and unit words ("years", "dollars")."""
    vocab = default_vocabulary()
    return vocab.stopwords | vocab.unit_words()


@lru_cache(maxsize=1)
def _starters() -> frozenset[str]:
    return default_vocabulary().stopwords | OPENERS


def _lead(text: str, title: str | None) -> str:
    return f"{title or ''} {text[:LEAD_CHARS]}"


def features(text: str, title: str | None = None) -> set[str]:
    """The features of one article: entities and figures of the whole text, words of title and lead."""
    feats = {f"e:{e}" for e in _entities(text)} | set(_figures(text)) | set(_dates(text))
    stop = _stopwords()
    feats |= {f"w:{w}" for w in WORD.findall(_lead(text, title).lower()) if w not in stop}
    return feats


def _idf(feature: str, df: int, n: int) -> float:
    """Inverse document frequency; names, figures and dates count as rare in a background of at least
    BACKGROUND articles, so that a handful of articles can still be grouped (two articles sharing a
    name and a figure are one story), while plain words need a real corpus to tell them apart."""
    if feature[0] == "w":
        return math.log(n / df)
    return math.log(max(n, BACKGROUND) / df) * (FACT_WEIGHT if feature[0] in FACT_MARKS else 1.0)


def _weights(docs: list[set[str]], max_df: int) -> list[dict[str, float]]:
    """IDF weights of each document's informative features, L2-normalized (df 2..max_df only)."""
    df = Counter(f for d in docs for f in d)
    n = len(docs)
    out = []
    for d in docs:
        w = {f: _idf(f, df[f], n) for f in d if 2 <= df[f] <= max_df}
        norm = math.sqrt(sum(x * x for x in w.values())) or 1.0
        out.append({f: x / norm for f, x in w.items()})
    return out


def candidate_similarities(weights: list[dict[str, float]], floor: float = 0.0) -> dict[tuple[int, int], float]:
    """Cosine similarity (>= floor) of every pair sharing a rare name or word, through an inverted index.

    Document at a time, so only the kept pairs are ever stored. Figures and dates are too common in a
    big corpus to block on ("21 January" recurs every year): they only add to pairs found otherwise.
    """
    postings: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    facts: list[dict[str, float]] = []
    for i, w in enumerate(weights):
        facts.append({f: x for f, x in w.items() if f[0] in FACT_MARKS})
        for f, x in w.items():
            if f[0] not in FACT_MARKS:
                ids, xs = postings[f]
                ids.append(i)
                xs.append(x)
    sims: dict[tuple[int, int], float] = {}
    for i, w in enumerate(weights):
        acc: dict[int, float] = defaultdict(float)
        for f, x in w.items():
            if f[0] not in FACT_MARKS:
                ids, xs = postings[f]
                for k in range(bisect_right(ids, i), len(ids)):
                    acc[ids[k]] += x * xs[k]
        for j, dot in acc.items():
            fi, fj = (facts[i], facts[j]) if len(facts[i]) <= len(facts[j]) else (facts[j], facts[i])
            dot += sum(x * fj[f] for f, x in fi.items() if f in fj)
            if dot >= floor:
                sims[(i, j)] = dot
    return sims


def _refine(sims: dict[tuple[int, int], float], titles: list[str], threshold: float) -> dict[tuple[int, int], float]:
    """Gray-zone pairs (some shared rare features) with near-identical titles (rapidfuzz) reach the threshold."""
    out = {}
    for (i, j), s in sims.items():
        if threshold * GRAY_ZONE <= s < threshold and titles[i] and titles[j] \
                and fuzz.token_sort_ratio(titles[i], titles[j], score_cutoff=TITLE_MATCH):
            s = threshold
        if s >= threshold * GRAY_ZONE:
            out[(i, j)] = s
    return out


def average_linkage(n: int, sims: dict[tuple[int, int], float], threshold: float) -> list[int]:
    """Group ids by agglomerative merging: the best pair of groups by mean similarity, while >= threshold."""
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    links: dict[int, dict[int, float]] = defaultdict(dict)
    for (i, j), s in sims.items():
        links[i][j] = links[j][i] = s
    heap = [(-s, i, j) for (i, j), s in sims.items() if s >= threshold]
    heapq.heapify(heap)
    alive = set(range(n))
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in alive or b not in alive:
            continue
        if not math.isclose(links[a].get(b, 0.0) / (len(members[a]) * len(members[b])), -neg):
            continue  # stale: the groups changed since this entry was pushed
        _merge(a, b, members, links, alive, heap, threshold)
    group = [0] * n
    for g, items in members.items():
        for i in items:
            group[i] = g
    return group


def _merge(a: int, b: int, members: dict[int, list[int]], links: dict[int, dict[int, float]], alive: set[int],
           heap: list, threshold: float) -> None:
    """Merge group b into a; link sums are totals, so averages stay exact."""
    alive.discard(b)
    members[a] += members.pop(b)
    for c, s in links.pop(b).items():
        links[c].pop(b, None)
        if c != a:
            links[a][c] = links[a].get(c, 0.0) + s
            links[c][a] = links[a][c]
    links[a].pop(b, None)
    size_a = len(members[a])
    for c, total in links[a].items():
        mean = total / (size_a * len(members[c]))
        if mean >= threshold:
            heapq.heappush(heap, (-mean, min(a, c), max(a, c)))


def group_texts(texts: list[str], titles: list[str | None] | None = None, threshold: float = DEFAULT_THRESHOLD,
                max_df: int | None = None) -> list[int]:
    """A group id per text (ids are arbitrary; see assign_stories for stable labels)."""
    titles = titles or [None] * len(texts)
    docs = [features(t, h) for t, h in zip(texts, titles, strict=True)]
    max_df = max_df or max(MAX_DF, len(texts) // 200)
    sims = candidate_similarities(_weights(docs, max_df), threshold * GRAY_ZONE)
    heads = [(h or t[:120]).lower() for t, h in zip(texts, titles, strict=True)]
    return average_linkage(len(texts), _refine(sims, heads, threshold), threshold)


def assign_stories(sources: pd.DataFrame, prefix: str = "auto", threshold: float = DEFAULT_THRESHOLD) -> pd.Series:
    """A story label per row of the `sources` frame: `<prefix>/<first source id of the group>`.

    Only audited rows are grouped; skipped rows keep their `story`. The result is index-aligned.
    """
    labels = sources["story"].copy()
    audited = sources[sources["status"] == "audited"]
    audited = audited.iloc[np.argsort(audited["source"].astype(str).to_numpy(), kind="stable")]
    if audited.empty:
        return labels
    titles = [t if isinstance(t, str) else None for t in audited["title"]]
    groups = group_texts(audited["text"].astype(str).tolist(), titles, threshold)
    ids = audited["source"].astype(str).tolist()
    first: dict[int, str] = {}
    for g, sid in zip(groups, ids, strict=True):
        first[g] = min(first.get(g, sid), sid)
    labels.loc[audited.index] = [f"{prefix}/{first[g]}" for g in groups]
    return labels


def adjusted_rand_index(truth: Iterable, predicted: Iterable) -> float:
    """Adjusted Rand index of two labelings (1.0: identical partitions), via a sparse contingency table."""
    _, a = np.unique(np.asarray(list(truth), dtype=object).astype(str), return_inverse=True)
    _, b = np.unique(np.asarray(list(predicted), dtype=object).astype(str), return_inverse=True)
    n = len(a)
    if n < 2:
        return 1.0

    def pairs(counts: np.ndarray) -> float:
        counts = counts.astype(np.float64)
        return float((counts * (counts - 1) / 2).sum())

    joint = pairs(np.unique(a.astype(np.int64) * (b.max() + 1) + b, return_counts=True)[1])
    rows, cols = pairs(np.bincount(a)), pairs(np.bincount(b))
    expected = rows * cols / (n * (n - 1) / 2)
    best = (rows + cols) / 2
    return 1.0 if best == expected else (joint - expected) / (best - expected)
