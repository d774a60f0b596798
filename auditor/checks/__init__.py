"""Detect stage: one module per mechanism, each turning the corpus into a candidate frame.

A candidate frame has the columns of `corpus.CANDIDATE_COLUMNS` plus feature columns;
the GX suites in expectations/suites decide which candidates become findings.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..corpus import Corpus
from . import (
    allegation,
    attributes,
    boilerplate,
    conflicts,
    confusion,
    duplicates,
    entities,
    garble,
    names,
    punctuation,
    repetition,
)

Detector = Callable[[Corpus], pd.DataFrame]

DETECTORS: dict[str, Detector] = {
    "duplicate_paragraph": duplicates.detect,
    "repeated_word": repetition.detect,
    "unbalanced_punctuation": punctuation.detect,
    "boilerplate": boilerplate.detect,
    "garbled_text": garble.detect,
    "term_confusion": confusion.detect,
    "figure_conflict": conflicts.figure_conflicts,
    "unattributed_allegation": allegation.detect,
    "list_conflict": entities.list_conflicts,
    "title_conflict": entities.title_conflicts,
    "date_conflict": conflicts.date_conflicts,
    "name_conflict": names.name_conflicts,
    "claim_conflict": attributes.claim_conflicts,
}


def warm_up() -> None:
    """Load what several detectors load on first use (pint's unit registry, wordfreq's English words,
    about 1.4 s together): called once before forking, the per-story workers inherit it instead of
    each loading its own."""
    conflicts.unit_registry()
    garble.english_words()


def detect_all(corpus: Corpus, frames: set[str]) -> dict[str, pd.DataFrame]:
    """Run the detectors the suites ask for; an unknown frame name is a config error upstream."""
    return {name: DETECTORS[name](corpus) for name in sorted(frames)}
