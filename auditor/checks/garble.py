"""garbled_text: machine-translation and copy-paste debris inside sentences.

Signals (each a subkind), all in one sentence merged into one candidate:
- stray_stop: a full stop mid-sentence followed by a lower-case word ("their data. with third");
- stray_stop_repeat: a word repeated across a stray full stop ("an amount. amount");
- capitalized_function_word: a capitalized function word between lower-case words ("users They could");
- run_together: words glued together ("apnewsChanges", "2024Microsoft", "AIThe"), unless the token is
  a legitimate camel-case name (lexicons/camelcase.yaml) or several sources of the story use it.
Features: n_signals, signals (comma list), story_sources (sources using a run-together token).

Cost is linear in the sentence length: words are found by one scan, a word longer than
MAX_TOKEN_CHARS is not examined for glued words (no news word is that long; a flood of letters
must not cost the square of its length), and the words around a stray stop or a capitalized
function word are looked for in a window of WINDOW_CHARS characters, never in the whole prefix.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from ..corpus import Corpus, candidates
from ..segment import DEFAULT_ABBREVIATIONS, Segmenter

STRAY_STOP = re.compile(r"(?<=[^\W\d_])\.[ \t]+(?=[a-z])")
SHAPES = {
    "lower_then_word": re.compile(r"[a-z]{2,}[A-Z][a-z]{2,}\w*"),
    "digits_then_word": re.compile(r"\d{2,}[A-Z][A-Za-z]*[a-z]{2,}\w*"),
    "acronym_then_word": re.compile(r"[A-Z]{2,}[A-Z][a-z]{2,}\w*"),
}


@dataclass
class Signal:
    start: int
    end: int
    kind: str


WORD = re.compile(r"\w+")
CAMEL_POINT = re.compile(r"[a-z0-9][A-Z]|[A-Z]{2}[a-z]")
MAX_TOKEN_CHARS = 64
"""Longest word examined for glued words; longer runs of letters are left alone (linear cost)."""
WINDOW_CHARS = 64
"""How far back the word before a signal, or an opening quote, is looked for."""
_WORD_BEFORE = re.compile(r"([^\W\d_]+)$")
_WORD_AFTER = re.compile(r"[^\W\d_]+")
_QUOTED_BEFORE = re.compile(r"[:;\"“(]\s*$")
_PREVIOUS_WORD = re.compile(r"(\w+)\s$")
_FUNCTION_WORD = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{1,5})(?= [a-z])")


@dataclass(frozen=True)
class Vocabulary:
    """Legitimate camel-case names and function words, from lexicons/camelcase.yaml."""

    names: frozenset[str]
    function_words: frozenset[str]
    lowered: frozenset[str] = frozenset()

    @classmethod
    def from_lexicon(cls, lexicon: dict) -> Vocabulary:
        names = frozenset(str(n) for n in lexicon.get("names", []))
        return cls(names, frozenset(lexicon.get("function_words", [])), frozenset(n.lower() for n in names))

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
    """Words (runs of word characters) of at most MAX_TOKEN_CHARS with a camel-case point, in one scan."""
    for m in WORD.finditer(text):
        if m.end() - m.start() <= MAX_TOKEN_CHARS and CAMEL_POINT.search(m.group()):
            yield m


def run_together_tokens(text: str, vocab: Vocabulary) -> list[tuple[int, int, str]]:
    """(start, end, token) of glued words in a text (only camel-shaped tokens are examined)."""
    found = []
    for m in camel_words(text):
        token = m.group()
        if token.endswith(("’s", "'s")):
            token = token[:-2]
        if vocab.known(token):
            continue
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


def _capitalized_function_words(text: str, vocab: Vocabulary) -> list[Signal]:
    out = []
    for m in _FUNCTION_WORD.finditer(text):
        if m.group(1) not in vocab.function_words:
            continue
        window, floor = _window(text, m.start())
        if not _QUOTED_BEFORE.search(window):
            prev = _PREVIOUS_WORD.search(window)
            out.append(Signal(floor + prev.start(1) if prev else m.start(), m.end(), "capitalized_function_word"))
    return out


def sentence_signals(text: str, vocab: Vocabulary, segmenter: Segmenter,
                     story_tokens: dict[str, int] | None = None,
                     glued: list[tuple[int, int, str]] | None = None) -> list[Signal]:
    """Every debris signal in one sentence, in order."""
    signals = _stray_stops(text, segmenter) + _capitalized_function_words(text, vocab)
    for start, end, token in run_together_tokens(text, vocab) if glued is None else glued:
        if (story_tokens or {}).get(token, 0) < 2:
            signals.append(Signal(start, end, "run_together"))
    return sorted(signals, key=lambda s: s.start)


def _story_token_counts(sentences: pd.DataFrame, glued: list[list[tuple[int, int, str]]]) -> dict[str, dict[str, int]]:
    """Per story: how many sources use each run-together-shaped token (a name if several do)."""
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for source, story, tokens in zip(sentences["source"], sentences["story"], glued, strict=True):
        for _, _, token in tokens:
            seen[story][token].add(source)
    return {story: {t: len(v) for t, v in tokens.items()} for story, tokens in seen.items()}


def detect(corpus: Corpus) -> pd.DataFrame:
    """One candidate per sentence with debris, spanning all its signals."""
    vocab = Vocabulary.from_lexicon(corpus.config.lexicons.get("camelcase", {}))
    abbreviations = frozenset(corpus.config.lexicons.get("abbreviations", {}).get("abbreviations", []))
    segmenter = Segmenter(abbreviations or DEFAULT_ABBREVIATIONS)
    s = corpus.sentences
    glued = [run_together_tokens(text, vocab) for text in s["text"]]
    counts = _story_token_counts(s, glued)
    rows = []
    for source, story, start, text, tokens in zip(s["source"], s["story"], s["start"], s["text"], glued, strict=True):
        signals = sentence_signals(text, vocab, segmenter, counts.get(story), tokens)
        if signals:
            kinds = [sig.kind for sig in signals]
            rows.append({
                "source": source, "story": story, "start": start + signals[0].start,
                "end": start + max(sig.end for sig in signals), "subkind": kinds[0], "related": [],
                "note": ", ".join(dict.fromkeys(kinds)), "n_signals": len(signals),
                "signals": ",".join(kinds),
            })
    return candidates(rows, ["n_signals", "signals"])
