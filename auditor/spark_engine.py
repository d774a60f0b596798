"""`--engine spark`: the per-story stages as a Spark job, the suites through GX's Spark datasource.

Sources become a Spark DataFrame repartitioned by story (every cross-source check stays inside
one story, so a partition holds whole stories); `mapInPandas` runs `auditor.prepare.prepare` on
each partition and returns its pickled `Prepared`; the driver combines them and puts the rows in
story order, so results do not depend on partitioning. Each suite then validates a Spark DataFrame of
its candidate frame (row_id plus the columns the suite reads). pyspark is imported lazily: it is
the optional extra `auditor[spark]`. See docs/spark.md.
"""

from __future__ import annotations

import atexit
import math
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from .config import Config
from .errors import ConfigError
from .expect import Failure, gx_context, referenced_columns, validate
from .prepare import Prepared, combine, prepare

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession

ORDER = "_order"  # original row position: a partition is rebuilt in the driver's order
CHUNK_SCHEMA = "chunk string, payload binary"
ROWS_PER_PARTITION = 100_000  # candidate rows per partition when validating
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
}
LOG4J = """rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
logger.native.name = org.apache.hadoop.util.NativeCodeLoader
logger.native.level = error
logger.utils.name = org.apache.spark.util.Utils
logger.utils.level = error
"""


def _require_pyspark() -> None:
    """pyspark (with pyarrow, which mapInPandas needs) or a ConfigError (exit 2)."""
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise ConfigError("--engine spark", "pyspark is not installed: pip install 'auditor[spark]'") from exc


def spark_session() -> SparkSession:
    """The running SparkSession (spark-submit, a notebook, a test), else a new one (see `_new_session`)."""
    _require_pyspark()
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if SparkContext._active_spark_context is not None:  # running, but not active in this thread
        return SparkSession.builder.getOrCreate()
    return _new_session()


def _new_session() -> SparkSession:
    """On the master spark-submit gave, else a small quiet `local[*]`; stopped when the interpreter exits."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("auditor")
    if not _submitted():
        if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
            raise ConfigError("--engine spark", "Java is not installed: Spark needs a JDK (17 or 21) on PATH")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers run this interpreter (its venv)
        builder = builder.master("local[*]").config("spark.driver.extraJavaOptions",
                                                    f"-Dlog4j2.configurationFile=file:{_quiet_log4j()}")
        for key, value in LOCAL_CONF.items():
            builder = builder.config(key, value)
    session = builder.getOrCreate()
    if not _submitted():
        session.sparkContext.setLogLevel("ERROR")
    atexit.register(session.stop)
    return session


def _submitted() -> bool:
    """Under spark-submit (its JVM is running: pyspark connects to it) or told a master by PYSPARK_SUBMIT_ARGS."""
    return "PYSPARK_GATEWAY_PORT" in os.environ or "--master" in os.environ.get("PYSPARK_SUBMIT_ARGS", "")


def _quiet_log4j() -> str:
    """A log4j2 file for the local JVM: warnings only while it starts (no banner), errors after."""
    fd, path = tempfile.mkstemp(prefix="auditor-log4j2-", suffix=".properties")
    with os.fdopen(fd, "w") as f:
        f.write(LOG4J)
    atexit.register(os.unlink, path)
    return path


# --------------------------------------------------------------------------- prepare


def _string_rows(sources: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """Rows of strings, None for missing values (never 'nan'), plus the original position."""
    cells = [[None if _missing(v) else str(v) for v in sources[c].tolist()] for c in columns]
    return [(*row, i) for i, row in enumerate(zip(*cells, strict=True))]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _sources_frame(spark: SparkSession, sources: pd.DataFrame) -> SparkDataFrame:
    """The audited sources as a Spark DataFrame with an explicit all-string schema."""
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    columns = list(sources.columns)
    schema = StructType([StructField(c, StringType()) for c in columns] + [StructField(ORDER, LongType())])
    return spark.createDataFrame(_string_rows(sources, columns), schema)


def _rebuild(batches: Iterator[pd.DataFrame], dtypes: dict[str, str]) -> pd.DataFrame:
    """A partition's sources as the driver had them: same columns, dtypes and row order."""
    frames = [b for b in batches if not b.empty]
    if not frames:
        return pd.DataFrame()
    part = pd.concat(frames, ignore_index=True).sort_values(ORDER, kind="stable")
    columns = {c: pd.Series([None if _missing(v) else v for v in part[c].tolist()], dtype=dtype)
               for c, dtype in dtypes.items()}
    return pd.DataFrame(columns)


def _partition_job(config_bc: Any, frame_names: set[str], dtypes: dict[str, str]
                   ) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """The mapInPandas function: prepare a partition's stories, yield (its first story, pickled Prepared)."""

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        part = _rebuild(batches, dtypes)
        if part.empty:
            return
        prepared = prepare(part, config_bc.value, frame_names)
        payload = pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL)
        yield pd.DataFrame({"chunk": [min(part["story"])], "payload": [payload]})

    return run


def _align_empty(parts: list[Prepared]) -> list[Prepared]:
    """Give empty frames the dtypes of a non-empty one, so concatenating does not turn columns to object."""
    for name in parts[0].frames:
        full = next((p.frames[name] for p in parts if not p.frames[name].empty), None)
        if full is None:
            continue
        for p in parts:
            frame = p.frames[name]
            if frame.empty and list(frame.columns) == list(full.columns):
                p.frames[name] = frame.astype(full.dtypes.to_dict())
    return parts


