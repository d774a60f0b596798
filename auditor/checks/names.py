"""name_conflict: a person or organisation spelt differently by one source than by the story's others.

Capitalised name mentions (runs of one to four capitalised words) are taken from every sentence;
within a story and a language (each source's detected language, auditor.language), spellings a small
edit distance apart (checks.yaml `name_conflict`) that are used in the same context (the same first
name or title word beside them, or shared content words of their sentences) are one name. Names
written beside different first names are different people and never join. Each source takes the
spelling it uses (a source writing both takes no side); `corpus.bounded_disagreements` gives one
candidate per spelling, naming at most MAX_RELATED other sources. Spellings are compared only with
those sharing a deletion variant (`_link`: no pair within max_distance is missed) and not already
joined to them, so a flood of near-identical names costs about one comparison per spelling, not one
per pair.

Features: spelling, other_spelling (the biggest other side's), edit_distance, similarity,
n_sources (this spelling), n_other (the other spelling), margin (n_other - n_sources),
share (this spelling's share of the sources taking a side), same_context, shared_context,
ending_only (the spellings differ only in their last letters: an inflection or demonym,
"Nepal"/"Nepali"), variant ("none", "diacritic", "spelling", "transliteration", "doubled", "vowel":
spellings a reader takes as the same name, by the rules of lexicons/names.yaml), place_share
(share of the name's mentions after a place preposition: a place, not a person or organisation),
differs, n_mixed (sources writing both).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import Indel, Levenshtein

from ..corpus import Corpus, Disagreement, UnionFind, bounded_disagreements, candidates, related
from ..language import languages_of
from ..text import vocabulary
from .conflicts import MAX_RELATED

WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*")
NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’](?=[^\W\d_]))*")  # hyphenated names split: "Bankman", "Fried"
VOWELS = re.compile(r"[aeiouy]+")
POSSESSIVE = re.compile(r"['’]s?$")
# Work bounds of one spelling in `_link` (a flood has thousands of spellings close by; a real story's
# spellings have a handful of candidates each: 3 at most in 1,000 real-text and 2,500 generated ones)
MAX_CANDIDATES = 50  # other spellings examined (and compared when used by other sources)
MAX_VISITS = 500  # spellings looked at, with those already joined to it

FEATURES = ["spelling", "other_spelling", "edit_distance", "similarity", "n_sources", "n_other", "margin", "share",
            "same_context", "shared_context", "ending_only", "variant", "place_share", "differs", "n_mixed"]


@dataclass(slots=True)
class Mention:
    """One capitalised name word in a sentence."""

    source: str
    story: str
    start: int
    end: int
    raw: str
    key: str  # folded spelling (diacritics and case removed)
    first: str  # folded capitalised word before it in the same run (a first name), "" when none
    title: str  # the lower-case word just before the run ("minister", "striker"), "" when none
    context: frozenset[str]  # content words of the sentence
    initial: bool  # the run is one word at the start of the sentence
    place: bool  # the run follows a place preposition ("in", "near", "from")


def fold(word: str, lexicon: dict | None = None) -> str:
    """Lower case without diacritics ("Müller" -> "muller"); the lexicon's letter folds first ("ß" -> "ss")."""
    if not lexicon:
        return _plain(word)
    for letter, plain in (lexicon.get("letter_folds") or {}).items():
        word = word.replace(letter, plain).replace(letter.upper(), plain.capitalize())
    return _plain(word)


def folder(lexicon: dict | None) -> Callable[[str], str]:
    """`fold` with this lexicon, cached per word (the same words recur in every sentence of a story)."""
    folds = tuple(((lexicon or {}).get("letter_folds") or {}).items())

    @lru_cache(maxsize=65536)
    def fold_word(word: str) -> str:
        for letter, plain in folds:
            word = word.replace(letter, plain).replace(letter.upper(), plain.capitalize())
        return _plain(word)

    return fold_word


@lru_cache(maxsize=262144)
def _plain(word: str) -> str:
    """Lower case without diacritics (cached: it runs on every word of every name and claim)."""
    if word.isascii():
        return word.lower().replace("’", "'")
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().replace("’", "'")


@lru_cache(maxsize=131072)
def _capitalised(word: str) -> bool:
    return word[0].isupper() and any(c.islower() for c in word[1:])


