"""SARIF 2.1.0 output: one run, one rule per check, one result per finding."""

from __future__ import annotations

import bisect
import contextlib
import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "SRCROOT"
FINGERPRINT_KEY = "auditorFindingId/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
DOCS_DIR = Path(__file__).resolve().parents[2] / "docs" / "checks"  # the check pages (a source checkout)
HELP_SECTIONS = ("Flags", "Why it matters")  # the paragraphs of a check page that make a rule's help
MAX_LINKED = 5  # related locations linked from a result's message (all are in relatedLocations)
BASELINE_STATES = ("new", "unchanged")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")  # as segment.LineIndex counts lines


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


def _folder_uri(folder: Path) -> str:
    return Path(os.path.abspath(folder)).as_uri().rstrip("/") + "/"


def _input_roots(inputs: list[Any], base_dir: Path | None) -> list[Path]:
    """The folders of the inputs outside base_dir (an input file's own folder), each once, in order."""
    roots: list[Path] = []
    for item in inputs:
        path = Path(os.path.abspath(str(item)))
        root = path.parent if path.is_file() else path
        if base_dir is not None and _relative_to(root, base_dir) is not None:
            continue
        if root not in roots:
            roots.append(root)
    return roots


# ---------------------------------------------------------------- rule help from the check pages


def _doc_paragraphs(kind: str) -> dict[str, str]:
    """The **Flags** and **Why it matters** paragraphs of docs/checks/<kind>.md ({} without the page)."""
    page = DOCS_DIR / f"{kind}.md"
    try:
        text = page.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return {}
    found: dict[str, str] = {}
    for para in re.split(r"\n\s*\n", text):
        for name in HELP_SECTIONS:
            if para.startswith(f"**{name}**"):
                found[name] = " ".join(para.split())
    return found


def _plain(markdown: str) -> str:
    """Markdown of a help paragraph as plain text (emphasis and code marks dropped)."""
    return re.sub(r"\*\*|`", "", markdown)


def rule_help(kind: str | None) -> tuple[dict, str] | None:
    """(help {text, markdown}, helpUri) from the check's doc page, or None when the page is not installed."""
    if not kind or not re.fullmatch(r"[A-Za-z0-9_]+", kind):
        return None
    paragraphs = _doc_paragraphs(kind)
    if not paragraphs:
        return None
    uri = (DOCS_DIR / f"{kind}.md").as_uri()
    body = [paragraphs[name] for name in HELP_SECTIONS if name in paragraphs]
    markdown = "\n\n".join(body + [f"Knobs, examples and known false positives: [docs/checks/{kind}.md]({uri})"])
    text = "\n\n".join([_plain(p) for p in body] + [f"See docs/checks/{kind}.md."])
    return {"text": text, "markdown": markdown}, uri


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
        "help": {"text": _text(rule.get("description") or rule.get("help") or name)},
        "defaultConfiguration": {"level": sarif_level(rule.get("severity"))},
    }
    documented = rule_help(_text(rule.get("kind")) or None)
    if documented is not None:
        out["help"], out["helpUri"] = documented
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
    """Maps source ids to artifact locations (relative to SRCROOT or to an input root's base id) and
    collects run.artifacts and the base ids used."""

    def __init__(self, sources: list[dict], base_dir: Path | None, inputs: list[Any] | None = None) -> None:
        self.base_dir = base_dir
        self.roots = {f"INPUT{i}": root for i, root in enumerate(_input_roots(inputs or [], base_dir), start=1)}
        self.used: set[str] = set()
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

    def _uri(self, path: str) -> tuple[str, str | None]:
        """(uri, uriBaseId): relative to the working folder, else to the input root holding the file."""
        uri, relative = artifact_uri(path, self.base_dir)
        if relative:
            return uri, SRCROOT if self.base_dir is not None else None
        for base_id, root in self.roots.items():
            rel = _relative_to(Path(path), root)
            if rel is not None:
                return quote(rel.as_posix(), safe="/"), base_id
        return uri, None

    def base_ids(self) -> dict[str, dict]:
        """originalUriBaseIds: SRCROOT (the working folder) and each input root a location used."""
        bases: dict[str, dict] = {}
        if self.base_dir is not None:
            bases[SRCROOT] = {"uri": _folder_uri(self.base_dir),
                              "description": {"text": "The folder the audit ran in."}}
        for base_id, root in self.roots.items():
            if base_id in self.used:
                bases[base_id] = {"uri": _folder_uri(root),
                                  "description": {"text": f"The input folder {root}."}}
        return bases

    def location(self, path: str) -> dict:
        """artifactLocation for `path`, registering it in run.artifacts on first use."""
        uri, base_id = self._uri(path)
        loc: dict[str, Any] = {"uri": uri}
        if base_id is not None:
            loc["uriBaseId"] = base_id
            self.used.add(base_id)
        key = f"{base_id or ''}:{uri}"
        if key not in self.index:
            self.index[key] = len(self.artifacts)
            art: dict[str, Any] = {"location": dict(loc)}
            if path in self.sha:
                art["hashes"] = {"sha-256": self.sha[path]}
            self.artifacts.append(art)
        loc["index"] = self.index[key]
        return loc


