"""Stage 2, segment: sources -> `paragraphs` and `sentences` frames with exact offsets.

Offsets (`start`, `end`) are character offsets into the source's decoded text, so
`text[start:end]` is the segment. `line`/`end_line` are 1-based lines of the source.

Columns of `paragraphs`: source, story, para, start, end, line, end_line, text,
is_bullet, is_heading.
Columns of `sentences`: row_id (unique in the run), source, story, para, sent, start, end,
line, end_line, text, is_bullet, is_heading.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import Config
from .text import default_vocabulary, memo_by_text, vocabulary

BULLET = re.compile(r"[ \t]*(?:[-*•‣▪◦–—]|\d{1,2}[.)])[ \t]+")
# A sentence may end at . ! ? (plus closing quotes/brackets) followed by space and an opener.
BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
# The project's lexicons/abbreviations.yaml; a run passes its own (Segmenter.from_config).
DEFAULT_ABBREVIATIONS = default_vocabulary().abbreviations
DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")


@dataclass(frozen=True)
class Segmenter:
    """Splits text into paragraphs (lines or blank-line blocks) and sentences."""

    abbreviations: frozenset[str] = DEFAULT_ABBREVIATIONS

    @classmethod
    def from_config(cls, config: Config) -> Segmenter:
        """A Segmenter with the abbreviations of a loaded expectations folder."""
        return cls(vocabulary(config).abbreviations or DEFAULT_ABBREVIATIONS)

    def paragraphs(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each paragraph: one per non-empty line, or per block when hard-wrapped."""
        return ((start, end) for start, end, _line in _numbered_paragraphs(text))

    def sentences(self, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
        """(start, end) of each sentence inside text[start:end]."""
        cursor = start
        for match in BOUNDARY.finditer(text, start, end):
            cut = match.end()
            if self.is_abbreviation(text, cursor, match.start()):
                continue
            s, e = _strip(text, cursor, cut)
            if s < e:
                yield s, e
            cursor = cut
        s, e = _strip(text, cursor, end)
        if s < e:
            yield s, e

    def is_abbreviation(self, text: str, floor: int, dot: int) -> bool:
        """True when the full stop at `dot` ends an abbreviation ("U.S.", "Jan.", "No.")."""
        if text[dot] != ".":
            return False
        word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(floor, dot - 12):dot])
        if not word:
            return False
        token = word.group(1).lower().rstrip(".")
        if token in self.abbreviations:
            return True
        # single initials ("J. Smith") and dotted acronyms ("U.S.A")
        return len(token) == 1 or bool(DOTTED.fullmatch(token))


