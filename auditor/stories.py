"""Story grouping by content, for `--stories auto`: a flat folder of articles -> one label per story.

Grouping follows the event, not the wording. Each article becomes a bag of features: named entities
(capitalized words in any Latin-script language, accents folded: "Marrakech", "Milei"), bare numbers
at two significant digits in any notation ("2,946", "2.946" and "2946" agree; "$26.04 billion" and
"26 milliards" agree), years, match scores ("3-3"), day-month dates, and the content words of the
title and lead. Features are weighted by TF-IDF in the run (scikit-learn), times a weight per kind
(`stories` in expectations/checks.yaml): names and figures cross languages, plain words do not.

Every feature counts in an article's norm, also those no other article has: two articles sharing
only a company name and a deal value, each with names and figures of its own, stay far apart.
Candidate pairs come from the sparse product of the TF-IDF matrix restricted to features found in
at most `max_df` articles (or `max_df_share` of them; an inverted index in effect), so an article
is only compared with articles sharing a rare feature, and from keys of the title and lead, each
name paired with each figure or date there, when two articles share `key_min_shared` of them
(a company name and a figure can each be common in a big run while the pair is not).

Two events of one company or place stay apart by signs that lower a pair's cosine by
`conflict_penalty` each: a headline money figure that the other article never mentions (two fines,
two quarters' revenue), publication dates further apart than `window_days`, and kinds of event
(lexicons/stories.yaml `event_kinds`: a resignation, a sentencing, a closing) that one article's
title and first sentence name and the other article (same language) never does, both ways, or
when each of the two leads names a kind the other lead lacks (a sentencing against a verdict). Soft,
so one outlet's wrong figure does not split its story. Groups are merged by average linkage; then
groups whose languages differ join when the centroids of their names, figures and dates meet
(`group_threshold`): the French and the English reports of one earthquake.

In languages that capitalize every noun (lexicons/stories.yaml `capitalized_nouns`: German), a
capitalized word is a name only when an article of another language in the run has it too. A kind of
event named right after a prospect's words (`prospects`: "one step closer to completing") is not named.
Names alone link no pair: a pair of articles in two languages, or one linked by the cosine of names,
figures and dates alone, must share a figure, date, year or score (every event of a person or a place
shares its names; a farewell party and the resignation before it).
A lead's kinds leave out what it quotes: a speaker's "the promise on which I was elected" names no
election.
Average linkage only ever merges inside the connected components of the links >= threshold, so links
between components are dropped before it (same groups, less work).

Publication dates are spans: "2023-09" is any day of that month, so it never conflicts with
"2023-09-10". Dates in the text are read in the article's language ("8 septembre").

Labels are `<prefix>/<slug of the story's top shared term>` (a numeric suffix when two stories share
it), deterministic; `story_terms` gives the terms that tied each story together. Skipped rows keep
their story.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import yaml
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from .config import default_dir
from .extract.dates import extract_dates
from .extract.figures import extract_figures
from .text import default_vocabulary, stem

TOKEN = re.compile(r"[^\W\d_][\w’'-]*[^\W_]|[^\W\d_]")
NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
SCORE_TAIL = re.compile(r" ?[-–] ?(\d{1,2})(?![\d.,%])")  # after a number of one or two digits: a match score
YEAR = re.compile(r"(?<![\d.,])(19[5-9]\d|20\d\d)(?![\d.,])")
SKELETON_CHARS = 3  # consonants of a name's skeleton: Morocco, Maroc, Marokko, Marruecos -> "mrk"
SENTENCE_END = re.compile(r"[.!?](?=\s)")
Span = tuple[dt.date, dt.date]  # first and last day an article can have been published
KINDS = {"k": "namekey", "e": "entity", "n": "figure", "d": "date", "y": "year", "s": "score", "w": "word"}


@dataclass(frozen=True)
class StorySettings:
    """Thresholds of story grouping (the `stories` section of expectations/checks.yaml)."""

    threshold: float = 0.24  # mean TF-IDF cosine two groups need to merge
    max_df: int = 50  # features in more articles than this (or max_df_share of them) do not block
    max_df_share: float = 0.012
    key_max_df: int = 50  # name-with-figure keys of the lead in at most this many articles propose pairs ...
    key_min_shared: int = 2  # ... when two articles share at least this many of them
    lead_chars: int = 400  # the lead: words of the title and these first characters count
    window_days: int = 7  # articles published further apart than this are different events
    language_free: float = 0.8  # cosine over names, figures and dates alone counts this much (other languages)
    group_threshold: float = 0.2  # (1.0: off) centroid cosine for groups of other languages to join afterwards
    group_min_size: int = 1  # ... each of at least this many articles
    conflict_penalty: float = -0.3  # added to a pair's cosine per sign of two events
    top_terms: int = 8  # terms reported per story
    weights: Mapping[str, float] = field(default_factory=lambda: {
        "namekey": 0.5, "entity": 1.0, "figure": 1.5, "date": 1.5, "year": 1.0, "score": 1.0, "word": 0.5})

    @classmethod
    def from_config(cls, section: Mapping[str, Any] | None) -> StorySettings:
        """Settings from a checks.yaml `stories` mapping; missing keys keep their defaults."""
        section = dict(section or {})
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in section.items() if k in known}
        if "weights" in values:
            values["weights"] = {**cls().weights, **values["weights"]}
        return cls(**values)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower case without accents: "Marrakech" and "MARRAKECH", "Népal" and "Nepal" agree."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).lower()


def skeleton(word: str) -> str:
    """Consonant skeleton of a name across spellings: Morocco, Maroc, Marokko -> "mrk"."""
    w = re.sub(r"ck|qu|[cqkg]", "k", word)
    w = re.sub(r"[aeiouyhw’'-]", "", w)
    w = re.sub(r"(.)\1+", r"\1", w)
    return w[:SKELETON_CHARS]


def number_key(digits: str) -> str | None:
    """Two significant digits of a written number, whatever its separators: 2,946 / 2.946 / 2946 -> "29"."""
    d = re.sub(r"\D", "", digits).lstrip("0").rstrip("0")
    if len(d) <= 2:
        return d or None
    return str(round(int(d[:3]) / 10)).rstrip("0")


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    """expectations/lexicons/stories.yaml: the kinds of event, prospects, languages that capitalize nouns."""
    return yaml.safe_load((default_dir() / "lexicons" / "stories.yaml").read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    vocab = default_vocabulary()
    return frozenset(vocab.stopwords | vocab.unit_words() | vocab.other_function_words)


@lru_cache(maxsize=8)
def _event_kinds(language: str) -> tuple[dict[str, set[str]], list[tuple[str, tuple[str, ...]]]]:
    """For one language (empty when not listed): the one-word entries as stem -> kinds of event, and the
    phrases as (kind, tuple of stems)."""
    kinds = (_lexicon().get("event_kinds") or {}).get(language) or {}
    single: dict[str, set[str]] = defaultdict(set)
    phrases: list[tuple[str, tuple[str, ...]]] = []
    for kind, entries in kinds.items():
        for entry in entries:
            words = tuple(stem(w) for w in TOKEN.findall(str(entry)))
            if len(words) == 1:
                single[words[0]].add(kind)
            elif words:
                phrases.append((kind, words))
    return dict(single), phrases


@lru_cache(maxsize=8)
def _phrase_words(language: str) -> tuple[frozenset[str], ...]:
    """The stems of each phrase of `_event_kinds(language)`, as a set."""
    return tuple(frozenset(p) for _, p in _event_kinds(language)[1])


def _positions(tokens: list[str], word: str) -> Iterable[int]:
    """Where a word occurs in a list of words (list.index: a C loop)."""
    i = -1
    while True:
        try:
            i = tokens.index(word, i + 1)
        except ValueError:
            return
        yield i


@lru_cache(maxsize=8)
def _prospect_phrases(language: str) -> tuple[str, ...]:
    """Each prospect of the language as its words between single spaces, with a space each side."""
    return tuple(sorted({f" {' '.join(p)} " for ps in _prospects(language).values() for p in ps}))


@lru_cache(maxsize=8)
def _prospects(language: str) -> dict[str, list[tuple[str, ...]]]:
    """Words before a kind of event that make it a prospect, not the event (lexicons/stories.yaml
    `prospects`), as tuples of lower-case words, by their last word."""
    out: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for e in (_lexicon().get("prospects") or {}).get(language) or []:
        words = tuple(w.lower() for w in TOKEN.findall(str(e)))
        if words:
            out[words[-1]].append(words)
    return dict(out)


def event_kinds(text: str | list[str], language: str = "en") -> frozenset[str]:
    """The kinds of event (stories.yaml `event_kinds`) a text (or its TOKEN words) names:
    "The minister resigns" -> {"resignation"}. A kind named only as a prospect ("one step closer to
    completing the deal": `prospects`) is not named."""
    single, phrases = _event_kinds(language)
    if not single and not phrases:
        return frozenset()
    tokens = TOKEN.findall(text) if isinstance(text, str) else text
    stems = {w: stem(w) for w in set(tokens)}
    words = set(stems.values())
    found = {kind for w in words & single.keys() for kind in single[w]}
    joined = None
    for (kind, phrase), needed in zip(phrases, _phrase_words(language), strict=True):
        if kind in found or not needed <= words:
            continue
        joined = joined or f" {' '.join(map(stems.__getitem__, tokens))} "
        if f" {' '.join(phrase)} " in joined:
            found.add(kind)
    prospects = _prospects(language)
    if not found or not prospects:
        return frozenset(found)
    spaced = f" {' '.join(tokens).lower()} "
    if not any(p in spaced for p in _prospect_phrases(language)):
        return frozenset(found)
    starts: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for kind, phrase in phrases:
        starts[phrase[0]].append((kind, phrase))
    bearing = {w for w, s in stems.items() if s in single or s in starts}
    named: set[str] = set()
    for i in sorted(i for w in bearing for i in _positions(tokens, w)):
        s = stems[tokens[i]]
        kinds = set(single.get(s, ())) | {kind for kind, p in starts.get(s, ())
                                          if tuple(stems[w] for w in tokens[i:i + len(p)]) == p}
        if kinds - named and not (i and any(i >= len(p) and tuple(w.lower() for w in tokens[i - len(p):i]) == p
                                            for p in prospects.get(tokens[i - 1].lower(), ()))):
            named |= kinds
            if named >= found:
                break
    return frozenset(named)


@lru_cache(maxsize=200_000)
def _name(word: str) -> tuple[str, str] | None:
    """(folded name, its skeleton) of a capitalized word that can be a name, else None."""
    f = re.sub(r"[’']s$", "", fold(word))
    if len(f) < 3 or f in _stopwords():
        return None
    return f, skeleton(f)


def _entities(tokens: list[str]) -> list[str]:
    """Capitalized words that are names: not function words, not written in lower case elsewhere. Each
    distinct word is judged once; every use of a name counts."""
    distinct = set(tokens)
    lower = {fold(w) for w in distinct if w[0].islower()}
    features: dict[str, tuple[str, str]] = {}
    for w in distinct:
        if w[0].isupper():
            name = _name(w)
            if name and (w.isupper() or name[0] not in lower):
                features[w] = ("e:" + name[0], "k:" + name[1])
    return [f for w in tokens if w in features for f in features[w]]


@lru_cache(maxsize=200_000)
def _number(written: str) -> str | None:
    key = None if YEAR.fullmatch(written) else number_key(written)
    return "n:" + key if key and len(key) >= 2 else None


def _facts(text: str, language: str = "en", lead_end: int = 0, lead: list[str] | None = None) -> Iterable[str]:
    """Years, match scores, bare numbers (>= 2 significant digits) and day-month dates, in one pass over
    the numbers; the figures and dates before `lead_end` also go to `lead`."""
    for m in NUMBER.finditer(text):
        written = m.group()
        if YEAR.fullmatch(written):
            yield "y:" + written
            continue
        if len(written) <= 2:
            score = SCORE_TAIL.match(text, m.end())
            if score:
                yield f"s:{written}-{score.group(1)}"
        key = _number(written)
        if key:
            if lead is not None and m.start() < lead_end:
                lead.append(key[2:])
            yield key
    for d in extract_dates(text, language=language):
        if d.month and d.day:
            if lead is not None and d.start < lead_end:
                lead.append(f"{d.month}-{d.day}")
            yield f"d:{d.month}-{d.day}"


def features(text: str, title: str | None = None, lead_chars: int = StorySettings.lead_chars,
             language: str = "en", keys: list[str] | None = None, tokens: list[str] | None = None) -> list[str]:
    """The features of one article (with repeats: term frequency counts, sublinearly).

    `tokens`, when given, are the TOKEN words of the title and text (shared with `event_of`).

    `keys`, when given, receives the blocking keys of the title and lead: each name (its skeleton)
    paired with each figure and date there. "Goldcrest" with 67.8 million proposes the pair of two
    reports of one settlement even when the name and the figure, each alone, are too common in the
    run to block on."""
    full = f"{title or ''}\n{text}"
    lead_end = len(title or "") + 1 + lead_chars
    stop = _stopwords()
    tokens = TOKEN.findall(full) if tokens is None else tokens
    lead_tokens = TOKEN.findall(full[:lead_end])
    lead_facts: list[str] = []
    out = [*_entities(tokens), *_facts(full, language, lead_end, lead_facts)]
    out += ["w:" + w for w in map(fold, lead_tokens) if len(w) >= 4 and w not in stop]
    if keys is not None and lead_facts:
        found = set(out)
        names = {name[1] for w in lead_tokens if w[0].isupper() and (name := _name(w)) and "k:" + name[1] in found}
        facts = set(lead_facts)
        keys.extend(f"{a}|{b}" for a in names for b in facts)
    return out


def lead_money(text: str, title: str | None, lead_chars: int = 300) -> frozenset[str]:
    """Money figures of the title and lead (the fine, the revenue, the price) at two significant digits."""
    return frozenset(f"{f.value:.2g}" for f in extract_figures(f"{title or ''}\n{text[:lead_chars]}")
                     if f.kind == "money" and f.value >= 1e5)


def first_sentence(text: str, title: str | None, limit: int = 300) -> str:
    """The title and the first sentence of the text (at most `limit` characters of it): what happened."""
    body = text.strip()[:limit]
    end = SENTENCE_END.search(body)
    return f"{title or ''}\n{body[:end.start() + 1] if end else body}"


QUOTED = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)|«[^»]*(?:»|$)|„[^“”]*(?:[“”]|$)")


