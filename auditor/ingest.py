"""Stage 1, ingest: input paths -> the `sources` frame.

One row per source (an article). Every input is accounted for: audited, or skipped with a
reason. Nothing here raises for a bad file (see docs/robustness.md for each kind of bad input);
a module that cannot be imported while reading (the HTML extractor's) raises `MissingDependency`:
a broken installation is a tool error, not a bad input.

Each file is read once however it was named: inputs are keyed by their resolved path, and a later
name for a file already met (the same folder given twice, a folder and a file inside it, a symlink
to an article of the folder) is listed as skipped with the reason "duplicate of <source id>".
A symlink whose target lies outside its input root (the folder given, or the folder of a file
given) is skipped with a reason and never opened, whether it was found in a walk or given by name.

Columns of `sources`: source, story, path, status ("audited" | "skipped"), reason, text,
title, published (ISO date or None), outlet, url, sha256.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import io
import json
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, AnyStr

import pandas as pd

from .errors import MissingDependency
from .language import detect as detect_language
from .parallel import PARALLEL_MIN_SOURCES, default_jobs, map_items

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".json"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
"""Largest file (or JSONL record) read; bigger ones are skipped without being read whole."""
MAX_BAD_RECORDS = 100
"""Bad records of one JSON/JSONL file reported one by one; the rest are counted in one entry."""
MAX_META_CHARS = 500
"""Longest title, outlet, url or published value kept from a JSON record."""
SNIFF_BYTES = 8192
LATIN_FAMILY = {"cp1250", "cp1252", "cp1257", "latin_1", "iso8859_2", "iso8859_15", "iso8859_16", "iso8859_4",
                "iso8859_10", "iso8859_13", "iso8859_14", "mac_roman", "mac_latin2", "cp850", "cp437", "cp858"}
SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LINE_SEPARATOR = str.maketrans({"\u2028": "\n", "\u2029": "\n"})


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


def _printable(name: str) -> str:
    """A file name safe to write as UTF-8: undecodable bytes become \\xNN escapes."""
    def escape(match: re.Match[str]) -> str:
        code = ord(match.group(0))
        return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"

    return name if name.isascii() else _SURROGATE.sub(escape, name)


def _skip(source: str, story: str, path: Path, reason: str) -> Source:
    return Source(source=_printable(source), story=_printable(story), path=_printable(str(path)),
                  status="skipped", reason=reason)


# ---------------------------------------------------------------- decoding


def decode_bytes(data: bytes) -> tuple[str | None, str | None]:
    """Decode file bytes: (text, None) or (None, reason). Handles BOMs, UTF-16, legacy encodings."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # a trailing odd byte (a truncated file) is dropped
            return data[:len(data) - len(data) % 2].decode("utf-16"), None
        except UnicodeDecodeError:
            return None, "undecodable utf-16 text"
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]  # then decoded as UTF-8, or as legacy text if it is not
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16, None
        return _with_stray_nuls(data)
    text = _decode_text(data)
    if text is None:
        return None, "undecodable: no text encoding fits"
    if _mostly_controls(text[:SNIFF_BYTES]):
        return None, "binary file (control characters)"
    return text, None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM (NULs in every high byte, none in the low ones), or None."""
    head = data[:SNIFF_BYTES - SNIFF_BYTES % 2]
    half = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if half < 2 or (even and odd):
        return None
    if max(even, odd) * 20 < half:
        return None
    try:
        text = data[:len(data) - len(data) % 2].decode("utf-16-le" if odd else "utf-16-be")
    except UnicodeDecodeError:
        return None
    return None if _mostly_controls(text[:SNIFF_BYTES]) else text


def _with_stray_nuls(data: bytes) -> tuple[str | None, str | None]:
    """A UTF-8 text with a few stray NULs (under 1%) is read without them; anything else is binary."""
    head = data[:SNIFF_BYTES]
    if head.count(0) * 100 <= len(head):
        try:
            text = data.replace(b"\x00", b"").decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and not _mostly_controls(text[:SNIFF_BYTES]):
            return text, None
    return None, "binary file (NUL bytes)"


def _decode_text(data: bytes) -> str | None:
    """UTF-8, else the detected encoding, with Windows-1252 for any Latin-script guess."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    guess = str(best)
    if best.encoding in LATIN_FAMILY or _latin_script(guess):
        # single-byte Latin guesses are unreliable on short texts: Windows-1252 is the usual one
        for encoding in ("cp1252", "latin-1"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    return guess


def _latin_script(text: str) -> bool:
    """True when every non-ASCII letter of the text is a Latin letter."""
    letters = {c for c in text if ord(c) > 127 and c.isalpha()}
    return all(unicodedata.name(c, "").startswith("LATIN") for c in letters)


def _mostly_controls(sample: str) -> bool:
    """More than 10% control characters: not article text."""
    return len(_CONTROL.findall(sample)) * 10 > len(sample) > 0


def _mojibake_tables() -> tuple[dict[str, int], re.Pattern[str]]:
    """Char -> byte of Windows-1252/Latin-1, and the pattern of UTF-8 read as Windows-1252."""
    byte_of: dict[str, int] = {}
    for b in range(0x80, 0x100):
        byte_of[chr(b)] = b
        byte_of[bytes([b]).decode("cp1252", errors="replace")] = b
    byte_of.pop("\ufffd", None)
    cont = "".join(re.escape(c) for c, b in byte_of.items() if 0x80 <= b < 0xC0)
    # leads: Â Ã (Latin-1 symbols and letters), â (punctuation, €, ™); rarer leads are left alone
    pattern = re.compile(f"[\u00c2\u00c3][{cont}]|\u00e2[{cont}]{{2}}|\u00e2\u20ac(?![{cont}])")
    return byte_of, pattern


_BYTE_OF, _MOJIBAKE = _mojibake_tables()


def _unmojibake(match: re.Match[str]) -> str:
    chunk = match.group(0)
    if chunk == "\u00e2\u20ac":  # "â€": a right double quote whose third byte (0x9D) was lost
        return "\u201d"
    try:
        return bytes(_BYTE_OF[c] for c in chunk).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return chunk


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252 ("â€™" -> "’", "Ã©" -> "é"); other text is left alone."""
    return _MOJIBAKE.sub(_unmojibake, text)


def _clean_text(text: str) -> str:
    """Drop characters that are never article text (NULs, C0/C1 controls but tab/newlines)."""
    text = _SURROGATE.sub("\ufffd", text).translate(_LINE_SEPARATOR)
    return _CONTROL.sub("", text)


def normalize_text(text: str) -> str:
    """The text that is audited: mojibake repaired, control characters dropped (in ASCII text there is
    no mojibake, surrogate or Unicode line separator: only the controls are looked for)."""
    if text.isascii():
        return _CONTROL.sub("", text)
    return _clean_text(repair_mojibake(text))


def _meta(value: object) -> str | None:
    """A metadata string from a record: cleaned, one line, at most MAX_META_CHARS."""
    if not isinstance(value, str):
        return None
    value = " ".join(_clean_text(value).split())
    if len(value) > MAX_META_CHARS:
        value = value[:MAX_META_CHARS - 1] + "…"
    return value or None


# ---------------------------------------------------------------- metadata guesses


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


def finish_source(src: Source, raw: bytes | None = None) -> Source:
    """A read source made ready: text normalized, ids printable, sha256, title and date guessed; skipped when empty."""
    text = normalize_text(src.text)
    if not text.strip():
        return _skip(src.source, src.story, Path(src.path), "empty: no text")
    src.source, src.story, src.path = _printable(src.source), _printable(src.story), _printable(src.path)
    src.text = text
    src.sha256 = hashlib.sha256(raw if raw is not None else text.encode("utf-8")).hexdigest()
    src.title = src.title or guess_title(text)
    src.published = src.published or guess_published(text)
    return src


# ---------------------------------------------------------------- files


def _ids_for(root: Path, path: Path) -> tuple[str, str]:
    """(source id, story) of a file under an input root, per the contract."""
    rel = path.relative_to(root)
    source = rel.with_suffix("").as_posix() if rel.name else (root.name or "input")
    story_parts = [root.name or root.resolve().name, *rel.parent.parts]
    return source, "/".join(p for p in story_parts if p and p != ".")


def _os_reason(path: Path, exc: OSError) -> str:
    """Why a file cannot be read, in words."""
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT and path.is_symlink():
        return "dangling symlink: its target does not exist"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "unreadable: permission denied"
    return f"unreadable: {exc.strerror or exc}"


def _inspect(path: Path) -> tuple[int, str | None]:
    """(size, problem) of a path before it is opened: only regular files are read."""
    try:
        info = path.stat()
    except OSError as exc:
        return 0, _os_reason(path, exc)
    if not stat.S_ISREG(info.st_mode):
        return 0, "not a regular file (device, pipe or socket)"
    return info.st_size, None


def _read_bounded(path: Path, max_bytes: int) -> tuple[bytes | None, str | None]:
    """The file's bytes, reading at most max_bytes + 1: (data, None) or (None, reason)."""
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return None, _os_reason(path, exc)
    if len(data) > max_bytes:
        return None, f"too large: over {max_bytes} bytes (limit {max_bytes})"
    return data, None


def read_file(root: Path, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Source]:
    """All sources of one input file (several for JSON records); never raises for a bad file."""
    source, story = _ids_for(root, path)
    size, problem = _inspect(path)
    suffix = path.suffix.lower()
    if problem is None and suffix not in KNOWN_SUFFIXES:
        problem = f"unsupported file type {suffix or '(none)'}"
    if problem:
        return [_skip(source, story, path, problem)]
    if suffix == ".jsonl":
        return list(_read_jsonl(root, path, max_bytes))
    if size > max_bytes:
        return [_skip(source, story, path, f"too large: {size} bytes (limit {max_bytes})")]
    raw, problem = _read_bounded(path, max_bytes)
    text, problem = decode_bytes(raw) if raw is not None else (None, problem)
    if text is None:
        return [_skip(source, story, path, problem or "undecodable")]
    if suffix == ".json":
        return list(_read_json(root, path, text, max_bytes))
    if suffix in HTML_SUFFIXES:
        text = _html_text(text)
        if not text:
            return [_skip(source, story, path, "empty: no article text found in the HTML")]
    return [finish_source(Source(source=source, story=story, path=str(path), text=text), raw)]


def _html_text(html: str) -> str | None:
    """The article text of an HTML page, or None when the extractor finds none (or fails)."""
    try:
        return extract_html(html)
    except (ValueError, TypeError, RecursionError, AttributeError, LookupError):
        return None


# ---------------------------------------------------------------- JSON and JSONL records


def _bounded_lines(fh: IO[AnyStr], limit: int, newline: AnyStr, number: int = 0,
                   stop: int | None = None) -> Iterator[tuple[int, AnyStr | None]]:
    """(line number, line) of a file read one line at a time; None for a line over `limit`. With `stop`
    (a line start), the lines that start before it; `number` is the count of lines before the first."""
    while stop is None or fh.tell() < stop:
        line = fh.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(newline):
            while True:  # skip the rest of the over-long line without holding it
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(newline):
                    break
            yield number, None
        else:
            yield number, line


def _jsonl_lines(path: Path, max_bytes: int, part: Part | None = None) -> Iterator[tuple[int, str | None, str | None]]:
    """(line number, text, problem) of each line of a JSONL file (or of one part of it), streamed."""
    with path.open("rb") as fh:
        head = fh.read(2)
        fh.seek(0)
        if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):  # never cut into parts (`_parts`)
            text_fh = io.TextIOWrapper(fh, encoding="utf-16", errors="replace")
            for number, line in _bounded_lines(text_fh, max_bytes // 2, "\n"):
                yield number, line, None if line is not None else _too_large(number, max_bytes)
            return
        before, stop = 0, None
        if part is not None:
            fh.seek(part.start)
            before, stop = part.lines_before, part.stop
        for number, raw in _bounded_lines(fh, max_bytes, b"\n", before, stop):
            if raw is None:
                yield number, None, _too_large(number, max_bytes)
                continue
            text, problem = _decode_line(raw[3:] if number == 1 and raw.startswith(codecs.BOM_UTF8) else raw)
            yield number, text, None if text is not None else f"line {number}: {problem}"


def _too_large(number: int, max_bytes: int) -> str:
    return f"line {number}: too large (record limit {max_bytes} bytes)"


def _decode_line(raw: bytes) -> tuple[str | None, str | None]:
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return decode_bytes(raw)


def _parse(text: str) -> tuple[object, str | None]:
    """(value, None) or (None, why it is not JSON)."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    except RecursionError:
        return None, "invalid JSON (nested too deeply)"
    except ValueError as exc:
        return None, f"invalid JSON ({exc})"


def _read_jsonl(root: Path, path: Path, max_bytes: int) -> Iterator[Source]:
    """Records of a JSONL file, one line at a time; each bad line is reported with its number."""
    base, story = _ids_for(root, path)
    yield from _capped(_jsonl_rows(base, story, path, max_bytes), base, story, path, "line")


@dataclass(frozen=True)
class Part:
    """Lines of a big JSONL file read by one worker: those starting in [start, stop), numbered from
    lines_before + 1."""

    start: int
    stop: int
    lines_before: int


PART_BYTES = 8 << 20
"""A big JSONL file (BIG_INPUT_BYTES or more) is read in parts of about this size, by several workers."""


def _parts(path: Path, size: int, jobs: int) -> list[Part]:
    """A UTF-8 JSONL file cut at line starts into parts for `jobs` workers (one part when not worth it)."""
    count = min(max(1, size // PART_BYTES), 4 * jobs) if jobs > 1 else 1
    whole = [Part(0, size, 0)]
    if count < 2:
        return whole
    parts: list[Part] = []
    start = lines = 0
    try:
        with path.open("rb") as fh:
            if fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                return whole
            fh.seek(0)
            for k in range(1, count):
                cut, newlines = _line_start_after(fh, size * k // count)
                if cut >= size:
                    break
                if cut > start:
                    parts.append(Part(start, cut, lines))
                    start, lines = cut, lines + newlines
    except OSError:
        return whole  # reported when the file is read
    return [*parts, Part(start, size, lines)]


def _line_start_after(fh: IO[bytes], target: int) -> tuple[int, int]:
    """(the first line start at or after `target`, newlines read on the way) from fh's position, which
    is a line start: the file is read in chunks, never a whole long line at once."""
    at, newlines, ends_line = fh.tell(), 0, True
    while at < target:
        chunk = fh.read(min(1 << 20, target - at))
        if not chunk:
            return at, newlines
        newlines += chunk.count(b"\n")
        at += len(chunk)
        ends_line = chunk.endswith(b"\n")
    while not ends_line:
        piece = fh.readline(1 << 20)
        if not piece:
            break
        at += len(piece)
        ends_line = piece.endswith(b"\n")
        newlines += ends_line
    return at, newlines


def _jsonl_rows(base: str, story: str, path: Path, max_bytes: int,
                part: Part | None = None) -> Iterator[tuple[int, Source]]:
    last = part.lines_before if part else 0
    try:
        for number, line, problem in _jsonl_lines(path, max_bytes, part):
            last = number
            if problem or line is None:
                yield number, _skip(f"{base}#{number}", story, path, problem or f"line {number}: unreadable")
                continue
            if not line.strip():
                continue
            rec, problem = _parse(line)
            if problem:
                yield number, _skip(f"{base}#{number}", story, path, f"line {number}: {problem}")
            else:
                yield number, _record_source(base, story, path, number, rec, max_bytes, "line")
    except OSError as exc:
        yield last + 1, _skip(f"{base}#{last + 1}", story, path, f"line {last + 1}: {_os_reason(path, exc)}")


def _read_json(root: Path, path: Path, text: str, max_bytes: int) -> Iterator[Source]:
    """Records of a JSON file: one object, or a list of objects."""
    base, story = _ids_for(root, path)
    doc, problem = _parse(text)
    if problem:
        yield _skip(base, story, path, problem)
        return
    if not isinstance(doc, dict | list):
        yield _skip(base, story, path, f"JSON holds {_kind(doc)}, not an object or a list of objects")
        return
    items = doc if isinstance(doc, list) else [doc]
    rows = ((n, _record_source(base, story, path, n, rec, max_bytes, "record")) for n, rec in enumerate(items, 1))
    yield from _capped(rows, base, story, path, "record")


def _kind(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
             dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _capped(rows: Iterable[tuple[int, Source]], base: str, story: str, path: Path, unit: str) -> Iterator[Source]:
    """Sources of one record file: the first MAX_BAD_RECORDS bad ones one by one, the rest counted."""
    shown = extra = 0
    first = last = 0
    seen = False
    for number, src in rows:
        seen = True
        if src.status == "audited" or shown < MAX_BAD_RECORDS:
            shown += src.status != "audited"
            yield src
            continue
        extra += 1
        first, last = first or number, number
    if extra:
        yield _skip(f"{base}#more", story, path,
                    f"{extra} more bad {unit}s not listed one by one ({unit}s {first} to {last})")
    if not seen:
        yield _skip(base, story, path, "empty: no records")


def _record_source(base: str, story: str, path: Path, number: int, rec: object, max_bytes: int,
                   unit: str) -> Source:
    """One record as a source, or a skip saying what is wrong with it."""
    where = f"{unit} {number}"
    if not isinstance(rec, dict):
        return _skip(f"{base}#{number}", story, path, f"{where}: {_kind(rec)}, not an object with a 'text' string")
    if not isinstance(rec.get("text"), str):
        return _skip(f"{base}#{number}", story, path, f"{where}: no 'text' string field")
    if len(rec["text"]) > max_bytes or len(rec["text"].encode("utf-8", "surrogatepass")) > max_bytes:
        return _skip(f"{base}#{number}", story, path, f"{where}: too large (record limit {max_bytes} bytes)")
    rid = SAFE_ID.sub("_", str(rec.get("id") or number)[:200]).strip("._")[:100] or str(number)
    src = Source(source=f"{base}/{rid}", story=story, path=str(path), text=rec["text"])
    for key in ("title", "published", "outlet", "url"):
        setattr(src, key, _meta(rec.get(key)))
    return finish_source(src)


# ---------------------------------------------------------------- walking the inputs


def _entry_kind(entry: os.DirEntry[str]) -> str:
    """"folder", "folder symlink" or "file" (anything else, including broken links)."""
    try:
        if entry.is_dir(follow_symlinks=False):
            return "folder"
        if entry.is_symlink() and entry.is_dir():
            return "folder symlink"
    except OSError:
        pass
    return "file"


def _walk(root: Path) -> Iterator[tuple[Path, str | None]]:
    """(file, None) for files below root, sorted, each folder's files before its subfolders;
    (path, reason) for what is not read: hidden entries, symlinked and unreadable folders."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield folder, f"unreadable folder: {exc.strerror or exc}"
            continue
        subfolders = []
        for entry in entries:
            path, kind = Path(entry.path), _entry_kind(entry)
            if entry.name.startswith("."):
                yield path, "hidden folder: not walked" if kind == "folder" else "hidden file: not read"
            elif kind == "folder":
                subfolders.append(path)
            elif kind == "folder symlink":
                yield path, "symlink to a folder: not followed"
            else:
                yield path, None
        stack.extend(reversed(subfolders))


def discover_entries(paths: list[Path]) -> Iterator[tuple[Path, Path, str | None]]:
    """(root, path, reason) for every input: reason None for a file to read, else why it is skipped."""
    for given in paths:
        if given.is_dir():
            for path, reason in _walk(given):
                yield given, path, reason
        elif given.exists() or given.is_symlink():
            yield given.parent, given, None
        else:
            yield given.parent, given, "no such file"


def _read_safely(root: Path, path: Path, max_bytes: int) -> list[Source]:
    """read_file, with any unexpected error reported as the file's skip reason, but a missing module raised."""
    try:
        return read_file(root, path, max_bytes)
    except ImportError as exc:  # the installation is broken, not the file
        raise MissingDependency(_package_of(exc), str(exc).splitlines()[0] if str(exc) else "") from exc
    except Exception as exc:  # noqa: BLE001 - a bad file never aborts the run
        source, story = _ids_for(root, path)
        return [_skip(source, story, path, f"internal error while reading: {type(exc).__name__}: {exc}")]


_SEPARATE_PROJECT = re.compile(r"separate project ([A-Za-z0-9_.-]*[A-Za-z0-9_-])")


def _package_of(exc: ImportError) -> str:
    """The package to install for an ImportError ("lxml_html_clean" for lxml's moved cleaner)."""
    moved = _SEPARATE_PROJECT.search(str(exc))
    if moved:
        return moved.group(1)
    return (exc.name or "").split(".")[0] or "unknown"


class _Gate:
    """Decides, before a file is opened, whether it is read: inside its root, and not met before."""

    def __init__(self) -> None:
        self.roots: dict[Path, str] = {}
        self.seen: dict[str, str] = {}

    def _real_root(self, root: Path) -> str:
        if root not in self.roots:
            self.roots[root] = os.path.realpath(root)
        return self.roots[root]

    def reason(self, root: Path, path: Path) -> str | None:
        """Why the file is not read (outside its root, or a duplicate), or None to read it."""
        real_root = self._real_root(root)
        if os.path.islink(path):
            real = os.path.realpath(path)
        else:  # the walk follows no folder symlink: the resolved root plus the relative path (no syscall each)
            real = os.path.join(real_root, *path.relative_to(root).parts)
        if os.path.commonpath([real, real_root]) != real_root:
            return "symlink to a file outside the input folder: not read"
        if real in self.seen:
            return f"duplicate of {self.seen[real]}"
        self.seen[real] = _printable(_ids_for(root, path)[0])
        return None


def _read_and_detect(item: tuple[Path, Path, int]) -> list[tuple[Source, str]]:
    """The sources of one file, each with its language ("" for a skipped one): the work of one worker."""
    return [(src, detect_language(src.text) if src.status == "audited" else "") for src in _read_safely(*item)]


Work = tuple[Path, Path, int] | tuple[Path, Path, int, Part]
"""What one worker reads: a file (root, path, max_bytes), or a part of a big JSONL file."""


def _cut(item: tuple[Path, Path, int], jobs: int) -> list[Work]:
    """A big JSONL file as parts read side by side; any other file as itself."""
    root, path, max_bytes = item
    if jobs < 2 or path.suffix.lower() != ".jsonl":
        return [item]
    size, problem = _inspect(path)
    if problem or size < BIG_INPUT_BYTES:
        return [item]
    parts = _parts(path, size, jobs)
    return [(root, path, max_bytes, part) for part in parts] if len(parts) > 1 else [item]


def _read_work(work: Work) -> list:
    """A file's sources with their languages (`_read_and_detect`), or a part's numbered rows with theirs."""
    if len(work) == 3:
        return _read_and_detect(work)
    root, path, max_bytes, part = work
    base, story = _ids_for(root, path)
    try:
        rows = list(_jsonl_rows(base, story, path, max_bytes, part))
    except ImportError as exc:  # the installation is broken, not the file
        raise MissingDependency(_package_of(exc), str(exc).splitlines()[0] if str(exc) else "") from exc
    except Exception as exc:  # noqa: BLE001 - a bad file never aborts the run
        first = part.lines_before + 1
        rows = [(first, _skip(f"{base}#{first}", story, path,
                              f"internal error while reading lines from {first}: {type(exc).__name__}: {exc}"))]
    return [(n, src, detect_language(src.text) if src.status == "audited" else "") for n, src in rows]


def _joined(works: list[Work], results: list[list]) -> list[tuple[Source, str]]:
    """The sources of a file read in parts, as one read would give them (bad lines capped file-wide)."""
    if len(works) == 1 and len(works[0]) == 3:
        return results[0]
    root, path = works[0][0], works[0][1]
    base, story = _ids_for(root, path)
    rows = [row for result in results for row in result]
    if rows and all(src.status == "audited" for _, src, _ in rows):  # nothing to cap
        return [(src, lang) for _, src, lang in rows]
    language = {id(src): lang for _, src, lang in rows}
    capped = _capped(((n, src) for n, src, _ in rows), base, story, path, "line")
    return [(src, language.get(id(src), "")) for src in capped]


def ingest(paths: list[Path], max_bytes: int = DEFAULT_MAX_BYTES, jobs: int | None = 1,
           meanwhile: Callable[[], object] | None = None) -> pd.DataFrame:
    """The `sources` frame for the given inputs (each file once, see the module's docstring), with each
    source's `language`; files are read in `jobs` worker processes when there are many, while
    `meanwhile` runs here (auditor.parallel.map_items)."""
    plan: list[tuple[Source, str] | None] = []  # a skipped entry, or None where a read file's sources go
    to_read: list[tuple[Path, Path, int]] = []
    gate = _Gate()
    for root, path, reason in discover_entries(paths):
        reason = reason or gate.reason(root, path)
        if reason:
            plan.append((_skip(*_ids_for(root, path), path, reason), ""))
        else:
            plan.append(None)
            to_read.append((root, path, max_bytes))
    few_but_big = _total_bytes(to_read) >= BIG_INPUT_BYTES  # one big feed: read in workers while `meanwhile` runs
    works = [_cut(item, jobs or default_jobs()) if few_but_big else [item] for item in to_read]
    done = iter(map_items(_read_work, [w for ws in works for w in ws], jobs,
                          min_items=1 if few_but_big else PARALLEL_MIN_SOURCES, meanwhile=meanwhile))
    read = iter([_joined(ws, [next(done) for _ in ws]) for ws in works])
    rows = [pair for entry in plan for pair in ([entry] if entry else next(read))]
    frame = sources_frame([src for src, _ in rows])
    frame["language"] = pd.Series([language for _, language in rows], index=frame.index, dtype=object)
    return frame


BIG_INPUT_BYTES = 4 << 20
"""Inputs this large are read by a worker process however few the files (a feed of thousands of records):
the suites are built in the meantime instead of before."""


def _total_bytes(items: list[tuple[Path, Path, int]]) -> int:
    """The size of the files to read, counted only while it matters (fewer files than a parallel read needs)."""
    if len(items) >= PARALLEL_MIN_SOURCES:
        return 0
    total = 0
    for _root, path, _limit in items:
        try:
            total += os.stat(path).st_size
        except OSError:
            continue  # reported when the file is read
    return total


def sources_frame(rows: list[Source]) -> pd.DataFrame:
    """Sources as a frame, with unique ids (a duplicate id gets a numeric suffix)."""
    seen: dict[str, int] = {}
    for src in rows:
        n = seen.get(src.source, 0)
        seen[src.source] = n + 1
        if n:
            src.source = f"{src.source}~{n + 1}"
    columns = list(Source.__dataclass_fields__)  # built column by column: asdict per row costs more than the read
    return pd.DataFrame({c: pd.Series([getattr(s, c) for s in rows], dtype=object) for c in columns},
                        columns=columns, dtype=object)
