"""garbled_text: machine-translation and copy-paste debris inside sentences.

Signals (each a subkind), all in one sentence merged into one candidate:
- stray_stop: a full stop mid-sentence followed by a lower-case word ("their data. with third");
- stray_stop_repeat: a word repeated across a stray full stop ("an amount. amount");
- capitalized_function_word: a capitalized function word between lower-case words ("users They could");
- run_together: words glued together ("apnewsChanges", "2024Microsoft", "AIThe"), unless the token is
  a legitimate camel-case name (lexicons/camelcase.yaml) or several sources of the story use it; a
  figure glued to its unit ("100Mbps") is not;
- glued_word: a capitalized token unknown to the word list that ends in an auxiliary or reporting verb
  ("Morohas", "Citydeclared": characters dropped between two words);
- function_word_before_name: a capitalized function word between a lower-case word (or a number) and a
  name or number ("the year By 2021"), or a determiner that is only ever machine-translation debris
  ("There Federal Aviation Administration"); names that look like function words ("May", "The Who")
  are not;
- mojibake: text decoded with the wrong character set ("Weâll", "Army?s", "Ã©").
Features: n_signals, signals (comma list).

Words that are not words (subkind nonwords): one candidate per paragraph whose sentences hold
lower-case tokens unknown to a real English word-frequency list (wordfreq, loaded once and cached);
names (capitalized tokens), numbers, units glued to numbers, acronyms, URLs, handles and hashtags are
not looked at, nor chrome. Features: n_unknown, n_typo (unknown tokens one edit, or a doubled ending,
away from a common word: "acquiresd", "confidentialial"), unknown_rate (the highest share of unknown
tokens among a sentence's checked tokens), longest_unknown, english_share (the source's share of
English function words, 0 for a source detected in another language: the suite skips it). A sentence of
some length without a single English function word is not looked at (a quotation in another language).

Each distinct sentence is read once; only those with something to report are walked row by row (a
source's English share is computed for their sources alone). Cost is linear in the sentence length:
words are found by one scan, a word longer than MAX_TOKEN_CHARS is not examined for glued words (no
news word is that long; a flood of letters must not cost the square of its length), and the words
around a stray stop or a capitalized function word are looked for in a window of WINDOW_CHARS
characters, never in the whole prefix.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pandas as pd

from ..corpus import Corpus, candidates
from ..frames import positions_where
from ..language import english_sources
from ..segment import DEFAULT_ABBREVIATIONS, Segmenter
from ..text import default_vocabulary, memo_by_text
from .boilerplate import Rules

STRAY_STOP = re.compile(r"\.(?<=[^\W\d_]\.)[ \t]+(?=[a-z])")  # the stop first: the engine skips to stops
SHAPES = {
    "lower_then_word": re.compile(r"[a-z]{2,}[A-Z][a-z]{2,}\w*"),
    "digits_then_word": re.compile(r"\d{2,}(?=[A-Za-z]{5})[A-Z][A-Za-z]*[a-z]{2,}\w*"),  # not "100Mbps"
    "acronym_then_word": re.compile(r"[A-Z]{2,}[A-Z][a-z]{2,}\w*"),
}


@dataclass
class Signal:
    start: int
    end: int
    kind: str


WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
CAMEL_POINT = re.compile(r"[a-z0-9][A-Z]|[A-Z]{2}[a-z]")
MAX_TOKEN_CHARS = 64
"""Longest word examined for glued words; longer runs of letters are left alone (linear cost)."""
WINDOW_CHARS = 64
"""How far back the word before a signal, or an opening quote, is looked for."""
_WORD_BEFORE = re.compile(r"([^\W\d_]+)$")
_WORD_AFTER = re.compile(r"[^\W\d_]+")
_QUOTED_BEFORE = re.compile(r"[:;\"“(]\s*$")
_PREVIOUS_WORD = re.compile(r"(\w+)\s$")
# Each pattern begins with a literal or a character class, not a lookbehind, so the regex engine
# skips ahead to the places that can match (several times faster on long texts).
_FUNCTION_WORD = re.compile(r" (?<=[a-z,\d%] )([A-Z][a-z]{1,5})(?= [a-z])")
_BEFORE_NAME = re.compile(r" (?<=[a-z,\d%] )([A-Z][a-z]{1,7})(?= (?:[A-Z]|\d))")
_SENTENCE_START = re.compile(r"([A-Z](?<![^\"“‘(][A-Z])[a-z]{1,7})(?= [A-Z][a-z]*)")  # at the start or after a quote
_LOWER_WORD_BEFORE = re.compile(r"(?:^|[\s(])([a-z][\w’'-]*|\d[\d.,%]*)[ ,]*$")
MOJIBAKE = re.compile(r"[ÃâÂ?\ufffd](?:(?<=Ã)[\x80-\xbf]|(?<=â)€|(?<=Â)(?=[\s\xa0])"
                      r"|(?<=[A-Za-z]â)(?=(?:s|ll|re|ve|d|t|m)\b)|(?<=\sâ)(?=\s)"
                      r"|(?<=[a-z]\?)(?=(?:s|t|ll|re|ve|d)\b)|(?<=\ufffd))")
GLUED_TAIL = re.compile(r"[A-Z][a-z]{2,}(has|had|was|were|said|says|declared|added|told|announced|stated|reported)")
TOKEN = re.compile(r"\w+(?:['’]\w+)*")
UNLOOKED = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|[@#]\w+|\b[\w.-]+\.(?:com|org|net|co|uk|io|gov|edu|info)\b")
MAYBE_UNLOOKED = re.compile(r"[@#]|://|www\.|\.(?:com|org|net|co|uk|io|gov|edu|info)\b")
"""What every UNLOOKED match holds: a text without it is not scanned by the slower pattern."""
ENGLISH_MIN_SHARE = 0.15
"""A source whose share of English function words is below this is not English: the English-only
signals (capitalized function words, glued verbs) are not looked for (English prose has 0.25-0.5)."""
TYPO_MIN_FREQ = 10 ** -6.5
"""A common word (Zipf 2.5): an unknown token one edit from such a word is a typo or spun word."""


@dataclass(frozen=True)
class Vocabulary:
    """Legitimate camel-case names and function words, from lexicons/camelcase.yaml."""

    names: frozenset[str]
    function_words: frozenset[str]
    lowered: frozenset[str] = frozenset()
    before_names: frozenset[str] = frozenset()
    mt_determiners: frozenset[str] = frozenset()

    @classmethod
    def from_lexicon(cls, lexicon: dict) -> Vocabulary:
        names = frozenset(str(n) for n in lexicon.get("names", []))
        return cls(names, frozenset(lexicon.get("function_words", [])), frozenset(n.lower() for n in names),
                   frozenset(lexicon.get("function_words_before_names", [])),
                   frozenset(lexicon.get("mt_determiners", [])))

    def known(self, token: str) -> bool:
        return token in self.names or token.lower() in (self.lowered or {n.lower() for n in self.names})

    def glued_name(self, token: str) -> bool:
        """True when a known name is glued to something else ("AIYouTube", "ReutersYouTube")."""
        for k in range(2, len(token) - 1):
            head, tail = token[:k], token[k:]
            if tail in self.names and (head[:1].isupper() or head[-1:].isupper()):
                return True
            if tail in self.names and head.isdigit() and len(tail) >= 4 and not tail.isupper():
                return True  # "2024Microsoft"; "500MW" is a figure with its unit
            if head in self.names and (tail[:1].isupper() or tail[:1].isdigit()) and len(tail) >= 2:
                return True
        return False


def camel_words(text: str) -> Iterator[re.Match[str]]:
    """Words (runs of word characters) of at most MAX_TOKEN_CHARS with a camel-case point, in order.

    The points are found first (one scan; a point is word characters only, so it lies inside one
    word), then the word around each: each word is walked once, however many points it holds."""
    done = 0
    for point in CAMEL_POINT.finditer(text):
        if point.start() < done:
            continue  # a later point of a word already given
        start = point.start()
        while start > done and _WORD_CHAR.match(text, start - 1):
            start -= 1
        word = WORD.match(text, start)
        done = word.end()
        if done - start <= MAX_TOKEN_CHARS:
            yield word


def run_together_tokens(text: str, vocab: Vocabulary) -> list[tuple[int, int, str]]:
    """(start, end, token) of glued words in a text (only camel-shaped tokens are examined)."""
    found = []
    for m in camel_words(text):
        token = m.group()
        if token.endswith(("’s", "'s")):
            token = token[:-2]
        if vocab.known(token) or text[m.start() - 1:m.start()] in ("@", "#"):
            continue  # a handle or a hashtag is a name
        if vocab.glued_name(token) or any(p.fullmatch(token) for p in SHAPES.values()):
            found.append((m.start(), m.start() + len(token), token))
    return found


def _window(text: str, end: int) -> tuple[str, int]:
    """The WINDOW_CHARS characters before `end`, and the offset of the window in the text."""
    floor = max(0, end - WINDOW_CHARS)
    return text[floor:end], floor


def _stray_stops(text: str, segmenter: Segmenter) -> list[Signal]:
    out = []
    for m in STRAY_STOP.finditer(text):
        if segmenter.is_abbreviation(text, 0, m.start()):
            continue
        window, floor = _window(text, m.start())
        before = _WORD_BEFORE.search(window)
        after = _WORD_AFTER.match(text, m.end())
        word_start = floor + before.start(1) if before else m.start()
        end = after.end() if after else m.end()
        if before and after and before.group(1).lower() == after.group().lower():
            out.append(Signal(word_start, end, "stray_stop_repeat"))
        else:
            out.append(Signal(word_start, end, "stray_stop"))
    return out


def _after_lower_word(text: str, start: int) -> int | None:
    """Where the lower-case word (or number) right before `start` begins, if it is one and not quoted."""
    window, floor = _window(text, start)
    if _QUOTED_BEFORE.search(window):
        return None
    prev = _LOWER_WORD_BEFORE.search(window)
    return floor + prev.start(1) if prev else None


def _capitalized_function_words(text: str, vocab: Vocabulary) -> list[Signal]:
    out = []
    for m in _FUNCTION_WORD.finditer(text):
        if m.group(1) in vocab.function_words:
            begin = _after_lower_word(text, m.start(1))
            if begin is not None:
                out.append(Signal(begin, m.end(), "capitalized_function_word"))
    for m in _BEFORE_NAME.finditer(text):
        if m.group(1) in vocab.before_names:
            begin = _after_lower_word(text, m.start(1))
            if begin is not None:
                out.append(Signal(begin, m.end(), "function_word_before_name"))
    for m in _SENTENCE_START.finditer(text):
        if m.group(1) in vocab.mt_determiners:
            out.append(Signal(m.start(1), m.end(), "function_word_before_name"))
    return out


def _mojibake(text: str) -> list[Signal]:
    return [Signal(m.start(), m.end(), "mojibake") for m in MOJIBAKE.finditer(text)]


def _glued_words(text: str) -> list[Signal]:
    """Capitalized tokens unknown to the word list that end in a verb ("Morohas": dropped characters)."""
    if not GLUED_TAIL.search(text):  # a token that matches in full matches somewhere in the text
        return []
    words = english_words()
    out = []
    for m in WORD.finditer(text):
        token = m.group()
        if len(token) <= MAX_TOKEN_CHARS and GLUED_TAIL.fullmatch(token) and token.lower() not in words:
            out.append(Signal(m.start(), m.end(), "glued_word"))
    return out


def sentence_signals(text: str, vocab: Vocabulary, segmenter: Segmenter,
                     story_tokens: dict[str, int] | None = None,
                     glued: Sequence[tuple[int, int, str]] | None = None, english: bool = True) -> list[Signal]:
    """Every debris signal in one sentence, in order (the English-only ones when `english`)."""
    tokens = run_together_tokens(text, vocab) if glued is None else glued
    return _with_run_together(_fixed_signals(text, vocab, segmenter, english), tokens, story_tokens)


def _with_run_together(fixed: Sequence[Signal], tokens: Sequence[tuple[int, int, str]],
                       story_tokens: dict[str, int] | None) -> list[Signal]:
    """The fixed signals and the run-together tokens fewer than two sources of the story use, in order."""
    signals = list(fixed)
    for start, end, token in tokens:
        if (story_tokens or {}).get(token, 0) < 2:
            signals.append(Signal(start, end, "run_together"))
    return sorted(signals, key=lambda s: s.start)


def _fixed_signals(text: str, vocab: Vocabulary, segmenter: Segmenter, english: bool) -> tuple[Signal, ...]:
    """The signals of a sentence that do not depend on its story (all but run-together tokens)."""
    signals = _stray_stops(text, segmenter) + _mojibake(text)
    if english:
        signals += _capitalized_function_words(text, vocab) + _glued_words(text)
    return tuple(signals)


def _outside(signals: list[Signal], spans: Sequence[tuple[int, int, str]]) -> list[Signal]:
    """Signals that do not touch a span of inline chrome (reported by the boilerplate check)."""
    return [sig for sig in signals if not any(lo <= sig.end and sig.start <= hi for lo, hi, _ in spans)]


def _story_token_counts(sentences: pd.DataFrame,
                        glued: list[Sequence[tuple[int, int, str]]]) -> dict[str, dict[str, int]]:
    """Per story: how many sources use each run-together-shaped token (a name if several do)."""
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for source, story, tokens in zip(sentences["source"], sentences["story"], glued, strict=True):
        for _, _, token in tokens:
            seen[story][token].add(source)
    return {story: {t: len(v) for t, v in tokens.items()} for story, tokens in seen.items()}


FEATURES = ["n_signals", "signals", "n_unknown", "n_typo", "unknown_rate", "longest_unknown", "english_share"]


def detect(corpus: Corpus) -> pd.DataFrame:
    """One candidate per sentence with debris, spanning all its signals; one per paragraph with non-words."""
    vocab = Vocabulary.from_lexicon(corpus.config.lexicons.get("camelcase", {}))
    abbreviations = frozenset(corpus.config.lexicons.get("abbreviations", {}).get("abbreviations", []))
    segmenter = Segmenter(abbreviations or DEFAULT_ABBREVIATIONS)
    chrome = Rules.from_lexicon(corpus.config.lexicons.get("boilerplate", {}))
    # a sentence given again (wire copy, a story's sources) is read once
    glued_of = memo_by_text(lambda text: tuple(run_together_tokens(text, vocab)))
    spans_of = memo_by_text(lambda text: tuple(chrome.inline_spans(text)))
    fixed_of = memo_by_text(lambda text, english: _fixed_signals(text, vocab, segmenter, english))
    nonwords_of = memo_by_text(lambda text, at_end: nonwords(_blank(_untruncated(text, at_end), spans_of(text))))

    def quiet(text: str) -> bool:
        """Nothing to report in this sentence, whatever its source: no glued token, no signal even with the
        English ones, no unknown word, whether it ends its text or not."""
        return (not glued_of(text) and not fixed_of(text, True) and not nonwords_of(text, False)[0]
                and (CLOSED.search(text) is not None or not nonwords_of(text, True)[0]))

    s = corpus.sentences[~corpus.sentences["is_boilerplate"]]
    s = s.iloc[positions_where(s["text"], lambda text: not quiet(text))]
    glued = [glued_of(text) for text in s["text"]]
    counts = _story_token_counts(s, glued)
    english = english_sources(corpus.sources)  # another detected language: no English signal, no non-word
    shares = {src: english_share(corpus.texts[src]) if src in english else 0.0 for src in set(s["source"])}
    ends = {src: len(corpus.texts[src].rstrip()) for src in shares}  # where each text stops
    rows = []
    words: dict[tuple[str, int], list[tuple[int, int, list[str], float]]] = defaultdict(list)
    for source, story, para, start, text, tokens in zip(s["source"], s["story"], s["para"], s["start"], s["text"],
                                                        glued, strict=True):
        spans = spans_of(text)
        english = shares.get(source, 0.0) >= ENGLISH_MIN_SHARE
        signals = _outside(_with_run_together(fixed_of(text, english), tokens, counts.get(story)), spans)
        if signals:
            kinds = [sig.kind for sig in signals]
            rows.append(_row(source, story, start + signals[0].start, start + max(sig.end for sig in signals),
                             kinds[0], ", ".join(dict.fromkeys(kinds)), shares.get(source, 0.0),
                             n_signals=len(signals), signals=",".join(kinds)))
        unknown, rate = nonwords_of(text, start + len(text) >= ends.get(source, 0))
        if unknown:
            words[(source, para)].append((start, start + len(text), unknown, rate))
    story_of = dict(zip(s["source"], s["story"], strict=True))
    for (source, _para), found in words.items():
        rows.append(_nonword_row(source, story_of[source], found, shares.get(source, 0.0)))
    return candidates(rows, FEATURES)


def _row(source: str, story: str, start: int, end: int, subkind: str, note: str, share: float, **features) -> dict:
    base = {"n_signals": 0, "signals": "", "n_unknown": 0, "n_typo": 0, "unknown_rate": 0.0, "longest_unknown": 0,
            "english_share": round(share, 3)}
    return {"source": source, "story": story, "start": start, "end": end, "subkind": subkind, "related": [],
            "note": note} | base | features


def _nonword_row(source: str, story: str, found: list[tuple[int, int, list[str], float]], share: float) -> dict:
    """One candidate for a paragraph's sentences with unknown words."""
    unknown = [w for _, _, ws, _ in found for w in ws]
    typos = [w for w in unknown if near_word(w)]
    note = ", ".join(dict.fromkeys(unknown[:8]))
    return _row(source, story, found[0][0], found[-1][1], "nonwords", note, share, n_unknown=len(unknown),
                n_typo=len(typos), unknown_rate=round(max(r for *_, r in found), 3),
                longest_unknown=max(len(w) for w in unknown))


