"""A story written for the tests (not the seeds): every planted error is found, nothing else is."""

from __future__ import annotations

from pathlib import Path

from auditor.run import AuditOptions, audit

STORY = Path(__file__).resolve().parent / "stories" / "chipmaker"

PLANTED = {
    ("blog", "figure_conflict", "magnitude"),       # 1.2 million euros against €1.2 billion / €1.2bn
    ("blog", "date_conflict", "weekday"),           # Wednesday, March 14, 2024 was a Thursday
    ("blog", "repeated_word", "word"),              # The the
    ("blog", "term_confusion", "lexicon"),          # will effect prices
    ("blog", "unbalanced_punctuation", "bracket"),  # (the decision runs to 400 pages.
    ("blog", "duplicate_paragraph", "near"),        # the appeal paragraph, reworded slightly
    ("blog", "boilerplate", "chrome"),              # Subscribe to our newsletter ...
}


def test_planted_errors_and_nothing_else(tmp_path):
    result = audit(AuditOptions(paths=[STORY], out=tmp_path / "out", formats={"json"}), log=lambda _m: None)
    found = {(f["source"], f["kind"], f["subkind"]) for f in result.findings_doc["findings"]}
    assert found == PLANTED
    scores = {s["source"]: s["score"] for s in result.scores_doc["sources"]}
    assert scores["blog"] < min(scores["wire"], scores["daily"])


def test_equal_figures_in_other_forms_are_not_conflicts(tmp_path):
    result = audit(AuditOptions(paths=[STORY], out=tmp_path / "out", formats={"json"}), log=lambda _m: None)
    wire_daily = [f for f in result.findings_doc["findings"] if f["source"] in ("wire", "daily")]
    assert wire_daily == []  # €1.2 billion ($1.3 billion) = €1.2bn; about 80% = roughly 80 per cent
