"""Run history in SQLite or PostgreSQL through SQLAlchemy Core.

`url_or_path` is a SQLite file path (no "://") or a SQLAlchemy URL; ``postgresql://`` and
``postgres://`` use psycopg 3 (``pip install "psycopg[binary]"``).

Schema versioning: a ``schema_version`` table (one row per applied migration) and the ordered
list ``MIGRATIONS`` below. Pending migrations are applied in order inside one transaction
(serialized by ``BEGIN IMMEDIATE`` on SQLite and an advisory lock on PostgreSQL). Applied
migrations are frozen: to change the schema, append a new function (e.g. ``_m002_...`` doing
``ALTER TABLE``) and mirror the change in the query-side tables; never edit an old one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    inspect,
    select,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

PG_LOCK_ID = 0x61756469  # advisory lock serializing migrations ("audi")
CHUNK = 400  # bound for IN (...) lists
SQLITE_BUSY_SECONDS = 120  # a writer holds the lock while its run's outputs are written: wait for it


class HistoryError(RuntimeError):
    """The history database cannot be opened, migrated, read or written."""


# ---------------------------------------------------------------- schema


def _v1_tables(md: MetaData) -> MetaData:
    """Schema version 1 (frozen: it is what migration 1 creates)."""

    def run_fk() -> Column:
        return Column(
            "run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False, index=True
        )

    Table(
        "runs",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("run_key", String, unique=True),
        Column("started", String, nullable=False),
        Column("recorded", String, nullable=False),
        Column("version", String),
        Column("suites_hash", String, index=True),
        Column("inputs", Text),
        Column("n_sources", Integer, nullable=False),
        Column("n_findings", Integer, nullable=False),
    )
    Table(
        "sources",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        run_fk(),
        Column("source", String, nullable=False),
        Column("story", String),
        Column("path", Text),
        Column("sha256", String, index=True),
        Column("status", String),
        Column("reason", Text),
        Column("score", Float),
        Column("grade", String),
        Column("payload", Text),  # JSON: {"source": entry, "score": entry, "findings": [...]}
    )
    Table(
        "findings",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        run_fk(),
        Column("finding_id", String, nullable=False, index=True),
        Column("kind", String),
        Column("subkind", String),
        Column("check", String),
        Column("severity", String),
        Column("source", String),
        Column("story", String),
        Column("line", Integer),
        Column("end_line", Integer),
        Column("evidence", Text),
        Column("message", Text),
        Column("suppressed", Boolean, nullable=False),
    )
    Table(
        "scores",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        run_fk(),
        Column("source", String, nullable=False),
        Column("story", String),
        Column("component", String, nullable=False),
        Column("points", Float),
        Column("max", Float),
    )
    return md


def _v2_tables(md: MetaData) -> MetaData:
    """Schema version 2: sources.cache_key (story-aware key for incremental runs)."""
    _v1_tables(md)
    md.tables["sources"].append_column(Column("cache_key", String, index=True))
    return md


metadata = _v2_tables(MetaData())
runs = metadata.tables["runs"]
sources = metadata.tables["sources"]
findings = metadata.tables["findings"]
scores = metadata.tables["scores"]

schema_version = Table(
    "schema_version",
    MetaData(),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(255), nullable=False),
    Column("applied", String(64), nullable=False),
)


def _m001_initial(conn: Connection) -> None:
    _v1_tables(MetaData()).create_all(conn)


def _m002_cache_key(conn: Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE sources ADD COLUMN cache_key VARCHAR")
    conn.exec_driver_sql("CREATE INDEX ix_sources_cache_key ON sources (cache_key)")


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "runs, sources, findings, scores", _m001_initial),
    (2, "sources.cache_key for incremental runs", _m002_cache_key),
]
LATEST = MIGRATIONS[-1][0]


# ---------------------------------------------------------------- engine


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def to_url(url_or_path: str) -> URL:
    """SQLAlchemy URL for a SQLite path or a URL (postgresql:// → postgresql+psycopg://)."""
    if "://" not in url_or_path:
        return URL.create("sqlite+pysqlite", database=str(Path(url_or_path).expanduser()))
    try:
        url = make_url(url_or_path)
    except (ArgumentError, ValueError) as exc:
        raise HistoryError(f"invalid database URL {_redact(url_or_path)!r}: {exc}") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _redact(text: str) -> str:
    """Hide the password of a URL-looking string."""
    return re.sub(r"(://[^:/@\s]*):[^@\s]*@", r"\1:***@", text)


def _safe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _sqlite_events(engine: Engine) -> None:
    """Real transactions on SQLite (DDL included), BEGIN IMMEDIATE for writers, foreign keys on."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def _engine(url: URL) -> Engine:
    args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        args["connect_timeout"] = 10
    if url.get_backend_name() == "sqlite":
        args["timeout"] = SQLITE_BUSY_SECONDS
    try:
        engine = create_engine(url, connect_args=args)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise HistoryError(f"unsupported database URL {_safe(url)}: {exc}") from None
    except ImportError as exc:
        hint = ' (pip install "psycopg[binary]")' if url.get_backend_name() == "postgresql" else ""
        raise HistoryError(f"no database driver for {_safe(url)}: {exc}{hint}") from None
    if url.get_backend_name() == "sqlite":
        _sqlite_events(engine)
    return engine


def _describe(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


class _NoDatabase(Exception):
    """A read found no SQLite file to read."""


@contextmanager
def _open(url_or_path: str, *, create: bool) -> Iterator[Engine]:
    """Engine for the database; SQLAlchemy errors become HistoryError; disposed afterwards."""
    url = to_url(url_or_path)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        if not create and not path.exists():
            raise _NoDatabase(str(path))
        if create:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise HistoryError(f"cannot create folder for history database {path}: {exc}") from None
    engine = _engine(url)
    try:
        yield engine
    except SQLAlchemyError as exc:
        raise HistoryError(f"history database {_safe(url)}: {_describe(exc)}") from exc
    finally:
        engine.dispose()


def _writer(engine: Engine) -> Engine:
    return engine.execution_options(write=True)


def schema_version_of(conn: Connection) -> int:
    """The applied schema version (0 for an empty database)."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(select(func.max(schema_version.c.version))).scalar() or 0)


def _not_ours(conn: Connection) -> str | None:
    """Why the database is another application's (None when it is the auditor's or empty).

    The auditor's mark is its ``schema_version`` table whose recorded migrations are ours.
    """
    found = inspect(conn)
    tables = sorted(set(found.get_table_names()) | set(found.get_view_names()))
    if "schema_version" not in tables:
        if not tables:
            return None
        shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
        return f"it holds other tables ({shown}) and no auditor schema_version table"
    columns = {c["name"] for c in found.get_columns("schema_version")}
    if not {"version", "description", "applied"} <= columns:
        return "its schema_version table is not the auditor's"
    known = {version: description for version, description, _ in MIGRATIONS}
    for version, description in conn.execute(select(schema_version.c.version, schema_version.c.description)):
        if version in known and known[version] != description:
            return f"its schema_version table records a migration {version} that is not the auditor's"
    return None


def _refuse_foreign(conn: Connection) -> None:
    problem = _not_ours(conn)
    if problem:
        url = conn.engine.url
        name = url.database if url.get_backend_name() == "sqlite" else _safe(url)
        raise HistoryError(f"{name} is not an auditor history database: {problem}; nothing was written to it")


def _migrate_in(conn: Connection) -> int:
    """Apply pending migrations inside the caller's write transaction; return the schema version."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_ID})")
    _refuse_foreign(conn)
    schema_version.create(conn, checkfirst=True)
    current = schema_version_of(conn)
    if current > LATEST:
        raise HistoryError(
            f"history database schema version {current} is newer than this auditor "
            f"supports ({LATEST}); upgrade the auditor"
        )
    for version, description, apply in MIGRATIONS:
        if version > current:
            apply(conn)
            conn.execute(schema_version.insert().values(version=version, description=description, applied=_now()))
    return LATEST


def migrate(engine: Engine) -> int:
    """Apply pending migrations in order, in one transaction; return the schema version.

    Another application's database (tables, but not the auditor's schema_version) is refused
    before anything is written to it.
    """
    with engine.connect() as conn:
        _refuse_foreign(conn)
        current = schema_version_of(conn)
    if current == LATEST:
        return current
    with _writer(engine).begin() as conn:
        return _migrate_in(conn)


def check_database(url_or_path: str) -> None:
    """Raise HistoryError unless the database is missing, empty or the auditor's (read only)."""
    try:
        with _open(url_or_path, create=False) as engine, engine.connect() as conn:
            _refuse_foreign(conn)
    except _NoDatabase:
        return


