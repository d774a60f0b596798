"""Baselines: write, load, apply; clear errors naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.baseline import BaselineError, load_baseline, write_baseline

FINDINGS = [
    {
        "id": "b2",
        "kind": "repeated_word",
        "source": "001",
        "evidence": "the the",
        "severity": "warning",
        "message": "m",
        "suppressed": False,
    },
    {
        "id": "a1",
        "kind": "duplicate_paragraph",
        "source": "001",
        "evidence": "para",
        "severity": "error",
        "message": "m",
        "suppressed": False,
    },
    {
        "id": "a1",
        "kind": "duplicate_paragraph",
        "source": "001",
        "evidence": "para",
        "severity": "error",
        "message": "m",
        "suppressed": False,
    },
]


@pytest.fixture
def findings_path(tmp_path: Path) -> Path:
    path = tmp_path / "findings.json"
    path.write_text(json.dumps({"run": {}, "sources": [], "findings": FINDINGS}), encoding="utf-8")
    return path


def test_write_then_load(findings_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "nested" / "baseline.json"
    assert write_baseline(findings_path, out) == 2
    body = json.loads(out.read_text(encoding="utf-8"))
    assert body["version"] == 1 and body["created"].endswith("Z")
    assert [f["id"] for f in body["findings"]] == ["a1", "b2"]
    assert body["findings"][0] == {
        "id": "a1",
        "kind": "duplicate_paragraph",
        "source": "001",
        "evidence": "para",
    }
    assert load_baseline(out) == {"a1", "b2"}
    assert [p.name for p in out.parent.iterdir()] == ["baseline.json"]  # no temp file left


@pytest.mark.parametrize(
    "content, needle",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a baseline file"),
        ('{"version": 1}', "not a baseline file"),
        ('{"version": 2, "findings": []}', "unsupported baseline version"),
        ('{"version": 1, "findings": [{"kind": "x"}]}', "findings[0]"),
        ('{"version": 1, "findings": ["a1"]}', "findings[0]"),
    ],
)
def test_load_baseline_errors_name_the_file(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "bl.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError) as err:
        load_baseline(path)
    assert str(path) in str(err.value) and needle in str(err.value)
    assert isinstance(err.value, ValueError)


def test_missing_files(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="not found"):
        load_baseline(tmp_path / "nope.json")
    with pytest.raises(BaselineError, match="findings file not found"):
        write_baseline(tmp_path / "nope.json", tmp_path / "bl.json")


def test_write_baseline_rejects_non_findings(tmp_path: Path) -> None:
    path = tmp_path / "scores.json"
    path.write_text('{"sources": []}', encoding="utf-8")
    with pytest.raises(BaselineError, match="not a findings file"):
        write_baseline(path, tmp_path / "bl.json")
    assert not (tmp_path / "bl.json").exists()
