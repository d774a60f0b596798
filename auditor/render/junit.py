"""JUnit XML output: one testsuite per story, one testcase per source."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

# Characters XML 1.0 cannot carry at all, even escaped.
_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
EVIDENCE_CHARS = 300


def xml_safe(value: Any) -> str:
    """Text with characters that XML 1.0 forbids replaced by U+FFFD (escaping is ElementTree's job)."""
    return _INVALID_XML.sub("\ufffd", "" if value is None else str(value))


def _short(text: str, limit: int = EVIDENCE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_finding(f: dict) -> str:
    """Two lines describing one finding, for failure text and system-out."""
    where = f"line {f['line']}" if f.get("line") else "no line"
    if f.get("end_line") and f.get("end_line") != f.get("line"):
        where += f"-{f['end_line']}"
    flag = " [suppressed]" if f.get("suppressed") else ""
    head = f"[{f.get('severity', '?')}] {f.get('check') or f.get('kind')} at {where}: {f.get('message', '')}"
    return f"{head}{flag} (id {f.get('id', '?')})\n    evidence: {_short(str(f.get('evidence') or ''))}"


def _key(item: dict) -> tuple[str, str]:
    return (str(item.get("story") or ""), str(item.get("source") or ""))


def _score_line(score: dict | None) -> str:
    if not score or score.get("score") is None:
        return ""
    return f"score {float(score['score']):.1f} ({score.get('grade', '?')})\n"


def _body(score: dict | None, findings: list[dict]) -> str:
    lines = [format_finding(f) for f in findings] or ["no findings"]
    return xml_safe(_score_line(score) + f"{len(findings)} finding(s)\n" + "\n".join(lines) + "\n")


def _testcase(
    source: dict, score: dict | None, findings: list[dict], failing: set[str], reasons: dict[str, str]
) -> ET.Element:
    """The testcase of one source: failure, skipped or passed (findings in system-out)."""
    story, name = _key(source)
    case = ET.Element("testcase", {"classname": xml_safe(story), "name": xml_safe(name), "time": "0"})
    if source.get("path"):
        case.set("file", xml_safe(source["path"]))
    if name in failing:
        message = reasons.get(name) or "quality gate failed"
        fail = ET.SubElement(case, "failure", {"message": xml_safe(message), "type": "auditor.gate"})
        skipped = f"skipped: {source.get('reason')}\n" if source.get("status") == "skipped" else ""
        fail.text = xml_safe(skipped) + _body(score, findings)
    elif source.get("status") == "skipped":
        ET.SubElement(case, "skipped", {"message": xml_safe(source.get("reason") or "skipped")})
    else:
        ET.SubElement(case, "system-out").text = _body(score, findings)
    return case


def _suite(story: str, cases: list[ET.Element], started: str | None) -> ET.Element:
    suite = ET.Element("testsuite", {"name": xml_safe(story)})
    for tag, value in _counts(cases).items():
        suite.set(tag, str(value))
    suite.set("time", "0")
    if started:
        suite.set("timestamp", xml_safe(started))
    suite.extend(cases)
    return suite


def _counts(cases: list[ET.Element]) -> dict[str, int]:
    return {
        "tests": len(cases),
        "failures": sum(c.find("failure") is not None for c in cases),
        "errors": 0,
        "skipped": sum(c.find("skipped") is not None for c in cases),
    }


def build_junit(findings_doc: dict, scores_doc: dict, failing: set[str], reasons: dict[str, str]) -> str:
    """JUnit XML text: a <failure> for each source id in `failing` (message = reasons[source])."""
    scores = {_key(s): s for s in (scores_doc or {}).get("sources") or []}
    by_source: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for f in findings_doc.get("findings") or []:
        by_source[_key(f)].append(f)
    sources = list(findings_doc.get("sources") or [])
    known = {_key(s) for s in sources}
    sources += [{"story": k[0], "source": k[1], "status": "audited"} for k in by_source if k not in known]
    stories: dict[str, list[ET.Element]] = defaultdict(list)
    for src in sources:
        key = _key(src)
        stories[key[0]].append(_testcase(src, scores.get(key), by_source.get(key, []), failing, reasons))
    started = (findings_doc.get("run") or {}).get("started")
    root = ET.Element("testsuites", {"name": "auditor"})
    suites = [_suite(story, stories[story], started) for story in sorted(stories)]
    for tag, value in _counts([c for s in suites for c in s]).items():
        root.set(tag, str(value))
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(
    out_dir: Path, findings_doc: dict, scores_doc: dict, failing: set[str], reasons: dict[str, str]
) -> Path:
    """Write `junit.xml` into out_dir and return its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "junit.xml"
    target.write_text(build_junit(findings_doc, scores_doc, failing, reasons), encoding="utf-8")
    return target
