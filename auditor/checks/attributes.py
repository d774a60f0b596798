"""claim_conflict: a closed-class attribute of the same fact differs across a story's sources.

The classes are data (lexicons/claims.yaml): compass direction from a place, rose or fell, approved
or rejected, guilty or not guilty, opt in or opt out, won or lost, and superlatives over a period
("the worst since 1998" against "the worst in a century"). Every written value is extracted with
its anchor, what the value is said of: the place after the connector ("south-west of Marrakesh")
or the subject written before the value in its clause ("the regulator approved"). Claims of one
class whose anchors match (checks.yaml `claim_conflict.anchor_min_ratio`) across sources are one
fact; a source giving opposite values of one fact takes no side; `corpus.disagreements` gives one
candidate per value.

Features: claim_class, value, other_value (the biggest other side's), opposite (the class says the
two values contradict), anchor, anchor_similarity (0-1), n_sources, n_other, margin, negated (a
negation before the value flipped it), earlier (an earlier-time marker in the clause: "had
blocked", "initially rejected"), shared_context (content words the sentences share), differs,
n_mixed (sources that take no side).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from ..corpus import Corpus, Disagreement, UnionFind, bounded_disagreements, candidates, related
from ..text import Prefiltered, stem, vocabulary
from .conflicts import MAX_RELATED
from .names import WORD, fold

FEATURES = ["claim_class", "value", "other_value", "opposite", "anchor", "anchor_similarity", "n_sources",
            "n_other", "margin", "negated", "earlier", "shared_context", "differs", "n_mixed"]
CLAUSE_END = re.compile(r"[,;:()\[\]—–“”\"]|\s-\s|\b(?:and|but|while|whereas|after|before|when|as)\b")
PERIOD = "period"
MAX_ANCHORS = 2000  # distinct anchors of one story and class compared all pairs (a flood: in sorted order,
ANCHOR_WINDOW = 50  # each with this many next)


@dataclass(slots=True)
class Claim:
    """One written value of a closed class with its anchor."""

    source: str
    story: str
    start: int
    end: int
    claim_class: str
    value: str
    anchor: str  # as written (folded), shown in messages
    negated: bool
    earlier: bool
    context: frozenset[str]
    years: float = 0.0  # superlatives: the period in years (0: unbounded or not a period)
    key: str = ""  # the anchor compared across sources (stemmed); the anchor itself when empty

    def __post_init__(self) -> None:
        self.key = self.key or self.anchor


@dataclass
class _Class:
    name: str
    anchor: str
    pattern: re.Pattern
    forms: dict[str, str]  # written form (lower case) -> value
    opposites: set[frozenset[str]]
    connectors: re.Pattern | None


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _opposites(spec: dict) -> set[frozenset[str]]:
    pairs = {frozenset(p) for p in spec.get("opposites") or [] if len(set(p)) == 2}
    angles = spec.get("angles") or {}
    if angles:
        limit = float(spec.get("min_angle", 90))
        for a in angles:
            for b in angles:
                gap = abs(float(angles[a]) - float(angles[b])) % 360
                if min(gap, 360 - gap) >= limit:
                    pairs.add(frozenset((a, b)))
    return pairs


def compile_classes(lexicon: dict) -> list[_Class]:
    """The lexicon's classes with one regex of all their written forms each."""
    out = []
    for name, spec in sorted((lexicon.get("classes") or {}).items()):
        forms = {" ".join(f.lower().split()): value for value, fs in (spec.get("values") or {}).items() for f in fs}
        if not forms:
            continue
        pattern = re.compile(rf"(?<![\w-])(?:{_alternation(list(forms))})(?![\w-])", re.IGNORECASE)
        connectors = spec.get("connectors") or []
        conn = re.compile(rf"\s+(?:{_alternation(connectors)})\s+", re.IGNORECASE) if connectors else None
        out.append(_Class(name, str(spec.get("anchor", "before")), pattern, forms, _opposites(spec), conn))
    return out


def _words_before(text: str, end: int, stop: frozenset[str], limit: int) -> list[str]:
    """Content words of the clause that ends at `end`, the last `limit` of them (subject of the value)."""
    clause = text[:end]
    cut = max((m.end() for m in CLAUSE_END.finditer(clause)), default=0)
    words = [w for w in WORD.findall(clause[cut:]) if fold(w) not in stop]
    return words[-limit:]


