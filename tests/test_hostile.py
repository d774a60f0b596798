"""Hostile input: every bad file is accounted for, the good ones are still audited, nothing crashes."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pathlib
import signal
import time
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile import ARTICLE, GOOD_DOUBLED_WORD, GOOD_DUPLICATE, LATIN1, LEGACY, SECRET, build_hostile_folder

from auditor import ingest as ingest_module
from auditor.cli import main
from auditor.config import load_config
from auditor.errors import MissingDependency
from auditor.ingest import MAX_BAD_RECORDS, decode_bytes, ingest, repair_mojibake
from auditor.run import audit_texts

AS_ROOT = os.geteuid() == 0
SLOW = os.environ.get("AUDITOR_SLOW") == "1"
NEEDS_SLOW = pytest.mark.skipif(not SLOW, reason="about 40 s and 90 s of analysis: run with AUDITOR_SLOW=1")


@contextlib.contextmanager
def unreadable(*names: str) -> Iterator[None]:
    """Files that cannot be opened: chmod 000 does it, except for root, where open() is patched."""
    if not AS_ROOT:
        yield
        return
    real_open = pathlib.Path.open

    def deny(self: Path, *args, **kwargs):
        if self.name in names:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pathlib.Path, "open", deny)
        yield


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """The hostile folder audited once through the command line: (folder, cases, exit code, stderr, doc)."""
    base = tmp_path_factory.mktemp("hostile")
    folder = base / "inbox"
    cases = build_hostile_folder(folder)
    err = io.StringIO()
    with unreadable("unreadable.txt"), contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["audit", str(folder), "--out", str(base / "out"), "--format", "html,json,junit,csv,sarif"])
    doc = json.loads((base / "out" / "findings.json").read_text(encoding="utf-8"))
    json.loads((base / "out" / "findings.sarif").read_text(encoding="utf-8"))  # well-formed outputs
    ET.parse(base / "out" / "junit.xml")
    return folder, cases, code, err.getvalue(), doc


def test_the_run_finishes_without_a_traceback(hostile_run):
    _, _, code, err, doc = hostile_run
    assert code in (0, 1)
    assert "Traceback" not in err
    assert not [s for s in doc["sources"] if (s.get("reason") or "").startswith("internal error")]


def test_every_entry_of_the_folder_is_accounted_for(hostile_run):
    folder, cases, _, _, doc = hostile_run
    by_path: dict[str, list[dict]] = {}
    for entry in doc["sources"]:
        by_path.setdefault(entry["path"], []).append(entry)
    expected = {str(folder / c.name) for c in cases}
    assert set(by_path) == expected
    assert len(os.listdir(folder)) == len({c.name.split("/")[0] for c in cases})
    for case in cases:
        entries = by_path[str(folder / case.name)]
        if case.status == "records":
            assert entries, case.name
            continue
        assert len(entries) == 1, case.name
        if case.status != "any":
            assert entries[0]["status"] == case.status, (case.name, entries[0].get("reason"))
        if case.reason:
            assert entries[0]["reason"].startswith(case.reason), (case.name, entries[0]["reason"])


def test_the_good_articles_are_audited_with_their_findings(hostile_run):
    _, _, _, _, doc = hostile_run
    kinds = {(f["source"], f["kind"]) for f in doc["findings"]}
    assert ("good article", "duplicate_paragraph") in kinds
    assert ("année ünïcode", "repeated_word") in kinds
    doubled = next(f for f in doc["findings"] if f["source"] == "année ünïcode" and f["kind"] == "repeated_word")
    assert GOOD_DOUBLED_WORD[doubled["span"][0]:doubled["span"][1]] == doubled["evidence"]


def test_jsonl_good_records_are_audited_and_bad_lines_named(hostile_run):
    _, _, _, _, doc = hostile_run
    status = {s["source"]: (s["status"], s.get("reason") or "") for s in doc["sources"]}
    for good in ("feed/r1", "feed/escape", "feed/lone", "utf16 feed/r1", "big record/r1", "million lines/r1"):
        assert status[good][0] == "audited", good
    assert status["feed#2"][1].startswith("line 2: invalid JSON")
    assert status["feed#4"][1].startswith("line 4:") and status["feed#5"][1].startswith("line 5:")
    assert status["big record#1"][1].startswith("line 1: too large")
    bad = [k for k in status if k.startswith("million lines#")]
    assert len(bad) == 99 and status["million lines#990000"][1].startswith("line 990000: invalid JSON")


def test_no_output_shows_the_target_of_a_symlink_leaving_the_folder(hostile_run):
    folder, _, _, _, _ = hostile_run
    out = folder.parent / "out"
    for name in ("report.html", "findings.json", "claims.csv", "findings.sarif", "junit.xml"):
        assert "PRIVATE-KEY-MATERIAL" not in (out / name).read_text(encoding="utf-8"), name


def _guard_open(monkeypatch, forbidden: Path) -> None:
    """Fail the test if the forbidden file is opened through pathlib (ingest's only way to read)."""
    real_open = pathlib.Path.open
    target = os.path.realpath(forbidden)

    def guarded(self: Path, *args, **kwargs):
        assert os.path.realpath(self) != target, f"{self} was opened: it leads outside the input folder"
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", guarded)


def test_symlinks_leaving_the_input_root_are_skipped_and_never_read(tmp_path, monkeypatch):
    secret = tmp_path / "elsewhere" / "id_rsa.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET)
    inbox = tmp_path / "inbox"
    (inbox / "deep" / "deeper").mkdir(parents=True)
    (inbox / "article.txt").write_text(ARTICLE)
    os.symlink(secret, inbox / "key.txt")
    os.symlink("../../../elsewhere/id_rsa.txt", inbox / "deep" / "deeper" / "key.txt")
    os.symlink("/etc/passwd", inbox / "passwd.txt")
    os.symlink("article.txt", inbox / "inside.md")  # inside the root: read (then a duplicate of article)
    _guard_open(monkeypatch, secret)
    walked = ingest([inbox]).set_index("source")
    given = ingest([inbox / "key.txt", inbox / "deep" / "deeper" / "key.txt"]).set_index("source")
    outside = "symlink to a file outside the input folder: not read"
    for source in ("key", "deep/deeper/key", "passwd"):
        assert walked.loc[source, "status"] == "skipped" and walked.loc[source, "reason"] == outside, source
    assert walked.loc["article", "status"] == "audited"
    assert walked.loc["inside", "reason"] == "duplicate of article"
    assert list(given["reason"]) == [outside, outside]
    assert not any("PRIVATE-KEY" in str(t) for t in [*walked["text"], *given["text"]])


def test_each_input_file_is_audited_once_however_it_was_named(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text(GOOD_DUPLICATE)
    (inbox / "b.txt").write_text(GOOD_DOUBLED_WORD)
    os.symlink("a.txt", inbox / "copy of a.txt")
    once = ingest([inbox])
    many = ingest([inbox, inbox, inbox / "a.txt", tmp_path / "inbox" / "." / "b.txt", inbox / "copy of a.txt"])
    audited = many[many["status"] == "audited"]
    assert sorted(audited["source"]) == sorted(once.loc[once["status"] == "audited", "source"]) == ["a", "b"]
    reasons = many.loc[many["status"] == "skipped", "reason"]
    assert set(reasons) == {"duplicate of a", "duplicate of b"} and len(reasons) == 7
    assert len(many) == 2 * 3 + 2 + 1  # every name given is accounted for, once each

    def scores(*paths: Path) -> dict[str, float]:
        out = tmp_path / f"out{len(paths)}"
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            assert main(["audit", *map(str, paths), "--out", str(out), "--format", "json"]) in (0, 1)
        doc = json.loads((out / "scores.json").read_text(encoding="utf-8"))
        return {s["source"]: s["score"] for s in doc["sources"]}

    assert scores(inbox, inbox, inbox / "a.txt") == scores(inbox)  # a copy never corroborates its original


def test_a_missing_module_while_reading_is_a_missing_dependency(tmp_path, monkeypatch):
    (tmp_path / "page.html").write_text("<html><body><p>The council voted on the budget.</p></body></html>")
    (tmp_path / "plain.txt").write_text(ARTICLE)

    def moved(_html: str) -> str:
        raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean.\n"
                          "Install lxml[html_clean] or lxml_html_clean directly.")

    monkeypatch.setattr(ingest_module, "extract_html", moved)
    with pytest.raises(MissingDependency) as caught:
        ingest([tmp_path])
    assert caught.value.package == "lxml_html_clean" and "lxml_html_clean" in str(caught.value)

    def absent(_html: str) -> str:
        raise ModuleNotFoundError("No module named 'trafilatura'", name="trafilatura")

    monkeypatch.setattr(ingest_module, "extract_html", absent)
    with pytest.raises(MissingDependency) as caught:
        ingest([tmp_path / "page.html"])
    assert caught.value.package == "trafilatura"


def test_decoding_keeps_euro_and_curly_quotes(tmp_path):
    cases = {"cp1252.txt": LEGACY.encode("cp1252"), "latin1.txt": LATIN1.encode("latin-1"),
             "le.txt": b"\xff\xfe" + LEGACY.encode("utf-16-le"), "be.txt": b"\xfe\xff" + LEGACY.encode("utf-16-be"),
             "bomless.txt": LEGACY.encode("utf-16-le"), "sig.txt": b"\xef\xbb\xbf" + LEGACY.encode()}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    texts = ingest([tmp_path]).set_index("source")["text"]
    for name in cases:
        assert texts[name.removesuffix(".txt")] == (LATIN1 if name == "latin1.txt" else LEGACY), name


def test_mojibake_is_repaired_and_real_text_left_alone():
    assert repair_mojibake("The mayorâ€™s â€œnoâ€\x9d â€“ cafÃ© 5Â\xa0â‚¬") == "The mayor’s “no” – café 5\xa0€"
    assert repair_mojibake("â€œunclosedâ€ end") == "“unclosed” end"
    for fine in ("NÃO e SÃO PAULO", "Café …”", "Â la carte", "âge d’or", "“ZOË”", "plain ascii"):
        assert repair_mojibake(fine) == fine


def test_binary_and_control_bytes_are_skipped_not_decoded():
    assert decode_bytes(os.urandom(4096) + b"\x00" * 64)[1].startswith("binary")
    assert decode_bytes(bytes(range(1, 32)) * 50)[1].startswith("binary")
    text, problem = decode_bytes((ARTICLE * 20).encode() + b"\x00")
    assert problem is None and "\x00" not in text


def test_files_over_the_limit_are_not_read(tmp_path, monkeypatch):
    (tmp_path / "big.txt").write_text("x" * 5000)
    (tmp_path / "big.json").write_text(json.dumps({"text": "y" * 5000}))
    (tmp_path / "ok.txt").write_text(ARTICLE)
    real_open = pathlib.Path.open

    def guarded(self: Path, *args, **kwargs):
        assert not self.name.startswith("big"), f"{self.name} was opened"
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", guarded)
    frame = ingest([tmp_path], max_bytes=1000).set_index("path")
    assert frame.loc[str(tmp_path / "big.txt"), "reason"] == "too large: 5000 bytes (limit 1000)"
    assert frame.loc[str(tmp_path / "big.json"), "reason"] == "too large: 5012 bytes (limit 1000)"
    assert frame.loc[str(tmp_path / "ok.txt"), "status"] == "audited"


def test_max_bytes_is_a_per_record_limit_in_jsonl(tmp_path):
    lines = [json.dumps({"id": "small", "text": ARTICLE}), json.dumps({"id": "large", "text": "z " * 3000}),
             json.dumps({"id": "wide", "text": "€" * 400})]  # 400 characters, 1200 bytes
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    frame = ingest([tmp_path], max_bytes=1000).set_index("source")
    assert frame.loc["feed/small", "status"] == "audited"
    assert frame.loc["feed#2", "reason"] == "line 2: too large (record limit 1000 bytes)"
    assert frame.loc["feed#3", "reason"] == "line 3: too large (record limit 1000 bytes)"


def test_a_huge_jsonl_is_streamed_not_loaded(tmp_path):
    path = tmp_path / "huge.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "before", "text": ARTICLE}) + "\n")
        fh.write(json.dumps({"id": "giant", "text": "g" * (12 * 1024 * 1024)}) + "\n")
        fh.write(json.dumps({"id": "after", "text": ARTICLE}) + "\n")
    tracemalloc.start()
    try:
        frame = ingest([path], max_bytes=1024 * 1024).set_index("source")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 6 * 1024 * 1024, f"peak {peak} bytes: the 12 MB line was held in memory"
    assert frame.loc["huge/before", "status"] == frame.loc["huge/after", "status"] == "audited"
    assert frame.loc["huge#2", "reason"].startswith("line 2: too large")


def test_bad_records_beyond_the_cap_are_counted_in_one_entry(tmp_path):
    bad = MAX_BAD_RECORDS + 150
    (tmp_path / "junk.jsonl").write_text("\n".join(["{oops"] * bad + [json.dumps({"text": ARTICLE})]))
    frame = ingest([tmp_path]).set_index("source")
    assert (frame["status"] == "skipped").sum() == MAX_BAD_RECORDS + 1
    assert frame.loc["junk#more", "reason"] == f"150 more bad lines not listed one by one (lines 101 to {bad})"
    assert frame.loc[f"junk/{bad + 1}", "status"] == "audited"


def test_an_unreadable_file_is_reported(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text(ARTICLE)
    path.chmod(0)
    try:
        with unreadable("locked.txt"):
            frame = ingest([tmp_path])
    finally:
        path.chmod(0o644)
    assert frame["reason"].iat[0] == "unreadable: permission denied"


def test_an_unreadable_folder_is_reported(tmp_path, monkeypatch):
    (tmp_path / "closed").mkdir()
    (tmp_path / "open.txt").write_text(ARTICLE)
    real_scandir = os.scandir

    def deny(path):
        if str(path).endswith("closed"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", deny)
    frame = ingest([tmp_path]).set_index("source")
    assert frame.loc["closed", "reason"] == "unreadable folder: Permission denied"
    assert frame.loc["open", "status"] == "audited"


def test_a_four_megabyte_line_is_ingested_quickly(tmp_path):
    line = ("The council approved the budget of $5 million on Tuesday. " * 70_000)[:4_000_000]
    (tmp_path / "line.txt").write_text(line)
    started = time.perf_counter()
    frame = ingest([tmp_path])
    assert frame["status"].iat[0] == "audited" and len(frame["text"].iat[0]) == 4_000_000
    assert time.perf_counter() - started < 5


def test_a_million_line_text_is_ingested_quickly(tmp_path):
    (tmp_path / "lines.txt").write_text("word\n" * 1_000_000)
    started = time.perf_counter()
    frame = ingest([tmp_path])
    assert frame["status"].iat[0] == "audited"
    assert time.perf_counter() - started < 5


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def expire(_signum, _frame):
        raise _Timeout(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.slow
@NEEDS_SLOW
def test_a_four_megabyte_line_is_audited_in_reasonable_time():
    line = ("The council approved the budget of $5 million on Tuesday. " * 70_000)[:4_000_000]
    with time_limit(120):
        audit_texts({"a": line, "b": ARTICLE}, load_config())


@pytest.mark.slow
@NEEDS_SLOW
def test_a_million_line_article_is_audited_in_reasonable_time():
    with time_limit(120):
        audit_texts({"a": "word\n" * 1_000_000, "b": ARTICLE}, load_config())
