"""Incremental runs: unchanged stories reuse stored results, byte for byte; a change recomputes its story."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from auditor.run import AuditOptions, audit

ROOT = Path(__file__).resolve().parent.parent


def run(inbox: Path, db: Path, out: Path, logs: list[str]) -> dict:
    result = audit(AuditOptions(paths=[inbox], out=out, formats={"json"}, db=str(db)), log=logs.append)
    doc = result.findings_doc
    doc["run"].pop("started")
    doc["run"].pop("suites")  # what was validated in this run: reused stories are not validated again
    return {"findings": doc, "scores": result.scores_doc}


def test_rerun_reuses_unchanged_stories_and_recomputes_changed_ones(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(ROOT / "seeds", inbox / "seeds")
    (inbox / "other").mkdir()
    (inbox / "other" / "a.txt").write_text("The the council met on Monday.\nIt voted on the budget.\n", encoding="utf-8")
    (inbox / "other" / "b.txt").write_text("The council met on Monday and voted on the budget.\n", encoding="utf-8")
    db = tmp_path / "history.sqlite"
    first_logs: list[str] = []
    first = run(inbox, db, tmp_path / "reports", first_logs)
    assert not any("incremental" in m for m in first_logs)
    again_logs: list[str] = []
    again = run(inbox, db, tmp_path / "reports", again_logs)
    assert any("reusing stored results of 7 unchanged sources" in m for m in again_logs)
    assert again == first
    (inbox / "other" / "b.txt").write_text("The council met on Monday and voted on the the budget.\n", encoding="utf-8")
    changed_logs: list[str] = []
    changed = run(inbox, db, tmp_path / "reports", changed_logs)
    assert any("reusing stored results of 5 unchanged sources" in m for m in changed_logs)
    words = [f for f in changed["findings"]["findings"] if f["kind"] == "repeated_word"]
    assert {f["source"] for f in words} == {"other/a", "other/b"}
    seeds_before = [f for f in first["findings"]["findings"] if f["story"] == "inbox/seeds"]
    seeds_after = [f for f in changed["findings"]["findings"] if f["story"] == "inbox/seeds"]
    assert seeds_after == seeds_before
    assert json.loads((tmp_path / "reports" / "latest" / "findings.json").read_text(encoding="utf-8"))
