"""Language of each source (ISO 639-1), detected once after ingest, before segmentation.

py3langid (a maintained fork of langid.py; its model ships in the wheel) reads the first
`SAMPLE_CHARS` characters of the text. A source is read as English, the auditor's own language,
unless the detector gives another language more than half of the probability: a short or
mixed text (a headline, a list of figures) stays English and keeps every check. The checks that read
English words skip other languages (`ENGLISH_ONLY`), and the score marks what they feed as not assessed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pandas as pd

ENGLISH = "en"
SAMPLE_CHARS = 2000
MIN_LETTERS = 40  # fewer letters than this: too little to tell, read as English
MIN_CONFIDENCE = 0.5  # the model knows dialects too (Spanish leaves some to Extremaduran): a majority is enough

ENGLISH_ONLY: dict[str, str] = {
    "garbled_text.english": "English debris signals and words unknown to the English word list",
    "term_confusion.lexicon": "confusion pairs of English words (acronym slots are still compared)",
    "unattributed_allegation": "English wrongdoing and attribution phrases",
    "attribution": "attribution cues are English phrases",
}
"""What is not applied to a source in another language: check or score component -> why."""


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's identifier with normalised probabilities (the model loads once, about a second)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


WORD = re.compile(r"[^\W\d_]+")
NOT_LETTER = re.compile(r"[\W\d_]+")


@lru_cache(maxsize=1)
def _markers() -> dict[str, Any]:
    """lexicons/languages.yaml of the project's expectations (read once; the detection runs before any
    per-run configuration is needed)."""
    import yaml

    from .config import default_dir

    data = yaml.safe_load((default_dir() / "lexicons" / "languages.yaml").read_text(encoding="utf-8")) or {}
    return {"english": frozenset(data.get("english_markers") or []),
            "other": frozenset(data.get("other_markers") or []),
            "min_words": int(data.get("min_words", 30)),
            "english_share": float(data.get("english_share", 0.15)),
            "other_share": float(data.get("other_share", 0.01))}


def plainly_english(head: str) -> bool:
    """A cheap pre-check: a sample whose words are mostly English function words and nearly none of another
    language's is English for py3langid too (checked on the real corpus); anything else goes to the model."""
    markers = _markers()
    words = WORD.findall(head.lower())
    if len(words) < markers["min_words"]:
        return False
    english = sum(map(markers["english"].__contains__, words))
    other = sum(map(markers["other"].__contains__, words))
    return english >= markers["english_share"] * len(words) and other <= markers["other_share"] * len(words)


def detect(text: str, sample: int = SAMPLE_CHARS) -> str:
    """ISO 639-1 code of the text's language, from its first `sample` characters ("en" when unsure)."""
    head = text[:sample]
    if len(NOT_LETTER.sub("", head)) < MIN_LETTERS or plainly_english(head):
        return ENGLISH
    code, probability = _identifier().classify(head)
    return str(code) if probability >= MIN_CONFIDENCE else ENGLISH


def with_languages(sources: pd.DataFrame) -> pd.DataFrame:
    """`sources` with a `language` column (detected for audited sources, "" for skipped ones).

    A frame that already has the column is returned as it is (the detection runs once per source)."""
    if "language" in sources.columns:
        return sources
    audited = sources["status"] == "audited"
    languages = [detect(text) if ok else "" for text, ok in zip(sources["text"].fillna(""), audited, strict=True)]
    return sources.assign(language=languages)


def is_english(language: object) -> bool:
    """Is a source in English (or of unknown language, read as English)?"""
    return not isinstance(language, str) or language in ("", ENGLISH)


def languages_of(sources: pd.DataFrame) -> dict[str, str]:
    """source id -> language ("en" where the frame has no language column)."""
    if "language" not in sources.columns:
        return dict.fromkeys(sources["source"], ENGLISH)
    return {s: (lang or ENGLISH) for s, lang in zip(sources["source"], sources["language"].fillna(""), strict=True)}


def english_sources(sources: pd.DataFrame) -> set[str]:
    """Ids of the sources read as English (all of them when the frame has no language column)."""
    return {s for s, lang in languages_of(sources).items() if is_english(lang)}


def not_assessed(language: object) -> list[str]:
    """The checks and components not applied to a source in this language (empty for English)."""
    return [] if is_english(language) else sorted(ENGLISH_ONLY)
