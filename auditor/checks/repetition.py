"""repeated_word: the same word twice in a row ("the the").

Every doubled word becomes a candidate with the lower-cased pair as a feature (`pair`);
legitimate doubles ("had had", "that that") are an allow-list in the suite itself.
"""

from __future__ import annotations

import re

import pandas as pd

from ..corpus import Corpus, candidates

DOUBLED = re.compile(r"\b([^\W\d_]+)([ \t]+)(\1)\b", re.IGNORECASE)


def detect(corpus: Corpus) -> pd.DataFrame:
    """Candidate doubled words in every sentence."""
    s = corpus.sentences
    rows = []
    for source, story, start, text in zip(s["source"], s["story"], s["start"], s["text"], strict=True):
        for m in DOUBLED.finditer(text):
            rows.append({
                "source": source, "story": story, "start": start + m.start(), "end": start + m.end(),
                "subkind": "word", "related": [], "note": m.group(1),
                "pair": f"{m.group(1)} {m.group(3)}".lower(),
            })
    return candidates(rows, ["pair"])
