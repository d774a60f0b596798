"""Load and validate everything under expectations/: thresholds, lexicons, scoring, suites.

Rules are data: code holds the generic mechanisms, this folder holds what they look for.
Every file is read with bounds (size, nesting, YAML alias expansion) and validated against its
JSON Schema in auditor/schemas/ before any work; every problem raises ConfigError naming the
file and the entry.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import stat
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "expectations"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

MAX_YAML_BYTES = 2_000_000  # a YAML config or lexicon (the shipped ones are under 10 kB)
MAX_JSON_BYTES = 10_000_000  # a suite (or a baseline)
MAX_DEPTH = 64  # nesting levels of any config document
MAX_YAML_NODES = 200_000  # nodes of a YAML document once its aliases are expanded


@dataclass
class Config:
    """The parsed expectations folder."""

    root: Path
    checks: dict[str, Any]
    scoring: dict[str, Any]
    lexicons: dict[str, Any]
    suites: dict[str, dict[str, Any]] = field(default_factory=dict)  # suite name -> parsed JSON
    suite_paths: dict[str, Path] = field(default_factory=dict)
    digest: str = ""

    def check(self, name: str) -> dict[str, Any]:
        """Thresholds of one mechanism (empty dict when not configured)."""
        return dict(self.checks.get(name) or {})


def default_dir() -> Path:
    """The project's expectations/ (installed editable or from a checkout)."""
    return DEFAULT_DIR


# --- bounded reading ---------------------------------------------------------------------------


def read_bounded(path: Path, limit: int) -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes; ConfigError otherwise."""
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise ConfigError(path, "file is missing") from exc
    except OSError as exc:
        raise ConfigError(path, f"cannot read: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise ConfigError(path, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(path, "is not a regular file")
    if info.st_size > limit:
        raise ConfigError(path, f"is {info.st_size:,} bytes, more than the {limit:,} allowed")
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ConfigError(path, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise ConfigError(path, f"is more than the {limit:,} bytes allowed")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, f"is not UTF-8 text (bad byte at offset {exc.start}): save it as UTF-8") from exc


def _depth(value: Any) -> int:
    """Nesting depth of parsed JSON/YAML data (iterative: safe on any depth)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a finite number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    data = dict(pairs)
    if len(data) != len(pairs):
        twice = sorted({k for k, _ in pairs if sum(1 for j, _ in pairs if j == k) > 1})
        raise ValueError(f"duplicate key(s) {twice} in one object")
    return data


def parse_json(path: Path, text: str) -> Any:
    """JSON with unique keys, no NaN/Infinity and at most MAX_DEPTH levels of nesting; ConfigError otherwise."""
    try:
        data = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise ConfigError(path, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    except ValueError as exc:
        raise ConfigError(path, f"invalid JSON: {exc}") from exc
    except RecursionError as exc:
        raise ConfigError(path, f"nested more than {MAX_DEPTH} levels deep") from exc
    if _depth(data) > MAX_DEPTH:
        raise ConfigError(path, f"nested more than {MAX_DEPTH} levels deep")
    return data


def _read_json(path: Path) -> Any:
    return parse_json(path, read_bounded(path, MAX_JSON_BYTES))


class _Limit(yaml.YAMLError):
    """A YAML document over the nesting or alias-expansion bounds."""


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader with bounded nesting and bounded alias expansion (no "billion laughs")."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._level = 0
        self.aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._level += 1
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
        try:
            if self._level > MAX_DEPTH:
                raise _Limit(f"nested more than {MAX_DEPTH} levels deep (line {self.peek_event().start_mark.line + 1})")
            return super().compose_node(parent, index)
        finally:
            self._level -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """A key written twice in one mapping is an error (YAML would keep the last silently)."""
        if isinstance(node, yaml.MappingNode):
            seen: set[tuple[str, str]] = set()
            for key_node, _value in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"duplicate key {key_node.value!r}", key_node.start_mark)
                    seen.add(key)
        return super().construct_mapping(node, deep)