# A capitalised-word candidate of an ASCII text: a NAME_WORD token that starts with a capital (not inside
# a token: no letter, nor a letter and an apostrophe, before it), found without visiting the other words.
# (The capital comes first and the look-behinds after it: the engine then skips to capitals.)
CAPITAL_ASCII = re.compile(r"[A-Z](?<![A-Za-z][A-Z])(?<![A-Za-z]'[A-Z])(?:[A-Za-z]|'(?=[A-Za-z]))*")


def _runs(text: str) -> list[list[re.Match]]:
    """Runs of capitalised words separated only by single spaces or hyphens ("Bankman-Fried").

    An ASCII text is scanned for capitalised tokens only (the same runs: a word between two capitalised
    ones leaves more than " " or "-" between them)."""
    runs: list[list[re.Match]] = []
    previous = None
    for m in (CAPITAL_ASCII if text.isascii() else NAME_WORD).finditer(text):
        if not _capitalised(m.group()):
            previous = None
            continue
        if previous is not None and text[previous.end():m.start()] in (" ", "-"):
            runs[-1].append(m)
        else:
            runs.append([m])
        previous = m
    return runs


def _title_case(text: str) -> bool:
    """A headline-style sentence: most of its words capitalised."""
    return _title_case_words(WORD.findall(text))


def _title_case_words(words: list[str]) -> bool:
    return len(words) >= 4 and sum(map(_capitalised, words)) > 0.6 * len(words)


def _mentions(corpus: Corpus, lexicon: dict, min_length: int) -> list[Mention]:
    s = corpus.sentences[~corpus.sentences["is_boilerplate"]]
    if "is_heading" in s:
        s = s[~s["is_heading"].astype(bool)]
    read = _sentence_reader(lexicon, min_length, vocabulary(corpus.config).stopwords)
    out = []
    for source, story, start, text in zip(s["source"], s["story"], s["start"], s["text"], strict=True):
        found, context = read(text)
        for at, end, word, key, first, title, initial, place in found:
            out.append(Mention(source, story, start + at, start + end, word, key, first, title, context, initial,
                               place))
    return out


def _sentence_reader(lexicon: dict, min_length: int, stop: frozenset[str]) -> Callable[[str], tuple]:
    """The name mentions of a sentence, relative to it, and its content words: cached per text (wire copies
    and floods repeat the same sentences)."""
    places = {str(w).lower() for w in lexicon.get("place_prepositions") or []}
    fold_word = folder(lexicon)
    none: tuple = ((), frozenset())

    @lru_cache(maxsize=65536)
    def content_word(word: str) -> str:
        """The word, lower-cased, when it is a content word of a name's context; "" when not."""
        lowered = word.lower()
        return lowered if not _capitalised(word) and len(word) > 2 and lowered not in stop else ""

    @lru_cache(maxsize=65536)
    def read(text: str) -> tuple[tuple, frozenset[str]]:
        words = WORD.findall(text)
        if _title_case_words(words):
            return none
        context = None
        found = []
        for run in _runs(text):
            if len(run) > 4:
                continue
            before = WORD.findall(text[max(0, run[0].start() - 30):run[0].start()])
            title = before[-1].lower() if before and not _capitalised(before[-1]) else ""
            initial = len(run) == 1 and not WORD.search(text[:run[0].start()])
            for i, m in enumerate(run):
                word = POSSESSIVE.sub("", m.group())
                if len(word) < min_length:
                    continue
                if context is None:
                    context = frozenset(map(content_word, words)) - NOT_CONTENT
                first = fold_word(POSSESSIVE.sub("", run[i - 1].group())) if i else ""
                found.append((m.start(), m.start() + len(word), word, fold_word(word), first, title, initial,
                              title in places))
        return (tuple(found), context) if found else none

    return read


NOT_CONTENT = frozenset({""})


def _common_words(corpus: Corpus) -> dict[str, set[str]]:
    """Per story, every word its sources write in lower case (a capitalised one is then a common word)."""
    story_of = dict(zip(corpus.sources["source"], corpus.sources["story"], strict=True))
    common: dict[str, set[str]] = defaultdict(set)
    read: dict[str, set[str]] = defaultdict(set)  # per story, the lines already read
    # no word spans two lines: read line by line, a line given again (wire copy) once per story
    for source, text in corpus.texts.items():
        story = story_of.get(source)
        if story is None:
            continue
        words, seen = common[story], read[story]
        for line in text.splitlines():
            if line not in seen:
                seen.add(line)
                words.update(_plain(w) for w in set(WORD.findall(line)) if w[0].islower())
    return common


