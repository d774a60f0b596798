"""name_conflict: a person or organisation spelt differently by one source than by the story's others.

Capitalised name mentions (runs of one to four capitalised words) are taken from every sentence;
within a story and a language (a source's language is guessed from its function words,
lexicons/names.yaml `languages`), spellings a small edit distance apart (checks.yaml
`name_conflict`) that are used in the same context (the same first name or title word beside
them, or shared content words of their sentences) are one name. Names written beside different
first names are different people and never join. Each source takes the spelling it uses (a source
writing both takes no side); `corpus.disagreements` gives one candidate per spelling.

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
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from rapidfuzz.distance import Indel, Levenshtein

from ..corpus import Corpus, candidates, disagreements, related, sides
from ..text import vocabulary

WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*")
NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’](?=[^\W\d_]))*")  # hyphenated names split: "Bankman", "Fried"
VOWELS = re.compile(r"[aeiouy]+")
POSSESSIVE = re.compile(r"['’]s?$")

FEATURES = ["spelling", "other_spelling", "edit_distance", "similarity", "n_sources", "n_other", "margin", "share",
            "same_context", "shared_context", "ending_only", "variant", "place_share", "differs", "n_mixed"]


@dataclass
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
    for letter, plain in ((lexicon or {}).get("letter_folds") or {}).items():
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


def guess_language(text: str, lexicon: dict) -> str:
    """The language whose function words (lexicon `languages`) are most frequent in the text, "" if none."""
    words = Counter(w.lower() for w in WORD.findall(text[:5000]))
    scores = {lang: sum(words[w] for w in set(ws or [])) for lang, ws in (lexicon.get("languages") or {}).items()}
    best = max(scores.items(), key=lambda kv: (kv[1], kv[0]), default=("", 0))
    return best[0] if best[1] > 0 else ""


@lru_cache(maxsize=131072)
def _capitalised(word: str) -> bool:
    return word[0].isupper() and any(c.islower() for c in word[1:])


def _runs(text: str) -> list[list[re.Match]]:
    """Runs of capitalised words separated only by single spaces or hyphens ("Bankman-Fried")."""
    runs: list[list[re.Match]] = []
    previous = None
    for m in NAME_WORD.finditer(text):
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
    places = {str(w).lower() for w in lexicon.get("place_prepositions") or []}
    s = corpus.sentences[~corpus.sentences["is_boilerplate"]]
    if "is_heading" in s:
        s = s[~s["is_heading"].astype(bool)]
    stop = vocabulary(corpus.config).stopwords
    fold_word = folder(lexicon)
    out = []
    for source, story, start, text in zip(s["source"], s["story"], s["start"], s["text"], strict=True):
        words = WORD.findall(text)
        if _title_case_words(words):
            continue
        context = None
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
                    context = frozenset(w.lower() for w in words if not _capitalised(w) and len(w) > 2
                                        and w.lower() not in stop)
                first = fold_word(POSSESSIVE.sub("", run[i - 1].group())) if i else ""
                out.append(Mention(source, story, start + m.start(), start + m.start() + len(word), word,
                                   fold_word(word), first, title, context, initial, title in places))
    return out


def _common_words(corpus: Corpus, stories: set[str]) -> dict[str, set[str]]:
    """Per story, every word its sources write in lower case (a capitalised one is then a common word)."""
    story_of = dict(zip(corpus.sources["source"], corpus.sources["story"], strict=True))
    out: dict[str, set[str]] = defaultdict(set)
    for source, text in corpus.texts.items():
        story = story_of.get(source)
        if story in stories:
            out[story].update(_plain(w) for w in WORD.findall(text) if w[0].islower())
    return out


def _refold(word: str, folds: list[tuple[str, str]]) -> str:
    for long, short in folds:
        word = word.replace(long, short)
    return word


def variant(a: str, b: str, lexicon: dict) -> str:
    """How two folded spellings are the same name for a reader: "diacritic", "spelling", "transliteration",
    "doubled", "vowel", or "none" (a different spelling)."""
    for label, key in (("diacritic", "diacritic_folds"), ("spelling", "spelling_folds")):
        folds = [(str(x), str(y)) for x, y in lexicon.get(key) or []]
        if _refold(a, folds) == _refold(b, folds):
            return label
    swaps = {x: str(pair[0]) for pair in lexicon.get("letter_variants") or [] for x in pair}
    if len(a) == len(b) and all(x == y or swaps.get(x, x) == swaps.get(y, y) for x, y in zip(a, b, strict=True)):
        return "transliteration"
    for group in lexicon.get("transliterations") or []:
        folded = {fold(w, lexicon) for w in group}
        if a in folded and b in folded:
            return "transliteration"
    rules = lexicon.get("variant_rules") or {}
    single_a, single_b = re.sub(r"(.)\1+", r"\1", a), re.sub(r"(.)\1+", r"\1", b)
    if rules.get("doubled_letters", True) and single_a == single_b:
        return "doubled"
    if rules.get("vowels", True) and VOWELS.sub("*", single_a) == VOWELS.sub("*", single_b):
        return "vowel"
    return "none"


def _ending_only(a: str, b: str, max_tail: int) -> bool:
    """The spellings share everything but their last letters (at most max_tail on each side)."""
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    return len(a) - common <= max_tail and len(b) - common <= max_tail


@dataclass
class _Pair:
    distance: int
    similarity: float
    same_context: bool
    shared_context: int


def _related_words(a: set[str], b: set[str]) -> bool:
    return any(x == y or Indel.normalized_similarity(x, y) >= 0.8 for x in a for y in b)


def _compare(ma: list[Mention], mb: list[Mention], cfg: dict) -> _Pair | None:
    """How two spellings of one story relate; None when they cannot be one name (different people)."""
    a, b = ma[0].key, mb[0].key
    distance = Levenshtein.distance(a, b)
    similarity = Indel.normalized_similarity(a, b)
    if distance > int(cfg.get("max_distance", 2)) or similarity < float(cfg.get("min_similarity", 0.75)):
        return None
    firsts_a, firsts_b = {m.first for m in ma if m.first}, {m.first for m in mb if m.first}
    if firsts_a and firsts_b and not _related_words(firsts_a, firsts_b):
        return None  # "Anna Hartwell" and "Tom Hardwell": two people
    titles_a, titles_b = {m.title for m in ma if m.title}, {m.title for m in mb if m.title}
    shared = len(frozenset().union(*(m.context for m in ma)) & frozenset().union(*(m.context for m in mb)))
    same = bool(firsts_a & firsts_b or titles_a & titles_b) or shared >= int(cfg.get("min_shared_context", 2))
    return _Pair(distance, round(similarity, 3), same, shared)


def _spellings(mentions: list[Mention], common: set[str], stop: frozenset[str]) -> dict[str, list[Mention]]:
    """Folded spelling -> its mentions, without common words and words only ever seen opening a sentence."""
    by_key: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_key[m.key].append(m)
    return {k: ms for k, ms in by_key.items()
            if k not in common and k not in stop and not all(m.initial for m in ms)}


def _components(keys: list[str], edges: dict[tuple[str, str], _Pair]) -> list[list[str]]:
    parent = {k: k for k in keys}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b in edges:
        parent[root(b)] = root(a)
    groups: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        groups[root(k)].append(k)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def _edges(spellings: dict[str, list[Mention]], cfg: dict) -> dict[tuple[str, str], _Pair]:
    """Pairs of spellings close enough to be one name, used by different sources."""
    keys = sorted(spellings, key=len)
    max_distance = int(cfg.get("max_distance", 2))
    edges = {}
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if len(b) - len(a) > max_distance:
                break
            if {m.source for m in spellings[a]} == {m.source for m in spellings[b]}:
                continue
            pair = _compare(spellings[a], spellings[b], cfg)
            if pair is not None:
                edges[tuple(sorted((a, b)))] = pair
    return edges


@dataclass
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
    language = {src: guess_language(text, lexicon) for src, text in corpus.texts.items()}
    groups: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for m in _mentions(corpus, lexicon, int(cfg.get("min_length", 4))):
        groups[(m.story, language.get(m.source, ""))].append(m)
    common = _common_words(corpus, {story for story, _ in groups})
    rows = []
    for key in sorted(groups):
        spellings = _spellings(groups[key], common[key[0]], stop)
        edges = _edges(spellings, cfg)
        for component in _components(sorted(spellings), edges):
            rows.extend(_component_rows(component, spellings, edges, lexicon, cfg))
    return candidates(rows, FEATURES)


def _component_rows(component: list[str], spellings: dict[str, list[Mention]],
                    edges: dict[tuple[str, str], _Pair], lexicon: dict, cfg: dict) -> list[dict]:
    used: dict[str, list[str]] = defaultdict(list)
    for k in component:
        for m in spellings[k]:
            if k not in used[m.source]:
                used[m.source].append(k)
    group = [_Side(src, ks[0], next(m for m in spellings[ks[0]] if m.source == src))
             for src, ks in sorted(used.items()) if len(ks) == 1]
    n_mixed = sum(len(ks) > 1 for ks in used.values())
    if len({s.key for s in group}) < 2:
        return []
    mentions = [m for k in component for m in spellings[k]]
    place_share = round(sum(m.place for m in mentions) / len(mentions), 3)
    rows = []
    for side, others, agrees in disagreements(group, lambda s: s.key):
        other_side = sides(others, lambda s: s.key)[0]
        rows.append(_row(side, other_side, others, agrees, edges, lexicon, cfg, n_mixed) | {"place_share": place_share})
    return rows


def _row(side: list[_Side], other_side: list[_Side], others: list[_Side], agrees: bool,
         edges: dict[tuple[str, str], _Pair], lexicon: dict, cfg: dict, n_mixed: int) -> dict:
    a, b = side[0], other_side[0]
    pair = edges.get(tuple(sorted((a.key, b.key))))
    distance = Levenshtein.distance(a.key, b.key)
    return {
        "source": a.source, "story": a.mention.story, "start": a.mention.start, "end": a.mention.end,
        "subkind": "spelling",
        "related": [related(x.source, x.mention.start, x.mention.end) for x in side[1:] + others],
        "note": b.mention.raw, "spelling": a.mention.raw, "other_spelling": b.mention.raw,
        "edit_distance": distance, "similarity": round(Indel.normalized_similarity(a.key, b.key), 3),
        "n_sources": len(side), "n_other": len(other_side), "margin": len(other_side) - len(side),
        "share": round(len(side) / (len(side) + len(others)), 3),
        "same_context": bool(pair and pair.same_context), "shared_context": pair.shared_context if pair else 0,
        "ending_only": _ending_only(a.key, b.key, int(cfg.get("max_ending", 2))),
        "variant": variant(a.key, b.key, lexicon), "differs": not agrees, "n_mixed": n_mixed,
    }