def _readable(engine: Engine) -> bool:
    """True when the database has the schema (upgrading an older one); False when empty."""
    with engine.connect() as conn:
        current = schema_version_of(conn)
    if current == 0:
        return False
    if current != LATEST:
        migrate(engine)
    return True


# ---------------------------------------------------------------- rows


def _text(value: Any) -> str | None:
    """Text safe for any backend (PostgreSQL rejects NUL characters)."""
    return None if value is None else str(value).replace("\x00", "\ufffd")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _key(item: dict) -> tuple[str, str]:
    return (str(item.get("story") or ""), str(item.get("source") or ""))


def _score_index(scores_doc: dict) -> dict[tuple[str, str], dict]:
    index: dict[tuple[str, str], dict] = {}
    for entry in (scores_doc or {}).get("sources") or []:
        index[_key(entry)] = entry
        index.setdefault(("*", str(entry.get("source") or "")), entry)
    return index


def _source_row(run_id: int, src: dict, score: dict | None, own: list[dict]) -> dict:
    payload = {"source": src, "score": score, "findings": own}
    return {
        "run_id": run_id,
        "source": _text(src.get("source")) or "",
        "story": _text(src.get("story")),
        "path": _text(src.get("path")),
        "sha256": _text(src.get("sha256")),
        "cache_key": _text(src.get("cache_key")),
        "status": _text(src.get("status")),
        "reason": _text(src.get("reason")),
        "score": _float((score or {}).get("score")),
        "grade": _text((score or {}).get("grade")),
        "payload": _text(json.dumps(payload, ensure_ascii=False, sort_keys=True)),
    }


