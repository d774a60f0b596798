"""term_confusion: a term written where a look-alike is meant ("IoT" for "AI").

Two kinds of evidence, each a feature of one candidate per occurrence:
- lexicon (lexicons/confusion.yaml): pairs of look-alike terms, each meaning with its context
  words; `lexicon_margin` = context hits of the other meaning minus hits of the written one;
- story (no lexicon needed): an acronym that only this source uses sits in the slots (the content
  word just before or after it) where an acronym the rest of the story uses, or this source itself
  defines ("artificial intelligence (AI)"), sits. `story_match` is 1 for such an occurrence.
An acronym the source defines itself ("General Data Protection Regulation (GDPR)") is never a
candidate. Every occurrence with some evidence (a positive margin or a story match) is a candidate;
the suite decides which margin makes a finding and at which severity.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from ..corpus import Corpus, candidates, related
from ..frames import columns_by
from ..language import english_sources
from ..text import MEMO_LIMIT, default_vocabulary, memo_by_text, stem

ACRONYM = re.compile(r"\b(?:[A-Z]{2,6}|[A-Z][a-z][A-Z]{1,3}|[A-Z]{2,5}s)\b")
WORD = re.compile(r"[^\W_][\w’'-]*")
GLUED = re.compile(r"[$€£¥\d]")
DEFINITION = re.compile(r"\((?P<acr>[A-Za-z]{2,8})\)")
STOPWORDS = default_vocabulary().stopwords
REPORTING_STEMS = frozenset(stem(w) for w in default_vocabulary().reporting_verbs)


def _initials_match(words: list[str], acronym: str) -> bool:
    """Do the last words' initials spell the acronym (skipping small words)?"""
    letters = acronym.lower().rstrip("s") if len(acronym) > 2 else acronym.lower()
    initials = [w[0].lower() for w in words if w.lower() not in STOPWORDS]
    return len(initials) >= len(letters) and "".join(initials[-len(letters):]) == letters


def definitions(text: str) -> dict[str, tuple[int, int]]:
    """Acronyms a text defines, with the span of the definition."""
    found = {}
    for m in DEFINITION.finditer(text):
        acr = m.group("acr")
        lead = max(0, m.start() - 160)
        spans = list(WORD.finditer(text, lead, m.start()))[-12:]
        if not spans or text[spans[-1].end():m.start()].strip():
            continue
        words = [w.group() for w in spans]
        for k in range(len(acr), min(len(words), len(acr) + 3) + 1):
            if _initials_match(words[-k:], acr):
                found.setdefault(acr, (spans[-k].start(), m.end()))
                break
    return found


@dataclass
class Slots:
    """Where one acronym stands across a story: content neighbours and example places."""

    left: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    right: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)


def _slot_word(word: str | None) -> str | None:
    """The stem of a neighbour that marks a slot: a lower-case content word, not a name or a reporting verb
    (any acronym can stand next to "Nvidia" or before "reported": that is no evidence of a swap)."""
    if not word or not word[:1].islower() or word.lower() in STOPWORDS:
        return None
    stemmed = stem(word)
    return stemmed if stemmed not in STOPWORDS and stemmed not in REPORTING_STEMS else None