class _Columns:
    """1-based columns of spans (unicodeCodePoints), from each source's line starts."""

    def __init__(self, texts: dict[str, str] | None) -> None:
        self.texts = texts or {}
        self.starts: dict[str, list[int]] = {}

    def _starts(self, source: str) -> list[int] | None:
        if source not in self.starts:
            text = self.texts.get(source)
            if text is None:
                return None
            self.starts[source] = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        return self.starts[source]

    def add(self, region: dict, source: Any, span: Any) -> None:
        """startColumn/endColumn (endColumn: the column after the last character) when they agree with
        the region's lines."""
        starts = self._starts(_text(source))
        if starts is None or "charOffset" not in region:
            return
        start, end = span
        line = bisect.bisect_right(starts, start)
        end_line = bisect.bisect_right(starts, max(start, end - 1))
        if region.get("startLine") != line or region.get("endLine", line) != end_line:
            return
        region["startColumn"] = start - starts[line - 1] + 1
        region["endColumn"] = max(end - starts[end_line - 1] + 1, region["startColumn"]) if end > start \
            else region["startColumn"]


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


def _location(item: dict, path: str | None, arts: _Artifacts, columns: _Columns | None = None) -> dict:
    """A SARIF location; physicalLocation only when the file is known."""
    loc: dict[str, Any] = {}
    if path is not None:
        phys: dict[str, Any] = {"artifactLocation": arts.location(path)}
        region = _region(item)
        if region:
            if columns is not None:
                columns.add(region, item.get("source"), item.get("span"))
            phys["region"] = region
        loc["physicalLocation"] = phys
    return loc


def _where(rel: dict) -> str:
    return _text(rel.get("source")) + (f" line {rel['line']}" if rel.get("line") else "")


def _related(finding: dict, arts: _Artifacts, columns: _Columns | None = None) -> list[dict]:
    out = []
    for i, rel in enumerate(finding.get("related") or [], start=1):
        story = rel.get("story", finding.get("story"))
        loc = _location(rel, arts.path_of(story, rel.get("source"), rel.get("path")), arts, columns)
        loc["id"] = i
        loc["message"] = {"text": f"Related passage in {_where(rel)}"}
        out.append(loc)
    return out


def _escape(text: str) -> str:
    """Literal brackets (and backslashes) of a message that carries embedded links (SARIF 3.11.6)."""
    return re.sub(r"([\\\[\]])", r"\\\1", text)


def _message(finding: dict, rid: str, related: list[dict]) -> dict:
    """The finding's message; with related locations, each (up to MAX_LINKED) linked by its id."""
    text = _text(finding.get("message") or rid)
    if not related:
        return {"text": text}
    rels = finding.get("related") or []
    links = [f"[{_escape(_where(rel))}]({loc['id']})" for rel, loc in zip(rels, related, strict=False)][:MAX_LINKED]
    rest = len(related) - len(links)
    tail = f" and {rest} more" if rest else ""
    return {"text": f"{_escape(text)} See {', '.join(links)}{tail}."}


def build_result(finding: dict, rule_index: dict[str, int], arts: _Artifacts,
                 columns: _Columns | None = None) -> dict:
    """One SARIF result for one finding."""
    rid = _rule_id(finding)
    path = arts.path_of(finding.get("story"), finding.get("source"), finding.get("path"))
    related = _related(finding, arts, columns)
    result: dict[str, Any] = {
        "ruleId": rid,
        "ruleIndex": rule_index[rid],
        "level": sarif_level(finding.get("severity")),
        "message": _message(finding, rid, related),
        "locations": [_location(finding, path, arts, columns)],
    }
    if related:
        result["relatedLocations"] = related
    if finding.get("baseline_state") in BASELINE_STATES:
        result["baselineState"] = finding["baseline_state"]
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


def _absent(run_meta: dict) -> dict | None:
    """run.properties for a compared run: the previous run and the findings gone since (not results:
    code scanning closes an alert that is no longer uploaded)."""
    if "absent" not in run_meta and "previous" not in run_meta:
        return None
    gone = [{"id": a.get("id"), "ruleId": _text(a.get("check") or a.get("kind")), "source": a.get("source"),
             "story": a.get("story"), "line": a.get("line")} for a in run_meta.get("absent") or []]
    return {"previousRun": run_meta.get("previous"), "absent": gone}


def build_sarif(findings_doc: dict, rules: list[dict], base_dir: Path | None = None,
                texts: dict[str, str] | None = None) -> dict:
    """Build a SARIF 2.1.0 log (one run) from a findings document and the rule descriptions.

    Paths are relative to base_dir (SRCROOT) or, outside it, to their input folder (INPUT1, INPUT2, …);
    with the sources' texts, regions carry columns.
    """
    findings = list(findings_doc.get("findings") or [])
    meta = findings_doc.get("run") or {}
    arts = _Artifacts(list(findings_doc.get("sources") or []), base_dir, meta.get("inputs"))
    columns = _Columns(texts)
    driver_rules = _rules_for(findings, rules)
    rule_index = {r["id"]: i for i, r in enumerate(driver_rules)}
    results = [build_result(f, rule_index, arts, columns) for f in findings]
    invocation = _invocation(findings_doc, arts)
    version = _text(meta.get("version")) or "0"
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "auditor", "version": version, "rules": driver_rules}},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "artifacts": arts.artifacts,
        "results": results,
    }
    bases = arts.base_ids()
    if bases:
        run["originalUriBaseIds"] = bases
    absent = _absent(meta)
    if absent is not None:
        run["properties"] = absent
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def write_sarif(out_dir: Path, findings_doc: dict, rules: list[dict], base_dir: Path | None = None,
                texts: dict[str, str] | None = None) -> Path:
    """Write `findings.sarif` into out_dir and return its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "findings.sarif"
    doc = build_sarif(findings_doc, rules, base_dir, texts)
    target.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
