"""`--engine spark` gives the pandas engine's findings and scores (local Spark, one session for the module)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, require_or_skip

from auditor.ingest import ingest
from auditor.run import analyse
from auditor.score import score_sources


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@pytest.fixture(scope="module")
def spark():
    """The module's one local SparkSession (skipped without pyspark or Java, failed in CI)."""
    require_or_skip(_has("pyspark") and _has("pyarrow"), "pyspark is not installed: pip install -e '.[spark]'")
    require_or_skip(shutil.which("java") is not None, "java is not on PATH (Spark needs a JDK 17 or 21)")
    from auditor.spark_engine import spark_session

    session = spark_session()
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A generated corpus of 80 stories (368 articles)."""
    out = tmp_path_factory.mktemp("spark-corpus") / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_corpus.py"), "--stories", "80",
                    "--out", str(out), "--seed", "1"], check=True, capture_output=True)
    return out


def _finding_keys(findings) -> list[tuple]:
    return sorted((f.id, f.kind, f.subkind, f.check, f.severity, f.source, f.story, tuple(f.span), f.line,
                   f.end_line, f.message, len(f.related)) for f in findings)


def _both_engines(path: Path, config) -> tuple:
    sources = ingest([path])
    pandas_run = analyse(sources, config, lambda _m: None, jobs=1, engine="pandas")
    spark_run = analyse(sources, config, lambda _m: None, engine="spark")
    return sources, pandas_run, spark_run


def _assert_same(sources, config, pandas_run, spark_run) -> None:
    assert _finding_keys(spark_run.findings) == _finding_keys(pandas_run.findings)
    assert spark_run.metrics == pandas_run.metrics
    scores = [score_sources(sources, run.findings, config.scoring, run.metrics) for run in (pandas_run, spark_run)]
    assert scores[1] == scores[0]


@pytest.mark.spark
def test_seeds_give_the_pandas_findings_and_scores(spark, config):
    sources, pandas_run, spark_run = _both_engines(ROOT / "seeds", config)
    assert pandas_run.findings, "the seeds carry known errors"
    assert any(f.check == "unattributed_allegation" for f in spark_run.findings), "a suite with a row condition"
    _assert_same(sources, config, pandas_run, spark_run)


@pytest.mark.spark
def test_generated_corpus_gives_the_pandas_findings_and_scores(spark, config, corpus):
    sources, pandas_run, spark_run = _both_engines(corpus, config)
    assert len(sources) > 300 and len(pandas_run.findings) > 100
    _assert_same(sources, config, pandas_run, spark_run)


@pytest.mark.spark
def test_results_do_not_depend_on_partitioning(spark, config, corpus):
    from auditor.spark_engine import prepare_all_spark

    sources = ingest([corpus])
    sources = sources[sources["story"].isin(sorted(set(sources["story"]))[:30])]
    names = {s["meta"]["frame"] for s in config.suites.values()}
    one, many = (prepare_all_spark(sources, config, names, partitions=n) for n in (1, 5))
    assert one.claims.drop(columns="row_id").equals(many.claims.drop(columns="row_id"))
    for name, frame in one.frames.items():
        assert frame.drop(columns="related").equals(many.frames[name].drop(columns="related")), name
        assert frame["related"].tolist() == many.frames[name]["related"].tolist(), name
    assert one.metrics == many.metrics and one.counts == many.counts


def test_importing_the_engine_does_not_import_pyspark():
    code = "import sys, auditor.spark_engine; sys.exit('pyspark' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_missing_pyspark_is_a_config_error(monkeypatch):
    from auditor.errors import ConfigError
    from auditor.spark_engine import spark_session

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(ConfigError, match="pip install 'auditor\\[spark\\]'"):
        spark_session()


def test_suite_columns_include_row_condition_columns(config):
    import pandas as pd

    from auditor.spark_engine import _spark_type, _suite_columns

    spec = config.suites["unattributed_allegation"]
    frame = pd.DataFrame({"row_id": [0], "source": ["a"], "hedged": [False], "allegation_story": [True],
                          "related": [[{"source": "b", "start": 0, "end": 1}]]})
    assert _suite_columns(spec, frame) == ["row_id", "hedged", "allegation_story"]
    assert [_spark_type(frame[c]) for c in frame.columns] == ["long", "string", "boolean", "boolean", None]
    assert _spark_type(pd.Series([1.5, None], dtype=object)) == "double"
