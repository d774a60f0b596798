"""Property-based tests: segmentation covers the text, spans slice to evidence, the audit never raises.

`make test` runs a few examples per property; `make fuzz` (HYPOTHESIS_PROFILE=fuzz) runs 10,000.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.config import load_config
from auditor.findings import Finding
from auditor.ingest import Source, normalize_text, sources_frame
from auditor.run import audit_texts
from auditor.segment import Segmenter, segment

settings.register_profile("quick", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz", max_examples=10_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
CONFIG = load_config()

WORDS = ["the", "The", "council", "approved", "budget", "U.S.", "Dr.", "Jan.", "e.g.", "said", "AI", "IoT",
         "$2.5 million", "4 percent", "1,200", "March 3, 2024", "on Tuesday", "2023", "5 €", "€5m",
         "(", ")", "“", "”", "\"", "'", "’", "—", "–", "…", "!", "?", ".", ",", ":", ";", "bbcChanges",
         "amount. amount", "users They could", "â€™", "Ã©", "\x00", "\u2028", "\r", "\t", "Get a daily email"]
SEPARATORS = [" ", " ", " ", "\n", "\n\n", ". ", ", ", "\r\n", "\n- ", "\n1. ", "\n\n   ", "  "]


@st.composite
def article_like(draw: st.DrawFn) -> str:
    """Text made of article vocabulary, numbers, dates, quotes, bullets and odd characters."""
    pieces = draw(st.lists(st.tuples(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)),
                                     st.sampled_from(SEPARATORS)), max_size=80))
    text = "".join(word + sep for word, sep in pieces)
    if draw(st.booleans()) and text:
        cut = draw(st.integers(0, len(text)))
        text = text + "\n\n" + text[cut:]  # repeated passages: duplicates and shared claims
    return text


TEXTS = st.one_of(st.text(max_size=400), article_like())


def _non_space(text: str, start: int, end: int) -> set[int]:
    return {i for i in range(start, end) if not text[i].isspace()}


@PROFILE
@given(TEXTS)
def test_paragraphs_cover_every_non_space_character_once(text: str) -> None:
    spans = list(Segmenter().paragraphs(text))
    covered: list[int] = []
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        covered.extend(range(start, end))
    assert len(covered) == len(set(covered)), "paragraphs overlap"
    assert _non_space(text, 0, len(text)) <= set(covered)
    assert spans == sorted(spans)


def _frames(text: str):
    clean = normalize_text(text)
    frame = sources_frame([Source(source="a", story="s", path="a.txt", text=clean)])
    return clean, *segment(frame)


@PROFILE
@given(TEXTS)
def test_sentences_lie_inside_their_paragraph_and_do_not_overlap(text: str) -> None:
    clean, paragraphs, sentences = _frames(text)
    for para in paragraphs.itertuples():
        assert clean[para.start:para.end] == para.text
        own = sentences[sentences["para"] == para.para]
        last_end = para.start
        covered: set[int] = set()
        for sent in own.sort_values("sent").itertuples():
            assert para.start <= sent.start < sent.end <= para.end
            assert sent.start >= last_end, "sentences overlap or are out of order"
            assert clean[sent.start:sent.end] == sent.text
            assert 1 <= sent.line <= sent.end_line
            last_end = sent.end
            covered.update(range(sent.start, sent.end))
        assert _non_space(clean, para.start, para.end) <= covered


def _check_place(text: str, place: dict | Finding) -> None:
    get = place.get if isinstance(place, dict) else lambda k, d=None: getattr(place, k, d)
    start, end = get("span")
    assert 0 <= start <= end <= len(text)
    assert text[start:end] == get("evidence")
    assert 1 <= get("line") <= get("end_line")


@PROFILE
@given(TEXTS, TEXTS)
def test_every_finding_span_slices_to_its_evidence(text: str, other: str) -> None:
    texts = {"a": normalize_text(text), "b": normalize_text(other)}
    findings = audit_texts({"a": text, "b": other}, CONFIG)
    for f in findings:
        _check_place(texts[f.source], f)
        for rel in f.related:
            if "span" in rel and rel.get("source") in texts:
                _check_place(texts[rel["source"]], rel)


def test_a_known_finding_survives_the_normalization() -> None:
    text = "The council met.\nThe the budget passed on Tuesday.\n"
    findings = audit_texts({"a": text, "b": "Another report on the budget."}, CONFIG)
    doubled = [f for f in findings if f.kind == "repeated_word"]
    assert doubled and doubled[0].evidence.lower() == "the the"
