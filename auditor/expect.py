"""Expect stage: validate candidate frames with the Great Expectations suites, once per suite.

Suites are JSON files in expectations/suites. Each names (meta.frame) the candidate frame it
validates; each expectation names (meta.check) the stable check it implements, and carries
kind, message and severity. Failing rows (by row_id) become findings; an expectation that
raised is a CheckErrored (exit 2), never "data failed" and never a silent pass.
"""

from __future__ import annotations

import difflib
import logging
import re
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .config import Config
from .errors import CheckErrored, ConfigError
from .findings import GX_SEVERITY, Finding, Locator, finding_id, finding_order

COLUMN_KWARGS = ("column", "column_A", "column_B", "column_list")

# The candidate frames (one per detector in auditor.checks.DETECTORS) and their columns with a value
# type: suites are checked against this at load (frame, columns, message fields), and a test runs the
# detectors and compares their real columns with it. A detector that gains a column declares it here.
COMMON_COLUMNS = {"row_id": "int", "source": "str", "story": "str", "start": "int", "end": "int",
                  "subkind": "str", "related": "list", "note": "str"}
_CONFLICT = {"claim_text": "str", "conflict_class": "str", "rel_diff": "float", "magnitude_offset": "float",
             "days_apart": "int", "calendar_gap": "int", "align_score": "float", "weekday_mismatch": "bool",
             "n_agree": "int", "n_consensus": "int", "minority_share": "float", "role": "str", "published": "str",
             "other_published": "str", "times_known": "bool"}
FRAME_COLUMNS: dict[str, dict[str, str]] = {name: COMMON_COLUMNS | features for name, features in {
    "duplicate_paragraph": {"similarity": "float", "n_paragraphs": "int", "n_sentences": "int", "block_chars": "int"},
    "repeated_word": {"pair": "str"},
    "unbalanced_punctuation": {"mark": "str", "problem": "str", "continued": "bool", "cut_off": "bool"},
    "boilerplate": {"rule": "str", "n_paragraphs": "int", "chars": "int", "para_chars": "int", "position": "float",
                    "is_tail": "bool"},
    "garbled_text": {"n_signals": "int", "signals": "str", "n_unknown": "int", "n_typo": "int", "unknown_rate": "float",
                     "longest_unknown": "int", "english_share": "float"},
    "term_confusion": {"term": "str", "intended": "str", "lexicon_margin": "int", "story_match": "int"},
    "figure_conflict": _CONFLICT,
    "date_conflict": _CONFLICT,
    "unattributed_allegation": {"hedged": "bool", "allegation_story": "bool"},
    "list_conflict": {"shared": "int", "only_here": "int", "only_there": "int", "member_overlap": "float",
                      "differing": "int", "example_list": "bool", "n_sources": "int"},
    "title_conflict": {"modifier": "str", "other_modifier": "str", "modifier_differs": "bool", "days_apart": "int",
                       "n_sources": "int"},
    "name_conflict": {"spelling": "str", "other_spelling": "str", "edit_distance": "int", "similarity": "float",
                      "n_sources": "int", "n_other": "int", "margin": "int", "share": "float",
                      "same_context": "bool", "shared_context": "int", "ending_only": "bool", "variant": "str",
                      "place_share": "float", "differs": "bool", "n_mixed": "int"},
    "claim_conflict": {"claim_class": "str", "value": "str", "other_value": "str", "opposite": "bool",
                       "anchor": "str", "anchor_similarity": "float", "n_sources": "int", "n_other": "int",
                       "margin": "int", "negated": "bool", "earlier": "bool", "shared_context": "int",
                       "differs": "bool", "n_mixed": "int"},
}.items()}
# Message fields besides the frame's columns (filled in by _finding).
MESSAGE_FIELDS = {"evidence": "str", "line": "int", "related_lines": "str", "related_evidence": "str",
                  "related_evidence_hint": "str"}
