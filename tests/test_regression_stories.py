"""Regression stories written for the tests (tests/stories/*/expected.yaml): each pins one pattern
met on real news, with the findings that must appear and the text that must stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.run import AuditOptions, audit

STORIES = Path(__file__).resolve().parent / "stories"
CASES = sorted(p.parent.name for p in STORIES.glob("*/expected.yaml"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict]:
    """One audit of every regression story (one story per folder)."""
    out = tmp_path_factory.mktemp("stories")
    paths = [STORIES / name for name in CASES]
    result = audit(AuditOptions(paths=paths, out=out / "run", formats={"json"}, jobs=1), log=lambda _m: None)
    by_story: dict[str, dict] = {name: {"findings": [], "scores": {}} for name in CASES}
    for f in result.findings_doc["findings"]:
        by_story[f["story"].rsplit("/", 1)[-1]]["findings"].append(f)
    for s in result.scores_doc["sources"]:
        by_story[s["story"].rsplit("/", 1)[-1]]["scores"][s["source"].rsplit("/", 1)[-1]] = s["score"]
    return by_story


def _short(source: str) -> str:
    return source.rsplit("/", 1)[-1]


def _matches(finding: dict, want: dict) -> bool:
    return (_short(finding["source"]) == want["source"] and finding["kind"] == want["kind"]
            and want.get("subkind", finding["subkind"]) == finding["subkind"]
            and want["evidence"] in finding["evidence"]
            and ("related" not in want or len(finding["related"]) == want["related"]))


@pytest.mark.parametrize("name", CASES)
def test_story_findings_that_must_appear(runs, name):
    expected = yaml.safe_load((STORIES / name / "expected.yaml").read_text(encoding="utf-8"))
    findings = runs[name]["findings"]
    for want in expected.get("must", []):
        assert any(_matches(f, want) for f in findings), (want, [(f["source"], f["kind"], f["evidence"])
                                                                for f in findings])


@pytest.mark.parametrize("name", CASES)
def test_story_text_that_must_stay_clean(runs, name):
    expected = yaml.safe_load((STORIES / name / "expected.yaml").read_text(encoding="utf-8"))
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (STORIES / name).iterdir() if p.suffix != ".yaml"}
    for clean in expected.get("clean", []):
        assert clean["text"] in texts[clean["source"]], clean  # the story file really holds the text
        hits = [f for f in runs[name]["findings"] if _short(f["source"]) == clean["source"]
                and (clean["text"] in f["evidence"] or f["evidence"] in clean["text"])]
        assert hits == [], (clean, [(f["kind"], f["evidence"]) for f in hits])


@pytest.mark.parametrize("name", CASES)
def test_story_has_no_other_finding_of_its_kinds(runs, name):
    expected = yaml.safe_load((STORIES / name / "expected.yaml").read_text(encoding="utf-8"))
    kinds = set(expected.get("kinds_exact", []))
    extra = [f for f in runs[name]["findings"] if f["kind"] in kinds
             and not any(_matches(f, want) for want in expected.get("must", []))]
    assert extra == [], [(f["source"], f["kind"], f["subkind"], f["evidence"]) for f in extra]
