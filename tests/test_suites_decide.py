"""The suites decide: changing one number in a suite file changes the findings, one test per family.

Each test audits a story written for the tests twice, with the shipped expectations and with a
copy where one threshold of one suite is moved, and checks the findings move the way the knob says.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.config import default_dir
from auditor.run import AuditOptions, audit

STORIES = Path(__file__).resolve().parent / "stories"


def _findings(tmp_path: Path, story: str, expectations: Path | None = None, name: str = "run") -> list[dict]:
    result = audit(AuditOptions(paths=[STORIES / story], out=tmp_path / name, formats={"json"}, jobs=1,
                                expectations=expectations), log=lambda _m: None)
    return result.findings_doc["findings"]


def _tuned(tmp_path: Path, suite: str, change: Callable[[list[dict]], None]) -> Path:
    """A copy of the shipped expectations with one suite's expectations changed in place."""
    folder = tmp_path / "expectations"
    shutil.copytree(default_dir(), folder)
    path = folder / "suites" / f"{suite}.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    change(spec["expectations"])
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    return folder


def _by_check(expectations: list[dict], check: str) -> dict:
    return next(e for e in expectations if e["meta"]["check"] == check)


def _kinds(findings: list[dict], kind: str) -> list[tuple[str, str]]:
    return sorted((f["source"].rsplit("/", 1)[-1], f["subkind"]) for f in findings if f["kind"] == kind)


def test_duplicate_similarity_threshold_at_one_keeps_only_exact_copies(tmp_path):
    before = _kinds(_findings(tmp_path, "chipmaker"), "duplicate_paragraph")
    assert ("blog", "near") in before

    def exact_only(exps: list[dict]) -> None:
        exps[0]["kwargs"]["max_value"] = 1.0

    after = _findings(tmp_path, "chipmaker", _tuned(tmp_path, "duplicate_paragraph", exact_only), "tuned")
    assert _kinds(after, "duplicate_paragraph") == [k for k in before if k[1] == "exact"]


def test_figure_alignment_threshold_decides_which_figures_are_the_same_fact(tmp_path):
    assert ("blog", "magnitude") in _kinds(_findings(tmp_path, "chipmaker"), "figure_conflict")

    def demand_certainty(exps: list[dict]) -> None:
        rule = _by_check(exps, "figure_conflict.magnitude")["kwargs"]["row_condition"]
        next(c for c in rule["conditions"] if c["column"]["name"] == "align_score")["parameter"] = 5.0

    after = _findings(tmp_path, "chipmaker", _tuned(tmp_path, "figure_conflict", demand_certainty), "tuned")
    assert _kinds(after, "figure_conflict") == []


def test_rounding_note_is_a_suite_choice(tmp_path):
    before = _kinds(_findings(tmp_path, "rounded-side"), "figure_conflict")
    assert before == [("business", "precision"), ("markets", "precision")]

    def no_rounding_notes(exps: list[dict]) -> None:
        _by_check(exps, "figure_conflict.precision")["kwargs"]["value_set"] = []

    after = _findings(tmp_path, "rounded-side", _tuned(tmp_path, "figure_conflict", no_rounding_notes), "tuned")
    assert _kinds(after, "figure_conflict") == []


def test_lexicon_margin_threshold_decides_term_confusions(tmp_path):
    assert ("blog", "lexicon") in _kinds(_findings(tmp_path, "chipmaker"), "term_confusion")

    def wider_margin(exps: list[dict]) -> None:
        _by_check(exps, "term_confusion.lexicon")["kwargs"]["max_value"] = 10

    after = _findings(tmp_path, "chipmaker", _tuned(tmp_path, "term_confusion", wider_margin), "tuned")
    assert ("blog", "lexicon") not in _kinds(after, "term_confusion")


def test_list_tolerance_and_example_lists_are_suite_choices(tmp_path):
    assert _kinds(_findings(tmp_path, "example-lists"), "list_conflict") == [("digest", "members")]

    def compare_examples_too(exps: list[dict]) -> None:
        del exps[0]["kwargs"]["row_condition"]

    examples = _findings(tmp_path, "example-lists", _tuned(tmp_path, "list_conflict", compare_examples_too), "ex")
    assert len(_kinds(examples, "list_conflict")) > 1  # the example lists now count as complete lists

    def two_members_may_differ(exps: list[dict]) -> None:
        exps[0]["kwargs"]["max_value"] = 2

    loose = _findings(tmp_path / "b", "example-lists", _tuned(tmp_path / "b", "list_conflict", two_members_may_differ))
    assert _kinds(loose, "list_conflict") == []


