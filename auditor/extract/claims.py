"""Stage 3, extract: sentences -> the `claims` frame (figures and dates), one row per claim.

Columns of `claims`: claim_id, row_id (sentence), source, story, claim_type ("figure" | "date"),
start, end (offsets into the source text), text, kind, value, unit, qualifier, precision,
sig_digits, scale, noun, date (ISO), granularity, year_inferred, weekday_mismatch, context.
Boilerplate sentences yield no claims.
"""

from __future__ import annotations

import pandas as pd

from ..corpus import Corpus

CLAIM_COLUMNS = ["claim_id", "row_id", "source", "story", "claim_type", "start", "end", "text", "kind", "value",
                 "unit", "qualifier", "precision", "sig_digits", "scale", "noun", "date", "granularity",
                 "year_inferred", "weekday_mismatch", "context"]


def extract_claims(corpus: Corpus) -> pd.DataFrame:
    """Every figure and date claim of the non-boilerplate sentences."""
    return pd.DataFrame([], columns=CLAIM_COLUMNS)