def _refold(word: str, folds: list[tuple[str, str]]) -> str:
    for long, short in folds:
        word = word.replace(long, short)
    return word


def variant(a: str, b: str, lexicon: dict) -> str:
    """How two folded spellings are the same name for a reader: "diacritic", "spelling", "transliteration",
    "doubled", "vowel", or "none" (a different spelling)."""
    return Variants(lexicon).label(a, b)


DOUBLED = re.compile(r"(.)\1+")


class Variants:
    """`variant` with the lexicon's rules read once (a story can have thousands of spellings to label)."""

    def __init__(self, lexicon: dict) -> None:
        self.folds = [("diacritic", [(str(x), str(y)) for x, y in lexicon.get("diacritic_folds") or []]),
                      ("spelling", [(str(x), str(y)) for x, y in lexicon.get("spelling_folds") or []])]
        self.swaps = {x: str(pair[0]) for pair in lexicon.get("letter_variants") or [] for x in pair}
        self.groups = [{fold(w, lexicon) for w in group} for group in lexicon.get("transliterations") or []]
        rules = lexicon.get("variant_rules") or {}
        self.doubled, self.vowels = rules.get("doubled_letters", True), rules.get("vowels", True)

    def label(self, a: str, b: str) -> str:
        for label, folds in self.folds:
            if _refold(a, folds) == _refold(b, folds):
                return label
        swaps = self.swaps
        if len(a) == len(b) and all(x == y or swaps.get(x, x) == swaps.get(y, y) for x, y in zip(a, b, strict=True)):
            return "transliteration"
        for folded in self.groups:
            if a in folded and b in folded:
                return "transliteration"
        single_a, single_b = DOUBLED.sub(r"\1", a), DOUBLED.sub(r"\1", b)
        if self.doubled and single_a == single_b:
            return "doubled"
        if self.vowels and VOWELS.sub("*", single_a) == VOWELS.sub("*", single_b):
            return "vowel"
        return "none"


def _ending_only(a: str, b: str, max_tail: int) -> bool:
    """The spellings share everything but their last letters (at most max_tail on each side)."""
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    return len(a) - common <= max_tail and len(b) - common <= max_tail


@dataclass(slots=True)
class _Pair:
    distance: int
    similarity: float
    same_context: bool
    shared_context: int


NO_WORDS: frozenset[str] = frozenset()


class _Spelling:
    """One folded spelling of a story and language, its mentions and what is compared of them (built once,
    not at every comparison: a spelling of a flood has thousands of mentions)."""

    def __init__(self, key: str, mentions: list[Mention]) -> None:
        self.key = key
        self.mentions = mentions
        if len(mentions) == 1:  # most spellings of a flood: no generator to run
            m = mentions[0]
            self.sources = frozenset((m.source,))
            self.firsts = frozenset((m.first,)) if m.first else NO_WORDS
            self.titles = frozenset((m.title,)) if m.title else NO_WORDS
        else:
            self.sources = frozenset(m.source for m in mentions)
            self.firsts = frozenset(m.first for m in mentions if m.first)
            self.titles = frozenset(m.title for m in mentions if m.title)
        self._context: frozenset[str] | None = None
        self._by_source: dict[str, Mention] | None = None

    @property
    def context(self) -> frozenset[str]:
        if self._context is None:
            self._context = frozenset().union(*{id(m.context): m.context for m in self.mentions}.values())
        return self._context

    def first_mention(self, source: str) -> Mention:
        """The source's first mention of this spelling."""
        if self._by_source is None:
            self._by_source = {}
            for m in self.mentions:
                self._by_source.setdefault(m.source, m)
        return self._by_source[source]


def _related_words(a: frozenset[str], b: frozenset[str]) -> bool:
    if a & b:
        return True
    if len(a) * len(b) > 64:  # many first names (a flood): the same test in C
        scores = process.cdist(list(a), list(b), scorer=Indel.normalized_similarity, score_cutoff=0.8,
                               dtype="float64")
        return bool((scores >= 0.8).any())
    return any(Indel.normalized_similarity(x, y) >= 0.8 for x in a for y in b)