CLOSED = re.compile(r"[.!?\"”’')\]:]\s*$")
LAST_WORD = re.compile(r"\w+\s*$")


def _untruncated(text: str, at_end: bool) -> str:
    """The sentence without its last word when it ends the source text in mid-word (a cut capture)."""
    if not at_end or CLOSED.search(text):
        return text
    cut = LAST_WORD.search(text)
    return text[:cut.start()] + " " * (len(text) - cut.start()) if cut else text


def _blank(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """The text with chrome spans, URLs, handles and hashtags blanked out (same length)."""
    for lo, hi, _ in spans:
        text = text[:lo] + " " * (hi - lo) + text[hi:]
    return UNLOOKED.sub(lambda m: " " * len(m.group()), text) if MAYBE_UNLOOKED.search(text) else text


@functools.lru_cache(maxsize=1)
def english_words() -> dict[str, float]:
    """wordfreq's English word frequencies (about 320,000 words; loaded once, about 0.15 s)."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en")


@functools.lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    return default_vocabulary().function_words


def english_share(text: str) -> float:
    """Share of a text's words that are English function words (about 0.3-0.5 in English, < 0.1 otherwise)."""
    counts = [_function_word_counts(line) for line in text.splitlines()]  # no token spans two lines
    tokens = sum(n for _, n in counts)
    return sum(hits for hits, _ in counts) / tokens if tokens else 0.0


@functools.lru_cache(maxsize=1 << 16)
def _function_word_counts(line: str) -> tuple[int, int]:
    """(function words, words) of one line, figures not counted (cached: wire copy repeats lines)."""
    tokens = [t.lower() for t in TOKEN.findall(line) if not t[:1].isdigit()]
    return sum(map(_function_words().__contains__, tokens)), len(tokens)


def _normal(token: str) -> str:
    word = token.replace("’", "'").lower()
    return word[:-2] if word.endswith("'s") else word.rstrip("'")


def nonwords(text: str) -> tuple[list[str], float]:
    """Lower-case tokens of a sentence unknown to the English list, and their share of the checked tokens.

    Only all-lower-case ASCII tokens are checked: not names, acronyms or camel case (run_together's),
    figures and units, letters of other scripts, one-letter tokens; a sentence of eight or more words
    without an English function word is not English.
    """
    tokens = TOKEN.findall(text)
    if len(tokens) >= 8 and _function_words().isdisjoint(map(str.lower, tokens)):
        return [], 0.0
    kinds = list(map(_token_kind, tokens))
    if UNKNOWN not in kinds:
        return [], 0.0
    unknown = [t for t, kind in zip(tokens, kinds, strict=True) if kind == UNKNOWN]
    return unknown, (len(unknown) / max(len(kinds) - kinds.count(UNCHECKED), 5) if unknown else 0.0)


UNCHECKED, KNOWN, UNKNOWN = 0, 1, 2


@functools.lru_cache(maxsize=262144)
def _token_kind(token: str) -> int:
    """UNCHECKED (not an all-lower-case ASCII word of two letters or more), KNOWN or UNKNOWN to the word list."""
    if not (len(token) > 1 and token.islower() and token.isascii() and not any(c.isdigit() or c == "_" for c in token)):
        return UNCHECKED
    return KNOWN if _normal(token) in english_words() else UNKNOWN


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def near_word(token: str) -> bool:
    """Is an unknown token one edit (first letter kept) or a doubled ending away from a common word?"""
    word = _normal(token)
    if len(word) < 5:
        return False
    freq = english_words()

    def common(w: str) -> bool:
        return freq.get(w, 0.0) >= TYPO_MIN_FREQ

    for k in (2, 3, 4):
        if len(word) > 2 * k + 2 and word[-k:] == word[-2 * k:-k] and common(word[:-k]):
            return True  # "confidentialial"
    heads = [(word[:i], word[i:]) for i in range(1, len(word) + 1)]
    edits = ([h + t[1:] for h, t in heads if t]
             + [h + t[1] + t[0] + t[2:] for h, t in heads if len(t) > 1]
             + [h + c + t[1:] for h, t in heads if t for c in LETTERS]
             + [h + c + t for h, t in heads for c in LETTERS])
    return any(common(e) for e in edits if e != word)