def _finding_row(run_id: int, f: dict) -> dict:
    return {
        "run_id": run_id,
        "finding_id": _text(f.get("id")) or "",
        "kind": _text(f.get("kind")),
        "subkind": _text(f.get("subkind")),
        "check": _text(f.get("check")),
        "severity": _text(f.get("severity")),
        "source": _text(f.get("source")),
        "story": _text(f.get("story")),
        "line": _int(f.get("line")),
        "end_line": _int(f.get("end_line")),
        "evidence": _text(f.get("evidence")),
        "message": _text(f.get("message")),
        "suppressed": bool(f.get("suppressed")),
    }


def _component_rows(run_id: int, entry: dict) -> list[dict]:
    comps = entry.get("components") or {}
    return [
        {
            "run_id": run_id,
            "source": _text(entry.get("source")) or "",
            "story": _text(entry.get("story")),
            "component": _text(name) or "",
            "points": _float((c or {}).get("points")),
            "max": _float((c or {}).get("max")),
        }
        for name, c in comps.items()
    ]


def _rows(run_id: int, findings_doc: dict, scores_doc: dict) -> dict[Table, list[dict]]:
    """Rows for every table of one run."""
    found = list(findings_doc.get("findings") or [])
    by_source: dict[tuple[str, str], list[dict]] = {}
    for f in found:
        by_source.setdefault(_key(f), []).append(f)
    score_index = _score_index(scores_doc)
    src_rows = []
    for src in findings_doc.get("sources") or []:
        score = score_index.get(_key(src)) or score_index.get(("*", str(src.get("source") or "")))
        src_rows.append(_source_row(run_id, src, score, by_source.get(_key(src), [])))
    comp_rows = [r for e in (scores_doc or {}).get("sources") or [] for r in _component_rows(run_id, e)]
    return {sources: src_rows, findings: [_finding_row(run_id, f) for f in found], scores: comp_rows}


