"""Per-source metrics for the score: corroboration, attribution, transparency, independence.

`source_metrics` returns, per source id, the numbers the share and presence components of
expectations/scoring.yaml read: claims, corroborated_claims, sentences, attributed_sentences,
dateline, byline, named_sources, and syndicated_with (sources that copy this one).
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

from .checks.allegation import language
from .checks.conflicts import corroboration
from .checks.duplicates import normalize
from .corpus import Corpus


def independence(corpus: Corpus) -> dict[str, str]:
    """source -> its independence group: sources sharing most sentences verbatim are one voice."""
    cfg = corpus.config.check("independence")
    min_words, min_share = int(cfg.get("min_sentence_words", 8)), float(cfg.get("min_shared_share", 0.6))
    sents = corpus.sentences
    if "is_boilerplate" in sents:
        sents = sents[~sents["is_boilerplate"]]
    keys: dict[str, set[int]] = defaultdict(set)
    story_of: dict[str, str] = {}
    for source, story, text in zip(sents["source"], sents["story"], sents["text"], strict=True):
        norm = normalize(text)
        story_of[source] = story
        if norm.count(" ") + 1 >= min_words:
            keys[source].add(hash(norm))
    group = {s: s for s in corpus.texts}
    by_story: dict[str, list[str]] = defaultdict(list)
    for source in sorted(keys):
        by_story[story_of[source]].append(source)
    for members in by_story.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                shared = len(keys[a] & keys[b]) / max(1, min(len(keys[a]), len(keys[b])))
                if shared >= min_share:
                    group[b] = group[a] = min(group[a], group[b])
    return _flatten(group)


def _flatten(group: dict[str, str]) -> dict[str, str]:
    def root(s: str) -> str:
        while group[s] != s:
            s = group[s]
        return s

    return {s: root(s) for s in group}


def _compile(patterns: list[str], flags: int = 0) -> list[re.Pattern]:
    return [re.compile(p, flags) for p in patterns]


def _transparency(corpus: Corpus) -> dict[str, dict]:
    lex = corpus.config.lexicons.get("attribution", {})
    bylines = _compile((lex.get("byline") or {}).get("patterns", []), re.IGNORECASE | re.MULTILINE)
    named = _compile((lex.get("named_source") or {}).get("patterns", []), re.MULTILINE)
    src = corpus.sources.set_index("source")
    out = {}
    for source, text in corpus.texts.items():
        lines = [ln.strip(" -•*\t") for ln in text.splitlines() if ln.strip()]
        edges = "\n".join(lines[:6] + lines[-3:])
        outlet = src.at[source, "outlet"] if "outlet" in src.columns else None
        out[source] = {
            "dateline": bool(src.at[source, "published"]) and pd.notna(src.at[source, "published"]),
            "byline": any(p.search(edges) for p in bylines) or (isinstance(outlet, str) and bool(outlet)),
            "named_sources": any(p.search(text) for p in named),
        }
    return out


def _attribution(corpus: Corpus) -> dict[str, dict]:
    lang = language(corpus)
    s = corpus.sentences
    keep = s[~s["is_boilerplate"] & ~s["is_heading"]]
    counts: dict[str, dict] = {src: {"sentences": 0, "attributed_sentences": 0} for src in corpus.texts}
    for source, text in zip(keep["source"], keep["text"], strict=True):
        if len(text.split()) < 6:
            continue
        counts[source]["sentences"] += 1
        counts[source]["attributed_sentences"] += bool(lang.cues.search(text))
    return counts


def source_metrics(corpus: Corpus) -> dict[str, dict]:
    """Metrics keyed by source id."""
    independent = independence(corpus)
    corroborated = corroboration(corpus, independent)
    claims = corpus.claims
    metrics: dict[str, dict] = {s: {} for s in corpus.texts}
    for source, claim_id in zip(claims["source"], claims["claim_id"], strict=True):
        m = metrics[source]
        m["claims"] = m.get("claims", 0) + 1
        m["corroborated_claims"] = m.get("corroborated_claims", 0) + (corroborated.get(int(claim_id), 0) > 0)
    for source, values in _attribution(corpus).items():
        metrics[source].update(values)
    for source, values in _transparency(corpus).items():
        metrics[source].update(values)
    groups: dict[str, list[str]] = defaultdict(list)
    for source, group in independent.items():
        groups[group].append(source)
    for source, group in independent.items():
        metrics[source]["syndicated_with"] = sorted(s for s in groups[group] if s != source)
    return metrics