def _compare(sa: _Spelling, sb: _Spelling, cfg: dict) -> _Pair | None:
    """How two spellings of one story relate; None when they cannot be one name (different people)."""
    a, b = sa.key, sb.key
    distance = Levenshtein.distance(a, b)
    similarity = Indel.normalized_similarity(a, b)
    if distance > int(cfg.get("max_distance", 2)) or similarity < float(cfg.get("min_similarity", 0.75)):
        return None
    if sa.firsts and sb.firsts and not _related_words(sa.firsts, sb.firsts):
        return None  # "Anna Hartwell" and "Tom Hardwell": two people
    shared = len(sa.context & sb.context)
    same = bool(sa.firsts & sb.firsts or sa.titles & sb.titles) or shared >= int(cfg.get("min_shared_context", 2))
    return _Pair(distance, round(similarity, 3), same, shared)


def _spellings(mentions: list[Mention], common: set[str], stop: frozenset[str]) -> dict[str, _Spelling]:
    """Folded spelling -> its mentions, without common words and words only ever seen opening a sentence."""
    by_key: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_key[m.key].append(m)
    return {k: _Spelling(k, ms) for k, ms in by_key.items()
            if k not in common and k not in stop and not all(m.initial for m in ms)}


def _deletions(word: str, depth: int) -> list[str]:
    """The word with up to `depth` letters deleted, fewest deletions first (in a fixed order)."""
    out = [word]
    n = len(word)
    level: dict[str, None] = {}
    if depth >= 1:
        level = dict.fromkeys([word[:i] + word[i + 1:] for i in range(n)])
        out.extend(level)
    if depth >= 2:
        level = dict.fromkeys([word[:i] + word[i + 1:j] + word[j + 1:] for i in range(n) for j in range(i + 1, n)])
        out.extend(level)
    for _ in range(depth - 2):
        level = dict.fromkeys(w[:i] + w[i + 1:] for w in level for i in range(len(w)))
        out.extend(level)
    return out


def _depth(length: int, max_distance: int, min_similarity: float) -> int:
    """Letters a spelling of this length loses on the way to what it shares with a spelling within
    max_distance edits and min_similarity (Indel): d + d' <= r (la + lb) with lb = la - d + d' bounds d by
    2 r la / (1 + r), r = 1 - min_similarity."""
    r = min(max(1.0 - min_similarity, 0.0), 1.0)
    return max(0, min(max_distance, int(2 * r * length / (1 + r) + 1e-9)))


@dataclass
class _Links:
    """Spellings joined into names, and the work it took."""

    sets: UnionFind
    keys: list[str]
    compared: int = 0
    capped: int = 0  # spellings whose candidates were cut at MAX_CANDIDATES or MAX_VISITS (a flood)


def _link(spellings: dict[str, _Spelling], cfg: dict) -> _Links:
    """Spellings close enough to be one name, used by different sources, joined into connected sets.

    Candidates share a deletion variant (each spelling with up to max_distance letters deleted, fewer
    when min_similarity allows fewer), which every pair within max_distance edits does: no pair is
    missed. A candidate already joined to the spelling (through others) is not compared again, and a
    variant whose spellings are all of one set is passed at once, so a flood of near-identical names
    compares about one pair per spelling; a spelling examines at most MAX_CANDIDATES candidates
    (MAX_VISITS with those already joined).
    """
    keys = sorted(spellings, key=lambda k: (len(k), k))
    sets = UnionFind(len(keys))
    links = _Links(sets, keys)
    max_distance = int(cfg.get("max_distance", 2))
    min_similarity = float(cfg.get("min_similarity", 0.75))
    members: dict[str, list[int]] = {}
    mixed: set[str] = set()  # variants whose spellings are not known to be one set
    find = sets.find
    for i, key in enumerate(keys):
        variants = _deletions(key, _depth(len(key), max_distance, min_similarity))
        spelling = spellings[key]
        seen: set[int] = set()
        visits = 0
        root = i  # i's set (a new spelling is alone until joined)
        buckets = []
        for v in variants:
            bucket = members.get(v)
            if bucket is None:
                members[v] = [i]
                continue
            if v not in mixed and find(bucket[0]) == root:
                bucket.append(i)  # all of i's set, and stays so: nothing to look at now or when adding i
                continue
            buckets.append((v, bucket))
            if visits > MAX_VISITS or len(seen) >= MAX_CANDIDATES:
                continue
            for j in reversed(bucket):
                visits += 1
                if visits > MAX_VISITS or len(seen) >= MAX_CANDIDATES:
                    links.capped += 1
                    break
                if j in seen or find(j) == root:
                    continue
                seen.add(j)
                other = spellings[keys[j]]
                if other.sources != spelling.sources:
                    links.compared += 1
                    if _compare(other, spelling, cfg) is not None:
                        sets.union(j, i)
                        root = find(i)
        for v, bucket in buckets:
            if v not in mixed and find(bucket[0]) != root:
                mixed.add(v)
            bucket.append(i)
    return links