def unquoted(text: str) -> str:
    """The text without what it quotes (up to the closing mark, or the end when the quote runs on): a
    lead's kind of event is what the reporter says happened, not a word of the speaker's ("the promise
    on which I was elected" names no election)."""
    return QUOTED.sub(" ", text)


@dataclass(frozen=True)
class Event:
    """What tells two events of one company, person or place apart."""

    money: frozenset[str]  # headline money figures
    published: Span | None
    language: str
    lead_kinds: frozenset[str]  # kinds of event the title and first sentence name
    kinds: frozenset[str]  # kinds of event the whole article names


def event_of(text: str, title: str | None, published: Span | None, language: str,
             tokens: list[str] | None = None) -> Event:
    """`tokens`: the TOKEN words of the title and text, when already found."""
    return Event(lead_money(text, title), published, language,
                 event_kinds(unquoted(first_sentence(text, title)), language),
                 event_kinds(f"{title or ''}\n{text}" if tokens is None else tokens, language))


def conflicts(a: Event, b: Event, window_days: int) -> int:
    """How many signs say a and b are two events: other headline money, publication dates further apart than
    the window (a new year between them is no sign), other kinds of event in the same language: no kind of
    either lead anywhere in the other article, or each lead naming a kind the other lead lacks (a sentencing
    whose article also recalls the conviction, against a verdict whose article looks ahead to the sentencing).

    The rule, one pair at a time: grouping runs `conflict_counts`, the same count over arrays of pairs
    (tested equal on random events)."""
    count = 0
    if a.money and b.money and not a.money & b.money:
        count += 1
    if a.published and b.published and days_apart(a.published, b.published) > window_days:
        count += 1
    if a.language == b.language and (a.lead_kinds or b.lead_kinds) \
            and ((not a.lead_kinds & b.kinds and not b.lead_kinds & a.kinds)
                 or (a.lead_kinds - b.lead_kinds and b.lead_kinds - a.lead_kinds)):
        count += 1
    return count


