"""repeated_word: the same word twice in a row ("the the").

Every doubled word becomes a candidate with the lower-cased pair as a feature (`pair`);
legitimate doubles ("had had", "that that") are an allow-list in the suite itself.
"""

from __future__ import annotations

import re

import pandas as pd

from ..corpus import Corpus, candidates
from ..frames import positions_where
from ..text import memo_by_text

DOUBLED = re.compile(r"\b([^\W\d_]+)([ \t]+)(\1)\b", re.IGNORECASE)


def detect(corpus: Corpus) -> pd.DataFrame:
    """Candidate doubled words in every sentence."""
    s = corpus.sentences
    doubles_of = memo_by_text(_doubles)  # a sentence given again (wire copy) is read once
    s = s.iloc[positions_where(s["text"], DOUBLED.search)]  # each distinct sentence tested once
    rows = []
    for source, story, start, text in zip(s["source"], s["story"], s["start"], s["text"], strict=True):
        for at, end, word, again in doubles_of(text):
            rows.append({
                "source": source, "story": story, "start": start + at, "end": start + end,
                "subkind": "word", "related": [], "note": word, "pair": f"{word} {again}".lower(),
            })
    return candidates(rows, ["pair"])


def _doubles(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, word, its repeat) of each doubled word of a sentence."""
    return tuple((m.start(), m.end(), m.group(1), m.group(3)) for m in DOUBLED.finditer(text))