def _components(links: _Links) -> list[list[str]]:
    groups: dict[int, list[str]] = defaultdict(list)
    for i, k in enumerate(links.keys):
        groups[links.sets.find(i)].append(k)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


@dataclass(slots=True)
class _Side:
    source: str
    key: str
    mention: Mention


def name_conflicts(corpus: Corpus) -> pd.DataFrame:
    """One candidate per spelling of each name that sources of one story and language spell differently."""
    cfg = corpus.config.check("name_conflict")
    lexicon = corpus.config.lexicons.get("names", {})
    vocab = vocabulary(corpus.config)
    stop = vocab.stopwords | frozenset(vocab.months) | frozenset(vocab.weekdays)
    language = languages_of(corpus.sources)  # auditor.language: detected once, after ingest
    common = _common_words(corpus)
    groups: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for m in _mentions(corpus, lexicon, int(cfg.get("min_length", 4))):
        groups[(m.story, language.get(m.source, ""))].append(m)
    rows = []
    variants = Variants(lexicon)
    max_spellings = int(cfg.get("max_spellings", 50))
    for key in sorted(groups):
        spellings = _spellings(groups[key], common[key[0]], stop)
        for component in _components(_link(spellings, cfg)):
            if len(component) <= max_spellings:  # more: a family of different names chained by near-misses
                rows.extend(_component_rows(component, spellings, variants, cfg))
    return candidates(rows, FEATURES)


def _component_rows(component: list[str], spellings: dict[str, _Spelling], variants: Variants,
                    cfg: dict) -> list[dict]:
    used: dict[str, list[str]] = defaultdict(list)
    for k in component:
        for m in spellings[k].mentions:
            if k not in used[m.source]:
                used[m.source].append(k)
    group = [_Side(src, ks[0], spellings[ks[0]].first_mention(src)) for src, ks in sorted(used.items()) if len(ks) == 1]
    n_mixed = sum(len(ks) > 1 for ks in used.values())
    if len({s.key for s in group}) < 2:
        return []
    mentions = [m for k in component for m in spellings[k].mentions]
    place_share = round(sum(m.place for m in mentions) / len(mentions), 3)
    rows = []
    pairs: dict[tuple[str, str], _Pair | None] = {}
    for d in bounded_disagreements(group, lambda s: s.key, MAX_RELATED):
        a, b = d.side[0].key, d.other_side[0].key
        if (a, b) not in pairs:  # the pair's context, as when the spellings were joined
            sa, sb = spellings[min(a, b)], spellings[max(a, b)]
            pairs[(a, b)] = None if sa.sources == sb.sources else _compare(sa, sb, cfg)
        rows.append(_row(d, pairs[(a, b)], variants, cfg, n_mixed) | {"place_share": place_share})
    return rows


def _row(d: Disagreement, pair: _Pair | None, variants: Variants, cfg: dict, n_mixed: int) -> dict:
    a, b = d.side[0], d.other_side[0]
    distance = Levenshtein.distance(a.key, b.key)
    return {
        "source": a.source, "story": a.mention.story, "start": a.mention.start, "end": a.mention.end,
        "subkind": "spelling",
        "related": [related(x.source, x.mention.start, x.mention.end) for x in d.related],
        "note": b.mention.raw, "spelling": a.mention.raw, "other_spelling": b.mention.raw,
        "edit_distance": distance, "similarity": round(Indel.normalized_similarity(a.key, b.key), 3),
        "n_sources": len(d.side), "n_other": len(d.other_side), "margin": len(d.other_side) - len(d.side),
        "share": round(len(d.side) / (len(d.side) + d.n_others), 3),
        "same_context": bool(pair and pair.same_context), "shared_context": pair.shared_context if pair else 0,
        "ending_only": _ending_only(a.key, b.key, int(cfg.get("max_ending", 2))),
        "variant": variants.label(a.key, b.key), "differs": not d.agrees, "n_mixed": n_mixed,
    }
