"""Score stage: findings and per-source metrics -> a 0-100 score per source, explained.

Components, weights and formulas come from expectations/scoring.yaml. Component types:
- findings: max_points x 0.5 ** (cost / half_life), where cost sums, over the source's unsuppressed
  findings of the component's kinds, severity_points[severity] x kind_multiplier[kind] x
  subkind_multiplier["kind.subkind"]. Every finding with a cost strictly lowers the component (a
  multiplier of 0 keeps a finding explained but free: a tally's update); never below 0.
- share: max_points x min(1, (numerator / denominator) / target) x the same decay for the
  component's penalty kinds (empty_share when the denominator is 0).
- presence: max_points split evenly over boolean metrics (dateline, byline, named sources); the
  `language_metrics` (read by English patterns) are left out for a source in another language.
A component is not assessed for a source when one of its `not_assessed_when` conditions holds
(`no_independent_source`: nobody independent in the story could confirm it; `language_not_read`: the
source is not in English, which the component's cues are): {"points": null, "assessed": false}, and
it neither adds nor takes points. The score is 100 x the points of the assessed components over their
maxima (scaled to `scale`); the grade comes from `grades`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pandas as pd

from .errors import ConfigError
from .findings import Finding
from .language import is_english, languages_of

WHY_NOT = {
    "no_independent_source": "no independent source in the story to confirm it",
    "language_not_read": "the source is in {language}, and the component's cues are English",
}
"""Why a component is not assessed, by condition (scoring.yaml `not_assessed_when`)."""


def grade(score: float, bands: dict[str, float]) -> str:
    """The first grade whose lower bound the score reaches."""
    for name, low in sorted(bands.items(), key=lambda kv: -float(kv[1])):
        if score >= float(low):
            return name
    return list(bands)[-1] if bands else ""


def finding_cost(f: Finding, cfg: dict) -> float:
    """Points of cost one finding carries (before the component's decay)."""
    base = float(cfg.get("severity_points", {}).get(f.severity, 0))
    mult = float(cfg.get("kind_multiplier", {}).get(f.kind, 1.0))
    sub = float(cfg.get("subkind_multiplier", {}).get(f"{f.kind}.{f.subkind}", 1.0))
    return base * mult * sub


def _decay(spec: dict, own: list[Finding], cfg: dict, kinds_key: str) -> tuple[float, list[Finding], float]:
    """(factor in 0..1, the findings that cost, their total cost) for a component's kinds."""
    kinds = set(spec.get(kinds_key, []))
    hits = [f for f in own if f.kind in kinds and not f.suppressed]
    cost = sum(finding_cost(f, cfg) for f in hits)
    return 0.5 ** (cost / float(spec.get("half_life", 20))), hits, cost


def _explain(hits: list[Finding], cost: float) -> str:
    if not hits:
        return "no findings"
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(Counter(f.kind for f in hits).items()))
    return f"{kinds} (cost {round(cost, 1)})"


def _findings_component(spec: dict, own: list[Finding], cfg: dict) -> dict:
    factor, hits, cost = _decay(spec, own, cfg, "kinds")
    top = float(spec["max_points"])
    return {"points": round(top * factor, 2), "max": top, "finding_ids": [f.id for f in hits],
            "detail": _explain(hits, cost)}


def _share_component(spec: dict, own: list[Finding], metrics: dict[str, Any], cfg: dict) -> dict:
    top = float(spec["max_points"])
    num, den = metrics.get(spec["numerator"], 0), metrics.get(spec["denominator"], 0)
    share = float(num) / float(den) if den else float(spec.get("empty_share", 0.5))
    target = float(spec.get("target", 1.0))
    factor, hits, cost = _decay(spec, own, cfg, "penalty_kinds")
    detail = f"{num} of {den} {spec.get('label', spec['numerator'])}"
    if hits:
        detail += f"; {_explain(hits, cost)}"
    return {"points": round(top * min(1.0, share / target) * factor, 2), "max": top,
            "finding_ids": [f.id for f in hits], "detail": detail}


def _presence_component(spec: dict, metrics: dict[str, Any], english: bool = True) -> dict:
    top = float(spec["max_points"])
    language_metrics = set(spec.get("language_metrics") or [])
    unread = [] if english else [m for m in spec["metrics"] if m in language_metrics]
    items = [m for m in spec["metrics"] if m not in unread]
    if not items:
        return _not_assessed(top, "its metrics are read by English patterns")
    have = [m for m in items if metrics.get(m)]
    lacks = [m for m in items if m not in have]
    return {"points": round(top * len(have) / len(items), 2), "max": top, "finding_ids": [],
            "detail": "has " + (", ".join(have) or "none") + "; lacks " + (", ".join(lacks) or "nothing")
            + (f"; not assessed: {', '.join(unread)} (English patterns)" if unread else "")}