def _lines(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _hard_wrapped(text: str, lines: list[tuple[int, int]]) -> bool:
    """Blocks of several short lines separated by blank lines: wrapped prose, not one line each."""
    lengths = [e - s for s, e in lines if e > s and text[s:e].strip()]
    if len(lengths) < 6:
        return False
    blanks = sum(1 for s, e in lines if not text[s:e].strip())
    long_lines = sum(1 for n in lengths if n > 100)
    return blanks > 0 and long_lines == 0 and sorted(lengths)[len(lengths) // 2] > 40


def _blocks(text: str, lines: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    block: list[tuple[int, int]] = []
    for start, end in [*lines, (len(text), len(text))]:
        if text[start:end].strip() and not BULLET.match(text[start:end]):
            block.append((start, end))
            continue
        if block:
            yield _strip(text, block[0][0], block[-1][1])
            block = []
        if text[start:end].strip():
            yield _strip(text, start, end)


class LineIndex:
    """Maps character offsets to 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\n|\r", text)]

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def end_line(self, start: int, end: int) -> int:
        return self.line(max(start, end - 1))


def _is_heading(body: str) -> bool:
    """A short line without closing punctuation: a subheading or headline."""
    words = body.split()
    return 0 < len(words) <= 12 and not body.rstrip("\"”’'").endswith((".", "!", "?", ":", ";", ","))


PARA_COLUMNS = ["source", "story", "para", "start", "end", "line", "end_line", "text", "is_bullet", "is_heading"]
SENT_COLUMNS = ["row_id", "source", "story", "para", "sent", "start", "end", "line", "end_line", "text",
                "is_bullet", "is_heading"]


def segment(sources: pd.DataFrame, segmenter: Segmenter | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `paragraphs` and `sentences` frames of all audited sources."""
    segmenter = segmenter or Segmenter()
    paras: list[tuple] = []
    sents: list[tuple] = []
    audited = sources[sources["status"] == "audited"]
    layout = memo_by_text(lambda body: _layout(segmenter, body))
    for source, story, text in zip(audited["source"], audited["story"], audited["text"], strict=True):
        _segment_one(layout, source, story, text, paras, sents)
    sents = [(i, *row) for i, row in enumerate(sents)]  # row_id: the sentence's number in the run
    frames = (_frame(paras, PARA_COLUMNS), _frame(sents, SENT_COLUMNS))
    for frame in frames:  # every stage may rely on the chrome columns: nothing is chrome until marked
        frame["is_boilerplate"] = pd.Series(False, index=frame.index, dtype=bool)
        frame["boilerplate_rule"] = pd.Series(None, index=frame.index, dtype=object)
    return frames


TEXT_COLUMNS = frozenset({"source", "story", "text"})


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    """A frame from row tuples (tuples, not dicts: a flood has millions of rows). Text columns are built as
    Python objects from the start: inferred, they would be copied into Arrow strings and back, and each
    copy of a repeated sentence would become a string of its own."""
    if not rows:
        return plain_strings(pd.DataFrame([], columns=columns))
    data = {name: pd.Series(np.array(values, dtype=object), dtype=object, copy=False) if name in TEXT_COLUMNS
            else pd.Series(values) for name, values in zip(columns, zip(*rows, strict=True), strict=True)}
    return pd.DataFrame(data, copy=False)


def plain_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects: the checks iterate them row by row, and iterating pandas'
    Arrow-backed string columns costs several times more."""
    for col in frame.columns:
        if pd.api.types.is_string_dtype(frame[col].dtype) and frame[col].dtype != object:
            frame[col] = frame[col].astype(object)
    return frame


Layout = Callable[[str], tuple[tuple[tuple[int, int], ...], bool, tuple[str, ...], str]]
"""A paragraph body -> (its sentences' (start, end) relative to it, whether it is a heading, the sentences'
texts, the body): read once per distinct body, and every copy of a body or sentence is then one string
object (wire copies: hashed once by the checks' memos, pickled once between processes, stored once)."""


def _layout(segmenter: Segmenter, body: str) -> tuple[tuple[tuple[int, int], ...], bool, tuple[str, ...], str]:
    spans = tuple(segmenter.sentences(body, 0, len(body)))
    return spans, _is_heading(body), tuple(body[s:e] for s, e in spans), body


OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
"""Line breaks for str.splitlines that LineIndex does not count (ingest removes or converts them all)."""


def _numbered_paragraphs(text: str) -> Iterator[tuple[int, int, int | None]]:
    """(start, end, line) of each paragraph: one per non-empty line, numbered by counting lines (it holds
    no break, nor do its sentences), or one per block when hard-wrapped; the line is None for blocks and
    for a text with other breaks (LineIndex numbers those)."""
    lines = list(_lines(text))
    if _hard_wrapped(text, lines):
        for start, end in _blocks(text, lines):
            yield start, end, None
        return
    counted = not OTHER_BREAKS.search(text)
    for number, (start, end) in enumerate(lines, 1):
        s, e = _strip(text, start, end)
        if s < e:
            yield s, e, number if counted else None


def _segment_one(layout: Layout, source: str, story: str, text: str, paras: list[tuple], sents: list[tuple]) -> None:
    """Append the paragraph rows and sentence rows (without row_id) of one source, in column order.
    A paragraph's sentences depend on its body only (`layout`, read once per distinct body)."""
    index: LineIndex | None = None
    for para, (start, end, number) in enumerate(_numbered_paragraphs(text)):
        if number is None and index is None:
            index = LineIndex(text)
        bullet = BULLET.match(text, start)
        body_start = bullet.end() if bullet and bullet.end() < end else start
        spans, is_heading, sentence_texts, body = layout(text[body_start:end])
        is_bullet = bool(bullet)
        at = body_start
        line, end_line = (number, number) if index is None else (index.line(at), index.end_line(at, end))
        paras.append((source, story, para, body_start, end, line, end_line, body, is_bullet, is_heading))
        for sent, ((s, e), sentence) in enumerate(zip(spans, sentence_texts, strict=True)):
            s, e = body_start + s, body_start + e
            line, end_line = (number, number) if index is None else (index.line(s), index.end_line(s, e))
            sents.append((source, story, para, sent, s, e, line, end_line, sentence, is_bullet, is_heading))
