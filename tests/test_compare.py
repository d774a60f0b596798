"""Changes since the last run: two nightly runs with --db, one source edited between them.

The edit adds a repeated word and removes a duplicated paragraph: the second run has exactly one
`new` finding and one `absent` one, SARIF agrees, reports/index.html lists both runs, and
`--compare` without --db gives the same states. A baseline that lists ids with notes (the shape
the report page downloads) makes `--fail-on info` pass for those findings only.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest

from auditor import run as run_module
from auditor.cli import main

ALPHA = """Council approves new bridge over the river

The city council voted on Tuesday to approve construction of a new bridge across the river, officials said.

The project will cost about 40 million dollars and is expected to take three years to complete, according to the mayor.

Residents have long complained about traffic on the old crossing, which was built more than sixty years ago.

The city council voted on Tuesday to approve construction of a new bridge across the river, officials said.

Work is due to begin next spring once the final designs are approved by the state transport agency.

Several local businesses welcomed the the decision and said it would bring more customers to the area.
"""
DUPLICATE = "\nThe city council voted on Tuesday to approve construction of a new bridge across the river, officials said.\n"
BETA = """City backs river bridge plan

Councillors on Tuesday backed a plan to build a new bridge over the river, city officials said.

The bridge will cost about 40 million dollars, the mayor said, and construction should take three years.

The old crossing was built more than sixty years ago and is often jammed with traffic.

Construction is expected to start next spring after the state transport agency approves the designs.
"""


def _edited(text: str) -> str:
    """The duplicated paragraph's second copy removed, a repeated word added far from the other finding."""
    head, tail = text.rsplit(DUPLICATE, 1)
    return (head + tail).replace("Work is due to begin", "Work is due to to begin")


