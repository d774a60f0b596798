"""SARIF 2.1.0 output: one run, one rule per check, one result per finding."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "SRCROOT"
FINGERPRINT_KEY = "auditorFindingId/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def sarif_level(severity: str | None) -> str:
    """Map an auditor severity to a SARIF level (unknown severities become warnings)."""
    return LEVELS.get(str(severity or "").lower(), "warning")


def _relative_to(path: Path, base: Path) -> Path | None:
    """`path` relative to `base` (lexically, then with symlinks resolved), or None if outside."""
    pairs = [(Path(os.path.abspath(path)), Path(os.path.abspath(base)))]
    with contextlib.suppress(RuntimeError, OSError):  # a symlink loop: the lexical answer is all there is
        pairs.append((path.resolve(), base.resolve()))
    for p, b in pairs:
        try:
            return p.relative_to(b)
        except ValueError:
            continue
    return None


def artifact_uri(path: str, base_dir: Path | None = None) -> tuple[str, bool]:
    """Return (uri, is_relative): relative to base_dir (or the cwd) when possible, else a file: URI."""
    p = Path(path)
    rel = _relative_to(p, base_dir if base_dir is not None else Path.cwd())
    if rel is not None:
        return quote(rel.as_posix(), safe="/"), True
    return Path(os.path.abspath(p)).as_uri(), False


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def build_rule(rule: dict) -> dict:
    """One SARIF reportingDescriptor from an auditor rule dict."""
    rid = _text(rule.get("id") or rule.get("check"))
    name = _text(rule.get("name") or rid)
    out: dict[str, Any] = {
        "id": rid,
        "name": name,
        "shortDescription": {"text": name},
        "fullDescription": {"text": _text(rule.get("description") or name)},
        "help": {"text": _text(rule.get("help") or rule.get("description") or name)},
        "defaultConfiguration": {"level": sarif_level(rule.get("severity"))},
    }
    if rule.get("kind"):
        out["properties"] = {"tags": [str(rule["kind"])], "kind": str(rule["kind"])}
    return out


def _rules_for(findings: list[dict], rules: list[dict]) -> list[dict]:
    """Rules in the given order, plus a synthesized rule for any check nobody described."""
    out: list[dict] = []
    seen: set[str] = set()
    for rule in rules:
        r = build_rule(rule)
        if r["id"] and r["id"] not in seen:
            seen.add(r["id"])
            out.append(r)
    for f in findings:
        rid = _rule_id(f)
        if rid not in seen:
            seen.add(rid)
            out.append(build_rule({"id": rid, "kind": f.get("kind"), "severity": f.get("severity")}))
    return out


def _rule_id(finding: dict) -> str:
    return _text(finding.get("check") or finding.get("kind") or "auditor.finding")


class _Artifacts:
    """Maps source ids to artifact locations and collects run.artifacts."""

    def __init__(self, sources: list[dict], base_dir: Path | None) -> None:
        self.base_dir = base_dir
        self.paths: dict[tuple[str, str], str] = {}
        self.by_source: dict[str, str] = {}
        self.sha: dict[str, str] = {}
        for s in sources:
            if s.get("path") is None:
                continue
            self.paths[(_text(s.get("story")), _text(s.get("source")))] = str(s["path"])
            self.by_source.setdefault(_text(s.get("source")), str(s["path"]))
            if s.get("sha256"):
                self.sha[str(s["path"])] = str(s["sha256"])
        self.artifacts: list[dict] = []
        self.index: dict[str, int] = {}

    def path_of(self, story: Any, source: Any, explicit: Any = None) -> str | None:
        if explicit:
            return str(explicit)
        return self.paths.get((_text(story), _text(source))) or self.by_source.get(_text(source))

    def location(self, path: str) -> dict:
        """artifactLocation for `path`, registering it in run.artifacts on first use."""
        uri, relative = artifact_uri(path, self.base_dir)
        loc: dict[str, Any] = {"uri": uri}
        if relative and self.base_dir is not None:
            loc["uriBaseId"] = SRCROOT
        if uri not in self.index:
            self.index[uri] = len(self.artifacts)
            art: dict[str, Any] = {"location": dict(loc)}
            if path in self.sha:
                art["hashes"] = {"sha-256": self.sha[path]}
            self.artifacts.append(art)
        loc["index"] = self.index[uri]
        return loc


def _region(item: dict) -> dict | None:
    """SARIF region from line/end_line/span/evidence, or None when nothing locates it."""
    region: dict[str, Any] = {}
    line = item.get("line")
    if isinstance(line, int) and line >= 1:
        region["startLine"] = line
        end = item.get("end_line")
        if isinstance(end, int):
            region["endLine"] = max(end, line)
    span = item.get("span")
    if isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(x, int) for x in span):
        start, stop = span
        if start >= 0 and stop >= start:
            region["charOffset"] = start
            region["charLength"] = stop - start
    if not region:
        return None
    if item.get("evidence"):
        region["snippet"] = {"text": str(item["evidence"])}
    return region


def _location(item: dict, path: str | None, arts: _Artifacts) -> dict:
    """A SARIF location; physicalLocation only when the file is known."""
    loc: dict[str, Any] = {}
    if path is not None:
        phys: dict[str, Any] = {"artifactLocation": arts.location(path)}
        region = _region(item)
        if region:
            phys["region"] = region
        loc["physicalLocation"] = phys
    return loc


def _related(finding: dict, arts: _Artifacts) -> list[dict]:
    out = []
    for i, rel in enumerate(finding.get("related") or [], start=1):
        story = rel.get("story", finding.get("story"))
        loc = _location(rel, arts.path_of(story, rel.get("source"), rel.get("path")), arts)
        where = f" line {rel['line']}" if rel.get("line") else ""
        loc["id"] = i
        loc["message"] = {"text": f"Related passage in {_text(rel.get('source'))}{where}"}
        out.append(loc)
    return out


def build_result(finding: dict, rule_index: dict[str, int], arts: _Artifacts) -> dict:
    """One SARIF result for one finding."""
    rid = _rule_id(finding)
    path = arts.path_of(finding.get("story"), finding.get("source"), finding.get("path"))
    result: dict[str, Any] = {
        "ruleId": rid,
        "ruleIndex": rule_index[rid],
        "level": sarif_level(finding.get("severity")),
        "message": {"text": _text(finding.get("message") or rid)},
        "locations": [_location(finding, path, arts)],
    }
    related = _related(finding, arts)
    if related:
        result["relatedLocations"] = related
    if finding.get("id"):
        result["partialFingerprints"] = {FINGERPRINT_KEY: str(finding["id"])}
    if finding.get("suppressed"):
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": "baseline"}]
    props = {
        k: finding[k] for k in ("id", "kind", "subkind", "severity", "source", "story") if finding.get(k)
    }
    if props:
        result["properties"] = props
    return result


def _invocation(doc: dict, arts: _Artifacts) -> dict:
    """The run's invocation, with a note per skipped source."""
    run = doc.get("run") or {}
    inv: dict[str, Any] = {"executionSuccessful": True}
    if run.get("started"):
        inv["startTimeUtc"] = str(run["started"])
    notes = []
    for s in doc.get("sources") or []:
        if s.get("status") == "skipped":
            note: dict[str, Any] = {
                "level": "note",
                "message": {
                    "text": f"Skipped {_text(s.get('source'))}: {_text(s.get('reason') or 'skipped')}"
                },
            }
            if s.get("path"):
                note["locations"] = [_location({}, str(s["path"]), arts)]
            notes.append(note)
    if notes:
        inv["toolExecutionNotifications"] = notes
    return inv


def build_sarif(findings_doc: dict, rules: list[dict], base_dir: Path | None = None) -> dict:
    """Build a SARIF 2.1.0 log (one run) from a findings document and the rule descriptions."""
    findings = list(findings_doc.get("findings") or [])
    arts = _Artifacts(list(findings_doc.get("sources") or []), base_dir)
    driver_rules = _rules_for(findings, rules)
    rule_index = {r["id"]: i for i, r in enumerate(driver_rules)}
    results = [build_result(f, rule_index, arts) for f in findings]
    invocation = _invocation(findings_doc, arts)
    version = _text((findings_doc.get("run") or {}).get("version")) or "0"
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "auditor", "version": version, "rules": driver_rules}},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "artifacts": arts.artifacts,
        "results": results,
    }
    if base_dir is not None:
        root = Path(os.path.abspath(base_dir)).as_uri().rstrip("/") + "/"
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root}}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def write_sarif(out_dir: Path, findings_doc: dict, rules: list[dict], base_dir: Path | None = None) -> Path:
    """Write `findings.sarif` into out_dir and return its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "findings.sarif"
    doc = build_sarif(findings_doc, rules, base_dir)
    target.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
