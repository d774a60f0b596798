"""Run history on SQLite and (marked `postgres`) on a throwaway PostgreSQL server."""

from __future__ import annotations

import copy
import importlib.util
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from auditor import history
from auditor.history import (
    HistoryError,
    cached_by_key,
    ensure_schema,
    format_history,
    previous_run,
    record_run,
    score_history,
)

try:
    from pg_server import postgres_server
except ImportError:  # tests/ imported as a package
    from tests.pg_server import postgres_server


def _docs(started: str, scores: dict[str, float], suites_hash: str = "S1") -> tuple[dict, dict]:
    """A findings doc and a scores doc for sources a (audited), b (audited), c (skipped)."""
    findings_doc = {
        "run": {"started": started, "version": "0.1.0", "inputs": ["seeds"], "suites_hash": suites_hash},
        "sources": [
            {"source": "a", "story": "seeds", "path": "seeds/a.txt", "status": "audited", "sha256": "sha-a",
             "cache_key": f"a|sha-a|{suites_hash}"},
            {"source": "b", "story": "seeds", "path": "seeds/b.txt", "status": "audited", "sha256": "sha-b",
             "cache_key": f"b|sha-b|{suites_hash}"},
            {
                "source": "c",
                "story": "seeds",
                "path": "seeds/c.bin",
                "status": "skipped",
                "reason": "binary file",
            },
        ],
        "findings": [
            {
                "id": "f1",
                "kind": "duplicate_paragraph",
                "subkind": "exact",
                "check": "duplicate_paragraph.exact",
                "severity": "error",
                "source": "a",
                "story": "seeds",
                "line": 18,
                "end_line": 22,
                "span": [5, 9],
                "evidence": "dup\x00text",
                "message": "Paragraph repeated.",
                "related": [],
                "suppressed": False,
            },
            {
                "id": "f2",
                "kind": "repeated_word",
                "check": "repeated_word",
                "severity": "warning",
                "source": "b",
                "story": "seeds",
                "line": 3,
                "end_line": 3,
                "span": [1, 8],
                "evidence": "the the",
                "message": "Word repeated.",
                "related": [],
                "suppressed": True,
            },
        ],
    }
    scores_doc = {
        "sources": [
            {
                "source": s,
                "story": "seeds",
                "score": v,
                "grade": "B" if v >= 70 else "D",
                "components": {
                    "duplication": {"points": v / 2, "max": 50, "finding_ids": [], "detail": ""},
                    "repetition": {"points": v / 2, "max": 50, "finding_ids": [], "detail": ""},
                },
                "findings": {},
            }
            for s, v in scores.items()
        ]
    }
    return findings_doc, scores_doc


@pytest.fixture(scope="module")
def pg():
    if importlib.util.find_spec("psycopg") is None:
        message = 'psycopg not installed: pip install -e ".[postgres]"'
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "hist" / "history.sqlite")
    return request.getfixturevalue("pg").fresh_schema_url()


def _count(db: str, table: str) -> int:
    engine = create_engine(history.to_url(db))
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(select(func.count()).select_from(history.metadata.tables[table])).scalar()
            )
    finally:
        engine.dispose()


def test_two_runs_show_in_history(db: str) -> None:
    r1 = record_run(db, *_docs("2026-11-21T07:40:00Z", {"a": 62.5, "b": 80.0}))
    r2 = record_run(db, *_docs("2026-11-22T07:40:00Z", {"a": 58.0, "b": 80.0}))
    assert r2 != r1
    rows = score_history(db)
    assert [(r["source"], r["run"], r["score"]) for r in rows if r["source"] == "a"] == [
        ("a", r1, 62.5),
        ("a", r2, 58.0),
    ]
    assert [r["source"] for r in rows] == ["a", "a", "b", "b", "c", "c"]
    assert {"run", "started", "source", "story", "score", "grade"} <= set(rows[0])
    text = format_history(rows).splitlines()
    assert text[0].split() == ["source", "2026-11-21", "2026-11-22", "trend"]
    assert text[1].split() == ["a", "62.5", "58.0", "▼", "-4.5", "(D)"]
    assert text[2].split() == ["b", "80.0", "80.0", "▬", "(B)"]
    assert _count(db, "findings") == 4 and _count(db, "scores") == 8 and _count(db, "sources") == 6


