"""Non-English sources and fair scores (issue 15): the language of each source, figures and dates read
in its locale, English-only checks skipped and said so, and components that cannot be assessed left out."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pytest

from auditor.config import load_config
from auditor.extract.dates import extract_dates, parse_dateline
from auditor.extract.figures import extract_figures
from auditor.language import detect, not_assessed, with_languages
from auditor.run import AuditOptions, audit
from auditor.score import score_sources

STORIES = Path(__file__).resolve().parent / "stories"


@pytest.mark.parametrize(("text", "code"), [
    ("Die Europäische Kommission hat am Mittwoch gegen die Reederei eine Geldbuße verhängt, sagte die Sprecherin.", "de"),
    ("La Commission européenne a infligé mercredi une amende à la compagnie maritime, a indiqué la porte-parole.", "fr"),
    ("La Comisión Europea impuso el miércoles una multa a la naviera, según informó la portavoz del organismo.", "es"),
    ("La Commissione europea ha inflitto mercoledì una multa alla compagnia di navigazione, ha detto la portavoce.", "it"),
    ("The European Commission on Wednesday fined the shipping group, a spokeswoman for the regulator said.", "en"),
    ("Short headline", "en"),  # too little to tell: read as English
])
def test_detects_the_language(text, code):
    assert detect(text) == code


def test_languages_column_only_for_audited_sources():
    frame = pd.DataFrame({"source": ["a", "b"], "status": ["audited", "skipped"],
                          "text": ["Die Kommission hat am Mittwoch eine hohe Geldbuße gegen die Reederei verhängt.", None]})
    assert with_languages(frame)["language"].tolist() == ["de", ""]
    assert not_assessed("de") and not_assessed("en") == []


@pytest.mark.parametrize(("text", "language", "value", "unit", "kind"), [
    ("eine Geldbuße von 2,4 Milliarden Euro", "de", 2.4e9, "EUR", "money"),
    ("12,3 Mrd. Euro Umsatz", "de", 12.3e9, "EUR", "money"),
    ("el terremoto dejó 1.037 muertos", "es", 1037, "muertos", "count"),
    ("2,4 mil millones de euros", "es", 2.4e9, "EUR", "money"),
    ("2 000 morts", "fr", 2000, "morts", "count"),
    ("une amende de 2,4 milliards d’euros", "fr", 2.4e9, "EUR", "money"),
    ("3 Md€", "fr", 3e9, "EUR", "money"),
    ("una multa di 2,4 miliardi di euro", "it", 2.4e9, "EUR", "money"),
    ("la azione è scesa del 7,5 per cento", "it", 7.5, "%", "percent"),
    ("2,059 heridos", "es", 2059, "heridos", "count"),  # wire copy's thousands comma: no scale word follows
])
def test_figures_in_the_source_locale(text, language, value, unit, kind):
    figs = extract_figures(text, language)
    assert [(f.value, f.unit, f.kind) for f in figs] == [(value, unit, kind)]


def test_english_reading_is_unchanged_by_default():
    assert [f.value for f in extract_figures("a fine of 2,4 Milliarden Euro")] == [2.4]  # English: a count of 2.4
    assert [f.value for f in extract_figures("€2.4bn", "en")] == [2.4e9]


@pytest.mark.parametrize("text", ["Um 14.30 Uhr", "im Jahr 2024", "Berlin, 12."])
def test_times_years_and_cut_day_numbers_are_no_figures(text):
    assert extract_figures(text, "de") == []


@pytest.mark.parametrize(("text", "language", "ymd"), [
    ("am 12. März 2025 verhängt", "de", (2025, 3, 12)),
    ("el 12 de marzo de 2025", "es", (2025, 3, 12)),
    ("le 1er mars 2025", "fr", (2025, 3, 1)),
    ("il 12 marzo", "it", (2025, 3, 12)),  # year from the reference date
    ("am 12.03.2025", "de", (2025, 3, 12)),
])
def test_dates_in_the_source_locale(text, language, ymd):
    dates = extract_dates(text, datetime.date(2025, 3, 14), language)
    assert [(d.year, d.month, d.day) for d in dates] == [ymd]


def test_dateline_in_the_source_locale():
    assert parse_dateline("Brüssel, 12. März 2025\n\nDie Kommission", "de") == datetime.date(2025, 3, 12)


def _sources(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"source": s, "story": story, "status": "audited", "language": lang}
                         for s, story, lang in rows])


def test_a_lone_source_is_not_marked_down_for_corroboration():
    scoring = load_config().scoring
    metrics = {"a": {"claims": 4, "corroborated_claims": 0, "sentences": 5, "attributed_sentences": 5,
                     "dateline": True, "byline": True, "named_sources": True}}
    (entry,) = score_sources(_sources([("a", "s", "en")]), [], scoring, metrics)
    corroboration = entry["components"]["corroboration"]
    assert corroboration["assessed"] is False and corroboration["points"] is None
    assert entry["score"] == 100.0 and entry["grade"] == "A"


def test_copies_are_no_independent_source():
    scoring = load_config().scoring
    base = {"claims": 4, "corroborated_claims": 0, "sentences": 5, "attributed_sentences": 5}
    metrics = {"a": base | {"syndicated_count": 1}, "b": base | {"syndicated_count": 1}}
    entries = score_sources(_sources([("a", "s", "en"), ("b", "s", "en")]), [], scoring, metrics)
    assert all(e["components"]["corroboration"]["assessed"] is False for e in entries)


def test_attribution_of_another_language_is_not_assessed_and_the_rest_rescaled():
    scoring = load_config().scoring
    metrics = {s: {"claims": 2, "corroborated_claims": 2, "sentences": 5, "attributed_sentences": 0,
                   "dateline": True, "byline": False, "named_sources": False} for s in "ab"}
    de, en = score_sources(_sources([("a", "s", "de"), ("b", "s", "en")]), [], scoring, metrics)
    assert de["components"]["attribution"]["assessed"] is False
    assert "de" in de["components"]["attribution"]["detail"]
    assert de["components"]["transparency"]["points"] == 10.0  # byline and named sources: English patterns
    assert de["score"] == 100.0
    assert en["components"]["attribution"]["points"] == 0.0 and en["score"] < 80


@pytest.fixture(scope="module")
def stories(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("languages") / "run"
    result = audit(AuditOptions(paths=[STORIES / "german-source", STORIES / "lone-wire", STORIES / "spanish-brief"],
                                out=out,
                                formats={"json", "html"}, jobs=1), log=lambda _m: None)
    return {"findings": result.findings_doc, "scores": {s["source"].rsplit("/", 1)[-1]: s
                                                         for s in result.scores_doc["sources"]},
            "html": (out / "report.html").read_text(encoding="utf-8")}


def test_german_source_scores_within_ten_points_of_the_clean_english_ones(stories):
    scores = stories["scores"]
    german = scores["handelsblick"]["score"]
    english = [scores[s]["score"] for s in ("wire-harbour", "daily-ledger", "market-brief")]
    assert all(abs(german - e) <= 10 for e in english), (german, english)
    assert scores["handelsblick"]["components"]["corroboration"]["points"] > 7.5  # its euros were read


def test_a_short_spanish_brief_without_role_words_scores_within_ten_points(stories):
    """Its figures have no English role word ("212 personas", "14 kilómetros", "31 años"): the units are
    read through CLDR names, the values confirmed by the English sources (it scored 70.6 before)."""
    scores = stories["scores"]
    spanish = scores["diario-costa"]
    english = [scores[s]["score"] for s in ("harbour-wire", "coastal-daily", "bay-times")]
    assert all(abs(spanish["score"] - e) <= 10 for e in english), (spanish["score"], english)
    assert spanish["components"]["corroboration"]["points"] == spanish["components"]["corroboration"]["max"]


def test_units_of_other_languages_are_read_through_cldr_names():
    found = {(f.text, f.kind, f.unit) for text, lang in [("a 14 kilómetros del puerto y 31 años", "es"),
                                                          ("nach 3 Tage und 5 Quadratkilometer", "de"),
                                                          ("après 44 jours", "fr")]
             for f in extract_figures(text, lang)}
    assert {("14", "quantity", "km"), ("31", "quantity", "year"), ("3", "quantity", "day"),
            ("5", "quantity", "km2"), ("44", "quantity", "day")} <= found
    assert not extract_figures("a las 14 horas", "es")  # a time of day stays no figure


def test_lone_clean_article_scores_a(stories):
    entry = stories["scores"]["coastal-wire"]
    assert entry["score"] >= 85 and entry["grade"] == "A"


def test_findings_json_and_report_name_the_language_and_what_was_not_applied(stories):
    by_id = {s["source"].rsplit("/", 1)[-1]: s for s in stories["findings"]["sources"] if s["status"] == "audited"}
    assert by_id["handelsblick"]["language"] == "de" and by_id["handelsblick"]["published"] == "2025-03-12"
    assert "unattributed_allegation" in by_id["handelsblick"]["not_assessed"]
    assert by_id["wire-harbour"]["language"] == "en" and by_id["wire-harbour"]["not_assessed"] == []
    assert "not assessed" in stories["html"] and "Not applied (de)" in stories["html"]