def _place_after(text: str, pos: int, articles: set[str]) -> tuple[str, int]:
    """(the place after a connector, where it ends): up to three words, capitalised ones or one lower-case noun."""
    words = []
    for m in WORD.finditer(text, pos):
        if text[pos:m.start()].strip(" -") or (words and text[words[-1].end():m.start()] not in (" ", "-")):
            break
        word = m.group()
        if not words and word.lower() in articles:
            pos = m.end()
            continue
        if words and not word[0].isupper():
            break
        words.append(m)
        pos = m.end()
        if not word[0].isupper() or len(words) == 3:
            break
    return " ".join(fold(m.group()) for m in words), pos


def _context(text: str, stop: frozenset[str]) -> frozenset[str]:
    return frozenset(stem(w) for w in WORD.findall(text) if len(w) > 2 and fold(w) not in stop)


def _negated(text: str, start: int, negations: set[str]) -> bool:
    before = re.findall(r"[\w']+", text[max(0, start - 25):start].lower().replace("’", "'"))
    return any(w in negations or w.endswith("n't") for w in before[-2:])


def _value_claims(cls: _Class, text: str, lex: dict, stop: frozenset[str], limit: int) -> list[Claim]:
    """The claims of one class in a sentence, at offsets within it (no source or story yet: see `extract`)."""
    out: list[Claim] = []
    matches = list(cls.pattern.finditer(text))
    if not matches:  # most sentences hold no value of the class: nothing more to compute
        return out
    negations = {str(w).lower() for w in lex.get("negations") or []}
    earlier_words = {str(w).lower() for w in lex.get("earlier_markers") or []}
    articles = {str(w).lower() for w in lex.get("articles") or []}
    context = _context(text, stop)
    for m in matches:
        value, end = cls.forms[" ".join(m.group().lower().split())], m.end()
        before = _words_before(text, m.start(), frozenset(), 8)
        earlier = any(w.lower() in earlier_words for w in before[-4:])
        if cls.anchor == "after":
            conn = cls.connectors.match(text, m.end()) if cls.connectors else None
            if conn is None:
                continue
            (anchor, end), negated = _place_after(text, conn.end(), articles), False
            key = anchor
        else:
            words = [w for w in _words_before(text, m.start(), stop | earlier_words, limit) if fold(w) not in articles]
            anchor, key = " ".join(fold(w) for w in words), " ".join(stem(fold(w)) for w in words)
            if not anchor and out:  # "blocked it but approved", "after it blocked": the sentence's subject
                anchor, key = out[-1].anchor, out[-1].key
            negated = _negated(text, m.start(), negations)
            if negated:
                flipped = [v for pair in cls.opposites if value in pair for v in pair if v != value]
                value = flipped[0] if len(flipped) == 1 else value
        if anchor:
            out.append(Claim("", "", m.start(), end, cls.name, value, anchor, negated, earlier, context, key=key))
    return out


def _superlative_pattern(lex: dict) -> re.Pattern | None:
    spec = lex.get("superlatives") or {}
    words, units, numbers = spec.get("words") or [], spec.get("units") or {}, spec.get("numbers") or {}
    if not words or not units:
        return None
    number = rf"(?P<n>\d+|{_alternation([str(k) for k in numbers])})"
    return re.compile(
        rf"\b(?P<sup>{_alternation(words)})\s+(?P<mid>(?:[\w'’-]+\s+){{0,6}}?)"
        rf"(?:since\s+(?P<year>1[5-9]\d\d|20\d\d)\b|in\s+(?:(?:more\s+than|over|nearly|almost|about)\s+)?"
        rf"(?:{number}\s+)?(?P<unit>{_alternation([str(k) for k in units])})\b)", re.IGNORECASE)


def _period_claims(pattern: re.Pattern, text: str, lex: dict, year: int | None, stop: frozenset[str]) -> list[Claim]:
    """The superlative periods of a sentence ("the worst in a decade"), at offsets within it."""
    matches = list(pattern.finditer(text))
    if not matches:  # most sentences hold no superlative: nothing more to compute
        return []
    spec = lex.get("superlatives") or {}
    units = {str(k).lower(): float(v) for k, v in (spec.get("units") or {}).items()}
    numbers = {str(k).lower(): float(v) for k, v in (spec.get("numbers") or {}).items()}
    out = []
    for m in matches:
        if m.group("year"):
            if year is None:
                continue
            years, value = float(year - int(m.group("year"))), f"since {m.group('year')}"
        else:
            n = m.group("n")
            if n is None and m.group("unit").lower().endswith("s"):
                continue  # "in decades": no period to compare
            count = numbers.get(n.lower(), 0.0) if n and not n.isdigit() else float(n or 1)
            years = count * units[m.group("unit").lower()]
            value = " ".join(m.group().split()[-2:]) if n else f"in a {m.group('unit').lower()}"
        if years <= 0:
            continue
        noun = [w for w in WORD.findall(m.group("mid")) if fold(w) not in stop]
        words = [*m.group("sup").split(), *noun[:1]]
        out.append(Claim("", "", m.start(), m.end(), PERIOD, value,
                         " ".join(fold(w) for w in words), False, False, _context(text, stop), years,
                         " ".join(stem(fold(w)) for w in words)))
    return out