def _delete_run_key(conn: Connection, run_key: str) -> None:
    """Remove an earlier run recorded under the same key (children first)."""
    ids = list(conn.execute(select(runs.c.id).where(runs.c.run_key == run_key)).scalars())
    if not ids:
        return
    for table in (findings, scores, sources):
        conn.execute(delete(table).where(table.c.run_id.in_(ids)))
    conn.execute(delete(runs).where(runs.c.id.in_(ids)))


def _run_row(findings_doc: dict, run_key: str | None, suites_hash: str | None) -> dict:
    meta = findings_doc.get("run") or {}
    return {
        "run_key": _text(run_key),
        "started": _text(meta.get("started")) or _now(),
        "recorded": _now(),
        "version": _text(meta.get("version")),
        "suites_hash": _text(suites_hash or meta.get("suites_hash")),
        "inputs": json.dumps(meta.get("inputs"), ensure_ascii=False)
        if meta.get("inputs") is not None
        else None,
        "n_sources": len(findings_doc.get("sources") or []),
        "n_findings": len(findings_doc.get("findings") or []),
    }


@dataclass
class Recording:
    """A run inserted in a transaction that is not committed yet."""

    run_id: int
    history: list[dict] = field(default_factory=list)


def _new_sqlite_file(url_or_path: str) -> Path | None:
    """The SQLite file this recording would create (None when it exists or is not a SQLite file)."""
    url = to_url(url_or_path)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    path = Path(url.database)
    return None if path.exists() else path


@contextmanager
def recording(
    url_or_path: str,
    findings_doc: dict,
    scores_doc: dict,
    run_key: str | None = None,
    *,
    suites_hash: str | None = None,
    with_history: bool = True,
) -> Iterator[Recording]:
    """Record one run in one transaction that commits only when the with-block ends normally.

    Yields the run id and (with_history) the score history including this run, read inside the
    transaction. An exception or Ctrl-C in the block rolls everything back, migrations included:
    the database is as it was (a SQLite file this call created is removed again). A run with the
    same run_key is replaced.
    """
    row = _run_row(findings_doc, run_key, suites_hash)
    created = _new_sqlite_file(url_or_path)
    try:
        with _open(url_or_path, create=True) as engine, _writer(engine).begin() as conn:
            _migrate_in(conn)
            if run_key is not None:
                _delete_run_key(conn, run_key)
            run_id = int(conn.execute(runs.insert().values(**row)).inserted_primary_key[0])
            for table, data in _rows(run_id, findings_doc, scores_doc).items():
                if data:
                    conn.execute(table.insert(), data)
            rows = [dict(r._mapping) for r in conn.execute(_history_query())] if with_history else []
            yield Recording(run_id, rows)
    except BaseException:
        if created is not None and created.is_file() and created.stat().st_size == 0:
            created.unlink(missing_ok=True)
        raise


def record_run(
    url_or_path: str,
    findings_doc: dict,
    scores_doc: dict,
    run_key: str | None = None,
    *,
    suites_hash: str | None = None,
) -> int:
    """Record one run in one transaction; a run with the same run_key is replaced. Return the run id.

    suites_hash defaults to findings_doc["run"]["suites_hash"].
    """
    with recording(url_or_path, findings_doc, scores_doc, run_key, suites_hash=suites_hash,
                   with_history=False) as rec:
        return rec.run_id


