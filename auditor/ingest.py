"""Stage 1, ingest: input paths -> the `sources` frame.

One row per source (an article). Every input file is accounted for: audited, or skipped
with a reason. Nothing here raises for a bad file.

Columns of `sources`: source, story, path, status ("audited" | "skipped"), reason, text,
title, published (ISO date or None), outlet, url, sha256.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".json"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
LATIN_FAMILY = {"cp1250", "cp1252", "cp1257", "latin_1", "iso8859_2", "iso8859_15", "iso8859_16", "iso8859_4",
                "iso8859_10", "iso8859_13", "iso8859_14", "mac_roman", "mac_latin2", "cp850", "cp437", "cp858"}
SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Source:
    """One input article, or one input that could not be audited."""

    source: str
    story: str
    path: str
    status: str = "audited"
    reason: str | None = None
    text: str = ""
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    sha256: str | None = None


def _skip(source: str, story: str, path: Path, reason: str) -> Source:
    return Source(source=source, story=story, path=str(path), status="skipped", reason=reason)


def decode_bytes(data: bytes) -> tuple[str | None, str | None]:
    """Decode file bytes: (text, None) or (None, reason). Handles BOMs and legacy encodings."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), None
            except UnicodeDecodeError:
                return None, f"undecodable {enc} text"
    if b"\x00" in data[:8192]:
        return None, "binary file (NUL bytes)"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None, "undecodable: no text encoding fits"
    if best.encoding in LATIN_FAMILY:
        # single-byte Latin guesses are unreliable on short texts: Windows-1252 is the usual one
        for encoding in ("cp1252", "latin-1"):
            try:
                return data.decode(encoding), None
            except UnicodeDecodeError:
                continue
    return str(best), None


def _clean_text(text: str) -> str:
    """Drop characters that are never article text (NULs, other C0 controls but tab/newlines)."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)


def extract_html(html: str) -> str | None:
    """Main text of an HTML article through trafilatura (a real article extractor)."""
    import trafilatura

    return trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def guess_title(text: str) -> str | None:
    """The first line when it reads as a headline: short, no final full stop, not a bullet."""
    line = _first_line(text)
    if not line or len(line) > 160 or line[0] in "-*•" or line.endswith((".", ":")):
        return None
    if len([ln for ln in text.splitlines() if ln.strip()]) < 2:
        return None
    return line


def guess_published(text: str) -> str | None:
    """The article's dateline (first date near the top), as an ISO date."""
    from .extract.dates import parse_dateline

    found = parse_dateline(text[:2000])
    return found.isoformat() if found else None


def _ids_for(root: Path, path: Path) -> tuple[str, str]:
    """(source id, story) of a file under an input root, per the contract."""
    rel = path.relative_to(root).with_suffix("")
    source = rel.as_posix()
    story_parts = [root.name or root.resolve().name, *rel.parent.parts]
    return source, "/".join(p for p in story_parts if p)


def _walk(root: Path) -> Iterator[Path]:
    """Files below root, sorted, following no symlinked directories (no loops)."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def _finish(src: Source, raw: bytes | None = None) -> Source:
    text = _clean_text(src.text)
    if not text.strip():
        return _skip(src.source, src.story, Path(src.path), "empty: no text")
    src.text = text
    src.sha256 = hashlib.sha256(raw if raw is not None else text.encode("utf-8")).hexdigest()
    src.title = src.title or guess_title(text)
    src.published = src.published or guess_published(text)
    return src


def _read_records(root: Path, path: Path, data: str) -> Iterator[Source]:
    """Records of a .json/.jsonl file: each with a `text`; bad lines are reported, not fatal."""
    base, story = _ids_for(root, path)
    if path.suffix.lower() == ".jsonl":
        rows = []
        for number, line in enumerate(data.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                yield _skip(f"{base}#{number}", story, path, f"line {number}: invalid JSON ({exc.msg})")
    else:
        try:
            doc = json.loads(data)
        except json.JSONDecodeError as exc:
            yield _skip(base, story, path, f"invalid JSON at line {exc.lineno}: {exc.msg}")
            return
        doc = doc if isinstance(doc, list) else [doc]
        rows = list(enumerate(doc, 1))
    for number, rec in rows:
        yield _record_source(base, story, path, number, rec)


def _record_source(base: str, story: str, path: Path, number: int, rec: object) -> Source:
    if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
        return _skip(f"{base}#{number}", story, path, f"record {number}: no 'text' string field")
    rid = SAFE_ID.sub("_", str(rec.get("id") or number)).strip("._") or str(number)
    src = Source(source=f"{base}/{rid}", story=story, path=str(path), text=rec["text"])
    for key in ("title", "published", "outlet", "url"):
        if isinstance(rec.get(key), str) and rec[key].strip():
            setattr(src, key, rec[key].strip())
    return _finish(src)


def read_file(root: Path, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Source]:
    """All sources of one input file (several for JSON records); never raises."""
    source, story = _ids_for(root, path)
    suffix = path.suffix.lower()
    if suffix not in KNOWN_SUFFIXES:
        return [_skip(source, story, path, f"unsupported file type {suffix or '(none)'}")]
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return [_skip(source, story, path, f"too large: {size} bytes (limit {max_bytes})")]
        raw = path.read_bytes()
    except OSError as exc:
        return [_skip(source, story, path, f"unreadable: {exc.strerror or exc}")]
    text, problem = decode_bytes(raw)
    if text is None:
        return [_skip(source, story, path, problem or "undecodable")]
    if suffix in RECORD_SUFFIXES:
        return list(_read_records(root, path, text))
    if suffix in HTML_SUFFIXES:
        text = extract_html(text) or ""
    return [_finish(Source(source=source, story=story, path=str(path), text=text), raw)]


def discover(paths: list[Path]) -> Iterator[tuple[Path, Path]]:
    """(root, file) pairs for every input: a folder is walked, a file is its own root's child."""
    for given in paths:
        if given.is_dir():
            for file in _walk(given):
                yield given, file
        else:
            yield given.parent, given


def ingest(paths: list[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> pd.DataFrame:
    """The `sources` frame for the given inputs."""
    rows: list[Source] = []
    for root, file in discover(paths):
        if not file.exists() and not file.is_symlink():
            source, story = file.stem, root.name
            rows.append(_skip(source, story, file, "no such file"))
            continue
        rows.extend(read_file(root, file, max_bytes))
    return sources_frame(rows)


def sources_frame(rows: list[Source]) -> pd.DataFrame:
    """Sources as a frame, with unique ids (a duplicate id gets a numeric suffix)."""
    seen: dict[str, int] = {}
    for src in rows:
        n = seen.get(src.source, 0)
        seen[src.source] = n + 1
        if n:
            src.source = f"{src.source}~{n + 1}"
    columns = list(Source.__dataclass_fields__)
    return pd.DataFrame([asdict(s) for s in rows], columns=columns)