_SAMPLES: dict[str, Any] = {"str": "text", "int": 2, "float": 0.5, "bool": True, "list": []}
_COL_CALL = re.compile(r"""col\(\s*["']([^"']+)["']\s*\)""")


@dataclass
class Failure:
    """One expectation's failing candidate rows."""

    suite: str
    frame: str
    check: str
    kind: str
    severity: str
    message: str
    row_ids: list[int]
    subkind: str = ""  # the expectation's meta.subkind: overrides the candidate's own subkind


@lru_cache(maxsize=1)
def gx_context() -> Any:
    """One ephemeral GX context per process (importing GX costs seconds: do it once, lazily)."""
    logging.getLogger("great_expectations").setLevel(logging.CRITICAL)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


@lru_cache(maxsize=1)
def _batch_definition() -> Any:
    """The one pandas batch definition every candidate frame is validated through."""
    asset = gx_context().data_sources.add_pandas("auditor").add_dataframe_asset("candidates")
    return asset.add_batch_definition_whole_dataframe("all")


def _strip_doc(spec: dict) -> dict:
    """The suite JSON without fields GX does not know (our docs live in meta)."""
    keep = {"name", "expectations", "meta", "notes"}
    return {k: v for k, v in spec.items() if k in keep}


def build_suites(config: Config) -> dict[str, Any]:
    """GX suite objects for every suite file; unknown types and bad kwargs are ConfigErrors."""
    import great_expectations as gx
    from great_expectations.expectations.registry import get_expectation_impl

    ctx = gx_context()
    built = {}
    for name, spec in config.suites.items():
        for i, exp in enumerate(spec["expectations"]):
            try:
                get_expectation_impl(exp["type"])
            except Exception as exc:
                raise ConfigError(config.suite_paths[name],
                                  f"expectation #{i + 1}: unknown expectation type {exp['type']!r}") from exc
        try:
            suite = gx.ExpectationSuite(**_strip_doc(spec))
            if len(suite.expectations) != len(spec["expectations"]):
                raise ValueError("GX dropped an expectation it could not build (see its kwargs)")
            built[name] = ctx.suites.add_or_update(suite)
        except Exception as exc:  # GX raises many types for a bad suite
            raise ConfigError(config.suite_paths[name], f"invalid suite: {exc}") from exc
    return built


def _condition_columns(condition: Any) -> list[str]:
    """Columns a row_condition names: {"column": {"name": ...}} nodes, or col("...") in a string."""
    if isinstance(condition, str):
        return _COL_CALL.findall(condition)
    cols: list[str] = []
    if isinstance(condition, dict):
        column = condition.get("column")
        if isinstance(column, dict) and isinstance(column.get("name"), str):
            cols.append(column["name"])
        elif isinstance(column, str):
            cols.append(column)
        for key, value in condition.items():
            if key != "column":
                cols.extend(_condition_columns(value))
    elif isinstance(condition, list):
        for item in condition:
            cols.extend(_condition_columns(item))
    return cols


def referenced_columns(kwargs: dict) -> list[str]:
    """Columns an expectation's kwargs name (column kwargs and its row condition)."""
    cols: list[str] = []
    for key in COLUMN_KWARGS:
        value = kwargs.get(key)
        cols.extend(value if isinstance(value, list) else [value] if value else [])
    return cols + _condition_columns(kwargs.get("row_condition"))