def neighbours(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """Stems of the content words right before and after a span (None across punctuation)."""
    before = re.search(r"([^\W_][\w’'-]*)[ \t]+$", text[:start])
    after = re.match(r"[ \t]+([^\W_][\w’'-]*)", text[end:])
    return _slot_word(before.group(1) if before else None), _slot_word(after.group(1) if after else None)


@dataclass
class Occurrence:
    source: str
    story: str
    term: str
    start: int  # offset in the source text
    end: int
    sentence: str
    sent_start: int
    sent_end: int


Row = tuple[str, str, int, int, str]  # (source, story, start, end, text) of one sentence


def _occurrences(sentences: list[Row]) -> list[Occurrence]:
    out = []
    for source, story, start, end, text in sentences:
        for term, at, to in _acronyms(text):
            out.append(Occurrence(source, story, term, start + at, start + to, text, start, end))
    return out


@lru_cache(maxsize=MEMO_LIMIT)
def _acronyms(text: str) -> tuple[tuple[str, int, int], ...]:
    """(term, start, end) of the acronym-shaped terms of a sentence (cached: wire copy repeats sentences)."""
    found = []
    for m in ACRONYM.finditer(text):
        if GLUED.match(text, m.end()) or (m.start() and text[m.start() - 1].isdigit()):
            continue  # "US$4.7 million", "3MW": part of a figure, not a term
        found.append((m.group(), m.start(), m.end()))
    return tuple(found)


def _window(o: Occurrence) -> tuple[str, int, int]:
    """The occurrence with a word on each side: the evidence shown as `related`."""
    lo, hi = o.start - o.sent_start, o.end - o.sent_start
    before = re.search(r"(?:[^\W_][\w’'-]*[ \t]+){0,2}$", o.sentence[:lo])
    after = re.match(r"(?:[ \t]+[^\W_][\w’'-]*){0,2}", o.sentence[hi:])
    start = o.sent_start + (before.start() if before else lo)
    return o.source, start, o.sent_start + hi + (after.end() if after else 0)


def _story_slots(occurrences: list[Occurrence]) -> dict[str, Slots]:
    slots: dict[str, Slots] = defaultdict(Slots)
    for o in occurrences:
        s = slots[o.term]
        s.sources.add(o.source)
        left, right = neighbours(o.sentence, o.start - o.sent_start, o.end - o.sent_start)
        if left:
            s.left.setdefault(left, _window(o))
        if right:
            s.right.setdefault(right, _window(o))
    return slots


def _story_match(o: Occurrence, slots: dict[str, Slots], defined: dict[str, tuple[int, int]],
                 together: set[tuple[str, str]], cfg: dict) -> tuple[str, dict] | None:
    """The term the story uses in this occurrence's slot, with a related place, if any."""
    if len(slots[o.term].sources) > int(cfg.get("max_term_sources", 1)):
        return None
    left, right = neighbours(o.sentence, o.start - o.sent_start, o.end - o.sent_start)
    for term, s in sorted(slots.items()):
        if term == o.term or (o.term, term) in together:
            continue
        if len(s.sources) < int(cfg.get("min_intended_sources", 2)) and term not in defined:
            continue
        place = (left and s.left.get(left)) or (right and s.right.get(right))
        if place:
            return term, related(*place)
    return None


def _word_before(sentence: str, at: int) -> str:
    m = re.search(r"([^\W_][\w’'-]*)[ \t]+$", sentence[:at])
    return m.group(1).lower() if m else ""


@dataclass(frozen=True)
class Pair:
    """One confusion pair of the lexicon, its context words stemmed once."""

    terms: tuple[str, str]
    contexts: dict[str, frozenset[str]]  # term -> stems of the words that mean it
    before: dict[str, list[str]]  # term -> words that stand right before it

    @classmethod
    def from_entry(cls, entry: dict) -> Pair:
        ctx = entry.get("contexts", {}) or {}
        return cls(tuple(entry["terms"]), {t: frozenset(stem(w) for w in ctx.get(t, [])) for t in entry["terms"]},
                   entry.get("before", {}) or {})


@lru_cache(maxsize=4096)
def _sentence_stems(sentence: str) -> frozenset[str]:
    return frozenset(stem(w) for w in WORD.findall(sentence))


def _lexicon_margin(term: str, sentence: str, at: int, pairs: dict[str, list[Pair]]) -> tuple[str | None, int]:
    """(the other term, context hits of its meaning minus the written term's), best pair first, for the term
    written at `at` in the sentence.

    `contexts` words count anywhere in the sentence; `before` words (right before the term, as in
    "will effect", "the affect") count double.
    """
    if term not in pairs:
        return None, 0
    words = _sentence_stems(sentence)
    previous = _word_before(sentence, at)
    best: tuple[str | None, int] = (None, 0)
    for pair in pairs[term]:
        other = pair.terms[1] if term == pair.terms[0] else pair.terms[0]
        own = len(words & pair.contexts[term]) + 2 * (previous in pair.before.get(term, []))
        alt = len(words & pair.contexts[other]) + 2 * (previous in pair.before.get(other, []))
        if alt - own > best[1]:
            best = (other, alt - own)
    return best


def _pairs_by_term(lexicon: dict) -> dict[str, list[Pair]]:
    """term -> the lexicon's pairs that hold it (pairs of two terms only), in lexicon order."""
    by_term: dict[str, list[Pair]] = defaultdict(list)
    for entry in lexicon.get("pairs", []):
        if len(entry.get("terms", [])) == 2:
            pair = Pair.from_entry(entry)
            for term in dict.fromkeys(pair.terms):
                by_term[term].append(pair)
    return dict(by_term)


def _word_pattern(pairs: dict[str, list[Pair]]) -> re.Pattern | None:
    """One pattern for the lexicon terms that are ordinary words (not acronym-shaped)."""
    terms = sorted((t for t in pairs if not ACRONYM.fullmatch(t)), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(map(re.escape, terms)) + r")\b") if terms else None


def _by_story(sentences: pd.DataFrame) -> dict[str, list[Row]]:
    columns = ["source", "story", "start", "end", "text"]
    return {story: list(zip(*(group[c] for c in columns), strict=True))
            for story, group in columns_by(sentences, "story", columns).items()}


def detect(corpus: Corpus) -> pd.DataFrame:
    """Candidate occurrences of confusable terms with their lexicon and story evidence."""
    cfg = corpus.config.check("term_confusion")
    pairs = _pairs_by_term(corpus.config.lexicons.get("confusion", {}))
    words = _word_pattern(pairs)
    english = english_sources(corpus.sources)  # the lexicon's pairs are English words
    by_story = _by_story(corpus.sentences[~corpus.sentences["is_boilerplate"]])
    rows = []
    # a sentence given again (wire copy) has the same margin at the same place
    margin_of = memo_by_text(lambda term, sentence, at: _lexicon_margin(term, sentence, at, pairs))
    for story in sorted(by_story):
        group = by_story[story]
        occurrences = _occurrences(group) + _lexicon_words([r for r in group if r[0] in english], words)
        slots = _story_slots([o for o in occurrences if ACRONYM.fullmatch(o.term)])
        defined = {src: definitions(corpus.texts[src]) for src in dict.fromkeys(r[0] for r in group)}
        together = _together(occurrences)
        for o in occurrences:
            if o.term in defined[o.source]:
                continue
            margin = margin_of(o.term, o.sentence, o.start - o.sent_start)
            row = _candidate(o, slots, defined[o.source], together, margin, cfg)
            if row:
                rows.append(row)
    return candidates(rows, ["term", "intended", "lexicon_margin", "story_match"])


def _together(occurrences: list[Occurrence]) -> set[tuple[str, str]]:
    """Pairs of terms that one sentence uses side by side (the author means both)."""
    by_sentence: dict[tuple[str, int], set[str]] = defaultdict(set)
    for o in occurrences:
        by_sentence[(o.source, o.sent_start)].add(o.term)
    return {(a, b) for terms in by_sentence.values() if len(terms) > 1 for a in terms for b in terms if a != b}


def _candidate(o: Occurrence, slots: dict[str, Slots], defined: dict, together: set,
               lexicon: tuple[str | None, int], cfg: dict) -> dict | None:
    lex_term, margin = lexicon
    story = _story_match(o, slots, defined, together, cfg) if ACRONYM.fullmatch(o.term) else None
    if not story and margin <= 0:
        return None
    intended = story[0] if story else lex_term
    rel = [story[1]] if story else []
    if intended in defined:
        rel.append(related(o.source, *defined[intended]))
    return {"source": o.source, "story": o.story, "start": o.start, "end": o.end,
            "subkind": "story" if story else "lexicon", "related": rel, "note": intended,
            "term": o.term, "intended": intended, "lexicon_margin": margin,
            "story_match": 1 if story else 0}


def _lexicon_words(sentences: list[Row], pattern: re.Pattern | None) -> list[Occurrence]:
    """Occurrences of lexicon terms that are ordinary words (not acronym-shaped)."""
    if pattern is None:
        return []
    found_in = memo_by_text(lambda text: tuple((m.group(), m.start(), m.end()) for m in pattern.finditer(text)))
    out = []
    for source, story, start, end, text in sentences:
        for term, at, to in found_in(text):  # a sentence given again (wire copy) is read once
            out.append(Occurrence(source, story, term, start + at, start + to, text, start, end))
    return out