def _story_order(prepared: Prepared, sources: pd.DataFrame) -> Prepared:
    """Rows in story order (a story's rows as prepare made them), renumbered: the same for any partitioning."""
    claims = prepared.claims.sort_values("story", kind="stable", ignore_index=True)
    claims["claim_id"] = range(len(claims))
    frames = {}
    for name, frame in prepared.frames.items():
        frame = frame.sort_values("story", kind="stable", ignore_index=True)
        frame["row_id"] = range(len(frame))
        frames[name] = frame
    metrics = {s: prepared.metrics[s] for s in sources["source"] if s in prepared.metrics}
    return Prepared(claims, frames, metrics, prepared.counts)


def prepare_all_spark(sources: pd.DataFrame, config: Config, frame_names: set[str],
                      log: Callable[[str], None] = lambda _m: None, partitions: int | None = None) -> Prepared:
    """Prepare every story on Spark (mapInPandas over sources repartitioned by story)."""
    spark = spark_session()
    audited = sources[sources["status"] == "audited"]
    if audited.empty:
        return prepare(sources, config, frame_names)
    n_stories = audited["story"].nunique()
    n_parts = partitions or max(1, min(n_stories, spark.sparkContext.defaultParallelism * 4))
    clock = time.perf_counter()
    config_bc = spark.sparkContext.broadcast(config)
    dtypes = {c: str(t) for c, t in audited.dtypes.items()}
    try:
        job = _partition_job(config_bc, set(frame_names), dtypes)
        rows = (_sources_frame(spark, audited).repartition(n_parts, "story")
                .mapInPandas(job, CHUNK_SCHEMA).collect())
    finally:
        config_bc.unpersist()
    parts = [pickle.loads(r["payload"]) for r in sorted(rows, key=lambda r: r["chunk"])]
    log(f"spark: prepared {len(audited)} sources, {n_stories} stories in {n_parts} partitions "
        f"on {spark.sparkContext.master} ({time.perf_counter() - clock:.1f}s)")
    return _story_order(combine(_align_empty(parts)), audited)


# --------------------------------------------------------------------------- validate


def _condition_columns(condition: Any) -> list[str] | None:
    """Columns a JSON row condition reads; None when it cannot be read (a string condition)."""
    if condition is None:
        return []
    if not isinstance(condition, dict):
        return None
    cols = [condition["column"]["name"]] if isinstance(condition.get("column"), dict) else []
    for sub in condition.get("conditions") or []:
        inner = _condition_columns(sub)
        if inner is None:
            return None
        cols.extend(inner)
    return cols


def _suite_columns(spec: dict, frame: pd.DataFrame) -> list[str]:
    """row_id plus every column the suite's expectations and row conditions read (all scalars if unknown)."""
    cols = ["row_id"]
    for exp in spec["expectations"]:
        kwargs = exp.get("kwargs", {})
        in_condition = _condition_columns(kwargs.get("row_condition"))
        if in_condition is None:
            return ["row_id"] + [c for c in frame.columns if c != "row_id" and _spark_type(frame[c]) is not None]
        cols.extend(referenced_columns(kwargs) + in_condition)
    return list(dict.fromkeys(c for c in cols if c in frame.columns))


SPARK_TYPES = {"integer": "long", "floating": "double", "mixed-integer-float": "double", "boolean": "boolean",
               "string": "string", "empty": "string"}


def _spark_type(column: pd.Series) -> str | None:
    """Spark type name for a pandas column (object columns by their values); None for lists and dicts."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "long"
    if pd.api.types.is_float_dtype(dtype):
        return "double"
    return SPARK_TYPES.get(pd.api.types.infer_dtype(column, skipna=True))


def _cell(value: Any, kind: str) -> Any:
    """A Python value Spark accepts for the type; NaN and NA become null (pandas GX skips them too)."""
    if _missing(value):
        return None
    return {"long": int, "double": float, "boolean": bool, "string": str}[kind](value)


def _to_spark(spark: SparkSession, frame: pd.DataFrame, columns: list[str], where: object) -> SparkDataFrame:
    """The frame's columns as a Spark DataFrame with an explicit schema from the pandas dtypes."""
    from pyspark.sql.types import BooleanType, DoubleType, LongType, StringType, StructField, StructType

    kinds = {c: _spark_type(frame[c]) for c in columns}
    unsupported = [c for c, k in kinds.items() if k is None]
    if unsupported:
        raise ConfigError(where, f"--engine spark: column(s) {unsupported} hold lists or mixed values, "
                                 "which Spark cannot validate")
    types = {"long": LongType, "double": DoubleType, "boolean": BooleanType, "string": StringType}
    schema = StructType([StructField(c, types[k]()) for c, k in kinds.items()])
    cells = [[_cell(v, kinds[c]) for v in frame[c].tolist()] for c in columns]
    sdf = spark.createDataFrame(list(zip(*cells, strict=True)), schema)
    return sdf.coalesce(math.ceil(len(frame) / ROWS_PER_PARTITION))  # fewer tasks for GX's many small jobs


@lru_cache(maxsize=1)
def _spark_batch_definition() -> Any:
    """The one Spark batch definition every candidate frame is validated through."""
    source = gx_context().data_sources.add_spark("auditor_spark", persist=True)
    return source.add_dataframe_asset("candidates").add_batch_definition_whole_dataframe("all")


def validate_spark(config: Config, frames: dict[str, pd.DataFrame]) -> list[Failure]:
    """Validate each suite once over its candidate frame, as a Spark DataFrame; return the failures."""
    spark = spark_session()

    def to_spark(name: str, spec: dict, frame: pd.DataFrame) -> tuple[Any, Callable[[], None]]:
        sdf = _to_spark(spark, frame, _suite_columns(spec, frame), config.suite_paths.get(name, name))
        return sdf, sdf.unpersist

    return validate(config, frames, _spark_batch_definition(), to_spark)
