"""Outputs, exit codes and the history database: --out is the auditor's own folder, a failed write or
Ctrl-C leaves the previous reports and the history as they were, a foreign database is never written to,
claims.csv cannot inject formulas, and a run with nothing to audit does not pass."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import os
import pathlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from hostile import GOOD_DOUBLED_WORD, GOOD_DUPLICATE, build_corpus

from auditor import run as run_module
from auditor.cli import main
from auditor.history import score_history

ROOT = Path(__file__).resolve().parent.parent
DEADLINE = 90.0


def quiet(argv: list[str]) -> tuple[int, str, str]:
    """main(argv) with stdout and stderr captured: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def snapshot(root: Path) -> dict[str, object]:
    """Every entry below root (hidden ones too, links not followed): bytes of files, targets of links."""
    state: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                state[key] = ("link", os.readlink(path))
            elif path.is_dir():
                state[key] = ("dir",)
            else:
                state[key] = ("file", path.read_bytes())
    return state


def one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("auditor:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def story(base: Path) -> Path:
    folder = base / "inbox" / "story"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(GOOD_DUPLICATE, encoding="utf-8")
    (folder / "b.txt").write_text(GOOD_DOUBLED_WORD, encoding="utf-8")
    return base / "inbox"


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """One small audit recorded in a history, in the dated layout: (base, inbox, reports, db)."""
    base = tmp_path_factory.mktemp("outputs")
    inbox = story(base)
    code, _, err = quiet(["audit", str(inbox), "--out", str(base / "reports"), "--db",
                          str(base / "reports" / "history.sqlite"), "--format", "html,json,csv"])
    assert code == 0, err
    return base, inbox, base / "reports", base / "reports" / "history.sqlite"


@pytest.fixture
def state(first, tmp_path):
    """A private copy of the first run's inbox, reports and history: (inbox, reports, db)."""
    base, *_ = first
    shutil.copytree(base / "inbox", tmp_path / "inbox", symlinks=True)
    shutil.copytree(base / "reports", tmp_path / "reports", symlinks=True)
    return tmp_path / "inbox", tmp_path / "reports", tmp_path / "reports" / "history.sqlite"


def runs_in(db: Path) -> list[tuple]:
    return sorted({(r["run"], r["run_key"]) for r in score_history(str(db))})


# ---------------------------------------------------------------- --out is the auditor's own folder


def test_out_refuses_foreign_folder(tmp_path):
    inbox = story(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"my only copy")
    (mine / "findings.json").write_text("{}")
    before = snapshot(tmp_path)
    code, _, err = quiet(["audit", str(inbox), "--out", str(mine)])
    assert code == 2
    line = one_line_error(err)
    assert str(mine) in line and "thesis.docx" in line and "refusing" in line
    assert snapshot(tmp_path) == before


def test_out_refuses_current_folder(tmp_path, monkeypatch):
    inbox = story(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = snapshot(tmp_path)
    for out in (".", str(work), ".."):
        code, _, err = quiet(["audit", str(inbox), "--out", out])
        assert code == 2, (out, err)
        assert "current folder" in one_line_error(err)
    assert snapshot(tmp_path) == before


def test_out_refuses_folder_holding_an_input(tmp_path):
    inbox = story(tmp_path)
    article = inbox / "story" / "a.txt"
    before = snapshot(tmp_path)
    cases = {
        str(inbox): "is the input",                       # the input folder itself
        str(tmp_path): "holds the input",                 # a folder containing an input
        str(inbox / "story" / "reports"): "inside the input folder",
        str(article): "inside the input folder",          # an input file
    }
    for out, expected in cases.items():
        for extra in ([], ["--db", str(tmp_path / "h.sqlite")]):
            code, _, err = quiet(["audit", str(inbox), "--out", out, *extra])
            assert code == 2, (out, extra, err)
            assert expected in one_line_error(err), (out, err)
    code, _, err = quiet(["audit", str(article), "--out", str(inbox / "story")])
    assert code == 2 and "holds the input" in one_line_error(err)
    assert snapshot(tmp_path) == before


def test_out_refuses_regular_file(tmp_path):
    inbox = story(tmp_path)
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    before = snapshot(tmp_path)
    code, _, err = quiet(["audit", str(inbox), "--out", str(target)])
    assert code == 2 and "is a file" in one_line_error(err)
    assert snapshot(tmp_path) == before


def test_out_refuses_symlink_to_foreign_folder(tmp_path):
    inbox = story(tmp_path)
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "cat.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / "out").symlink_to(photos)
    (tmp_path / "empty").mkdir()
    (tmp_path / "out2").symlink_to("empty")
    before = snapshot(tmp_path)
    for out in ("out", "out2"):
        code, _, err = quiet(["audit", str(inbox), "--out", str(tmp_path / out)])
        assert code == 2 and "symlink" in one_line_error(err), err
    assert snapshot(tmp_path) == before


def test_out_accepts_empty_or_missing_folder_and_replaces_only_its_own(tmp_path):
    inbox = story(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    for out in (empty, tmp_path / "new" / "deep"):
        code, _, err = quiet(["audit", str(inbox), "--out", str(out), "--format", "json"])
        assert code == 0, err
        assert out.is_symlink() and (out / "findings.json").is_file() and (out / run_module.MARKER).is_file()
    code, _, err = quiet(["audit", str(inbox), "--out", str(empty), "--format", "json,csv"])  # replaces its own
    assert code == 0, err
    assert (empty / "claims.csv").is_file()
    hidden = [p.name for p in tmp_path.iterdir() if p.name.startswith(".empty.")]
    assert len(hidden) == 1, hidden  # the earlier run folder is gone, only the current one is left
    (empty / "notes.txt").write_text("added by hand")  # now it holds something the auditor did not write
    before = snapshot(tmp_path)
    code, _, err = quiet(["audit", str(inbox), "--out", str(empty), "--format", "json"])
    assert code == 2 and "notes.txt" in one_line_error(err)
    assert snapshot(tmp_path) == before


def test_out_accepts_a_run_folder_written_before_the_marker(tmp_path):
    inbox = story(tmp_path)
    old = tmp_path / "latest"
    old.mkdir()
    (old / "findings.json").write_text('{"old": true}')
    (old / "report.html").write_text("<html></html>")
    code, _, err = quiet(["audit", str(inbox), "--out", str(old), "--format", "json"])
    assert code == 0, err
    assert old.is_symlink() and '"old"' not in (old / "findings.json").read_text()


class _Night(dt.datetime):
    day = 21

    @classmethod
    def now(cls, tz=None):
        return dt.datetime(2026, 11, cls.day, 2, 30, tzinfo=tz)


def test_dated_layout_keeps_earlier_nights(tmp_path, monkeypatch):
    inbox = story(tmp_path)
    reports, db = tmp_path / "reports", tmp_path / "reports" / "history.sqlite"
    reports.mkdir()
    (reports / "README").write_text("nightly reports")  # the root may hold other files: never touched
    monkeypatch.setattr(run_module, "dt", type("clock", (), {"datetime": _Night, "UTC": dt.UTC}))
    argv = ["audit", str(inbox), "--out", str(reports), "--db", str(db), "--format", "json"]
    code, _, err = quiet(argv)
    assert code == 0, err
    assert f"reports written to {reports / 'latest'}" in err
    night1 = (reports / "2026-11-21" / "findings.json").read_bytes()
    _Night.day = 22
    try:
        code, _, err = quiet(argv[:2] + ["--out", str(reports / "latest")] + argv[4:])
    finally:
        _Night.day = 21
    assert code == 0, err
    assert (reports / "2026-11-21" / "findings.json").read_bytes() == night1
    assert (reports / "2026-11-22" / "findings.json").is_file()
    assert os.readlink(reports / "latest") != os.readlink(reports / "2026-11-22")
    assert (reports / "latest" / "findings.json").read_bytes() == (reports / "2026-11-22" / "findings.json").read_bytes()
    assert (reports / "README").read_text() == "nightly reports"
    assert len(runs_in(db)) == 2


def test_out_without_db_refuses_a_dated_layout(state):
    inbox, reports, _db = state
    before = snapshot(reports)
    code, _, err = quiet(["audit", str(inbox), "--out", str(reports), "--format", "json"])
    assert code == 2
    assert "dated runs" in one_line_error(err)
    assert snapshot(reports) == before


def test_db_inside_out_is_never_deleted(state, tmp_path):
    inbox, reports, db = state
    code, _, err = quiet(["audit", str(inbox), "--out", str(reports), "--db", str(db), "--format", "json"])
    assert code == 0, err
    assert db.is_file() and len(runs_in(db)) == 2  # the first run (other inputs) and this one: database kept
    inside = reports / "latest" / "h.sqlite"
    before = snapshot(reports)
    code, _, err = quiet(["audit", str(inbox), "--out", str(reports), "--db", str(inside), "--format", "json"])
    assert code == 2 and "history database" in one_line_error(err)
    assert snapshot(reports) == before
    single = tmp_path / "single"
    code, _, err = quiet(["audit", str(inbox), "--out", str(single), "--format", "json"])
    assert code == 0
    (single / "history.sqlite").write_bytes(db.read_bytes())  # a database put into a plain --out folder
    before = snapshot(tmp_path)
    code, _, err = quiet(["audit", str(inbox), "--out", str(single), "--format", "json"])
    assert code == 2 and "history.sqlite" in one_line_error(err)
    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------- failures to write


def _deny(monkeypatch, method: str, match: str, error: OSError) -> None:
    real = getattr(pathlib.Path, method)

    def failing(self, *args, **kwargs):
        if match in str(self):
            raise error
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, method, failing)


def test_read_only_output_parent_exits_2_and_keeps_everything(state, monkeypatch):
    inbox, reports, db = state
    before = snapshot(reports)
    _deny(monkeypatch, "mkdir", ".tmp-", PermissionError(errno.EACCES, "Permission denied", str(reports)))
    code, out, err = quiet(["audit", str(inbox), "--out", str(reports), "--db", str(db), "--format", "json"])
    assert code == 2
    line = one_line_error(err)
    assert "Permission denied" in line and str(reports) in line
    assert "gate" not in out
    assert snapshot(reports) == before  # previous reports and history byte for byte


def test_read_only_output_parent_is_found_before_the_analysis(state, monkeypatch):
    inbox, reports, db = state
    before = snapshot(reports)
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if Path(path) == reports else real(path, mode))
    analysed: list[bool] = []
    monkeypatch.setattr(run_module, "analyse", lambda *a, **k: analysed.append(True))
    code, _, err = quiet(["audit", str(inbox), "--out", str(reports), "--db", str(db), "--format", "json"])
    assert code == 2 and not analysed
    assert f"{reports} is not writable" in one_line_error(err)
    assert snapshot(reports) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_read_only_output_parent_for_real(state):
    inbox, reports, db = state
    before = snapshot(reports)
    reports.chmod(0o555)
    try:
        code, _, err = quiet(["audit", str(inbox), "--out", str(reports), "--db", str(db), "--format", "json"])
    finally:
        reports.chmod(0o755)
    assert code == 2 and "is not writable" in one_line_error(err)  # found before the analysis
    assert snapshot(reports) == before


def test_disk_full_exits_2_and_keeps_outputs_and_history(state, monkeypatch):
    inbox, reports, db = state
    before = snapshot(reports)
    _deny(monkeypatch, "write_text", "report.html", OSError(errno.ENOSPC, "No space left on device", "report.html"))
    code, _, err = quiet(["audit", str(inbox), "--out", str(reports), "--db", str(db), "--format", "html,json"])
    assert code == 2
    assert "No space left on device" in one_line_error(err)
    assert snapshot(reports) == before
    assert not [p for p in reports.iterdir() if ".tmp-" in p.name]
    fresh = reports.parent / "fresh"  # a first run: no database file, no folders are left behind
    code, _, err = quiet(["audit", str(inbox), "--out", str(fresh / "nightly" / "reports"), "--db",
                          str(fresh / "h.sqlite"), "--format", "html,json"])
    assert code == 2 and "No space left on device" in one_line_error(err)
    assert not fresh.exists()


def test_oserror_while_writing_exits_2_with_path_and_reason(state, monkeypatch):
    inbox, reports, db = state
    before = snapshot(reports)
    real = os.symlink

    def broken(src, dst, *args, **kwargs):
        if ".link-" in str(dst):
            raise OSError(errno.EIO, "Input/output error", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "symlink", broken)  # the swap itself fails: the new run folder is dropped
    code, _, err = quiet(["audit", str(inbox), "--out", str(reports), "--db", str(db), "--format", "json"])
    assert code == 2
    line = one_line_error(err)
    assert "Input/output error" in line and ".link-" in line and str(reports) in line
    assert snapshot(reports) == before


def test_history_records_run_only_once_outputs_are_in_place(state, monkeypatch):
    inbox, reports, db = state
    real_swap = run_module._swap
    seen: list[tuple[bool, int]] = []

    def swap(tmp, out):
        real_swap(tmp, out)
        seen.append((out.is_symlink(), len(runs_in_other_connection(db))))

    monkeypatch.setattr(run_module, "_swap", swap)
    (inbox / "story" / "c.txt").write_text(GOOD_DUPLICATE.replace("Tuesday", "Monday"), encoding="utf-8")
    code, _, err = quiet(["audit", str(inbox), "--out", str(reports), "--db", str(db), "--format", "json"])
    assert code == 0, err
    assert seen == [(True, 1), (True, 1)]  # both folders in place, the run not yet committed
    assert len(runs_in_other_connection(db)) == 2  # committed once the outputs were in place
    assert '"story/c"' in (reports / "latest" / "findings.json").read_text()
    assert "story/c" in {r["source"] for r in score_history(str(db))}


def runs_in_other_connection(db: Path) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(db, timeout=5)) as conn:
        return conn.execute("SELECT id, run_key FROM runs").fetchall()