def test_previous_run_prefers_the_same_inputs(db: str, tmp_path: Path) -> None:
    assert previous_run(str(tmp_path / "none.sqlite"), "2026-11-22:seeds") is None  # no database yet
    first = record_run(db, *_docs("2026-11-20T02:30:00Z", {"a": 60.0, "b": 80.0}), run_key="2026-11-20:seeds")
    other = record_run(db, *_docs("2026-11-21T02:30:00Z", {"a": 10.0, "b": 20.0}), run_key="2026-11-21:other")
    third = record_run(db, *_docs("2026-11-22T02:30:00Z", {"a": 70.0, "b": 80.0}), run_key="2026-11-22:seeds")
    found = previous_run(db, "2026-11-23:seeds")
    assert found is not None and found["run"] == third and found["started"] == "2026-11-22T02:30:00Z"
    assert found["n_findings"] == 2 and {f["id"] for f in found["findings"]} == {"f1", "f2"}
    assert {f["kind"] for f in found["findings"]} == {"duplicate_paragraph", "repeated_word"}
    assert sorted((s["source"], s["score"]) for s in found["scores"]) == [("a", 70.0), ("b", 80.0)]
    assert previous_run(db, "2026-11-22:seeds")["run"] == first  # a rerun of that night: the night before
    assert previous_run(db, "2026-11-23:elsewhere")["run"] == third  # no run of these inputs: the last run
    assert previous_run(db, "2026-11-22:other")["run"] == other


def test_rerun_with_same_key_replaces(db: str) -> None:
    record_run(db, *_docs("2026-11-22T07:40:00Z", {"a": 50.0, "b": 80.0}), run_key="2026-11-22:seeds")
    rid = record_run(db, *_docs("2026-11-22T09:00:00Z", {"a": 71.0, "b": 80.0}), run_key="2026-11-22:seeds")
    assert _count(db, "runs") == 1 and _count(db, "findings") == 2 and _count(db, "scores") == 4
    rows = [r for r in score_history(db) if r["source"] == "a"]
    assert [(r["run"], r["score"], r["run_key"]) for r in rows] == [(rid, 71.0, "2026-11-22:seeds")]
    record_run(db, *_docs("2026-11-23T07:40:00Z", {"a": 60.0, "b": 80.0}), run_key="2026-11-23:seeds")
    assert _count(db, "runs") == 2


def cached_results(db: str, keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], dict]:
    """cached_by_key through the keys _docs stores ("source|sha256|suites_hash")."""
    hits = cached_by_key(db, ["|".join(k) for k in keys if all(k)])
    return {k: hits["|".join(k)] for k in keys if "|".join(k) in hits}


def test_cached_results_returns_what_was_stored(db: str) -> None:
    fdoc, sdoc = _docs("2026-11-21T07:40:00Z", {"a": 62.5, "b": 80.0})
    record_run(db, fdoc, sdoc)
    newer = _docs("2026-11-22T07:40:00Z", {"a": 64.0, "b": 80.0})
    record_run(db, *newer)
    other_suites = _docs("2026-11-23T07:40:00Z", {"a": 10.0, "b": 10.0}, suites_hash="S2")
    record_run(db, *other_suites)
    keys = [
        ("a", "sha-a", "S1"),
        ("b", "sha-b", "S1"),
        ("a", "sha-changed", "S1"),
        ("a", "sha-a", "S3"),
        ("c", "", "S1"),
    ]
    hits = cached_results(db, keys)
    assert set(hits) == {("a", "sha-a", "S1"), ("b", "sha-b", "S1")}
    a = hits[("a", "sha-a", "S1")]
    assert a["score"]["score"] == 64.0 and a["started"] == "2026-11-22T07:40:00Z"  # most recent S1 run
    assert a["source"] == fdoc["sources"][0]
    assert [f["id"] for f in a["findings"]] == ["f1"] and a["findings"][0]["evidence"] == "dup\x00text"
    assert hits[("b", "sha-b", "S1")]["findings"][0]["suppressed"] is True
    assert cached_results(db, [("a", "sha-a", "S2")])[("a", "sha-a", "S2")]["score"]["score"] == 10.0
    assert cached_results(db, []) == {}


def test_suites_hash_argument_overrides_doc(db: str) -> None:
    fdoc, sdoc = _docs("2026-11-21T07:40:00Z", {"a": 62.5, "b": 80.0})
    del fdoc["run"]["suites_hash"]
    record_run(db, fdoc, sdoc, suites_hash="X")
    engine = create_engine(history.to_url(db))
    try:
        with engine.connect() as conn:
            assert [r.suites_hash for r in conn.execute(select(history.runs.c.suites_hash))] == ["X"]
    finally:
        engine.dispose()


def test_migrations_are_idempotent(db: str) -> None:
    assert ensure_schema(db) == history.LATEST
    record_run(db, *_docs("2026-11-21T07:40:00Z", {"a": 62.5, "b": 80.0}))
    assert ensure_schema(db) == history.LATEST
    assert ensure_schema(db) == history.LATEST
    engine = create_engine(history.to_url(db))
    try:
        with engine.connect() as conn:
            versions = [r.version for r in conn.execute(select(history.schema_version.c.version))]
    finally:
        engine.dispose()
    assert versions == [m[0] for m in history.MIGRATIONS]
    assert _count(db, "runs") == 1