def _expanded(node: yaml.Node, level: int, memo: dict[int, tuple[int, int]], active: set[int]) -> tuple[int, int]:
    """(node count, height) of a node with its aliases expanded; _Limit past the bounds or on a cycle."""
    key = id(node)
    if key in memo:
        size, height = memo[key]
        if level + height - 1 > MAX_DEPTH:
            raise _Limit(f"nested more than {MAX_DEPTH} levels deep once its aliases are expanded")
        return size, height
    if key in active:
        raise _Limit("an alias refers to the node that holds it (a recursive structure)")
    if level > MAX_DEPTH:
        raise _Limit(f"nested more than {MAX_DEPTH} levels deep once its aliases are expanded")
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        children = []
    active.add(key)
    size, height = 1, 1
    for child in children:
        child_size, child_height = _expanded(child, level + 1, memo, active)
        size += child_size
        height = max(height, child_height + 1)
        if size > MAX_YAML_NODES:
            raise _Limit(f"more than {MAX_YAML_NODES:,} values once its aliases are expanded (an alias bomb?)")
    active.discard(key)
    memo[key] = (size, height)
    return size, height


def parse_yaml(path: Path, text: str) -> Any:
    """YAML through BoundedLoader; ConfigError naming the line on any problem."""
    loader = BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if loader.aliases:  # without aliases the composer's own depth bound is enough
            _expanded(node, 1, {}, set())
        return loader.construct_document(node)
    except _Limit as exc:
        raise ConfigError(path, f"invalid YAML: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(path, f"invalid YAML{where}: {getattr(exc, 'problem', None) or exc}") from exc
    finally:
        loader.dispose()


def _read_yaml(path: Path) -> Any:
    return parse_yaml(path, read_bounded(path, MAX_YAML_BYTES))


# --- schema and value checks -------------------------------------------------------------------


@cache
def _validator(schema: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads((SCHEMA_DIR / schema).read_text(encoding="utf-8")))


def schema_names() -> list[str]:
    """Every schema kept in the package, relative to auditor/schemas/."""
    return sorted(str(p.relative_to(SCHEMA_DIR)) for p in SCHEMA_DIR.rglob("*.schema.json"))


def _where(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _explain(error: Any, schema: str) -> str:
    """One line for a jsonschema error: where, then what is wrong (without dumping big values)."""
    where = _where(error.absolute_path) or "top level"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(error.schema.get("properties") or {})
        extra = sorted(k for k in error.instance if k not in known)
        return (f"{where}: unknown key(s) {extra}" + (f"; known: {known}" if known else "")
                + f" (a new key is declared in auditor/schemas/{schema})")
    if error.validator == "type":
        return f"{where}: must be of type {error.validator_value}, got {type(error.instance).__name__} " \
               f"{_short(error.instance)}"
    if error.validator is False or error.validator_value is False:
        return f"{where}: not allowed here"
    message = error.message if len(error.message) <= 300 else error.message[:299] + "…"
    return f"{where}: {message}"


def validate_schema(path: Path, data: Any, schema: str) -> None:
    """Check data against one of the package's schemas; ConfigError naming the first offending entry."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator(schema).iter_errors(data))
    if error is not None:
        raise ConfigError(path, _explain(error, schema))


_NESTED = (dict, list, float)


def _bad_value(value: Any, word_lists: bool, name_keys: bool) -> tuple[list, str] | None:
    """(path, problem) of the first value that is not finite, a boolean in a word list or a key
    that is not a string; None when all is well. Only containers and floats are descended into."""
    if isinstance(value, float):
        return None if math.isfinite(value) else ([], f"{value} is not a finite number")
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if name_keys and isinstance(value, dict) and not isinstance(key, str):
            return [key], f"read as a {type(key).__name__}, not a name: quote it"
        if word_lists and isinstance(value, list) and isinstance(item, bool):
            return [key], f"was read as the boolean {item}: quote the word"
        if isinstance(item, _NESTED):
            bad = _bad_value(item, word_lists, name_keys)
            if bad:
                bad[0].insert(0, key)
                return bad
    return None


def _check_values(path: Path, data: Any, word_lists: bool = False, name_keys: bool = False) -> None:
    """No NaN or infinity anywhere (YAML .nan/.inf, JSON 1e400); in YAML, keys that are names and, in
    word lists, no bare no/yes/on/off (YAML reads them as booleans)."""
    bad = _bad_value(data, word_lists, name_keys)
    if bad:
        raise ConfigError(path, f"{_where(bad[0]) or 'value'}: {bad[1]}")


def _check_regexes(path: Path, value: Any, where: str = "") -> None:
    """Compile every string under a key named 'pattern' or 'patterns' so bad regexes fail early."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("pattern", "patterns", "regex"):
                for i, pat in enumerate(item if isinstance(item, list) else [item]):
                    try:
                        re.compile(pat)
                    except (re.error, TypeError) as exc:
                        raise ConfigError(path, f"bad regex at {where}{key}[{i}] {pat!r}: {exc}") from exc
            elif isinstance(item, dict | list):
                _check_regexes(path, item, f"{where}{key}.")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict | list):
                _check_regexes(path, item, f"{where}[{i}].")


def _check_confusion(path: Path, lexicon: dict) -> None:
    """Context and 'before' words must be listed under one of the pair's own terms."""
    for i, pair in enumerate(lexicon.get("pairs") or []):
        for part in ("contexts", "before"):
            stray = sorted(set(pair.get(part) or {}) - set(pair["terms"]))
            if stray:
                raise ConfigError(path, f"pairs[{i}].{part}: {stray} is not one of the terms {pair['terms']}")


def _load_yaml_mapping(path: Path, schema: str, word_lists: bool = False) -> dict:
    """A YAML file that must hold a mapping (empty file: {}), checked against its schema."""
    data = _read_yaml(path)
    if data is None:
        data = {}
    _check_values(path, data, word_lists=word_lists, name_keys=True)
    validate_schema(path, data, schema)
    _check_regexes(path, data)
    return data


# --- the folder --------------------------------------------------------------------------------


def _load_lexicons(folder: Path) -> dict[str, Any]:
    lexicons: dict[str, Any] = {}
    if not folder.is_dir():
        return lexicons
    for path in sorted(folder.glob("*.yaml")):
        own = f"lexicons/{path.stem}.schema.json"
        data = _load_yaml_mapping(path, own if (SCHEMA_DIR / own).is_file() else "lexicon.schema.json", True)
        if path.stem == "confusion":
            _check_confusion(path, data)
        lexicons[path.stem] = data
    return lexicons


def _load_suites(folder: Path) -> tuple[dict[str, dict], dict[str, Path]]:
    from .expect import check_suite  # the frames and their columns are the expect stage's

    suites: dict[str, dict] = {}
    paths: dict[str, Path] = {}
    if not folder.is_dir():
        raise ConfigError(folder, "no suites folder")
    for path in sorted(folder.glob("*.json")):
        data = _read_json(path)
        _check_values(path, data)
        validate_schema(path, data, "suite.schema.json")
        name = data["name"]
        if name in suites:
            raise ConfigError(path, f"suite name {name!r} is already used by {paths[name]}: names must be unique")
        check_suite(path, data)
        suites[name] = data
        paths[name] = path
    if not suites:
        raise ConfigError(folder, "no suite files (*.json)")
    return suites, paths


def _check_scoring_kinds(path: Path, scoring: dict, suites: dict[str, dict]) -> None:
    """Every kind scoring.yaml names must be a kind some suite reports (a typo would cost nothing)."""
    from .expect import FRAME_COLUMNS

    known = set(FRAME_COLUMNS) | {s["meta"].get("kind", "") for s in suites.values()}
    known |= {e["meta"].get("kind", "") for s in suites.values() for e in s["expectations"]}
    named = [(f"kind_multiplier.{k}", k) for k in scoring.get("kind_multiplier") or {}]
    named += [(f"subkind_multiplier.{k}", k.split(".")[0]) for k in scoring.get("subkind_multiplier") or {}]
    for comp, spec in (scoring.get("components") or {}).items():
        for key in ("kinds", "penalty_kinds"):
            named += [(f"components.{comp}.{key}[{i}]", k) for i, k in enumerate(spec.get(key) or [])]
    for where, kind in named:
        if kind not in known:
            raise ConfigError(path, f"{where}: unknown finding kind {kind!r} (known: {sorted(known - {''})})")


def _digest(root: Path) -> str:
    """Hash of every file under the folder: part of cache keys for incremental runs."""
    sha = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        sha.update(str(path.relative_to(root)).encode())
        try:
            sha.update(path.read_bytes())
        except OSError as exc:
            raise ConfigError(path, f"cannot read: {exc.strerror or exc}") from exc
    return sha.hexdigest()


def load_config(root: Path | None = None) -> Config:
    """Read and validate the expectations folder; raise ConfigError on any problem."""
    root = Path(root) if root else default_dir()
    if not root.is_dir():
        raise ConfigError(root, "expectations folder does not exist")
    checks = _load_yaml_mapping(root / "checks.yaml", "checks.schema.json")
    scoring = _load_yaml_mapping(root / "scoring.yaml", "scoring.schema.json")
    lexicons = _load_lexicons(root / "lexicons")
    suites, paths = _load_suites(root / "suites")
    _check_scoring_kinds(root / "scoring.yaml", scoring, suites)
    return Config(root=root, checks=checks, scoring=scoring, lexicons=lexicons, suites=suites, suite_paths=paths,
                  digest=_digest(root))