def test_title_time_window_is_a_suite_choice(tmp_path):
    assert _kinds(_findings(tmp_path, "retrospective-title"), "title_conflict") == [("observer", "modifier")]

    def same_day_only_never(exps: list[dict]) -> None:
        exps[0]["kwargs"]["row_condition"]["parameter"] = -1

    after = _findings(tmp_path, "retrospective-title", _tuned(tmp_path, "title_conflict", same_day_only_never), "t")
    assert _kinds(after, "title_conflict") == []


@pytest.mark.parametrize("pair", ["the the"])
def test_repeated_word_allow_list_is_data(tmp_path, pair):
    assert ("blog", "word") in _kinds(_findings(tmp_path, "chipmaker"), "repeated_word")

    def allow(exps: list[dict]) -> None:
        exps[0]["kwargs"]["value_set"].append(pair)

    after = _findings(tmp_path, "chipmaker", _tuned(tmp_path, "repeated_word", allow), "tuned")
    assert _kinds(after, "repeated_word") == []


def test_run_reports_what_every_suite_validated_and_failed(tmp_path):
    result = audit(AuditOptions(paths=[STORIES / "example-lists"], out=tmp_path / "run", formats={"json"}, jobs=1),
                   log=lambda _m: None)
    report = {s["suite"]: s for s in result.findings_doc["run"]["suites"]}
    from auditor.config import load_config

    assert set(report) == set(load_config().suites)
    lists = report["list_conflict"]
    assert lists["frame"] == "list_conflict" and lists["candidates"] >= 2  # the majority version is a candidate
    assert [e["failed"] for e in lists["expectations"]] == [1]  # ... and only the minority version fails
    findings = result.findings_doc["findings"]
    for suite in report.values():
        for exp in suite["expectations"]:
            assert exp["failed"] == sum(1 for f in findings if f["check"] == exp["check"])


def test_boilerplate_length_cut_off_is_a_suite_choice(tmp_path):
    from auditor.config import load_config
    from auditor.run import audit_texts

    long_line = ("The budget, drafted over the summer with outside auditors and a citizens' panel, funds road repairs, "
                 "two new libraries and a pay rise for teachers; a note at the end of the draft says all rights "
                 "reserved for the maps it reproduces, which the committee licensed from a regional survey office for the "
                 "length of the project.")
    texts = {"a": f"The council approved the budget on Thursday.\n\n{long_line}\n\nShare this article\n"}
    assert 300 < len(long_line) <= 600  # looked at (lexicon line_max_chars), longer than the suite's cut-off

    def chrome(expectations: Path | None) -> list[str]:
        config = load_config(expectations) if expectations else load_config()
        return [f.evidence[:10] for f in audit_texts(texts, config) if f.kind == "boilerplate"]

    assert chrome(None) == ["Share this"]  # the long paragraph is a candidate the suite rejects

    def up_to_600(exps: list[dict]) -> None:
        rule = _by_check(exps, "boilerplate")["kwargs"]["row_condition"]
        next(c for c in rule["conditions"] if c["column"]["name"] == "para_chars")["parameter"] = 600

    assert sorted(chrome(_tuned(tmp_path, "boilerplate", up_to_600))) == ["Share this", "The budget"]


def test_three_quarters_of_the_suites_reject_some_candidate(tmp_path):
    """On the seeds and the regression stories, most suites see candidates they do not flag: the
    decision is the suite's, not the detector's (a row failing two expectations counts twice, so
    candidates minus failures never overstates the rejections)."""
    from conftest import ROOT

    result = audit(AuditOptions(paths=[ROOT / "seeds", STORIES], out=tmp_path / "run", formats={"json"}, jobs=1),
                   log=lambda _m: None)
    suites = result.findings_doc["run"]["suites"]
    rejecting = [s["suite"] for s in suites if s["candidates"] > sum(e["failed"] for e in s["expectations"])]
    assert len(rejecting) * 4 >= len(suites) * 3, rejecting
