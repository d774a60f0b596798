"""Per-source metrics for the score: claim counts, corroboration, attribution, transparency."""

from __future__ import annotations

from .corpus import Corpus


def source_metrics(corpus: Corpus) -> dict[str, dict]:
    """Metrics keyed by source id."""
    return {s: {} for s in corpus.texts}
