"""SARIF and JUnit renderers: schema-valid SARIF, well-formed JUnit, every finding present."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conftest import SHARED

from auditor.render.junit import build_junit, write_junit
from auditor.render.sarif import build_sarif, write_sarif

SCHEMA_PATH = SHARED / "schemas" / "sarif-schema-2.1.0.json"

RULES = [
    {
        "id": "duplicate_paragraph.exact",
        "kind": "duplicate_paragraph",
        "name": "Duplicated paragraph",
        "description": "A paragraph repeated word for word.",
        "help": "Remove the copy.",
        "severity": "error",
    },
    {
        "id": "repeated_word",
        "kind": "repeated_word",
        "name": "Repeated word",
        "description": "The same word twice in a row.",
        "help": "Delete one.",
        "severity": "warning",
    },
]


def _finding(fid: str, source: str, **kw: object) -> dict:
    base = {
        "id": fid,
        "kind": "duplicate_paragraph",
        "subkind": "exact",
        "check": "duplicate_paragraph.exact",
        "severity": "error",
        "source": source,
        "story": "seeds",
        "line": 18,
        "end_line": 22,
        "span": [1834, 2490],
        "evidence": "exact text",
        "message": "Paragraph repeated.",
        "related": [],
        "suppressed": False,
    }
    base.update(kw)
    return base


@pytest.fixture
def doc(tmp_path: Path) -> dict:
    """Two stories, a skipped file, a path that needs percent-encoding, markup in the evidence."""
    odd = tmp_path / "seeds" / "dir with space" / "ü#1.txt"
    return {
        "run": {"started": "2026-11-22T07:40:00Z", "version": "0.1.0", "inputs": ["seeds"]},
        "sources": [
            {
                "source": "000_c631",
                "story": "seeds",
                "path": str(tmp_path / "seeds/000_c631.txt"),
                "status": "audited",
                "sha256": "a" * 64,
            },
            {
                "source": "001_f3a0",
                "story": "seeds",
                "path": str(tmp_path / "seeds/001_f3a0.txt"),
                "status": "audited",
                "sha256": "b" * 64,
            },
            {"source": "ü#1", "story": "other", "path": str(odd), "status": "audited"},
            {
                "source": "bad",
                "story": "seeds",
                "path": str(tmp_path / "seeds/bad.bin"),
                "status": "skipped",
                "reason": "binary file",
            },
        ],
        "findings": [
            _finding(
                "f1",
                "001_f3a0",
                related=[
                    {
                        "source": "000_c631",
                        "line": 13,
                        "end_line": 17,
                        "span": [1200, 1830],
                        "evidence": "same text",
                    }
                ],
            ),
            _finding(
                "f2",
                "001_f3a0",
                kind="repeated_word",
                subkind=None,
                check="repeated_word",
                severity="warning",
                line=3,
                end_line=3,
                span=[10, 17],
                evidence="the the",
                suppressed=True,
            ),
            _finding(
                "f3",
                "ü#1",
                kind="garbled_text",
                check="garbled_text.camel",
                severity="info",
                story="other",
                evidence="<script>&amp; \x00\x07 bbcChanges]]>",
                related=[],
            ),
        ],
    }


@pytest.fixture
def scores_doc() -> dict:
    return {
        "sources": [
            {
                "source": "000_c631",
                "story": "seeds",
                "score": 91.0,
                "grade": "A",
                "components": {},
                "findings": {},
            },
            {
                "source": "001_f3a0",
                "story": "seeds",
                "score": 58.5,
                "grade": "D",
                "components": {},
                "findings": {},
            },
            {
                "source": "ü#1",
                "story": "other",
                "score": 77.0,
                "grade": "C",
                "components": {},
                "findings": {},
            },
        ]
    }


def _schema() -> dict:
    from conftest import shared_or_skip

    shared_or_skip(SCHEMA_PATH)
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- SARIF


def test_sarif_is_valid_against_the_official_schema(doc: dict, tmp_path: Path) -> None:
    schema = _schema()
    validator_cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    validator_cls.check_schema(schema)
    for base in (tmp_path, None):
        sarif = json.loads(json.dumps(build_sarif(doc, RULES, base_dir=base)))
        errors = sorted(validator_cls(schema).iter_errors(sarif), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_every_finding_is_a_result(doc: dict, tmp_path: Path) -> None:
    run = build_sarif(doc, RULES, base_dir=tmp_path)["runs"][0]
    results = run["results"]
    assert [r["partialFingerprints"]["auditorFindingId/v1"] for r in results] == ["f1", "f2", "f3"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "auditor" and run["tool"]["driver"]["version"] == "0.1.0"
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    # a check nobody described still gets a rule
    assert rules[-1]["id"] == "garbled_text.camel"
    assert rules[0]["defaultConfiguration"]["level"] == "error"
    assert rules[0]["help"]["text"].startswith("Flags a paragraph")  # from docs/checks/duplicate_paragraph.md


def test_locations_regions_and_related(doc: dict, tmp_path: Path) -> None:
    result = build_sarif(doc, RULES, base_dir=tmp_path)["runs"][0]["results"][0]
    phys = result["locations"][0]["physicalLocation"]
    assert phys["artifactLocation"]["uri"] == "seeds/001_f3a0.txt"
    assert phys["artifactLocation"]["uriBaseId"] == "SRCROOT"
    assert phys["region"] == {
        "startLine": 18,
        "endLine": 22,
        "charOffset": 1834,
        "charLength": 656,
        "snippet": {"text": "exact text"},
    }
    related = result["relatedLocations"][0]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "seeds/000_c631.txt"
    assert related["physicalLocation"]["region"]["startLine"] == 13
    assert "suppressions" not in result


def test_uri_is_percent_encoded_and_relative_to_base(doc: dict, tmp_path: Path) -> None:
    run = build_sarif(doc, RULES, base_dir=tmp_path)["runs"][0]
    uri = run["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "seeds/dir%20with%20space/%C3%BC%231.txt"
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == tmp_path.as_uri() + "/"
    outside = build_sarif(doc, RULES, base_dir=tmp_path / "elsewhere")["runs"][0]
    uri = outside["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == (tmp_path / "seeds/001_f3a0.txt").as_uri()


def test_relative_input_paths_stay_relative(
    doc: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for s in doc["sources"]:
        s["path"] = os.path.relpath(s["path"], tmp_path)
    for base in (None, tmp_path, Path(".")):
        run = build_sarif(doc, RULES, base_dir=base)["runs"][0]
        assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
            "seeds/001_f3a0.txt"
        )


def test_suppressed_and_skipped(doc: dict) -> None:
    run = build_sarif(doc, RULES)["runs"][0]
    assert run["results"][1]["suppressions"][0]["kind"] == "external"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == 1 and "binary file" in notes[0]["message"]["text"]
    assert run["columnKind"] == "unicodeCodePoints"


def test_write_sarif(doc: dict, tmp_path: Path) -> None:
    path = write_sarif(tmp_path / "out", doc, RULES, base_dir=tmp_path)
    assert path == tmp_path / "out" / "findings.sarif"
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_empty_run_is_valid() -> None:
    schema = _schema()
    sarif = build_sarif({"run": {}, "sources": [], "findings": []}, [])
    jsonschema.validators.validator_for(schema)(schema).validate(sarif)
    assert sarif["runs"][0]["results"] == []


def test_rule_help_is_the_check_page_in_markdown_with_a_link(doc: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.render import sarif

    rule = build_sarif(doc, RULES)["runs"][0]["tool"]["driver"]["rules"][1]
    assert rule["id"] == "repeated_word"
    markdown = rule["help"]["markdown"]
    assert markdown.startswith("**Flags** the same word written twice") and "**Why it matters**" in markdown
    assert "**Knobs**" not in markdown  # only the Flags and Why sections
    assert rule["helpUri"].startswith("file://") and rule["helpUri"].endswith("docs/checks/repeated_word.md")
    assert f"]({rule['helpUri']})" in markdown and "**" not in rule["help"]["text"]
    monkeypatch.setattr(sarif, "DOCS_DIR", Path("/nonexistent/docs/checks"))  # docs not installed
    rule = build_sarif(doc, RULES)["runs"][0]["tool"]["driver"]["rules"][1]
    assert rule["help"] == {"text": "The same word twice in a row."} and "helpUri" not in rule


def test_inputs_outside_the_working_folder_get_their_own_base_id(doc: dict, tmp_path: Path) -> None:
    doc["run"]["inputs"] = [str(tmp_path / "seeds")]
    elsewhere = tmp_path / "elsewhere"
    run = build_sarif(doc, RULES, base_dir=elsewhere)["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "001_f3a0.txt" and location["uriBaseId"] == "INPUT1"
    assert run["originalUriBaseIds"]["INPUT1"]["uri"] == (tmp_path / "seeds").as_uri() + "/"
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == elsewhere.as_uri() + "/"
    uris = [a["location"]["uri"] for a in run["artifacts"]]
    assert not [u for u in uris if u.startswith("file:")], uris
    odd = run["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert (odd["uri"], odd["uriBaseId"]) == ("dir%20with%20space/%C3%BC%231.txt", "INPUT1")


def test_regions_have_columns_from_the_text(doc: dict, tmp_path: Path) -> None:
    text = "Title\r\n\nThe company said the the lawsuit.\nSecond line here."
    start = text.index("the the")
    doc["findings"][1].update(line=3, end_line=3, span=[start, start + 7])
    end_para = text.index("here.") + 5
    doc["findings"][0].update(line=3, end_line=4, span=[text.index("company"), end_para], related=[])
    run = build_sarif(doc, RULES, base_dir=tmp_path, texts={"001_f3a0": text})["runs"][0]
    word = run["results"][1]["locations"][0]["physicalLocation"]["region"]
    assert (word["startLine"], word["startColumn"], word["endColumn"]) == (3, 18, 25)
    para = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (para["startColumn"], para["endLine"], para["endColumn"]) == (5, 4, 18)
    doc["findings"][1]["line"] = 7  # lines that disagree with the text: no columns rather than wrong ones
    region = build_sarif(doc, RULES, texts={"001_f3a0": text})["runs"][0]["results"][1]["locations"][0][
        "physicalLocation"]["region"]
    assert "startColumn" not in region


def test_message_links_the_related_locations(doc: dict, tmp_path: Path) -> None:
    doc["findings"][0]["message"] = "Paragraph [copied] from 000_c631."
    result = build_sarif(doc, RULES, base_dir=tmp_path)["runs"][0]["results"][0]
    text = result["message"]["text"]
    assert text == ("Paragraph \\[copied\\] from 000_c631. See [000_c631 line 13](1).")
    assert result["relatedLocations"][0]["id"] == 1
    many = [dict(doc["findings"][0]["related"][0], line=n) for n in range(1, 8)]
    doc["findings"][0]["related"] = many
    text = build_sarif(doc, RULES, base_dir=tmp_path)["runs"][0]["results"][0]["message"]["text"]
    assert "[000_c631 line 5](5)" in text and "(6)" not in text and text.endswith(" and 2 more.")


def test_baseline_state_and_absent_findings(doc: dict, tmp_path: Path) -> None:
    schema = _schema()
    doc["findings"][0]["baseline_state"] = "new"
    doc["findings"][1]["baseline_state"] = "unchanged"
    doc["findings"][2]["baseline_state"] = "unchanged"
    doc["run"]["previous"] = {"started": "2026-11-21T02:30:00Z", "date": "2026-11-21", "findings": 3}
    doc["run"]["absent"] = [{"id": "gone", "kind": "repeated_word", "check": "repeated_word", "source": "000_c631",
                             "story": "seeds", "line": 4, "evidence": "a a", "severity": "warning"}]
    sarif = build_sarif(doc, RULES, base_dir=tmp_path)
    jsonschema.validators.validator_for(schema)(schema).validate(sarif)
    run = sarif["runs"][0]
    assert [r["baselineState"] for r in run["results"]] == ["new", "unchanged", "unchanged"]
    assert [a["id"] for a in run["properties"]["absent"]] == ["gone"]
    assert run["properties"]["absent"][0]["ruleId"] == "repeated_word"
    assert run["properties"]["previousRun"]["date"] == "2026-11-21"
    del doc["run"]["previous"], doc["run"]["absent"]
    for f in doc["findings"]:
        del f["baseline_state"]
    plain = build_sarif(doc, RULES, base_dir=tmp_path)["runs"][0]
    assert "properties" not in plain and not any("baselineState" in r for r in plain["results"])


# ---------------------------------------------------------------- JUnit


def _parse(xml: str) -> ET.Element:
    return ET.fromstring(xml.encode("utf-8"))


def test_junit_counts_and_every_finding(doc: dict, scores_doc: dict) -> None:
    xml = build_junit(doc, scores_doc, {"001_f3a0"}, {"001_f3a0": "score 58.5 below 60"})
    root = _parse(xml)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["other", "seeds"]
    cases = root.findall("testsuite/testcase")
    assert len(cases) == len(doc["sources"]) and root.get("tests") == "4"
    assert root.get("failures") == "1" and root.get("skipped") == "1"
    seeds = suites[1]
    assert (seeds.get("tests"), seeds.get("failures"), seeds.get("skipped")) == ("3", "1", "1")
    by_name = {c.get("name"): c for c in cases}
    assert by_name["001_f3a0"].get("classname") == "seeds"
    failure = by_name["001_f3a0"].find("failure")
    assert failure is not None and failure.get("message") == "score 58.5 below 60"
    assert "f1" in failure.text and "f2" in failure.text and "[suppressed]" in failure.text
    assert by_name["bad"].find("skipped").get("message") == "binary file"
    assert by_name["000_c631"].find("failure") is None
    all_text = "".join(root.itertext())
    for f in doc["findings"]:
        assert f"(id {f['id']})" in all_text


def test_junit_escapes_markup_and_control_chars(doc: dict, scores_doc: dict) -> None:
    root = _parse(build_junit(doc, scores_doc, set(), {}))
    out = root.find("testsuite[@name='other']/testcase/system-out").text
    assert "<script>&amp;" in out and "]]>" in out and "\x00" not in out
    assert "score 77.0 (C)" in out


def test_write_junit(doc: dict, scores_doc: dict, tmp_path: Path) -> None:
    path = write_junit(tmp_path / "out", doc, scores_doc, {"ü#1"}, {"ü#1": "error finding"})
    assert path.name == "junit.xml"
    root = ET.parse(path).getroot()
    assert root.find(".//testcase[@name='ü#1']/failure").get("message") == "error finding"