def test_newer_schema_is_refused(db: str) -> None:
    ensure_schema(db)
    engine = create_engine(history.to_url(db))
    with engine.begin() as conn:
        conn.execute(
            history.schema_version.insert().values(
                version=history.LATEST + 1, description="future", applied="x"
            )
        )
    engine.dispose()
    with pytest.raises(HistoryError, match="newer than this auditor"):
        record_run(db, *_docs("2026-11-21T07:40:00Z", {"a": 1.0}))


def test_record_is_one_transaction(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    record_run(db, *_docs("2026-11-21T07:40:00Z", {"a": 62.5}), run_key="k")

    def boom(run_id: int, f: dict) -> dict:
        raise RuntimeError("mid-run failure")

    monkeypatch.setattr(history, "_finding_row", boom)
    with pytest.raises(RuntimeError):
        record_run(db, *_docs("2026-11-22T07:40:00Z", {"a": 1.0}), run_key="k")
    assert _count(db, "runs") == 1 and _count(db, "findings") == 2  # the earlier run survived intact
    assert [r["score"] for r in score_history(db) if r["source"] == "a"] == [62.5]


def test_empty_database_reads_empty(db: str) -> None:
    ensure_schema(db)
    assert score_history(db) == []
    assert cached_results(db, [("a", "sha-a", "S1")]) == {}


# ---------------------------------------------------------------- errors and helpers (no server needed)


def test_missing_sqlite_file(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="no history database"):
        score_history(str(tmp_path / "none.sqlite"))
    assert cached_results(str(tmp_path / "none.sqlite"), [("a", "h", "s")]) == {}
    assert not (tmp_path / "none.sqlite").exists()


@pytest.mark.parametrize(
    "url, needle",
    [
        ("nosuchdialect://u@host/db", "unsupported database URL"),
        (
            "postgresql://u:secret@127.0.0.1:1/db",
            "history database postgresql+psycopg://u:***@127.0.0.1:1/db",
        ),
        ("post gres://u@host/db", "invalid database URL"),
        ("postgresql://u:secret@host:port/db", "invalid database URL 'postgresql://u:***@host:port/db'"),
    ],
)
def test_bad_url_or_unreachable_server(url: str, needle: str) -> None:
    with pytest.raises(HistoryError) as err:
        record_run(url, *_docs("2026-11-21T07:40:00Z", {"a": 1.0}))
    assert needle in str(err.value) and "secret" not in str(err.value)


def test_unusable_sqlite_files(tmp_path: Path) -> None:
    with pytest.raises(HistoryError):
        record_run(str(tmp_path), *_docs("2026-11-21T07:40:00Z", {"a": 1.0}))  # a directory
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryError, match="junk.sqlite"):
        score_history(str(junk))


def test_to_url() -> None:
    assert history.to_url("postgres://u@h/d").drivername == "postgresql+psycopg"
    assert history.to_url("postgresql://u@h/d").drivername == "postgresql+psycopg"
    assert history.to_url("postgresql+psycopg://u@h/d").drivername == "postgresql+psycopg"
    url = history.to_url("reports/history.sqlite")
    assert url.get_backend_name() == "sqlite" and url.database == "reports/history.sqlite"


def test_format_history_rows() -> None:
    rows = [
        {
            "run": i,
            "started": f"2026-11-{i:02d}",
            "source": "001_f3a0",
            "story": "seeds",
            "score": s,
            "grade": "C",
        }
        for i, s in enumerate([62.5, 58.0, 71.0], start=1)
    ]
    rows.append({"run": 1, "started": "x", "source": "bad", "story": "seeds", "score": None, "grade": None})
    rows[-1]["started"] = rows[0]["started"]
    text = format_history(copy.deepcopy(rows))
    assert text.splitlines() == ["source    2026-11-01  2026-11-02  2026-11-03  trend",
                                 "001_f3a0        62.5        58.0        71.0  ▲ +13.0  (C)",
                                 "bad                —"]
    many = [dict(rows[0], run=i, started=f"2026-10-{i + 1:02d}T02:30:00Z", score=float(i)) for i in range(15)]
    lines = format_history(many, last=3).splitlines()
    assert lines[0] == "12 earlier runs not shown"
    assert lines[1].split() == ["source", "2026-10-13", "2026-10-14", "2026-10-15", "trend"]
    assert lines[2].split() == ["001_f3a0", "12.0", "13.0", "14.0", "▲", "+1.0", "(C)"]
    same_day = [dict(rows[0], run=1, started="2026-11-01T02:30:00Z"), dict(rows[0], run=2, started="2026-11-01T09:15:00Z")]
    header = format_history(same_day).splitlines()[0]
    assert re.split(r"\s{2,}", header)[1:3] == ["2026-11-01 02:30", "2026-11-01 09:15"]
    assert format_history([]) == "no runs recorded\n"