# ---------------------------------------------------------------- reading


def _history_query() -> Any:
    return (
        select(
            runs.c.id.label("run"),
            runs.c.run_key,
            runs.c.started,
            sources.c.source,
            sources.c.story,
            sources.c.status,
            sources.c.score,
            sources.c.grade,
        )
        .join_from(sources, runs, sources.c.run_id == runs.c.id)
        .order_by(sources.c.source, sources.c.story, runs.c.started, runs.c.id)
    )


def score_history(url_or_path: str) -> list[dict]:
    """One row per recorded source and run, ordered by source, then time."""
    query = _history_query()
    try:
        with _open(url_or_path, create=False) as engine:
            if not _readable(engine):
                return []
            with engine.connect() as conn:
                return [dict(r._mapping) for r in conn.execute(query)]
    except _NoDatabase as exc:
        raise HistoryError(f"no history database at {exc}") from None


def previous_run(url_or_path: str, run_key: str | None) -> dict | None:
    """The most recent recorded run other than `run_key` (preferring one of the same inputs), with its
    findings and per-source scores; None when there is none (or no database yet).

    {"run", "started", "n_findings", "findings": [{id, kind, subkind, check, severity, source, story,
    line, end_line, evidence, message, suppressed}], "scores": [{source, story, score, grade}]}
    """
    inputs = run_key.split(":", 1)[1] if run_key and ":" in run_key else None
    try:
        with _open(url_or_path, create=False) as engine:
            if not _readable(engine):
                return None
            with engine.connect() as conn:
                query = select(runs.c.id, runs.c.run_key, runs.c.started, runs.c.n_findings)
                if run_key is not None:
                    query = query.where(runs.c.run_key.is_distinct_from(run_key))
                rows = list(conn.execute(query.order_by(runs.c.started.desc(), runs.c.id.desc())))
                if not rows:
                    return None
                same = [r for r in rows if inputs is not None and str(r.run_key or "").split(":", 1)[-1] == inputs]
                chosen = (same or rows)[0]
                return {"run": chosen.id, "started": chosen.started, "n_findings": chosen.n_findings,
                        "findings": _run_findings(conn, chosen.id), "scores": _run_scores(conn, chosen.id)}
    except _NoDatabase:
        return None


def _run_findings(conn: Connection, run_id: int) -> list[dict]:
    query = select(findings.c.finding_id.label("id"), findings.c.kind, findings.c.subkind, findings.c.check,
                   findings.c.severity, findings.c.source, findings.c.story, findings.c.line,
                   findings.c.end_line, findings.c.evidence, findings.c.message, findings.c.suppressed)
    return [dict(r._mapping) for r in conn.execute(query.where(findings.c.run_id == run_id).order_by(findings.c.id))]


def _run_scores(conn: Connection, run_id: int) -> list[dict]:
    query = select(sources.c.source, sources.c.story, sources.c.score, sources.c.grade).where(
        sources.c.run_id == run_id, sources.c.status == "audited")
    return [dict(r._mapping) for r in conn.execute(query)]


def _chunks(items: list[str], size: int = CHUNK) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _hit(row: Any) -> dict:
    payload = json.loads(row.payload or "{}")
    return {
        "source": payload.get("source"),
        "score": payload.get("score"),
        "findings": payload.get("findings") or [],
        "run_id": row.id,
        "run_key": row.run_key,
        "started": row.started,
    }