def _publication_years(corpus: Corpus) -> dict[str, int]:
    out = {}
    if "published" in corpus.sources:
        for source, published in zip(corpus.sources["source"], corpus.sources["published"], strict=True):
            try:
                out[source] = dt.date.fromisoformat(str(published)[:10]).year
            except ValueError:
                continue
    return out


class AnyValue:
    """One regex of the written forms of every class: a sentence it does not match holds no value of any
    class (each class's pattern is the same regex over fewer forms), so the classes are not tried one by one.
    An ASCII sentence is searched in lower case without IGNORECASE (three times faster, the same answer:
    the forms are lower case, and none has a letter that matches an ASCII letter only when ignoring case)."""

    def __init__(self, classes: list[_Class]) -> None:
        forms = [f for cls in classes for f in cls.forms]
        body = rf"(?<![\w-])(?:{_alternation(forms)})(?![\w-])"
        self.pattern = re.compile(body, re.IGNORECASE)
        odd = {c for f in forms for c in f if not c.isascii()}
        safe = all(f == f.lower() for f in forms) and not any(
            re.fullmatch(re.escape(c), a, re.IGNORECASE) for c in odd for a in string.ascii_letters)
        self.lower = re.compile(body) if safe else None

    def search(self, text: str) -> bool:
        if self.lower is not None and text.isascii():
            return self.lower.search(text.lower()) is not None
        return self.pattern.search(text) is not None


def extract(corpus: Corpus) -> list[Claim]:
    """Every closed-class claim of the run's (non-boilerplate) sentences."""
    lex = corpus.config.lexicons.get("claims", {})
    cfg = corpus.config.check("claim_conflict")
    stop = vocabulary(corpus.config).stopwords
    classes = compile_classes(lex)
    superlative = _superlative_pattern(lex)
    years = _publication_years(corpus)
    story_year: dict[str, int] = {}
    for source, story in zip(corpus.sources["source"], corpus.sources["story"], strict=True):
        if source in years:
            story_year.setdefault(story, years[source])
    s = corpus.sentences[~corpus.sentences["is_boilerplate"]]
    limit = int(cfg.get("max_anchor_words", 3))
    any_value = AnyValue(classes)

    @lru_cache(maxsize=65536)
    def values(text: str) -> tuple[Claim, ...]:  # wire copies and floods repeat sentences: read each once
        if not any_value.search(text):
            return ()
        return tuple(c for cls in classes for c in _value_claims(cls, text, lex, stop, limit))

    prefiltered = Prefiltered.of(superlative) if superlative is not None else None

    @lru_cache(maxsize=65536)
    def periods(text: str, year: int | None) -> tuple[Claim, ...]:
        if prefiltered is None or not prefiltered.may_match(text):  # most sentences: no superlative
            return ()
        return tuple(_period_claims(superlative, text, lex, year, stop))

    out: list[Claim] = []
    for source, story, start, text in zip(s["source"], s["story"], s["start"], s["text"], strict=True):
        offset = int(start)
        found = values(text) + periods(text, years.get(source, story_year.get(story)))
        out.extend(replace(c, source=source, story=story, start=offset + c.start, end=offset + c.end) for c in found)
    return out


def _groups(claims: list[Claim], min_ratio: float) -> list[list[Claim]]:
    """Claims of one story and class whose anchors match, as connected groups spanning two sources or more."""
    sets = UnionFind(len(claims))
    reps: dict[str, int] = {}  # claims with one anchor are compared once: a flood of copies is linear
    for i, c in enumerate(claims):
        rep = reps.setdefault(c.key, i)
        if rep != i:
            sets.union(rep, i)
    for i, j in _matching_anchors(list(reps), min_ratio):
        sets.union(reps[i], reps[j])
    groups: dict[int, list[Claim]] = defaultdict(list)
    for i, c in enumerate(claims):
        groups[sets.find(i)].append(c)
    return [g for g in groups.values() if len({c.source for c in g}) > 1]


