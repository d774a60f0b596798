"""Incremental runs: reuse stored per-source results of stories that have not changed.

A source's cache key hashes the auditor version, the expectations digest, its story and the
content hash of every source of that story, so any change in a story (an edited, added or removed
article) or in the suites recomputes the whole story; cross-source checks stay right.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import pandas as pd

from . import __version__
from .findings import Finding


def cache_keys(sources: pd.DataFrame, digest: str) -> dict[str, str]:
    """source id -> story-aware cache key, for audited sources."""
    audited = sources[sources["status"] == "audited"]
    members: dict[str, list[str]] = defaultdict(list)
    for source, story, sha in zip(audited["source"], audited["story"], audited["sha256"], strict=True):
        members[story].append(f"{source}\x1f{sha}")
    story_fp = {story: hashlib.sha256("\n".join(sorted(m)).encode()).hexdigest() for story, m in members.items()}
    return {source: hashlib.sha256(f"{__version__}\x1f{digest}\x1f{story}\x1f{story_fp[story]}\x1f{source}"
                                   .encode()).hexdigest()
            for source, story in zip(audited["source"], audited["story"], strict=True)}


def reusable(sources: pd.DataFrame, keys: dict[str, str], db: str) -> dict[str, dict]:
    """source id -> stored hit, only for stories where every source has one."""
    from .history import cached_by_key

    hits = cached_by_key(db, list(keys.values()))
    audited = sources[sources["status"] == "audited"]
    out: dict[str, dict] = {}
    for _, group in audited.groupby("story", sort=False):
        found = {s: hits.get(keys[s]) for s in group["source"]}
        if all(h and h.get("score") for h in found.values()):
            out.update(found)
    return out


def stored_findings(hits: dict[str, dict]) -> list[Finding]:
    """The stored findings of reused sources as Finding records."""
    fields = set(Finding.__dataclass_fields__)
    return [Finding(**{k: v for k, v in f.items() if k in fields}) for h in hits.values() for f in h["findings"]]