def _start(argv: list[str], cwd: Path, stdout=subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-u", "-m", "auditor.cli", *argv], cwd=cwd, stdout=stdout,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _collect(proc: subprocess.Popen) -> list[str]:
    lines: list[str] = []

    def read() -> None:
        assert proc.stderr
        for line in proc.stderr:
            lines.append(line)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _wait(proc: subprocess.Popen, timeout: float = DEADLINE) -> int:
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        pytest.fail("the run did not end in time")


def test_broken_pipe_exits_2_and_keeps_outputs_and_history(state, tmp_path):
    inbox, reports, db = state
    before = snapshot(reports)
    proc = _start(["audit", str(inbox), "--out", str(reports), "--db", str(db), "--format", "json"], tmp_path,
                  stdout=subprocess.PIPE)
    assert proc.stdout
    proc.stdout.close()  # like `| head` that has already exited
    lines = _collect(proc)
    code = _wait(proc)
    time.sleep(0.1)
    err = "".join(lines)
    assert code == 2, err
    assert "broken pipe" in one_line_error(err)
    assert snapshot(reports) == before


@pytest.mark.parametrize("moment", ["analysing", "writing"])
def test_ctrl_c_exits_130_and_keeps_outputs_and_history(state, tmp_path, moment):
    _inbox, reports, db = state
    corpus = build_corpus(tmp_path / "corpus", stories=25, per_story=8)  # 200 sources: worker processes
    before = snapshot(reports)
    proc = _start(["audit", str(corpus), "--out", str(reports), "--db", str(db), "--format", "html,json"], tmp_path)
    lines = _collect(proc)
    limit = time.monotonic() + DEADLINE
    while time.monotonic() < limit and proc.poll() is None:
        if moment == "analysing" and any("prepare:" in line for line in list(lines)):
            break
        if moment == "writing" and any(p.name.endswith(f".tmp-{proc.pid}") for p in reports.iterdir()):
            break
        time.sleep(0.002)
    assert proc.poll() is None, "".join(lines)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    code = _wait(proc)
    time.sleep(0.1)
    err = "".join(lines)
    assert code == 130, err
    assert "interrupted" in one_line_error(err)
    assert snapshot(reports) == before


def test_ctrl_c_swallowed_by_a_library_still_exits_130(state, monkeypatch):
    inbox, reports, db = state
    before = snapshot(reports)
    real = run_module.analyse

    def swallowing(*args, **kwargs):
        with contextlib.suppress(KeyboardInterrupt):  # a library that eats the interrupt
            run_module.on_sigint(signal.SIGINT, None)
        return real(*args, **kwargs)

    monkeypatch.setattr(run_module, "analyse", swallowing)
    monkeypatch.setattr(run_module, "_watchdog", lambda: None)  # in-process: no exit from under pytest
    code, out, err = quiet(["audit", str(inbox), "--out", str(reports), "--db", str(db), "--format", "json"])
    assert code == 130 and "interrupted" in one_line_error(err)
    assert "gate" not in out
    assert snapshot(reports) == before


SWALLOW_AND_HANG = """
import contextlib, sys, time
from auditor import run
def analyse(*args, **kwargs):
    print("[auditor] analysing", file=sys.stderr, flush=True)
    for _ in range(600):
        with contextlib.suppress(KeyboardInterrupt):
            time.sleep(0.1)
run.analyse = analyse
from auditor.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_during_a_stuck_analysis_exits_130_quickly(state, tmp_path):
    inbox, reports, db = state
    before = snapshot(reports)
    proc = subprocess.Popen([sys.executable, "-u", "-c", SWALLOW_AND_HANG, "audit", str(inbox), "--out", str(reports),
                             "--db", str(db), "--format", "json"], cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines = _collect(proc)
    limit = time.monotonic() + DEADLINE
    while not any("analysing" in line for line in list(lines)) and time.monotonic() < limit:
        time.sleep(0.01)
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    code = _wait(proc, timeout=30)
    took = time.monotonic() - sent
    time.sleep(0.1)
    err = "".join(lines)
    assert code == 130 and took < run_module.WATCHDOG_SECONDS + 5, (code, took, err)
    assert "interrupted" in one_line_error(err)
    assert snapshot(reports) == before


# ---------------------------------------------------------------- --db refuses another application's database


def test_db_refuses_foreign_database(tmp_path):
    inbox = story(tmp_path)
    foreign = tmp_path / "app.sqlite"
    with contextlib.closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
        conn.commit()
    other = tmp_path / "other.sqlite"
    with contextlib.closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER, description TEXT, applied TEXT)")
        conn.execute("INSERT INTO schema_version VALUES (1, 'create users', 'x')")
        conn.commit()
    for db in (foreign, other):
        before = db.read_bytes()
        code, _, err = quiet(["audit", str(inbox), "--out", str(tmp_path / "out"), "--db", str(db)])
        assert code == 2
        line = one_line_error(err)
        assert str(db) in line and "not an auditor history database" in line
        assert db.read_bytes() == before
        assert not (tmp_path / "out").exists()
    empty = tmp_path / "empty.sqlite"
    empty.touch()  # an empty file is a new database: initialised
    code, _, err = quiet(["audit", str(inbox), "--out", str(tmp_path / "out"), "--db", str(empty), "--format", "json"])
    assert code == 0, err
    assert len(runs_in(empty)) == 1


# ---------------------------------------------------------------- claims.csv


def test_claims_csv_escapes_formula_cells(tmp_path):
    frame = pd.DataFrame({
        "text": ["=HYPERLINK(\"http://x\")", "+1", "-2 percent", "@SUM(A1)", "\tcmd", "\rcmd", "plain", None],
        "value": [-5.5, -1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        "count": [-3, 1, 2, 3, 4, 5, 6, 7],
        "mixed": [-3, "-x", 2.5, "ok", None, "=1", "a", "b"],
    })
    safe = run_module.csv_safe(frame)
    assert safe["text"].tolist()[:7] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2 percent", "'@SUM(A1)", "'\tcmd",
                                         "'\rcmd", "plain"]
    assert safe["mixed"].tolist()[:6] == [-3, "'-x", 2.5, "ok", None, "'=1"]
    assert safe["value"].tolist() == frame["value"].tolist() and safe["count"].dtype == frame["count"].dtype
    assert frame["text"][0].startswith("=")  # the caller's frame is left as it was
    result = run_module.AuditResult({"run": {}, "sources": [], "findings": []}, {"sources": []}, {}, frame, {})
    options = run_module.AuditOptions(paths=[], out=tmp_path / "out", formats={"csv"})
    run_module.write_outputs(options, None, result, tmp_path / "out")
    back = pd.read_csv(tmp_path / "out" / "claims.csv")
    assert back["text"][0] == "'=HYPERLINK(\"http://x\")" and back["text"][2] == "'-2 percent"
    assert back["value"][0] == -5.5 and back["count"][0] == -3
    first_cells = [line.split(",")[0] for line in (tmp_path / "out" / "claims.csv").read_text().splitlines()[1:]]
    assert not [c for c in first_cells if c.lstrip('"').startswith(("=", "+", "-", "@"))]


# ---------------------------------------------------------------- nothing to audit


def test_nothing_to_audit_exits_2(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = quiet(["audit", str(empty), "--out", str(tmp_path / "out")])
    assert code == 2 and "nothing to audit" in one_line_error(err) and "gate passed" not in out
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "image.png").write_bytes(b"\x89PNG\r\n")
    (junk / "blank.txt").write_text("   \n")
    code, out, err = quiet(["audit", str(junk), "--out", str(tmp_path / "out")])
    line = one_line_error(err)
    assert code == 2 and "nothing to audit: 2 inputs, all skipped" in line and "gate passed" not in out
    assert not (tmp_path / "out").exists()


def test_the_runs_own_output_redirected_into_out_is_its_own(tmp_path):
    """`auditor audit ... --out D 2> D/err`: the shell creates D/err before the audit starts; it is this run's
    own standard error, not a file of the user's, so D is used, and err is carried into the new run folder
    (the same file: the rest of the run's lines still land in it) and named in its marker; a later audit
    replaces it with the rest. A user's file beside it is still refused."""
    seeds = str(Path(__file__).resolve().parent.parent / "seeds")
    out = tmp_path / "out"
    out.mkdir()

    def audit(*redirect: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "auditor.cli", "audit", seeds, "--out", str(out), "--format", "json"]
        if not redirect:
            return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
        with (out / redirect[0]).open("w") as err:
            return subprocess.run(command, stdout=subprocess.DEVNULL, stderr=err, timeout=180, check=False)

    assert audit("err").returncode == 0
    assert (out / "findings.json").exists()
    log = (out / "err").read_text()
    assert log.startswith("[auditor] auditing 1 path") and log.rstrip().endswith(f"reports written to {out}")
    assert "log: err" in (out / ".auditor-out").read_text()

    assert audit().returncode == 0  # the earlier run's log is its own: replaced with the rest
    assert not (out / "err").exists() and (out / "findings.json").exists()

    (out.resolve() / "notes.txt").write_text("mine", encoding="utf-8")
    refused = audit("err")
    assert refused.returncode == 2
    assert (out / "notes.txt").read_text() == "mine" and "notes.txt" in (out / "err").read_text()
