"""Security: input strings are escaped, ids cannot steer paths, no network, deterministic output."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import socket
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT

from auditor.cli import main
from auditor.run import AuditOptions, audit

ARTICLE = "The council met on Tuesday.\nThe the budget of $2.5 million passed, officials said.\n"
EVIL_DIR = "<i onmouseover=alert(1)>"
EVIL_FILE = "<img src=x onerror=alert(2)>.txt"
EVIL_SKIPPED = "<b onclick=alert(11)>.png"
EVIL_RECORDS = [
    {"id": "../../../pwned", "title": "<script>alert(5)</script>", "outlet": "\"><svg onload=alert(6)>",
     "url": "javascript:alert(7)", "text": "</script><script>alert(8)</script>\n" + ARTICLE},
    {"id": "/etc/passwd", "url": " JaVaScRiPt:alert(9)", "text": ARTICLE + "Mayor <u>Porter</u> agreed.\n"},
    {"id": "..", "url": "https://example.com/\"onmouseover=\"alert(10)", "text": ARTICLE + "Another line.\n"},
    {"id": "a/../../b\\..\\c", "outlet": "Wire & Co", "text": ARTICLE + "A third line.\n"},
]
RAW_MARKUP = ["<script>alert", "<img src=x", "<svg onload", "<i onmouseover", "<b onclick", "<u>Porter"]


def quiet_main(argv: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


def files_below(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


@pytest.fixture(scope="module")
def evil_run(tmp_path_factory):
    """Inputs full of markup and path tricks, audited with every format: (base, inputs, out, files before)."""
    base = tmp_path_factory.mktemp("evil")
    story = base / "in" / EVIL_DIR
    story.mkdir(parents=True)
    (story / EVIL_FILE).write_text("<script>alert(3)</script>\n" + ARTICLE + "Quote: \"<svg onload=alert(4)>\n")
    (story / EVIL_SKIPPED).write_bytes(b"\x89PNG")
    (story / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in EVIL_RECORDS), encoding="utf-8")
    before = files_below(base)
    out = base / "out"
    code = quiet_main(["audit", str(base / "in"), "--out", str(out), "--format", "html,json,sarif,junit,csv"])
    assert code in (0, 1)
    return base, story, out, before


class _Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_input_strings_are_escaped_in_the_html_report(evil_run):
    _, _, out, _ = evil_run
    html = (out / "report.html").read_text(encoding="utf-8")
    for raw in RAW_MARKUP:
        assert raw not in html, f"unescaped {raw!r} in report.html"
    for marker in ("alert(1)", "alert(2)", "alert(5)", "alert(6)", "alert(7)", "alert(11)"):
        assert marker in html, f"{marker} missing: the test would prove nothing"


def test_the_report_has_no_injected_tags_handlers_or_javascript_links(evil_run):
    _, _, out, _ = evil_run
    parser = _Tags()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert len(scripts) == 2 and scripts[0].get("type") == "application/json"
    for tag, attrs in parser.tags:
        assert tag not in ("iframe", "object", "embed", "u"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), f"<{tag} {name}=...>"
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                assert not re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"), value


def test_the_report_script_builds_the_page_with_text_only():
    script = (ROOT / "auditor" / "render" / "templates" / "report.js").read_text(encoding="utf-8")
    script = re.sub(r"/\*.*?\*/|^\s*//.*?$", "", script, flags=re.S | re.M)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script, sink


def test_embedded_json_cannot_close_its_script_block(evil_run):
    _, _, out, _ = evil_run
    html = (out / "report.html").read_text(encoding="utf-8")
    blob = html.split('<script type="application/json" id="report-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in blob and ">" not in blob
    assert "alert(8)" in json.dumps(json.loads(blob))


def test_junit_and_sarif_stay_well_formed(evil_run):
    _, _, out, _ = evil_run
    ET.parse(out / "junit.xml")
    sarif = json.loads((out / "findings.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"]


def test_record_ids_cannot_steer_output_paths(evil_run):
    base, story, out, before = evil_run
    created = files_below(base) - before
    # out is a symlink to a hidden run folder beside it (.out.<stamp>): both are the run's own output
    assert created and all(p == "out" or p.startswith(("out/", ".out.")) for p in created), sorted(created)
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    records = [s for s in doc["sources"] if s["path"] == str(story / "feed.jsonl")]
    assert len(records) == len(EVIL_RECORDS) and all(s["status"] == "audited" for s in records)
    for s in records:
        assert ".." not in s["source"].split("/") and not s["source"].startswith("/")
        assert "\\" not in s["source"]


class NetworkRefused(OSError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to reach the network is refused and recorded (local Unix sockets are allowed)."""
    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def refuse(what: str):
        def call(*args, **kwargs):
            attempts.append(f"{what}{args!r}")
            raise NetworkRefused(f"network access in a test: {what}")
        return call

    def guard(real):
        def connect(self, address):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                return refuse("connect")(address)
            return real(self, address)
        return connect

    monkeypatch.setattr(socket.socket, "connect", guard(real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guard(real_connect_ex))
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts


def test_the_guard_does_refuse_connections(no_network):
    with pytest.raises(NetworkRefused):
        socket.create_connection(("example.com", 80), timeout=1)
    assert no_network


def test_an_audit_makes_no_network_connection(no_network, tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(ROOT / "seeds", inputs)
    body = "<p>The council approved the new budget on Tuesday after a long debate, officials said.</p>" * 3
    (inputs / "page.html").write_text(f"<html><body><article><h1>Budget</h1>{body}</article></body></html>")
    code = quiet_main(["audit", str(inputs), "--out", str(tmp_path / "out"), "--db", str(tmp_path / "h.sqlite"),
                       "--format", "html,json,sarif,junit,csv", "--jobs", "1"])
    assert code in (0, 1)
    assert no_network == []
    assert {p.name for p in (tmp_path / "out" / "latest").iterdir()} >= {"report.html", "findings.json",
                                                                        "findings.sarif", "junit.xml"}


def _without_start_time(path: Path) -> str:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["run"].pop("started")
    return json.dumps(doc, indent=2, ensure_ascii=False)


def test_two_runs_give_identical_outputs(seed_run, tmp_path):
    _, first = seed_run
    audit(AuditOptions(paths=[ROOT / "seeds"], out=tmp_path / "again", formats={"json"}, jobs=1), log=lambda _m: None)
    second = tmp_path / "again"
    assert _without_start_time(first / "findings.json") == _without_start_time(second / "findings.json")
    assert (first / "scores.json").read_bytes() == (second / "scores.json").read_bytes()
    started = json.loads((first / "findings.json").read_text())["run"]["started"]
    raw = (first / "findings.json").read_text(encoding="utf-8").replace(started, "T")
    again = (second / "findings.json").read_text(encoding="utf-8")
    again = again.replace(json.loads(again)["run"]["started"], "T")
    assert raw == again, "findings.json differs beyond run.started"