def check_suite(path: Path, spec: dict) -> None:
    """A suite's own fields against the declared frames: known frame, known columns, renderable messages."""
    frame = spec["meta"]["frame"]
    columns = FRAME_COLUMNS.get(frame)
    if columns is None:
        near = difflib.get_close_matches(frame, FRAME_COLUMNS, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise ConfigError(path, f"meta.frame: unknown candidate frame {frame!r}{hint}; known: {sorted(FRAME_COLUMNS)}")
    for i, exp in enumerate(spec["expectations"]):
        where = f"expectation #{i + 1} ({exp['meta']['check']})"
        unknown = [c for c in referenced_columns(exp.get("kwargs") or {}) if c not in columns]
        if unknown:
            raise ConfigError(path, f"{where} names column(s) {unknown} not in frame {frame!r} (has {sorted(columns)}; "
                                    "a detector's new column is declared in auditor.expect.FRAME_COLUMNS)")
        if "message" in exp["meta"]:
            check_message(path, where, exp["meta"]["message"], columns)


def check_message(path: Path, where: str, template: str, columns: dict[str, str]) -> None:
    """Render a message template once with sample values of the frame's columns; ConfigError if it cannot be."""
    fields = {name: _SAMPLES[kind] for name, kind in (columns | MESSAGE_FIELDS).items()}
    try:
        for _literal, name, _spec, _conversion in string.Formatter().parse(template):
            base = re.match(r"[^.\[]*", name).group() if name is not None else None
            if base is not None and base not in fields:
                raise ConfigError(path, f"{where}: message field {{{name}}} is not a column of the frame "
                                        f"(fields: {sorted(fields)})")
        string.Formatter().vformat(template, (), fields)
    except (ValueError, IndexError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(path, f"{where}: bad message template {template!r}: {exc}") from exc


def check_columns(config: Config, frames: dict[str, pd.DataFrame]) -> None:
    """Every column an expectation names must exist in its frame (else ConfigError)."""
    for name, spec in config.suites.items():
        frame = frames.get(spec["meta"]["frame"])
        if frame is None:
            raise ConfigError(config.suite_paths[name], f"unknown frame {spec['meta']['frame']!r}")
        for i, exp in enumerate(spec["expectations"]):
            missing = [c for c in referenced_columns(exp.get("kwargs", {})) if c not in frame.columns]
            if missing:
                raise ConfigError(
                    config.suite_paths[name],
                    f"expectation #{i + 1} ({exp['meta']['check']}) names column(s) {missing} not in frame "
                    f"{spec['meta']['frame']!r} (has {sorted(frame.columns)})",
                )


def _raised(result: Any) -> str | None:
    info = result.exception_info or {}
    if isinstance(info, dict):
        entries = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
        for entry in entries:
            if entry.get("raised_exception"):
                return str(entry.get("exception_message") or "expectation raised")
    return None


RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": ["row_id"]}


def validate(config: Config, frames: dict[str, pd.DataFrame], batch_definition: Any = None,
             to_batch_frame: Callable[[str, dict, pd.DataFrame], tuple[Any, Callable[[], None]]] | None = None,
             ) -> list[Failure]:
    """Validate each suite once over its whole candidate frame; return the failures.

    The pandas datasource by default; another engine passes its batch definition and a function
    turning a candidate frame into its own frame (plus a release callback).
    """
    check_columns(config, frames)
    suites = build_suites(config)
    batch_def = batch_definition or _batch_definition()
    failures: list[Failure] = []
    for name, suite in suites.items():
        spec = config.suites[name]
        frame = frames[spec["meta"]["frame"]]
        if frame.empty:
            continue
        data, release = to_batch_frame(name, spec, frame) if to_batch_frame else (frame, lambda: None)
        try:
            result = batch_def.get_batch(batch_parameters={"dataframe": data}).validate(suite,
                                                                                       result_format=RESULT_FORMAT)
        finally:
            release()
        for failure in _failures(config, name, spec, result):
            failure.row_ids.sort()  # engines without row order (Spark) give the same order as pandas
            failures.append(failure)
    return failures


def _failures(config: Config, name: str, spec: dict, result: Any) -> list[Failure]:
    out = []
    for res in result.results:
        meta = res.expectation_config.meta or {}
        problem = _raised(res)
        if problem:
            raise CheckErrored(config.suite_paths[name], f"expectation {meta.get('check')} raised: {problem}")
        if res.success:
            continue
        rows = [int(r["row_id"]) for r in res.result.get("unexpected_index_list") or []]
        severity = str(getattr(res.expectation_config.severity, "value", res.expectation_config.severity))
        out.append(Failure(
            suite=name, frame=spec["meta"]["frame"], check=meta["check"],
            kind=meta.get("kind", spec["meta"].get("kind", spec["meta"]["frame"])),
            severity=GX_SEVERITY.get(severity.lower(), "error"), message=meta.get("message", meta["check"]),
            row_ids=rows, subkind=str(meta.get("subkind") or ""),
        ))
    return out


def suite_report(config: Config, frames: dict[str, pd.DataFrame], failures: list[Failure]) -> list[dict]:
    """What each suite did: its frame, the candidates it validated and, per expectation, how many it
    failed (GX's unexpected rows). The table a user reads when tuning a threshold."""
    failed: dict[tuple[str, str], int] = {(f.suite, f.check): len(f.row_ids) for f in failures}
    report = []
    for name in sorted(config.suites):
        spec = config.suites[name]
        frame = frames.get(spec["meta"]["frame"])
        report.append({
            "suite": name, "frame": spec["meta"]["frame"], "candidates": 0 if frame is None else len(frame),
            "expectations": [{"check": e["meta"]["check"],
                              "severity": GX_SEVERITY.get(str(e.get("severity", "critical")).lower(), "error"),
                              "failed": failed.get((name, e["meta"]["check"]), 0)} for e in spec["expectations"]],
        })
    return report


class _Fields(dict):
    """Template fields: a missing name renders as {name} instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class _Lenient(string.Formatter):
    """Templates were checked at load: a value that does not take its format (a missing figure) prints plain."""

    def format_field(self, value: Any, format_spec: str) -> str:
        try:
            return format(value, format_spec)
        except (ValueError, TypeError):
            return str(value)


def _render(template: str, values: dict, where: str) -> str:
    try:
        return _Lenient().vformat(template, (), _Fields(values))
    except (ValueError, IndexError, KeyError, AttributeError, TypeError) as exc:
        raise ConfigError(where, f"bad message template {template!r}: {exc}") from exc


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_findings(config: Config, failures: list[Failure], frames: dict[str, pd.DataFrame],
                locator: Locator) -> list[Finding]:
    """Findings for every failing candidate row, with lines, evidence, related and stable ids."""
    findings: list[Finding] = []
    seen: Counter = Counter()
    for failure in failures:
        frame = frames[failure.frame].set_index("row_id", drop=False)
        for row in frame.loc[list(failure.row_ids)].to_dict("records"):  # one conversion, not one per row
            findings.append(_finding(config, failure, row, locator, seen))
    findings.sort(key=finding_order)
    return findings


def _finding(config: Config, failure: Failure, row: dict, locator: Locator, seen: Counter) -> Finding:
    place = locator.place(row["source"], int(row["start"]), int(row["end"]))
    related = [locator.place(r["source"], r["start"], r["end"]) | {k: v for k, v in r.items()
               if k not in ("source", "start", "end")} for r in row.get("related") or []]
    values = {**row, "evidence": _short(place["evidence"]), "line": place["line"],
              "related_lines": ", ".join(f"{r['source']}:{r['line']}" if r["source"] != row["source"]
                                         else f"line {r['line']}-{r['end_line']}" for r in related),
              "related_evidence": "; ".join(_short(r["evidence"], 60) for r in related),
              "related_evidence_hint": "".join(f"; {r['source']} line {r['line']}: \"{_short(r['evidence'], 60)}\""
                                               for r in related[:1])}
    message = _render(failure.message, values, str(config.suite_paths[failure.suite]))
    context = locator.context(row["source"], int(row["start"]), int(row["end"]))
    key = (failure.check, row["source"], place["evidence"].lower(), context.lower())
    seen[key] += 1
    return Finding(
        id=finding_id(failure.check, row["source"], place["evidence"], context, seen[key]),
        kind=failure.kind, subkind=failure.subkind or str(row.get("subkind") or ""), check=failure.check,
        severity=failure.severity, source=row["source"], story=row["story"], line=place["line"],
        end_line=place["end_line"], span=place["span"], evidence=place["evidence"], message=message,
        related=related,
    )
