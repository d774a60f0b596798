"""Expect stage: validate candidate frames with the Great Expectations suites, once per suite.

Suites are JSON files in expectations/suites. Each names (meta.frame) the candidate frame it
validates; each expectation names (meta.check) the stable check it implements, and carries
kind, message and severity. Failing rows (by row_id) become findings; an expectation that
raised is a CheckErrored (exit 2), never "data failed" and never a silent pass.
"""

from __future__ import annotations

import logging
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from .config import Config
from .errors import CheckErrored, ConfigError
from .findings import GX_SEVERITY, Finding, Locator, finding_id, finding_order

COLUMN_KWARGS = ("column", "column_A", "column_B", "column_list")


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
def _gx_context() -> Any:
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
    asset = _gx_context().data_sources.add_pandas("auditor").add_dataframe_asset("candidates")
    return asset.add_batch_definition_whole_dataframe("all")


def _strip_doc(spec: dict) -> dict:
    """The suite JSON without fields GX does not know (our docs live in meta)."""
    keep = {"name", "expectations", "meta", "notes"}
    return {k: v for k, v in spec.items() if k in keep}


def build_suites(config: Config) -> dict[str, Any]:
    """GX suite objects for every suite file; unknown types and bad kwargs are ConfigErrors."""
    import great_expectations as gx
    from great_expectations.expectations.registry import get_expectation_impl

    ctx = _gx_context()
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


def _referenced_columns(kwargs: dict) -> list[str]:
    cols: list[str] = []
    for key in COLUMN_KWARGS:
        value = kwargs.get(key)
        cols.extend(value if isinstance(value, list) else [value] if value else [])
    return cols


def check_columns(config: Config, frames: dict[str, pd.DataFrame]) -> None:
    """Every column an expectation names must exist in its frame (else ConfigError)."""
    for name, spec in config.suites.items():
        frame = frames.get(spec["meta"]["frame"])
        if frame is None:
            raise ConfigError(config.suite_paths[name], f"unknown frame {spec['meta']['frame']!r}")
        for i, exp in enumerate(spec["expectations"]):
            missing = [c for c in _referenced_columns(exp.get("kwargs", {})) if c not in frame.columns]
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


class _Fields(dict):
    """Template fields: a missing name renders as {name} instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _render(template: str, values: dict, where: str) -> str:
    try:
        return string.Formatter().vformat(template, (), _Fields(values))
    except (ValueError, IndexError, KeyError) as exc:
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
        for row_id in failure.row_ids:
            row = frame.loc[row_id].to_dict()
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