def cached_by_key(url_or_path: str, cache_keys: list[str]) -> dict[str, dict]:
    """For story-aware cache keys, what the most recent run that stored each key recorded.

    A hit is {"source": source entry, "score": score entry or None, "findings": [...], ...}.
    """
    wanted = sorted({k for k in cache_keys if k})
    if not wanted:
        return {}
    best: dict[str, tuple[tuple[str, int], dict]] = {}
    try:
        with _open(url_or_path, create=False) as engine:
            if not _readable(engine):
                return {}
            with engine.connect() as conn:
                if schema_version_of(conn) < 2:
                    return {}
                for chunk in _chunks(wanted):
                    query = (
                        select(sources.c.cache_key, sources.c.source, sources.c.sha256, sources.c.payload,
                               runs.c.suites_hash, runs.c.id, runs.c.run_key, runs.c.started)
                        .join_from(sources, runs, sources.c.run_id == runs.c.id)
                        .where(sources.c.cache_key.in_(chunk), sources.c.status == "audited")
                    )
                    for r in conn.execute(query):
                        order = (r.started or "", r.id)
                        if r.cache_key not in best or order > best[r.cache_key][0]:
                            best[r.cache_key] = (order, _hit(r))
    except _NoDatabase:
        return {}
    return {k: v for k, (_, v) in best.items()}


# ---------------------------------------------------------------- formatting


def _trend(values: list[float]) -> str:
    if len(values) < 2:
        return ""
    delta = values[-1] - values[-2]
    if abs(delta) < 0.05:
        return "▬"
    return f"{'▲' if delta > 0 else '▼'} {delta:+.1f}"


def _labels(groups: dict[tuple[str, str], list[dict]]) -> dict[tuple[str, str], str]:
    """Source id as label; story/source where the same source id occurs in several stories."""
    names: dict[str, int] = {}
    for _story, source in groups:
        names[source] = names.get(source, 0) + 1
    return {
        (story, source): source if names[source] == 1 else f"{story}/{source}" for story, source in groups
    }


def _run_labels(runs: list[tuple[str, int]]) -> list[str]:
    """A run's date (YYYY-MM-DD); date and time where two shown runs share a date."""
    dates = [started[:10] or f"run {run}" for started, run in runs]
    if len(set(dates)) == len(dates):
        return dates
    return [started[:16].replace("T", " ") or f"run {run}" for started, run in runs]


def format_history(rows: list[dict], *, last: int = 10) -> str:
    """Plain text: a header of run dates (the last `last` runs, oldest first), then one line per
    source with its score in each run, the trend between its last two scores and its grade."""
    if not rows:
        return "no runs recorded\n"
    groups: dict[tuple[str, str], dict[tuple[str, int], dict]] = {}
    for r in rows:
        run = (str(r.get("started") or ""), int(r.get("run") or 0))
        groups.setdefault((str(r.get("story") or ""), str(r.get("source") or "")), {})[run] = r
    every = sorted({run for series in groups.values() for run in series})
    shown = every[-last:]
    labels = _labels(groups)
    width = max(len("source"), *(len(v) for v in labels.values()))
    dates = _run_labels(shown)
    cell = max(6, *(len(d) for d in dates))
    hidden = len(every) - len(shown)
    more = f"{hidden} earlier run{'s' if hidden != 1 else ''} not shown\n" if hidden else ""
    lines = [f"{'source':<{width}}  " + "  ".join(f"{d:>{cell}}" for d in dates) + "  trend"]
    for key in sorted(groups, key=lambda k: (k[1], k[0])):
        series = groups[key]
        cells = ["" if run not in series else "—" if series[run].get("score") is None
                 else f"{float(series[run]['score']):.1f}" for run in shown]
        ordered = [series[run] for run in sorted(series)]
        scored = [float(r["score"]) for r in ordered if r.get("score") is not None]
        grade = next((r.get("grade") for r in reversed(ordered) if r.get("grade")), "")
        tail = "  ".join(x for x in (_trend(scored), f"({grade})" if grade else "") if x)
        lines.append(f"{labels[key]:<{width}}  " + "  ".join(f"{c:>{cell}}" for c in cells) + f"  {tail}".rstrip())
    return more + "\n".join(line.rstrip() for line in lines) + "\n"


def ensure_schema(url_or_path: str) -> int:
    """Create or upgrade the history schema; return its version (safe to call repeatedly)."""
    with _open(url_or_path, create=True) as engine:
        return migrate(engine)
