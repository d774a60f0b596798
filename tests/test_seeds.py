"""End to end on the seed story: spans are exact, ids are stable, the gold must-findings are found."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import SHARED, shared_or_skip


def test_every_finding_span_slices_to_its_evidence(seed_run):
    result, out = seed_run
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert doc["findings"], "the seeds carry known errors"
    for f in doc["findings"]:
        text = result.texts[f["source"]]
        assert text[f["span"][0]:f["span"][1]] == f["evidence"], f
        assert 1 <= f["line"] <= f["end_line"]
        for r in f["related"]:
            assert result.texts[r["source"]][r["span"][0]:r["span"][1]] == r["evidence"]


def test_outputs_follow_the_contract(seed_run):
    _, out = seed_run
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert (out / "report.html").stat().st_size > 1000
    keys = {"id", "kind", "subkind", "check", "severity", "source", "story", "line", "end_line", "span",
            "evidence", "message", "related", "suppressed"}
    assert all(keys <= set(f) for f in doc["findings"])
    assert len({f["id"] for f in doc["findings"]}) == len(doc["findings"])
    assert {s["source"] for s in doc["sources"]} == {s["source"] for s in scores["sources"]}
    assert all(0 <= s["score"] <= 100 and s["grade"] for s in scores["sources"])


def test_ids_are_stable_across_runs(seed_run, tmp_path):
    from auditor.run import AuditOptions, audit

    first, _ = seed_run
    inputs = [Path(p) for p in first.findings_doc["run"]["inputs"]]
    again = audit(AuditOptions(paths=inputs, out=tmp_path / "o", formats={"json"}), log=lambda _m: None)
    assert [f["id"] for f in again.findings_doc["findings"]] == [f["id"] for f in first.findings_doc["findings"]]


def test_gold_must_findings_of_within_source_kinds(seed_run):
    scorer = SHARED / "tools" / "score_findings.py"
    shared_or_skip(scorer)
    _, out = seed_run
    kinds = "duplicate_paragraph,boilerplate,unbalanced_punctuation,repeated_word"
    proc = subprocess.run([sys.executable, str(scorer), "--gold", str(SHARED / "gold" / "seeds.json"),
                           "--findings", str(out / "findings.json"), "--kinds", kinds],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
