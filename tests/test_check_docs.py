"""Every check documents itself in docs/checks/<kind>.md, like a linter's rule page, and its examples run here.

A fence ```text fail <check>``` must raise a finding of that check (the expectation's meta.check,
not just the kind); a fence ```text pass``` must raise no finding of the page's kind. A fence
holds one source, or several after `--- source <id> ---` lines (one story).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.run import audit_texts

DOCS = Path(__file__).resolve().parent.parent / "docs" / "checks"
FENCE = re.compile(r"^```text (pass|fail)(?: ([\w.]+))?[ \t]*\n(.*?)^```", re.S | re.M)
ANY_TEXT_FENCE = re.compile(r"^```text\b.*$", re.M)
SOURCE_SPLIT = re.compile(r"^--- source (\S+) ---\n", re.M)
SECTIONS = ("**Flags**", "**Why it matters**", "**Knobs**", "**Known false positives**", "## Examples")


@dataclass(frozen=True)
class Example:
    kind: str  # the page: docs/checks/<kind>.md
    verdict: str  # pass | fail
    check: str  # the check a fail example must raise ("" for pass examples)
    texts: dict[str, str]


def examples() -> list[Example]:
    found = []
    for doc in sorted(DOCS.glob("*.md")):
        for verdict, check, body in FENCE.findall(doc.read_text(encoding="utf-8")):
            parts = SOURCE_SPLIT.split(body)
            texts = {"a": parts[0]} if len(parts) == 1 else dict(zip(parts[1::2], parts[2::2], strict=True))
            texts = {k: v for k, v in texts.items() if v.strip()}
            found.append(Example(doc.stem, verdict, check, texts))
    return found


def suite_checks(config) -> dict[str, str]:
    """Every check name of the suites, with its kind."""
    return {e["meta"]["check"]: e["meta"].get("kind", s["meta"].get("kind"))
            for s in config.suites.values() for e in s["expectations"]}


def test_every_suite_kind_has_a_doc_with_both_examples(config):
    documented = {(e.kind, e.verdict) for e in examples()}
    for kind in set(suite_checks(config).values()):
        assert (kind, "pass") in documented and (kind, "fail") in documented, kind


def test_every_check_has_a_fail_example_naming_it(config):
    named = {e.check for e in examples() if e.verdict == "fail"}
    missing = sorted(set(suite_checks(config)) - named)
    assert not missing, f"checks without a ```text fail <check>``` example: {missing}"


def test_every_fail_example_names_a_check_of_its_page(config):
    checks = suite_checks(config)
    for e in examples():
        if e.verdict == "fail":
            assert checks.get(e.check) == e.kind, f"{e.kind}.md: fail example names {e.check!r}, not a {e.kind} check"
        else:
            assert not e.check, f"{e.kind}.md: a pass example names no check (it must raise nothing of its kind)"


def test_every_text_fence_is_an_example():
    """A typo in a fence header (```text fial) would silently drop the example."""
    for doc in sorted(DOCS.glob("*.md")):
        text = doc.read_text(encoding="utf-8")
        assert len(ANY_TEXT_FENCE.findall(text)) == len(FENCE.findall(text)), doc.name


@pytest.mark.parametrize("doc", sorted(DOCS.glob("*.md")), ids=lambda p: p.stem)
def test_every_page_has_the_rule_page_sections(doc):
    text = doc.read_text(encoding="utf-8")
    missing = [s for s in SECTIONS if s not in text]
    assert not missing, f"{doc.name} lacks {missing}"
    knobs = text.split("**Knobs**", 1)[1].split("\n\n", 1)[0]
    assert f"suites/{doc.stem}.json" in knobs, f"{doc.name}: Knobs must name suites/{doc.stem}.json"


def test_the_example_syntax_reads_checks_and_sources():
    e = [x for x in examples() if x.kind == "figure_conflict" and x.check == "figure_conflict.value"]
    assert e and len(e[0].texts) >= 2


@pytest.mark.parametrize("example", examples(), ids=lambda e: f"{e.kind}-{e.verdict}-{e.check or 'none'}")
def test_doc_example(example, config):
    findings = [f for f in audit_texts(example.texts, config) if f.kind == example.kind]
    if example.verdict == "fail":
        checks = sorted({f.check for f in findings})
        assert example.check in checks, f"{example.kind}: the failing example raised {checks}, not {example.check}"
    else:
        assert not findings, f"{example.kind}: the passing example raised {[(f.check, f.evidence) for f in findings]}"
