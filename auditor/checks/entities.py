"""list_conflict and title_conflict: enumerations and titles that differ across a story's sources.

list_conflict: enumerations of three or more capitalized members ("the UK, the EEA and
Switzerland") are extracted per sentence; members are normalized through aliases
(lexicons/entities.yaml) and the story's own acronym definitions. Two lists of different sources
are the same enumeration when they share at least two members and some context words; when
their member sets differ, each side is a candidate. Features: shared, only_here, only_there,
member_overlap, differing.
title_conflict: "former President Donald Trump" against "President Donald Trump": the same
person and base title with a different modifier (former, acting, incoming). Features: modifier,
other_modifier, modifier_differs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from ..corpus import Corpus, candidates, related
from .confusion import definitions

MEMBER = r"(?:the\s+)?[A-Z][\w.’'&-]*(?:\s+(?:of\s+|and\s+(?=[A-Z][a-z]+\s+[A-Z]))?[A-Z][\w.’'&-]*){0,4}"
LIST = re.compile(rf"({MEMBER})((?:\s*,\s*{MEMBER}){{1,12}})\s*,?\s+(?:and|or)\s+({MEMBER})")
WORD = re.compile(r"[a-z][a-z’'-]+")


@dataclass
class Enumeration:
    source: str
    story: str
    start: int
    end: int
    members: frozenset[str]
    context: frozenset[str]


def _alias_map(lexicon: dict) -> dict[str, str]:
    out = {}
    for group in lexicon.get("aliases", []):
        for name in group:
            out[name.lower()] = str(group[0]).lower()
    return out


def _member(raw: str, aliases: dict[str, str]) -> str:
    name = re.sub(r"^the\s+", "", raw.strip(), flags=re.IGNORECASE).strip(" .,")
    return aliases.get(name.lower(), name.lower())


def _source_aliases(text: str, aliases: dict[str, str]) -> dict[str, str]:
    """The alias map plus the long forms the article defines ("European Economic Area (EEA)")."""
    local = dict(aliases)
    for acr, (a, b) in definitions(text).items():
        local.setdefault(text[a:b].rsplit("(", 1)[0].strip().lower(), acr.lower())
    return local


def _enumerations(corpus: Corpus, aliases: dict[str, str]) -> list[Enumeration]:
    s = corpus.sentences
    if "is_boilerplate" in s:
        s = s[~s["is_boilerplate"]]
    out = []
    local_aliases: dict[str, dict[str, str]] = {}
    for source, story, start, text in zip(s["source"], s["story"], s["start"], s["text"], strict=True):
        if source not in local_aliases:
            local_aliases[source] = _source_aliases(corpus.texts[source], aliases)
        local = local_aliases[source]
        for m in LIST.finditer(text):
            raw = [m.group(1), *re.split(r"\s*,\s*", m.group(2).strip(" ,")), m.group(3)]
            members = frozenset(_member(r, local) for r in raw if r.strip())
            if len(members) >= 3:
                context = frozenset(WORD.findall(text[: m.start()].lower() + " " + text[m.end():].lower()))
                out.append(Enumeration(source, story, start + m.start(), start + m.end(), members, context))
    return out


def list_conflicts(corpus: Corpus) -> pd.DataFrame:
    """Candidate pairs of the same enumeration with different members."""
    cfg = corpus.config.check("list_conflict")
    aliases = _alias_map(corpus.config.lexicons.get("entities", {}))
    by_story: dict[str, list[Enumeration]] = defaultdict(list)
    for e in _enumerations(corpus, aliases):
        by_story[e.story].append(e)
    rows = []
    for items in by_story.values():
        for a in items:
            for b in items:
                if a.source == b.source or a.members == b.members:
                    continue
                shared = a.members & b.members
                if len(shared) < int(cfg.get("min_shared_members", 2)) or len(a.context & b.context) < int(
                        cfg.get("min_shared_context", 1)):
                    continue
                rows.append({
                    "source": a.source, "story": a.story, "start": a.start, "end": a.end, "subkind": "members",
                    "related": [related(b.source, b.start, b.end)],
                    "note": ", ".join(sorted(a.members ^ b.members)),
                    "shared": len(shared), "only_here": len(a.members - b.members),
                    "only_there": len(b.members - a.members),
                    "member_overlap": round(len(shared) / len(a.members | b.members), 3),
                    "differing": len(a.members ^ b.members),
                })
    return candidates(rows, ["shared", "only_here", "only_there", "member_overlap", "differing"])


@dataclass
class Titled:
    source: str
    story: str
    start: int
    end: int
    person: str
    title: str
    modifier: str


def _title_pattern(lexicon: dict) -> tuple[re.Pattern, re.Pattern, dict[str, str]]:
    """(title + person pattern, modifier-before pattern, modifier word -> kind)."""
    titles = sorted(lexicon.get("titles", []), key=len, reverse=True)
    modifiers = {w.lower(): kind for kind, words in (lexicon.get("modifiers") or {}).items() for w in words}
    mods = "|".join(re.escape(m) for m in sorted(modifiers, key=len, reverse=True))
    title = re.compile(rf"\b(?P<title>{'|'.join(map(re.escape, titles))})\s+"
                       rf"(?P<person>[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+)")
    before = re.compile(rf"(?i:\b(?P<mod>{mods}))\s*(?:(?:U\.S\.|US|UK|U\.K\.|EU|[A-Z][a-z]+n)\s+)?$")
    return title, before, modifiers


def _titled(corpus: Corpus) -> list[Titled]:
    title, before, modifiers = _title_pattern(corpus.config.lexicons.get("entities", {}))
    s = corpus.sentences
    if "is_boilerplate" in s:
        s = s[~s["is_boilerplate"]]
    out = []
    for source, story, start, text in zip(s["source"], s["story"], s["start"], s["text"], strict=True):
        for m in title.finditer(text):
            mod = before.search(text, max(0, m.start() - 40), m.start())
            kind = modifiers.get(mod.group("mod").lower(), "current") if mod else "current"
            begin = mod.start() if mod else m.start()
            out.append(Titled(source, story, start + begin, start + m.end(), m.group("person"),
                              m.group("title").lower(), kind))
    return out


def title_conflicts(corpus: Corpus) -> pd.DataFrame:
    """Candidate mentions whose title modifier differs from another source's for the same person."""
    groups: dict[tuple[str, str, str], list[Titled]] = defaultdict(list)
    for t in _titled(corpus):
        groups[(t.story, t.person, t.title)].append(t)
    rows = []
    for mentions in groups.values():
        for a in mentions:
            other = next((b for b in mentions if b.source != a.source and b.modifier != a.modifier), None)
            if other is None:
                continue
            rows.append({
                "source": a.source, "story": a.story, "start": a.start, "end": a.end, "subkind": "modifier",
                "related": [related(other.source, other.start, other.end)], "note": other.modifier,
                "modifier": a.modifier, "other_modifier": other.modifier, "modifier_differs": True,
            })
    return candidates(rows, ["modifier", "other_modifier", "modifier_differs"])