def _not_assessed(top: float, why: str) -> dict:
    return {"points": None, "max": top, "assessed": False, "finding_ids": [], "detail": f"not assessed: {why}"}


def _component(name: str, spec: dict, own: list[Finding], metrics: dict, cfg: dict,
               holds: dict[str, str] | None = None) -> dict:
    """One component's entry; `holds` maps each condition true for the source to why (see WHY_NOT)."""
    holds = holds or {}
    unassessable = [holds[c] for c in spec.get("not_assessed_when") or [] if c in holds]
    if unassessable:
        return _not_assessed(float(spec["max_points"]), "; ".join(unassessable))
    kind = spec.get("type", "findings")
    if kind == "findings":
        part = _findings_component(spec, own, cfg)
    elif kind == "share":
        part = _share_component(spec, own, metrics, cfg)
    elif kind == "presence":
        part = _presence_component(spec, metrics, "language_not_read" not in holds)
    else:
        raise ConfigError("scoring.yaml", f"component {name}: unknown type {kind!r}")
    part.setdefault("assessed", True)
    return part


def conditions(language: str, others_in_story: int, metrics: dict[str, Any]) -> dict[str, str]:
    """The not-assessed conditions that hold for a source, each with why (WHY_NOT)."""
    holds = {}
    if others_in_story - int(metrics.get("syndicated_count", 0) or 0) <= 0:
        holds["no_independent_source"] = WHY_NOT["no_independent_source"]
    if not is_english(language):
        holds["language_not_read"] = WHY_NOT["language_not_read"].format(language=language)
    return holds


def total(parts: dict[str, dict], scale: float) -> float:
    """Score over the assessed components: scale x their points / their maxima."""
    assessed = [p for p in parts.values() if p.get("assessed", True)]
    top = sum(float(p["max"]) for p in assessed)
    return round(scale * sum(p["points"] for p in assessed) / top, 2) if top else scale


def score_sources(sources: pd.DataFrame, findings: list[Finding], cfg: dict,
                  metrics: dict[str, dict] | None = None) -> list[dict]:
    """One scores.json entry per audited source, sorted by story then source."""
    by_source: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_source[f.source].append(f)
    components = cfg.get("components") or {}
    scale = float(cfg.get("scale", 100))
    out = []
    audited = sources[sources["status"] == "audited"].sort_values(["story", "source"])
    languages = languages_of(audited)
    story_size = audited["story"].value_counts().to_dict()
    # sources without findings that read alike are scored once and share that (read-only) components dict
    spotless: dict[tuple, tuple[dict[str, dict], float, str]] = {}
    for source, story in zip(audited["source"], audited["story"], strict=True):
        own = by_source.get(source, [])
        mine = (metrics or {}).get(source, {})
        holds = conditions(languages[source], int(story_size[story]) - 1, mine)
        key = None if own else _reading(mine, holds)
        if key is not None and key in spotless:
            parts, value, letter = spotless[key]
        else:
            parts = {name: _component(name, spec, own, mine, cfg, holds) for name, spec in components.items()}
            value = total(parts, scale)
            letter = grade(value, cfg.get("grades", {}))
            if key is not None:
                spotless[key] = parts, value, letter
        entry = {"source": source, "story": story, "score": value, "grade": letter, "components": parts,
                 "findings": dict(sorted(Counter(f.kind for f in own if not f.suppressed).items())) if own else {}}
        if mine.get("syndicated_with"):
            entry["syndicated_with"] = mine["syndicated_with"]
            if mine.get("syndicated_count", 0) > len(mine["syndicated_with"]):  # a long list is cut: say how long
                entry["syndicated_count"] = mine["syndicated_count"]
        out.append(entry)
    return out


def _reading(metrics: dict[str, Any], holds: dict[str, str]) -> tuple | None:
    """What the components read of a source without findings (its metrics but the list of its
    syndicated copies, and the conditions that hold), or None when a value cannot be a key."""
    key = (tuple(sorted((k, v) for k, v in metrics.items() if k != "syndicated_with")), tuple(sorted(holds.items())))
    try:
        hash(key)
    except TypeError:
        return None
    return key