def _on_day(monkeypatch: pytest.MonkeyPatch, day: int) -> None:
    """Runs of this test start on 2026-11-<day> at 02:30 UTC (each night a run of its own)."""

    class Night(dt.datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206 - datetime's own signature
            return cls(2026, 11, day, 2, 30, tzinfo=dt.UTC)

    monkeypatch.setattr(run_module, "dt", SimpleNamespace(datetime=Night, UTC=dt.UTC))


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _audit(*args: str) -> int:
    return main(["audit", *args, "--jobs", "1"])


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Two nightly runs with --db (2026-11-21, then 2026-11-22 after the edit) and a --compare run."""
    base = tmp_path_factory.mktemp("nightly")
    inbox = base / "inbox" / "bridge"
    inbox.mkdir(parents=True)
    (inbox / "alpha.txt").write_text(ALPHA, encoding="utf-8")
    (inbox / "beta.txt").write_text(BETA, encoding="utf-8")
    reports, db = base / "reports", base / "history.sqlite"
    nightly = [str(base / "inbox"), "--out", str(reports), "--db", str(db), "--format", "json,sarif,html"]
    with pytest.MonkeyPatch.context() as mp:
        _on_day(mp, 21)
        first = _audit(*nightly)
        shutil.copytree(reports / "2026-11-21", base / "first")  # a plain copy of the first night's outputs
        (inbox / "alpha.txt").write_text(_edited(ALPHA), encoding="utf-8")
        _on_day(mp, 22)
        second = _audit(*nightly)
    compared = base / "compared"
    third = _audit(str(base / "inbox"), "--out", str(compared), "--format", "json,sarif",
                   "--compare", str(base / "first" / "findings.json"))
    assert (first, second, third) == (0, 0, 0)
    return SimpleNamespace(base=base, inbox=base / "inbox", reports=reports, db=db, first=base / "first",
                           second=reports / "2026-11-22", compared=compared)


def test_the_edited_night_has_one_new_and_one_absent_finding(nights: SimpleNamespace) -> None:
    before, after = _load(nights.first / "findings.json"), _load(nights.second / "findings.json")
    assert "previous" not in before["run"] and all("baseline_state" not in f for f in before["findings"])
    states = Counter(f["baseline_state"] for f in after["findings"])
    assert states["new"] == 1 and states["unchanged"] == len(after["findings"]) - 1 >= 1
    new = next(f for f in after["findings"] if f["baseline_state"] == "new")
    assert (new["kind"], new["evidence"]) == ("repeated_word", "to to")
    assert [a["kind"] for a in after["run"]["absent"]] == ["duplicate_paragraph"]
    gone = after["run"]["absent"][0]
    assert gone["id"] in {f["id"] for f in before["findings"]} and gone["source"] == "bridge/alpha"
    assert gone["line"] == 9 and gone["evidence"].startswith("The city council voted")
    unchanged = {f["id"] for f in after["findings"] if f["baseline_state"] == "unchanged"}
    assert unchanged == {f["id"] for f in before["findings"]} - {gone["id"]}
    assert after["run"]["previous"] == {"started": before["run"]["started"], "date": "2026-11-21",
                                        "findings": len(before["findings"]), "from": "history"}
    assert after["run"]["changes"] == {"new": 1, "unchanged": len(unchanged), "absent": 1}


def test_scores_carry_the_previous_score_and_the_delta(nights: SimpleNamespace) -> None:
    before = {s["source"]: s["score"] for s in _load(nights.first / "scores.json")["sources"]}
    for entry in _load(nights.second / "scores.json")["sources"]:
        assert entry["previous_score"] == before[entry["source"]]
        assert entry["score_delta"] == round(entry["score"] - before[entry["source"]], 1)


def test_sarif_agrees(nights: SimpleNamespace) -> None:
    findings = _load(nights.second / "findings.json")
    sarif = _load(nights.second / "findings.sarif")
    run = sarif["runs"][0]
    by_id = {r["partialFingerprints"]["auditorFindingId/v1"]: r["baselineState"] for r in run["results"]}
    assert by_id == {f["id"]: f["baseline_state"] for f in findings["findings"]}
    assert [a["id"] for a in run["properties"]["absent"]] == [a["id"] for a in findings["run"]["absent"]]
    new = next(r for r in run["results"] if r["baselineState"] == "new")
    region = new["locations"][0]["physicalLocation"]["region"]
    text = _edited(ALPHA)
    line_start = text.rindex("\n", 0, text.index("to to")) + 1
    assert region["startColumn"] == text.index("to to") - line_start + 1
    assert region["endColumn"] == region["startColumn"] + len("to to")
    from conftest import shared_or_skip
    from test_sarif_junit import SCHEMA_PATH

    schema = json.loads(shared_or_skip(SCHEMA_PATH).read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(sarif)


def test_compare_without_db_gives_the_same_states(nights: SimpleNamespace) -> None:
    nightly = _load(nights.second / "findings.json")
    compared = _load(nights.compared / "findings.json")
    assert {f["id"]: f["baseline_state"] for f in compared["findings"]} == \
        {f["id"]: f["baseline_state"] for f in nightly["findings"]}
    assert [a["id"] for a in compared["run"]["absent"]] == [a["id"] for a in nightly["run"]["absent"]]
    assert compared["run"]["previous"]["date"] == "2026-11-21"
    assert compared["run"]["previous"]["from"].endswith("findings.json")
    assert all("score_delta" in s for s in _load(nights.compared / "scores.json")["sources"])  # sibling scores.json
    sarif = _load(nights.compared / "findings.sarif")["runs"][0]
    assert Counter(r["baselineState"] for r in sarif["results"])["new"] == 1


def test_the_nightly_folder_reads_as_a_site(nights: SimpleNamespace) -> None:
    index = (nights.reports / "index.html").read_text(encoding="utf-8")
    assert 'content="auditor-index"' in index
    assert index.index('href="2026-11-22/report.html"') < index.index('href="2026-11-21/report.html"')  # newest first
    row = index[index.index('href="2026-11-22/report.html"'):].split("</tr>", 1)[0]
    cells = [c.split(">", 1)[1].split("<", 1)[0].strip() for c in row.split("<td")[1:]]
    findings = _load(nights.second / "findings.json")
    assert cells[:4] == ["2", str(len(findings["findings"])), "1", "1"]  # sources, findings, new, fixed
    assert "bridge/alpha" in row  # the weakest source
    assert sorted(p.name for p in nights.reports.iterdir() if not p.name.startswith(".")) == \
        ["2026-11-21", "2026-11-22", "index.html", "latest"]


def test_history_prints_the_run_dates(nights: SimpleNamespace, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--db", str(nights.db)]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split() == ["source", "2026-11-21", "2026-11-22", "trend"]
    assert any(r.startswith("bridge/alpha") for r in rows)


def test_a_foreign_index_is_never_replaced(nights: SimpleNamespace, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html>my own page</html>", encoding="utf-8")
    code = _audit(str(nights.inbox), "--out", str(site), "--db", str(tmp_path / "h.sqlite"), "--format", "json")
    assert code == 2 and "not an index the auditor wrote" in capsys.readouterr().err
    assert (site / "index.html").read_text(encoding="utf-8") == "<html>my own page</html>"
    assert [p.name for p in site.iterdir()] == ["index.html"]


def test_a_downloaded_baseline_with_notes_accepts_those_findings_only(nights: SimpleNamespace, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    findings = _load(nights.second / "findings.json")["findings"]
    accepted = {"version": 1, "created": "2026-11-22T08:00:00Z",
                "findings": [{"id": f["id"], "kind": f["kind"], "source": f["source"], "evidence": f["evidence"],
                              "note": "accepted by the night editor"} for f in findings]}
    every = tmp_path / "every.json"
    every.write_text(json.dumps(accepted), encoding="utf-8")
    gate = ["--format", "json", "--fail-on", "info"]
    assert _audit(str(nights.inbox), "--out", str(tmp_path / "a"), "--baseline", str(every), *gate) == 0
    new = next(f for f in findings if f["baseline_state"] == "new")
    accepted["findings"] = [e for e in accepted["findings"] if e["id"] != new["id"]]
    some = tmp_path / "some.json"
    some.write_text(json.dumps(accepted), encoding="utf-8")
    capsys.readouterr()
    assert _audit(str(nights.inbox), "--out", str(tmp_path / "b"), "--baseline", str(some), *gate) == 1
    out = capsys.readouterr().out
    assert f"gate: {new['source']}: warning finding repeated_word at line {new['line']}" in out
    gated = _load(tmp_path / "b" / "findings.json")["findings"]
    assert [f["id"] for f in gated if not f["suppressed"]] == [new["id"]]
    # accepted findings still count in the score: a baseline changes the gate, never the grade
    plain = {s["source"]: (s["score"], s["grade"]) for s in _load(nights.second / "scores.json")["sources"]}
    for name in ("a", "b"):
        scored = {s["source"]: (s["score"], s["grade"]) for s in _load(tmp_path / name / "scores.json")["sources"]}
        assert scored == plain
