"""Load and validate everything under expectations/: thresholds, lexicons, scoring, suites.

Rules are data: code holds the generic mechanisms, this folder holds what they look for.
Every problem raises ConfigError naming the file and what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "expectations"


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


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(path, "file is missing") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(path, f"invalid YAML{where}: {getattr(exc, 'problem', exc)}") from exc


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ConfigError(path, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc


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
            else:
                _check_regexes(path, item, f"{where}{key}.")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_regexes(path, item, f"{where}[{i}].")


def _check_numbers(path: Path, value: Any, where: str = "") -> None:
    """Every leaf under a numeric-looking key (weights, thresholds) must be a number."""
    numeric = ("weight", "threshold", "min_", "max_", "ratio", "points", "penalty", "cap", "tolerance")
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                _check_numbers(path, item, f"{where}{key}.")
            elif any(key.startswith(p) or key.endswith(p.rstrip("_")) for p in numeric) and not (
                isinstance(item, (int, float)) and not isinstance(item, bool)
            ):
                raise ConfigError(path, f"{where}{key} must be a number, got {item!r}")


NUMERIC_SECTIONS = ("severity_points", "kind_multiplier", "subkind_multiplier", "grades")


def _validate_scoring(path: Path, scoring: dict) -> None:
    """Weights and bands must be numbers; every component needs max_points."""
    for section in NUMERIC_SECTIONS:
        for key, value in (scoring.get(section) or {}).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(path, f"{section}.{key} must be a number, got {value!r}")
    components = scoring.get("components")
    if not isinstance(components, dict) or not components:
        raise ConfigError(path, "components: at least one component is needed")
    for name, spec in components.items():
        if not isinstance(spec, dict) or isinstance(spec.get("max_points"), bool) or not isinstance(
                spec.get("max_points"), (int, float)):
            raise ConfigError(path, f"components.{name}.max_points must be a number")


def _check_word_lists(path: Path, value: Any, where: str = "") -> None:
    """YAML reads bare no/yes/on/off as booleans: inside word lists that is always a mistake."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_word_lists(path, item, f"{where}{key}.")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, bool):
                raise ConfigError(path, f"{where}[{i}] was read as the boolean {item}: quote the word")
            _check_word_lists(path, item, f"{where}[{i}].")


def _load_lexicons(folder: Path) -> dict[str, Any]:
    lexicons: dict[str, Any] = {}
    if not folder.is_dir():
        return lexicons
    for path in sorted(folder.glob("*.yaml")):
        data = _read_yaml(path)
        _check_regexes(path, data)
        _check_word_lists(path, data)
        lexicons[path.stem] = data
    return lexicons


def _load_suites(folder: Path) -> tuple[dict[str, dict], dict[str, Path]]:
    suites: dict[str, dict] = {}
    paths: dict[str, Path] = {}
    if not folder.is_dir():
        raise ConfigError(folder, "no suites folder")
    for path in sorted(folder.glob("*.json")):
        data = _read_json(path)
        if not isinstance(data, dict) or "name" not in data or not isinstance(data.get("expectations"), list):
            raise ConfigError(path, 'a suite needs {"name": ..., "expectations": [...]}')
        if not isinstance(data.get("meta", {}).get("frame"), str):
            raise ConfigError(path, 'suite meta needs "frame": the candidate frame it validates')
        for i, exp in enumerate(data["expectations"]):
            if not isinstance(exp, dict) or "type" not in exp:
                raise ConfigError(path, f"expectation #{i + 1} has no type")
            if not isinstance(exp.get("meta", {}).get("check"), str):
                raise ConfigError(path, f"expectation #{i + 1} ({exp['type']}) needs meta.check: a stable name")
        suites[data["name"]] = data
        paths[data["name"]] = path
    if not suites:
        raise ConfigError(folder, "no suite files (*.json)")
    return suites, paths


def _digest(root: Path) -> str:
    """Hash of every file under the folder: part of cache keys for incremental runs."""
    sha = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        sha.update(str(path.relative_to(root)).encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()


def load_config(root: Path | None = None) -> Config:
    """Read and validate the expectations folder; raise ConfigError on any problem."""
    root = Path(root) if root else default_dir()
    if not root.is_dir():
        raise ConfigError(root, "expectations folder does not exist")
    checks = _read_yaml(root / "checks.yaml") or {}
    scoring = _read_yaml(root / "scoring.yaml") or {}
    for path, data in ((root / "checks.yaml", checks), (root / "scoring.yaml", scoring)):
        if not isinstance(data, dict):
            raise ConfigError(path, "top level must be a mapping")
        _check_numbers(path, data)
        _check_regexes(path, data)
    _validate_scoring(root / "scoring.yaml", scoring)
    suites, paths = _load_suites(root / "suites")
    return Config(
        root=root,
        checks=checks,
        scoring=scoring,
        lexicons=_load_lexicons(root / "lexicons"),
        suites=suites,
        suite_paths=paths,
        digest=_digest(root),
    )
