"""Shared fixtures: the seed audit runs once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def config():
    from auditor.config import load_config

    return load_config()


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory):
    """One audit of seeds/ (json + html) shared by the tests that read its outputs."""
    from auditor.run import AuditOptions, audit

    out = tmp_path_factory.mktemp("seed-run") / "latest"
    result = audit(AuditOptions(paths=[ROOT / "seeds"], out=out, formats={"json", "html"}), log=lambda _m: None)
    return result, out


def require_or_skip(condition: bool, reason: str) -> None:
    """Skip on a developer machine, fail in CI, when something a test needs is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def shared_or_skip(path: Path) -> Path:
    """A file of ../shared: skipped on a lone clone (no ../shared at all), required when ../shared is there."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the repo (a lone clone)")
    require_or_skip(path.exists(), f"{path} is missing from ../shared")
    return path