def _matching_anchors(anchors: list[str], min_ratio: float) -> list[tuple[str, str]]:
    """Pairs of distinct anchors whose token_sort_ratio reaches min_ratio. Every pair up to MAX_ANCHORS
    anchors (many are scored in C by rapidfuzz cdist: the same scores as one call per pair); beyond
    that (a flood of distinct anchors), each anchor against the ANCHOR_WINDOW next in sorted order."""
    n = len(anchors)
    if n <= 32:
        return [(a, b) for k, a in enumerate(anchors) for b in anchors[k + 1:]
                if fuzz.token_sort_ratio(a, b) >= min_ratio]
    out = []
    if n <= MAX_ANCHORS:
        scores = process.cdist(anchors, anchors, scorer=fuzz.token_sort_ratio, score_cutoff=min_ratio,
                               dtype=np.float64)
        for i, j in zip(*np.nonzero(np.triu(scores >= min_ratio, k=1)), strict=True):
            out.append((anchors[i], anchors[j]))
        return out
    ordered = sorted(anchors, key=lambda a: (" ".join(sorted(a.split())), a))
    for start in range(0, n, ANCHOR_WINDOW):
        rows = ordered[start:start + ANCHOR_WINDOW]
        cols = ordered[start:start + 2 * ANCHOR_WINDOW]
        scores = process.cdist(rows, cols, scorer=fuzz.token_sort_ratio, score_cutoff=min_ratio, dtype=np.float64)
        for i, j in zip(*np.nonzero(scores >= min_ratio), strict=True):
            if j > i:
                out.append((rows[i], cols[j]))
    return out


def _opposite(a: Claim, b: Claim, classes: dict[str, _Class], min_period_ratio: float) -> bool:
    if a.claim_class == PERIOD:
        return bool(a.years and b.years) and max(a.years, b.years) / min(a.years, b.years) >= min_period_ratio
    cls = classes.get(a.claim_class)
    return bool(cls) and frozenset((a.value, b.value)) in cls.opposites


def _key(c: Claim) -> str:
    return f"{c.years:g}" if c.claim_class == PERIOD else c.value


def claim_conflicts(corpus: Corpus) -> pd.DataFrame:
    """One candidate per value that sources of one story give for the same closed-class fact."""
    cfg = corpus.config.check("claim_conflict")
    classes = {c.name: c for c in compile_classes(corpus.config.lexicons.get("claims", {}))}
    period_ratio = float(cfg.get("min_period_ratio", 1.5))
    by_key: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for c in extract(corpus):
        by_key[(c.story, c.claim_class)].append(c)
    rows = []
    for key in sorted(by_key):
        for group in _groups(by_key[key], float(cfg.get("anchor_min_ratio", 85))):
            rows.extend(_group_rows(group, classes, period_ratio))
    return candidates(rows, FEATURES)


def _group_rows(group: list[Claim], classes: dict[str, _Class], period_ratio: float) -> list[dict]:
    per_source: dict[str, list[Claim]] = defaultdict(list)
    for c in group:
        per_source[c.source].append(c)
    firsts, n_mixed = [], 0
    for claims in per_source.values():
        if any(_opposite(a, b, classes, period_ratio) for a in claims for b in claims):
            n_mixed += 1  # a source giving both values of one fact takes no side
        else:
            firsts.append(claims[0])
    if len({_key(c) for c in firsts}) < 2:
        return []
    return [_row(d, classes, period_ratio, n_mixed) for d in bounded_disagreements(firsts, _key, MAX_RELATED)]


def _distinct_contexts(claims: list[Claim]) -> list[frozenset[str]]:
    """The claims' contexts, each object once (copies of one sentence share theirs)."""
    return list({id(c.context): c.context for c in claims}.values())


def _row(d: Disagreement, classes: dict[str, _Class], period_ratio: float, n_mixed: int) -> dict:
    side, other_side = d.side, d.other_side
    a, b = side[0], other_side[0]
    return {
        "source": a.source, "story": a.story, "start": a.start, "end": a.end, "subkind": a.claim_class,
        "related": [related(x.source, x.start, x.end) for x in d.related], "note": b.value,
        "claim_class": a.claim_class, "value": a.value, "other_value": b.value,
        "opposite": _opposite(a, b, classes, period_ratio), "anchor": a.anchor,
        "anchor_similarity": round(fuzz.token_sort_ratio(a.key, b.key) / 100, 3),
        "n_sources": len(side), "n_other": len(other_side), "margin": len(other_side) - len(side),
        "negated": any(c.negated for c in side), "earlier": any(c.earlier for c in side + other_side),
        "shared_context": max((len(a.context & context) for context in _distinct_contexts(other_side)), default=0),
        "differs": not d.agrees, "n_mixed": n_mixed,
    }
