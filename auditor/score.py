"""Score stage: findings and per-source metrics -> a 0-100 score per source, explained.

Components and weights come from expectations/scoring.yaml. Each component has a type:
- findings: starts at max_points and loses points per finding of its kinds
  (severity_points x kind_multiplier x subkind_multiplier), never below zero;
- share: max_points x a per-source ratio from the metrics frame (e.g. corroborated claims);
- presence: max_points split over named boolean metrics (dateline, byline, named sources).
The score is the sum of component points scaled to `scale`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pandas as pd

from .errors import ConfigError
from .findings import Finding


def grade(score: float, bands: dict[str, float]) -> str:
    """The first grade whose lower bound the score reaches."""
    for name, low in sorted(bands.items(), key=lambda kv: -float(kv[1])):
        if score >= float(low):
            return name
    return list(bands)[-1] if bands else ""


def finding_cost(f: Finding, cfg: dict) -> float:
    """Points one finding takes from its component."""
    base = float(cfg.get("severity_points", {}).get(f.severity, 0))
    mult = float(cfg.get("kind_multiplier", {}).get(f.kind, 1.0))
    sub = float(cfg.get("subkind_multiplier", {}).get(f"{f.kind}.{f.subkind}", 1.0))
    return base * mult * sub


def _findings_component(spec: dict, own: list[Finding], cfg: dict) -> dict:
    kinds = set(spec.get("kinds", []))
    hits = [f for f in own if f.kind in kinds and not f.suppressed]
    lost = sum(finding_cost(f, cfg) for f in hits)
    top = float(spec["max_points"])
    points = max(0.0, top - lost)
    detail = ", ".join(f"{n} {k}" for k, n in sorted(Counter(f.kind for f in hits).items())) or "no findings"
    return {"points": round(points, 2), "max": top, "finding_ids": [f.id for f in hits],
            "detail": f"-{round(min(lost, top), 2)} for {detail}"}


def _share_component(spec: dict, metrics: dict[str, Any]) -> dict:
    top = float(spec["max_points"])
    num, den = metrics.get(spec["numerator"], 0), metrics.get(spec["denominator"], 0)
    share = float(num) / float(den) if den else float(spec.get("empty_share", 1.0))
    return {"points": round(top * share, 2), "max": top, "finding_ids": [],
            "detail": f"{num} of {den} {spec.get('label', spec['numerator'])}"}


def _presence_component(spec: dict, metrics: dict[str, Any]) -> dict:
    top = float(spec["max_points"])
    items = spec["metrics"]
    have = [m for m in items if metrics.get(m)]
    return {"points": round(top * len(have) / len(items), 2), "max": top, "finding_ids": [],
            "detail": "has " + (", ".join(have) or "none") + "; lacks " + (", ".join(m for m in items if m not in have) or "none")}


def _component(name: str, spec: dict, own: list[Finding], metrics: dict, cfg: dict) -> dict:
    kind = spec.get("type", "findings")
    if kind == "findings":
        return _findings_component(spec, own, cfg)
    if kind == "share":
        return _share_component(spec, metrics)
    if kind == "presence":
        return _presence_component(spec, metrics)
    raise ConfigError("scoring.yaml", f"component {name}: unknown type {kind!r}")


def score_sources(sources: pd.DataFrame, findings: list[Finding], cfg: dict,
                  metrics: dict[str, dict] | None = None) -> list[dict]:
    """One scores.json entry per audited source, sorted by story then source."""
    by_source: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_source[f.source].append(f)
    components = cfg.get("components") or {}
    scale = float(cfg.get("scale", 100))
    total_max = sum(float(c["max_points"]) for c in components.values()) or 1.0
    out = []
    audited = sources[sources["status"] == "audited"].sort_values(["story", "source"])
    for source, story in zip(audited["source"], audited["story"], strict=True):
        own = by_source.get(source, [])
        parts = {name: _component(name, spec, own, (metrics or {}).get(source, {}), cfg)
                 for name, spec in components.items()}
        value = round(scale * sum(p["points"] for p in parts.values()) / total_max, 2)
        out.append({"source": source, "story": story, "score": value, "grade": grade(value, cfg.get("grades", {})),
                    "components": parts, "findings": dict(sorted(Counter(f.kind for f in own if not f.suppressed).items()))})
    return out