def days_apart(a: Span, b: Span) -> int:
    """Days between two publication spans (0 when they overlap)."""
    return max(0, (b[0] - a[1]).days, (a[0] - b[1]).days)


@dataclass
class Grouping:
    """Group ids per article, and per group the terms its members share, strongest first."""

    groups: list[int]
    terms: dict[int, list[str]]


def _nouns_as_words(docs: list[list[str]], languages: list[str]) -> list[list[str]]:
    """In languages that capitalize every noun (lexicons/stories.yaml `capitalized_nouns`: German), a
    capitalized word is a name only when an article of another language in the run has it too
    ("Marrakesch" and "Marrakech" share a skeleton; "Opfer" and "Zahl" are nobody's name): the others
    count as plain words, so they tie articles of that language and stay out of the language-free
    features that join languages."""
    nouns = set(_lexicon().get("capitalized_nouns") or [])
    if not nouns & set(languages) or not set(languages) - nouns:
        return docs
    elsewhere = {f for d, lang in zip(docs, languages, strict=True) if lang not in nouns for f in d if f[0] in "ek"}
    def noun(f: str) -> bool:
        return f[0] in "ek" and f not in elsewhere

    return [d if lang not in nouns else ["w:" + f[2:] if noun(f) else f for f in d if f[0] != "k" or not noun(f)]
            for d, lang in zip(docs, languages, strict=True)]


