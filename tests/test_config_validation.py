"""Every config file is validated before any work: exit 2 (ConfigError) naming the file and the entry.

Each test edits one thing in a copy of expectations/ (or a suite, lexicon or baseline file) and
checks that loading fails fast with a message naming the file and the offending entry.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor import config as config_module
from auditor.baseline import BaselineError, load_baseline
from auditor.cli import main
from auditor.config import SCHEMA_DIR, load_config, schema_names
from auditor.errors import ConfigError
from auditor.expect import FRAME_COLUMNS, MESSAGE_FIELDS, _render

ROOT = Path(__file__).resolve().parent.parent
SEEDS = str(ROOT / "seeds")


@pytest.fixture
def exp(tmp_path: Path) -> Path:
    """A private copy of the project's expectations/ to break one thing in."""
    copy = tmp_path / "exp"
    shutil.copytree(ROOT / "expectations", copy)
    return copy


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def config_error(exp: Path) -> str:
    """The message of the ConfigError that loading the folder raises."""
    with pytest.raises(ConfigError) as err:
        load_config(exp)
    return str(err.value)


def audit_exit(exp: Path, tmp_path: Path, capsys, *extra: str) -> tuple[int, str]:
    """(exit code, stderr) of a command-line audit of the seeds with this expectations folder."""
    out = tmp_path / "out"
    code = main(["audit", SEEDS, "--out", str(out), "--format", "json", "--expectations", str(exp), *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if code == 2:
        assert not out.exists(), "nothing is written when the config is bad"
    return code, err


def first_suite_with_message(exp: Path) -> tuple[Path, dict]:
    for path in sorted((exp / "suites").glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        if any("message" in e["meta"] for e in spec["expectations"]):
            return path, spec
    raise AssertionError("no suite with a message")


# --- JSON Schemas kept in the package --------------------------------------------------------------


def test_json_schemas_kept_in_the_package_are_valid_and_accept_the_shipped_files():
    from jsonschema import Draft202012Validator

    names = schema_names()
    assert {"checks.schema.json", "scoring.schema.json", "suite.schema.json", "lexicon.schema.json"} <= set(names)
    for name in names:
        Draft202012Validator.check_schema(json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")))
    shipped = {p.stem for p in (ROOT / "expectations" / "lexicons").glob("*.yaml")}
    own = {Path(n).name.removesuffix(".schema.json") for n in names if n.startswith("lexicons/")}
    assert own == shipped, "every shipped lexicon has its own schema (lexicon.schema.json is for users' own)"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"auditor.schemas"' in pyproject and "jsonschema>=" in pyproject.split("[project.optional")[0]
    config = load_config()
    assert set(config.lexicons) == shipped


TYPE_AND_RANGE_CASES = [
    # (file, change, what the message must name)
    ("scoring.yaml", lambda d: d["severity_points"].update(error=-8), "severity_points.error"),
    ("scoring.yaml", lambda d: d["components"]["integrity"].update(half_life=0), "components.integrity.half_life"),
    ("scoring.yaml", lambda d: d["components"]["consistency"].update(half_life=-3), "consistency.half_life"),
    ("scoring.yaml", lambda d: d["components"]["integrity"].update(max_points=math.nan), "integrity.max_points"),
    ("scoring.yaml", lambda d: d["kind_multiplier"].update(boilerplate=math.inf), "kind_multiplier.boilerplate"),
    ("scoring.yaml", lambda d: d["kind_multiplier"].update(boilerplate="heavy"), "kind_multiplier.boilerplate"),
    ("scoring.yaml", lambda d: d["severity_points"].update(error="lots"), "severity_points.error"),
    ("scoring.yaml", lambda d: d["components"]["corroboration"].update(target=0), "corroboration.target"),
    ("scoring.yaml", lambda d: d["components"]["transparency"].update(metrics=["byline", "bylines"]),
     "transparency.metrics[1]"),
    ("scoring.yaml", lambda d: d.update(scale=-100), "scale"),
    ("checks.yaml", lambda d: d.update(duplicate_paragraph=[{"min_chars": 40}]), "duplicate_paragraph"),
    ("checks.yaml", lambda d: d["duplicate_paragraph"].update(min_ratio=1.5), "duplicate_paragraph.min_ratio"),
    ("checks.yaml", lambda d: d["conflicts"].update(equal_tolerance=-0.1), "conflicts.equal_tolerance"),
    ("checks.yaml", lambda d: d["independence"].update(min_shared_share=math.nan), "independence.min_shared_share"),
    ("checks.yaml", lambda d: d["duplicate_paragraph"].update(max_compare=2.5), "duplicate_paragraph.max_compare"),
    ("lexicons/confusion.yaml", lambda d: d["pairs"][0].update(terms=["AI"]), "pairs[0].terms"),
    ("lexicons/confusion.yaml", lambda d: d["pairs"][0]["contexts"].update(Ai=["model"]), "pairs[0].contexts"),
    ("lexicons/boilerplate.yaml", lambda d: d["lines"][0].pop("pattern"), "lines[0]"),
    ("lexicons/boilerplate.yaml", lambda d: d["tail"].update(max_paragraphs=-1), "tail.max_paragraphs"),
    ("lexicons/entities.yaml", lambda d: d.update(aliases={"UK": "United Kingdom"}), "aliases"),
    ("lexicons/attribution.yaml", lambda d: d.update(hedges="alleg"), "hedges"),
    ("lexicons/camelcase.yaml", lambda d: d["names"].append(3.5), "names["),
    ("lexicons/scales.yaml", lambda d: d["powers"].update(million=-6), "powers.million"),
    ("lexicons/calendar.yaml", lambda d: d["months"].pop(), "months"),
    ("lexicons/units.yaml", lambda d: d["currencies"].update(USD="dollars"), "currencies.USD"),
]


@pytest.mark.parametrize("name, change, entry", TYPE_AND_RANGE_CASES,
                         ids=[f"{c[0]}:{c[2]}" for c in TYPE_AND_RANGE_CASES])
def test_types_and_ranges_no_negative_costs_no_zero_half_life_finite_numbers(exp, name, change, entry):
    edit_yaml(exp / name, change)
    message = config_error(exp)
    assert Path(name).name in message and entry in message, message


def test_a_new_lexicon_without_its_own_schema_gets_the_generic_one(exp):
    (exp / "lexicons" / "months.yaml").write_text("months: [January, February]\nbad: {x: .nan}\n", encoding="utf-8")
    assert "months.yaml" in config_error(exp) and "bad.x" in config_error(exp)
    (exp / "lexicons" / "months.yaml").write_text("months: [January, February]\nsince: 2024-01-01\n", encoding="utf-8")
    assert "since: must be of type" in config_error(exp)  # YAML reads a bare date as a date object
    (exp / "lexicons" / "months.yaml").write_text("months: [January, February]\n", encoding="utf-8")
    assert load_config(exp).lexicons["months"] == {"months": ["January", "February"]}


def test_a_negative_cost_exits_2_naming_the_file_and_entry(exp, tmp_path, capsys):
    edit_yaml(exp / "scoring.yaml", lambda d: d["severity_points"].update(error=-8))
    code, err = audit_exit(exp, tmp_path, capsys)
    assert code == 2 and "scoring.yaml" in err and "severity_points.error" in err, err


def test_suite_fields_are_typed(exp):
    path = exp / "suites" / "repeated_word.json"
    edit_json(path, lambda d: d["expectations"][0].update(severity="fatal"))
    message = config_error(exp)
    assert "repeated_word.json" in message and "expectations[0].severity" in message
    shutil.copy(ROOT / "expectations" / "suites" / "repeated_word.json", path)
    edit_json(path, lambda d: d["expectations"][0]["meta"].pop("check"))
    assert "expectations[0].meta" in config_error(exp)
    shutil.copy(ROOT / "expectations" / "suites" / "repeated_word.json", path)
    edit_json(path, lambda d: d.update(expectation=d.pop("expectations")))  # typo in a top-level key
    assert "repeated_word.json" in config_error(exp)


# --- unknown frame, check or column ------------------------------------------------------------


def test_unknown_frame_exits_2_naming_file_and_entry(exp, tmp_path, capsys):
    edit_json(exp / "suites" / "repeated_word.json", lambda d: d["meta"].update(frame="repeated_wrd"))
    code, err = audit_exit(exp, tmp_path, capsys)
    assert code == 2, err
    assert "repeated_word.json" in err and "meta.frame" in err and "'repeated_wrd'" in err
    assert "did you mean 'repeated_word'" in err


def test_unknown_check_exits_2_naming_file_and_entry(exp, tmp_path, capsys):
    edit_yaml(exp / "checks.yaml", lambda d: d.update(duplicate_paragrap={"min_chars": 10}))
    code, err = audit_exit(exp, tmp_path, capsys)
    assert code == 2 and "checks.yaml" in err and "duplicate_paragrap" in err, err
    shutil.copy(ROOT / "expectations" / "checks.yaml", exp / "checks.yaml")
    edit_yaml(exp / "checks.yaml", lambda d: d["duplicate_paragraph"].update(min_char=10))
    assert "duplicate_paragraph" in config_error(exp) and "min_char" in config_error(exp)
    shutil.copy(ROOT / "expectations" / "checks.yaml", exp / "checks.yaml")
    edit_json(exp / "suites" / "repeated_word.json", lambda d: d["expectations"][0].update(type="expect_nothing_real"))
    code, err = audit_exit(exp, tmp_path, capsys)  # an unknown expectation type: Great Expectations decides
    assert code == 2 and "repeated_word.json" in err and "expect_nothing_real" in err, err


def test_a_suite_gx_rejects_stops_a_big_run_read_in_workers(exp, tmp_path, capsys):
    """The suites are built while worker processes read a big inbox: a bad one still exits 2, names
    its file, and nothing is written."""
    from auditor.parallel import PARALLEL_MIN_SOURCES

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(PARALLEL_MIN_SOURCES + 5):
        (inbox / f"a{i:04d}.txt").write_text(f"Headline {i}\n\nThe council met on day {i} and voted.\n",
                                              encoding="utf-8")
    edit_json(exp / "suites" / "repeated_word.json", lambda d: d["expectations"][0].update(type="expect_nothing_real"))
    out = tmp_path / "out"
    code = main(["audit", str(inbox), "--out", str(out), "--format", "json", "--expectations", str(exp),
                 "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == 2 and "repeated_word.json" in err and "expect_nothing_real" in err and "Traceback" not in err
    assert not out.exists()


def test_unknown_kind_in_scoring_names_the_entry(exp):
    edit_yaml(exp / "scoring.yaml", lambda d: d["components"]["integrity"]["kinds"].append("duplicate_paragraf"))
    message = config_error(exp)
    assert "scoring.yaml" in message and "components.integrity.kinds" in message and "duplicate_paragraf" in message


def test_unknown_column_exits_2_naming_file_and_entry(exp, tmp_path, capsys):
    edit_json(exp / "suites" / "repeated_word.json",
              lambda d: d["expectations"][0]["kwargs"].update(column="no_such_column"))
    code, err = audit_exit(exp, tmp_path, capsys)
    assert code == 2 and "repeated_word.json" in err and "no_such_column" in err and "expectation #1" in err, err


def test_unknown_column_in_a_row_condition_is_caught(exp):
    condition = {"type": "comparison", "column": {"name": "allegation_storyy"}, "operator": "==", "parameter": True}
    edit_json(exp / "suites" / "unattributed_allegation.json",
              lambda d: d["expectations"][0]["kwargs"].update(row_condition=condition))
    message = config_error(exp)
    assert "unattributed_allegation.json" in message and "allegation_storyy" in message


def test_declared_frame_columns_match_the_columns_the_detectors_emit():
    """FRAME_COLUMNS is the one declared list: it must name every detector and exactly its real columns."""
    from auditor.checks import DETECTORS
    from auditor.ingest import ingest
    from auditor.prepare import prepare

    assert set(FRAME_COLUMNS) == set(DETECTORS)
    config = load_config()
    seen_rows: dict[str, int] = {}
    for root in (ROOT / "seeds", ROOT / "tests" / "stories"):
        frames = prepare(ingest([root]), config, set(DETECTORS)).frames
        for name, frame in frames.items():
            assert set(frame.columns) == set(FRAME_COLUMNS[name]), name
            seen_rows[name] = seen_rows.get(name, 0) + len(frame)
            if frame.empty:
                continue
            for column, kind in FRAME_COLUMNS[name].items():
                values = frame[column].dropna()
                if len(values):
                    assert _fits(values.iloc[0], kind), (name, column, kind, values.iloc[0])
    assert sum(1 for n in seen_rows.values() if n) >= len(FRAME_COLUMNS) - 2, seen_rows


def _fits(value: Any, kind: str) -> bool:
    import numbers

    return {"str": isinstance(value, str), "bool": isinstance(value, bool | __import__("numpy").bool_),
            "int": isinstance(value, numbers.Integral) and not isinstance(value, bool),
            "float": isinstance(value, numbers.Real) and not isinstance(value, bool),
            "list": isinstance(value, list)}[kind]


# --- unique suite names ------------------------------------------------------------------------


def test_unique_suite_names(exp, tmp_path, capsys):
    shutil.copy(exp / "suites" / "repeated_word.json", exp / "suites" / "zz_repeated_word_copy.json")
    code, err = audit_exit(exp, tmp_path, capsys)
    assert code == 2 and "zz_repeated_word_copy.json" in err and "'repeated_word'" in err and "unique" in err, err


# --- message templates rendered at load --------------------------------------------------------


@pytest.mark.parametrize("template, needle", [
    ("The word {nte} is repeated.", "{nte}"),
    ("Similar {pair:.0%}.", "bad message template"),
    ("Positional {} field.", "{}"),
    ("Unclosed {pair field.", "bad message template"),
    ("Attribute {pair.nope}.", "bad message template"),
])
def test_message_templates_rendered_once_at_load(exp, template, needle):
    edit_json(exp / "suites" / "repeated_word.json", lambda d: d["expectations"][0]["meta"].update(message=template))
    message = config_error(exp)
    assert "repeated_word.json" in message and "expectation #1" in message and needle in message, message


def test_every_shipped_message_renders_against_its_frame_and_a_missing_value_prints_plain():
    config = load_config()
    for name, spec in config.suites.items():
        fields = set(FRAME_COLUMNS[spec["meta"]["frame"]]) | set(MESSAGE_FIELDS)
        for exp in spec["expectations"]:
            if "message" in exp["meta"]:
                assert "{" not in _render(exp["meta"]["message"], dict.fromkeys(fields, 0.25), name)
    assert _render("{rel_diff:.1%} apart", {"rel_diff": None}, "x") == "None apart"


# --- YAML alias expansion bounded ------------------------------------------------------------------


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_expansion_bounded_an_alias_bomb_fails_fast(exp, tmp_path, capsys):
    (exp / "lexicons" / "camelcase.yaml").write_text(billion_laughs(), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(ConfigError) as err:
        load_config(exp)
    assert time.perf_counter() - start < 1.0
    assert "camelcase.yaml" in str(err.value) and "alias" in str(err.value)
    start = time.perf_counter()
    code, err_text = audit_exit(exp, tmp_path, capsys)
    assert code == 2 and "camelcase.yaml" in err_text and time.perf_counter() - start < 1.0


def test_yaml_recursive_alias_and_deep_nesting_are_errors(exp):
    lexicon = exp / "lexicons" / "camelcase.yaml"
    lexicon.write_text("names: &n [LinkedIn, *n]\n", encoding="utf-8")
    assert "recursive" in config_error(exp)
    lexicon.write_text("names: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    message = config_error(exp)
    assert "camelcase.yaml" in message and "nested" in message


def test_yaml_anchors_within_bounds_still_work(exp):
    (exp / "lexicons" / "camelcase.yaml").write_text(
        "names: &names [LinkedIn, iPhone]\nfunction_words: [The, They]\n", encoding="utf-8")
    (exp / "lexicons" / "extra.yaml").write_text("base: &b {a: [x, y]}\ncopy: *b\n", encoding="utf-8")
    config = load_config(exp)
    assert config.lexicons["extra"]["copy"] == {"a": ["x", "y"]}


# --- nesting and size limits on suites and baselines; unreadable files -----------------------------


def test_nesting_and_size_limits_on_suites_and_baselines(exp, tmp_path, capsys):
    deep = "[" * 100_000 + "]" * 100_000
    suite = exp / "suites" / "repeated_word.json"
    suite.write_text(deep, encoding="utf-8")
    code, err = audit_exit(exp, tmp_path, capsys)
    assert code == 2 and "repeated_word.json" in err and "nested" in err, err
    suite.write_text('{"name": "x", "pad": "' + "x" * config_module.MAX_JSON_BYTES + '"}', encoding="utf-8")
    message = config_error(exp)
    assert "repeated_word.json" in message and "bytes" in message
    baseline = tmp_path / "baseline.json"
    baseline.write_text('{"version": 1, "findings": ' + deep + "}", encoding="utf-8")
    code, err = audit_exit(ROOT / "expectations", tmp_path, capsys, "--baseline", str(baseline))
    assert code == 2 and "baseline.json" in err and "nested" in err, err


def test_an_oversized_baseline_is_refused(tmp_path, monkeypatch):
    from auditor import baseline as baseline_module

    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"version": 1, "findings": [{"id": "a" * 40}] * 100}), encoding="utf-8")
    assert len(load_baseline(path)) == 1
    monkeypatch.setitem(baseline_module.MAX_BYTES, "baseline file", 1000)
    with pytest.raises(BaselineError, match="baseline.json: baseline file is .* bytes"):
        load_baseline(path)


def test_non_utf8_unreadable_or_folder_suite_exits_2(exp, tmp_path, capsys, monkeypatch):
    suite = exp / "suites" / "repeated_word.json"
    suite.write_bytes(b'{"name": "caf\xe9"}')
    code, err = audit_exit(exp, tmp_path, capsys)
    assert code == 2 and "repeated_word.json" in err and "UTF-8" in err, err
    shutil.copy(ROOT / "expectations" / "suites" / "repeated_word.json", suite)

    real_open = Path.open

    def refuse(self, *args, **kwargs):  # tests run as root: chmod 000 would not stop the read
        if self.name == "repeated_word.json":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    code, err = audit_exit(exp, tmp_path, capsys)
    assert code == 2 and "repeated_word.json" in err and "Permission denied" in err, err
    monkeypatch.undo()

    (exp / "suites" / "folder.json").mkdir()
    code, err = audit_exit(exp, tmp_path, capsys)
    assert code == 2 and "folder.json" in err and "folder" in err, err
    (exp / "suites" / "folder.json").rmdir()
    (exp / "lexicons" / "entities.yaml").write_bytes(b"titles: [Pr\xe9sident]\n")
    assert "entities.yaml" in config_error(exp) and "UTF-8" in config_error(exp)


def test_nan_and_infinity_in_a_suite_are_refused(exp):
    suite = exp / "suites" / "duplicate_paragraph.json"
    text = suite.read_text(encoding="utf-8")
    spec = json.loads(text)
    spec["expectations"][0]["kwargs"]["max_value"] = "__NAN__"
    suite.write_text(json.dumps(spec).replace('"__NAN__"', "NaN"), encoding="utf-8")
    assert "duplicate_paragraph.json" in config_error(exp) and "NaN" in config_error(exp)
    suite.write_text(json.dumps(spec).replace('"__NAN__"', "1e400"), encoding="utf-8")
    assert "not a finite number" in config_error(exp)


# --- YAML no/on/yes words ----------------------------------------------------------------------------


def test_yaml_no_on_yes_words_read_as_booleans_are_still_rejected(exp):
    lexicon = exp / "lexicons" / "abbreviations.yaml"
    lexicon.write_text("abbreviations: [mr, no, nos]\n", encoding="utf-8")
    message = config_error(exp)
    assert "abbreviations.yaml" in message and "boolean" in message and "quote the word" in message
    lexicon.write_text('abbreviations: [mr, "no", nos]\n', encoding="utf-8")
    assert "no" in load_config(exp).lexicons["abbreviations"]["abbreviations"]
    (exp / "lexicons" / "extra.yaml").write_text("pairs: {on: [x]}\n", encoding="utf-8")
    assert "extra.yaml" in config_error(exp) and "quote it" in config_error(exp)


def test_a_key_written_twice_is_an_error_not_silently_the_last(exp):
    checks = exp / "checks.yaml"
    checks.write_text(checks.read_text(encoding="utf-8") + "\nconflicts:\n  align_min_score: 0.9\n", encoding="utf-8")
    message = config_error(exp)
    assert "checks.yaml" in message and "duplicate key 'conflicts'" in message
    shutil.copy(ROOT / "expectations" / "checks.yaml", checks)
    suite = exp / "suites" / "repeated_word.json"
    suite.write_text(suite.read_text(encoding="utf-8").replace('"name":', '"name": "again", "name":', 1),
                     encoding="utf-8")
    message = config_error(exp)
    assert "repeated_word.json" in message and "duplicate key(s) ['name']" in message
