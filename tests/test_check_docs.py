"""Every check documents itself in docs/checks/<kind>.md; its pass and fail examples run here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.run import audit_texts

DOCS = Path(__file__).resolve().parent.parent / "docs" / "checks"
FENCE = re.compile(r"```text (pass|fail)\n(.*?)```", re.S)
SOURCE_SPLIT = re.compile(r"^--- source (\S+) ---\n", re.M)


def examples() -> list[tuple[str, str, dict[str, str]]]:
    found = []
    for doc in sorted(DOCS.glob("*.md")):
        for verdict, body in FENCE.findall(doc.read_text(encoding="utf-8")):
            parts = SOURCE_SPLIT.split(body)
            texts = {"a": parts[0]} if len(parts) == 1 else dict(zip(parts[1::2], parts[2::2], strict=True))
            texts = {k: v for k, v in texts.items() if v.strip()}
            found.append((doc.stem, verdict, texts))
    return found


def test_every_suite_kind_has_a_doc_with_both_examples(config):
    kinds = {e["meta"].get("kind") for s in config.suites.values() for e in s["expectations"]}
    documented = {(kind, verdict) for kind, verdict, _ in examples()}
    for kind in kinds:
        assert (kind, "pass") in documented and (kind, "fail") in documented, kind


@pytest.mark.parametrize(("kind", "verdict", "texts"), examples(), ids=lambda v: v if isinstance(v, str) else "")
def test_doc_example(kind, verdict, texts, config):
    findings = [f for f in audit_texts(texts, config) if f.kind == kind]
    if verdict == "fail":
        assert findings, f"{kind}: the failing example raised no finding"
    else:
        assert not findings, f"{kind}: the passing example raised {[f.evidence for f in findings]}"