def _matrix(docs: list[list[str]], settings: StorySettings) -> tuple[sp.csr_matrix, np.ndarray]:
    """Row-normalized TF-IDF matrix (kind weights applied) and its feature names.

    Every feature counts in an article's norm, also those no other article has: an article whose
    names and figures are its own is far from one that shares only a company name with it."""
    common = 1.0 if len(docs) < 5 else 0.5  # a feature in most articles of a run tells none apart
    vec = TfidfVectorizer(analyzer=lambda d: d, lowercase=False, min_df=1, max_df=common, sublinear_tf=True, norm=None)
    try:
        x = vec.fit_transform(docs)
    except ValueError:  # no feature at all
        return sp.csr_matrix((len(docs), 0)), np.array([], dtype=object)
    names = vec.get_feature_names_out()
    scale = np.array([settings.weights.get(KINDS[t[0]], 1.0) for t in names])
    return normalize(x @ sp.diags(scale)).tocsr(), names


def candidate_similarities(x: sp.csr_matrix, max_df: int, floor: float,
                           free: sp.csr_matrix | None = None, free_share: float = 1.0,
                           keys: sp.csr_matrix | None = None, key_df: int = 50,
                           key_min: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cosine (>= floor) of the pairs sharing features found in at most max_df articles: arrays of the
    first and second article of each pair, its cosine, and whether the language-free cosine gave it.

    The pairs come from a sparse product over the rare features (an inverted index in effect: only
    pairs sharing a rare feature are ever formed); pairs whose rare features alone reach a quarter of
    the floor get their cosine taken over all features, and over the language-free matrix `free`
    (times `free_share`) when that is higher.
    """
    df = np.diff(x.tocsc().indptr)
    block = x[:, np.flatnonzero((df >= 2) & (df <= max_df))].tocsr()
    pairs = sp.triu(block @ block.T, k=1).tocoo()
    near = pairs.data >= floor / 4
    rows, cols = pairs.row[near], pairs.col[near]
    if keys is not None and keys.shape[1]:
        kdf = np.diff(keys.tocsc().indptr)
        kb = keys[:, np.flatnonzero((kdf >= 2) & (kdf <= key_df))].tocsr()
        shared = sp.triu(kb @ kb.T, k=1).tocoo()
        more = shared.data >= key_min
        n = x.shape[0]
        by_key = sp.csr_matrix((np.ones(int(more.sum())), (shared.row[more], shared.col[more])), shape=(n, n))
        union = (sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)) + by_key).tocoo()
        rows, cols = union.row, union.col
    if not len(rows):
        return rows, cols, np.empty(0), np.zeros(0, dtype=bool)
    full = _rowwise_shared(x, rows, cols)
    by_free = np.zeros(len(rows), dtype=bool)
    if free is not None:
        language_free = _rowwise_shared(free, rows, cols) * free_share
        by_free = language_free > full
        full = np.maximum(full, language_free)
    keep = full >= floor
    return rows[keep], cols[keep], full[keep], by_free[keep]


def _rowwise_shared(m: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Per pair, the dot product of two rows of m (pairs in chunks: sparse products, no Python loop)."""
    out = np.empty(len(rows))
    step = 50_000
    for k in range(0, len(rows), step):
        r, c = rows[k:k + step], cols[k:k + step]
        out[k:k + step] = np.asarray(m[r].multiply(m[c]).sum(axis=1)).ravel()
    return out


def conflict_counts(rows: np.ndarray, cols: np.ndarray, events: list[Event], window_days: int) -> np.ndarray:
    """`conflicts` of each pair (rows[k], cols[k]), over arrays of all pairs at once."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    values = sorted({v for e in events for v in e.money})
    index = {v: i for i, v in enumerate(values)}
    counts = [len(e.money) for e in events]
    money = sp.csr_matrix((np.ones(sum(counts)), [index[v] for e in events for v in sorted(e.money)],
                           np.r_[0, np.cumsum(counts)]), shape=(len(events), max(1, len(values))))
    has_money = np.array(counts) > 0
    count = (has_money[rows] & has_money[cols]).astype(np.int64)
    both = np.flatnonzero(count)
    count[both] = _rowwise_shared(money, rows[both], cols[both]) == 0
    dated = np.array([e.published is not None for e in events])
    first = np.array([e.published[0].toordinal() if e.published else 0 for e in events])
    last = np.array([e.published[1].toordinal() if e.published else 0 for e in events])
    apart = np.maximum(first[cols] - last[rows], first[rows] - last[cols])
    count += dated[rows] & dated[cols] & (apart > window_days)
    kinds = {k: i for i, k in enumerate(sorted({k for e in events for k in e.kinds | e.lead_kinds}))}
    if kinds:
        def mask(found: frozenset[str]) -> int:
            return sum(1 << kinds[k] for k in found)
        lead = np.array([mask(e.lead_kinds) for e in events], dtype=object)
        named = np.array([mask(e.kinds) for e in events], dtype=object)
        lang = {la: i for i, la in enumerate(sorted({e.language for e in events}))}
        language = np.array([lang[e.language] for e in events])
        pick = np.flatnonzero((language[rows] == language[cols]) & ((lead[rows] | lead[cols]) != 0))
        r, c = rows[pick], cols[pick]
        nowhere = ((lead[r] & named[c]) == 0) & ((lead[c] & named[r]) == 0)
        each_other = ((lead[r] & ~lead[c]) != 0) & ((lead[c] & ~lead[r]) != 0)
        count[pick] += nowhere | each_other
    return count


def apply_conflicts(rows: np.ndarray, cols: np.ndarray, sims: np.ndarray, events: list[Event],
                    settings: StorySettings) -> np.ndarray:
    """Lower each pair's similarity (in place) by `conflict_penalty` per sign of two events; a mask of the
    pairs so lowered."""
    count = conflict_counts(rows, cols, events, settings.window_days)
    sims += settings.conflict_penalty * count
    return count > 0


def average_linkage(n: int, rows: np.ndarray, cols: np.ndarray, sims: np.ndarray, threshold: float) -> list[int]:
    """Group ids by agglomerative merging: the best pair of groups by mean similarity, while >= threshold.
    The pairs (rows[k], cols[k]) with similarity sims[k] are all the links; absent pairs count 0."""
    top = sims >= threshold
    # a merge needs a mean link >= threshold, so at least one link >= threshold: groups never leave the
    # connected components of those links, and links between two components never count
    _, part = connected_components(sp.csr_matrix((np.ones(top.sum()), (rows[top], cols[top])), shape=(n, n)),
                                   directed=False)
    inside = part[rows] == part[cols]
    rows, cols, sims = rows[inside], cols[inside], sims[inside]
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    links: dict[int, dict[int, float]] = defaultdict(dict)
    for i, j, s in zip(rows.tolist(), cols.tolist(), sims.tolist(), strict=True):
        links[i][j] = links[j][i] = s
    top = np.flatnonzero(sims >= threshold)
    heap = list(zip((-sims[top]).tolist(), rows[top].tolist(), cols[top].tolist(), strict=True))
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


def group_texts(texts: list[str], titles: list[str | None] | None = None,
                published: list[Span | None] | None = None, settings: StorySettings | None = None,
                languages: list[str] | None = None) -> Grouping:
    """Group ids per text (ids are arbitrary; see assign_stories for stable labels) and each group's terms."""
    settings = settings or StorySettings()
    titles = titles or [None] * len(texts)
    published = published or [None] * len(texts)
    languages = languages or ["en"] * len(texts)
    keys: list[list[str]] = [[] for _ in texts]
    tokens = [TOKEN.findall(f"{h or ''}\n{t}") for t, h in zip(texts, titles, strict=True)]
    docs = [features(t, h, settings.lead_chars, lang, k, w)
            for t, h, lang, k, w in zip(texts, titles, languages, keys, tokens, strict=True)]
    docs = _nouns_as_words(docs, languages)
    x, names = _matrix(docs, settings)
    max_df = max(settings.max_df, int(len(texts) * settings.max_df_share))
    # the language-free matrix: the same weights without the plain words, each row normalized again
    free = normalize(x[:, np.flatnonzero([not str(n).startswith("w:") for n in names])]).tocsr()
    kx = CountVectorizer(analyzer=lambda d: d, lowercase=False, binary=True, dtype=np.float32).fit_transform(keys) \
        if any(keys) else None
    rows, cols, sims, by_free = candidate_similarities(x, max_df, settings.threshold / 2, free,
                                                       settings.language_free, kx, settings.key_max_df,
                                                       settings.key_min_shared)
    sims[_names_only(x, names, rows, cols, languages, by_free)] = 0.0
    events = [event_of(t, h, p, lang, w)
              for t, h, p, lang, w in zip(texts, titles, published, languages, tokens, strict=True)]
    lowered = apply_conflicts(rows, cols, sims, events, settings)
    groups = average_linkage(len(texts), rows, cols, sims, settings.threshold)
    conflicting = zip(rows[lowered].tolist(), cols[lowered].tolist(), strict=True)
    groups = merge_groups(groups, free, conflicting, settings.group_threshold, settings.group_min_size, languages)
    return Grouping(groups, _shared_terms(x, names, groups, settings.top_terms))


FACT_KINDS = ("n:", "d:", "y:", "s:")  # figures, dates, years, scores: what one event has and another lacks


def _names_only(x: sp.csr_matrix, names: np.ndarray, rows: np.ndarray, cols: np.ndarray, languages: list[str],
                by_free: np.ndarray) -> np.ndarray:
    """Mask of the pairs that names alone would link: pairs in two languages, or linked by the language-free
    cosine, that share no figure, date, year or score. Names (a person, a place) are shared by every event
    of them; across languages, and in the language-free features, little else is there to tell two events
    apart, so such a pair is no link."""
    other = np.asarray(languages, dtype=object)
    suspect = (other[rows] != other[cols]) | by_free
    if not suspect.any():
        return suspect
    facts = np.flatnonzero([str(n).startswith(FACT_KINDS) for n in names])
    shared = np.zeros(len(rows), dtype=bool)
    if len(facts):
        binary = (x[:, facts] > 0).astype(np.float64).tocsr()
        pick = np.flatnonzero(suspect)
        shared[pick] = _rowwise_shared(binary, rows[pick], cols[pick]) > 0
    return suspect & ~shared


def merge_groups(groups: list[int], x: sp.csr_matrix, lowered: Iterable[tuple[int, int]], threshold: float,
                 min_size: int = 2, languages: list[str] | None = None) -> list[int]:
    """Join groups of at least min_size articles in other languages whose centroids (summed rows of x,
    names, figures and dates) reach the threshold.

    Articles of one event in two languages share few words but the same names, figures and dates: their
    groups' centroids meet even when their pairs do not. Only groups whose sets of languages differ join
    (an English group with a French one, or then with another English one), so a run in one language is
    never chained by centroids. Groups with a conflicting pair never join.
    """
    if languages is None or len(set(languages)) < 2:
        return groups
    members: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        members[g].append(i)
    big = [g for g, rows in members.items() if len(rows) >= min_size]
    if len(big) < 2 or threshold >= 1.0:
        return groups
    ind = sp.csr_matrix((np.ones(sum(len(members[g]) for g in big)),
                         (np.repeat(np.arange(len(big)), [len(members[g]) for g in big]),
                          np.concatenate([members[g] for g in big]))), shape=(len(big), x.shape[0]))
    cent = normalize(ind @ x)
    prod = sp.triu(cent @ cent.T, k=1).tocoo()
    bad: dict[int, set[int]] = defaultdict(set)
    for i, j in lowered:
        bad[groups[i]].add(groups[j])
        bad[groups[j]].add(groups[i])
    root = {g: g for g in big}
    parts = {g: {g} for g in big}
    langs = {g: {languages[i] for i in members[g]} for g in big}
    for k in np.argsort(-prod.data, kind="stable"):
        if prod.data[k] < threshold:
            break
        a, b = root[big[prod.row[k]]], root[big[prod.col[k]]]
        if a == b or any(bad[p] & parts[b] for p in parts[a]):
            continue
        if langs[a] == langs[b]:
            continue
        langs[a] |= langs.pop(b)
        for g in parts[b]:
            root[g] = a
        parts[a] |= parts.pop(b)
    return [root.get(g, g) for g in groups]


def _shared_terms(x: sp.csr_matrix, names: np.ndarray, groups: list[int], top: int) -> dict[int, list[str]]:
    """Per group, its features with the largest summed weight, among those two members share (any for one)."""
    ids, inverse = np.unique(np.asarray(groups), return_inverse=True)
    ind = sp.csr_matrix((np.ones(len(groups)), (inverse, np.arange(len(groups)))), shape=(len(ids), len(groups)))
    weight = (ind @ x).tocsr()
    count = (ind @ (x > 0).astype(np.float64)).tocsr()
    weight.sort_indices()
    count.sort_indices()
    sizes = np.bincount(inverse)
    out = {}
    for k, g in enumerate(ids):
        lo, hi = weight.indptr[k], weight.indptr[k + 1]
        w = weight.data[lo:hi].copy()
        if sizes[k] > 1:
            w = np.where(count.data[lo:hi] >= 2, w, 0.0)
        order = [m for m in np.argsort(-w, kind="stable")[:top] if w[m] > 0]
        out[int(g)] = [str(names[weight.indices[lo + m]]) for m in order]
    return out


def term_label(term: str) -> str:
    """A feature as a reviewer reads it: "e:nvidia" -> "nvidia", "n:26" -> "26", "d:5-22" -> "5-22"."""
    return term[2:]


def _slug(terms: list[str]) -> str:
    """The story's strongest name (else any term) as a slug."""
    names = [t for t in terms if t[0] == "e"] or terms
    return re.sub(r"[^a-z0-9]+", "-", fold(term_label(names[0]))).strip("-") if names else "story"


PARTIAL_DATE = re.compile(r"\s*(\d{4})(?:-(\d{1,2}))?\s*")


def _dates(values: Iterable) -> list[Span | None]:
    """Publication dates as spans: "2023-09-10" is one day, "2023-09" the whole month, "2023" the year."""
    values = list(values)
    parsed = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce", utc=True, format="mixed")
    out: list[Span | None] = []
    for raw, v in zip(values, parsed, strict=True):
        m = PARTIAL_DATE.fullmatch(raw) if isinstance(raw, str) else None
        if m and m.group(2) and 1 <= int(m.group(2)) <= 12:
            y, mo = int(m.group(1)), int(m.group(2))
            first = dt.date(y, mo, 1)
            out.append((first, (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)))
        elif m:
            out.append((dt.date(int(m.group(1)), 1, 1), dt.date(int(m.group(1)), 12, 31)))
        else:
            out.append(None if pd.isna(v) else (v.date(), v.date()))
    return out


def assign_stories(sources: pd.DataFrame, prefix: str = "auto", settings: StorySettings | None = None,
                   terms: dict[str, list[str]] | None = None) -> pd.Series:
    """A story label per row of the `sources` frame: `<prefix>/<slug of its top shared term>`.

    Only audited rows are grouped; skipped rows keep their `story`. The result is index-aligned.
    When `terms` is given, it receives each label's shared terms (for findings.json and the report).
    """
    labels = sources["story"].copy()
    audited = sources[sources["status"] == "audited"]
    audited = audited.iloc[np.argsort(audited["source"].astype(str).to_numpy(), kind="stable")]
    if audited.empty:
        return labels
    titles = [t if isinstance(t, str) else None for t in audited.get("title", [None] * len(audited))]
    published = _dates(audited["published"]) if "published" in audited else None
    languages = [lang if isinstance(lang, str) and lang else "en" for lang in audited["language"]] \
        if "language" in audited else None
    grouping = group_texts(audited["text"].astype(str).tolist(), titles, published, settings, languages)
    ids = audited["source"].astype(str).tolist()
    first: dict[int, str] = {}
    for g, sid in zip(grouping.groups, ids, strict=True):
        first[g] = min(first.get(g, sid), sid)
    names: dict[int, str] = {}
    taken: Counter[str] = Counter()
    for g in sorted(first, key=first.get):
        slug = _slug(grouping.terms[g])
        taken[slug] += 1
        names[g] = f"{prefix}/{slug}" + (f"-{taken[slug]}" if taken[slug] > 1 else "")
    labels.loc[audited.index] = [names[g] for g in grouping.groups]
    if terms is not None:
        terms.update({names[g]: [term_label(t) for t in grouping.terms[g]] for g in names})
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
