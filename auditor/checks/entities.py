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
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

import pandas as pd
from rapidfuzz import fuzz

from ..corpus import Corpus, Disagreement, UnionFind, bounded_disagreements, candidates, publication_days, related
from ..text import memo_by_text
from .conflicts import MAX_RELATED
from .confusion import definitions

NAME_PART = r"[A-Z][\w.’'&-]{0,60}"  # bounded: a flood of capitals costs linear time, not its square
MEMBER = rf"(?:the\s+)?{NAME_PART}(?:\s+(?:of\s+|and\s+(?=[A-Z][a-z]+\s+[A-Z]))?{NAME_PART}){{0,4}}"
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
    example: bool = False  # introduced as examples ("such as", "including"): not presented as complete


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


def _example_pattern(lexicon: dict) -> tuple[re.Pattern, re.Pattern]:
    """(marker just before a list, marker just after it) that present a list as examples, not complete."""
    def alternation(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words or ["such as"], key=len, reverse=True))

    markers = lexicon.get("example_markers") or {}
    before = re.compile(rf"(?i:\b(?:{alternation(markers.get('before'))}))[\s:,]*$")
    after = re.compile(rf"^[\s,]*(?i:(?:{alternation(markers.get('after'))}))\b")
    return before, after


def _enumerations(corpus: Corpus, aliases: dict[str, str]) -> list[Enumeration]:
    s = corpus.sentences[~corpus.sentences["is_boilerplate"]]
    out = []
    local_aliases: dict[str, dict[str, str]] = {}
    before, after = _example_pattern(corpus.config.lexicons.get("entities", {}))

    def lists(text: str) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
        found = []
        for m in LIST.finditer(text):
            raw = [m.group(1), *re.split(r"\s*,\s*", m.group(2).strip(" ,")), m.group(3)]
            found.append((m.start(), m.end(), tuple(r for r in raw if r.strip())))
        return tuple(found)

    lists_of = memo_by_text(lists)  # a sentence given again (wire copy) is read once
    for source, story, start, text in zip(s["source"], s["story"], s["start"], s["text"], strict=True):
        found = lists_of(text)
        if not found:
            continue
        if source not in local_aliases:
            local_aliases[source] = _source_aliases(corpus.texts[source], aliases)
        local = local_aliases[source]
        for at, end, raw in found:
            members = frozenset(_member(r, local) for r in raw)
            if len(members) >= 3:
                context = frozenset(WORD.findall(text[:at].lower() + " " + text[end:].lower()))
                example = bool(before.search(text, max(0, at - 40), at) or after.search(text[end:]))
                out.append(Enumeration(source, story, start + at, start + end, members, context, example))
    return out


def _same_list(a: Enumeration, b: Enumeration, cfg: dict) -> bool:
    return (len(a.members & b.members) >= int(cfg.get("min_shared_members", 2))
            and len(a.context & b.context) >= int(cfg.get("min_shared_context", 1)))


MAX_LIST_VISITS = 200
"""Earlier lists naming a member that a list looks at (the most recent first) to find those it is the same
list as: a real story's member is named by a few dozen lists at most; a flood's by thousands (linear cost)."""
MAX_GROUP_NAMES = 400
"""Distinct members of a group of lists given canonical names (the most named first); the rest keep their
own (a real group names a few dozen; a flood of lists each naming one of its own, thousands)."""


def _list_groups(items: list[Enumeration], cfg: dict) -> list[list[Enumeration]]:
    """Enumerations of one story that are the same list, one per source (its first), as connected groups.

    A list is compared only with earlier lists naming one of its members (an inverted index), the most
    recent MAX_LIST_VISITS per member, and not already joined to it."""
    sets = UnionFind(len(items))
    holders: dict[str, list[int]] = defaultdict(list)  # member -> lists naming it, in order
    for i, a in enumerate(items):
        seen: set[int] = set()
        for member in sorted(a.members):
            for j in reversed(holders[member][-MAX_LIST_VISITS:]):
                if j in seen or items[j].source == a.source or sets.find(j) == sets.find(i):
                    continue
                seen.add(j)
                if _same_list(a, items[j], cfg):
                    sets.union(i, j)
            holders[member].append(i)
    groups: dict[int, dict[str, Enumeration]] = defaultdict(dict)
    for i, e in enumerate(items):
        groups[sets.find(i)].setdefault(e.source, e)
    return [list(g.values()) for g in groups.values() if len(g) > 1]


def _canonical_members(group: list[Enumeration], same_ratio: float = 85) -> list[Enumeration]:
    """The group's lists with each member named by its shortest form in the group: a member whose
    words contain another member's words is that member ("South Korea Ministry of Land" is
    "Ministry of Land") and a spelling variant is the same member ("Greater Casablanca" and "Grand
    Casablanca"), so neither is a different member."""
    uses = Counter(m for e in group for m in e.members)
    most_named = sorted(uses, key=lambda m: (-uses[m], m))[:MAX_GROUP_NAMES]
    canonical: dict[str, str] = {m: m for m in uses}
    kept: list[str] = []  # the canonical names so far, shortest first
    for name in sorted(most_named, key=lambda m: (len(m.split()), m)):
        words = set(name.split())
        found = next((c for c in kept if set(c.split()) < words or fuzz.ratio(c, name) >= same_ratio), None)
        if found is None:
            kept.append(name)
        else:
            canonical[name] = found
    return [replace(e, members=frozenset(canonical[m] for m in e.members)) for e in group]


def list_conflicts(corpus: Corpus) -> pd.DataFrame:
    """One candidate per version of each list that several sources give (the majority version included)."""
    cfg = corpus.config.check("list_conflict")
    aliases = _alias_map(corpus.config.lexicons.get("entities", {}))
    by_story: dict[str, list[Enumeration]] = defaultdict(list)
    for e in _enumerations(corpus, aliases):
        by_story[e.story].append(e)
    published = publication_days(corpus)
    window = int(cfg.get("same_time_days", 2))
    rows, seen = [], set()
    for story in sorted(by_story):
        for group in _list_groups(by_story[story], cfg):
            members = _canonical_members(group, float(cfg.get("same_member_ratio", 85)))
            for batch in _same_time(members, published, window):
                example = any(e.example for e in batch)
                for d in bounded_disagreements(batch, lambda e: e.members, MAX_RELATED):
                    if (d.side[0].source, d.side[0].start) not in seen:
                        seen.add((d.side[0].source, d.side[0].start))
                        rows.append(_list_row(d, example))
    return candidates(rows, ["shared", "only_here", "only_there", "member_overlap", "differing", "example_list",
                             "n_sources"])


def _list_row(d: Disagreement, example: bool) -> dict:
    """One version of a list (`d.side`), against the version most other sources give."""
    a = d.side[0]
    theirs = d.other_side[0].members if d.other_side else a.members
    shared = a.members & theirs
    return {
        "source": a.source, "story": a.story, "start": a.start, "end": a.end, "subkind": "members",
        "related": [related(b.source, b.start, b.end) for b in d.related],
        "note": ", ".join(sorted(a.members ^ theirs)),
        "shared": len(shared), "only_here": len(a.members - theirs), "only_there": len(theirs - a.members),
        "member_overlap": round(len(shared) / len(a.members | theirs), 3),
        "differing": 0 if d.agrees else len(a.members ^ theirs),
        "example_list": example, "n_sources": len(d.side) + d.n_others,
    }


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
    s = corpus.sentences[~corpus.sentences["is_boilerplate"]]
    out = []

    def read(text: str) -> tuple[tuple[int, int, str, str, str], ...]:
        found = []
        for m in title.finditer(text):
            mod = before.search(text, max(0, m.start() - 40), m.start())
            kind = modifiers.get(mod.group("mod").lower(), "current") if mod else "current"
            begin = mod.start() if mod else m.start()
            found.append((begin, m.end(), m.group("person"), m.group("title").lower(), kind))
        return tuple(found)

    titles_of = memo_by_text(read)  # a sentence given again (wire copy) is read once
    for source, story, start, text in zip(s["source"], s["story"], s["start"], s["text"], strict=True):
        for begin, end, person, role, kind in titles_of(text):
            out.append(Titled(source, story, start + begin, start + end, person, role, kind))
    return out


def title_conflicts(corpus: Corpus) -> pd.DataFrame:
    """One candidate per standing (former, current, acting...) the sources give a titled person.

    Per source, the person's standing is that of its first mention; a source giving two standings
    (a retrospective "former" beside a current title) takes no side. Sources are compared only with
    sources published at about the same time (checks.yaml: title_conflict.same_time_days); days_apart
    is the largest gap between this side's publication dates and the other side's (0 when unknown).
    """
    groups: dict[tuple[str, str, str], dict[str, list[Titled]]] = defaultdict(lambda: defaultdict(list))
    for t in _titled(corpus):
        groups[(t.story, t.person, t.title)][t.source].append(t)
    published = publication_days(corpus)
    window = int(corpus.config.check("title_conflict").get("same_time_days", 2))
    rows, seen = [], set()
    for key in sorted(groups):
        firsts = [ms[0] for ms in groups[key].values() if len({m.modifier for m in ms}) == 1]
        for batch in _same_time(firsts, published, window):
            for d in bounded_disagreements(batch, lambda t: t.modifier, MAX_RELATED):
                if (d.side[0].source, d.side[0].start) not in seen:
                    seen.add((d.side[0].source, d.side[0].start))
                    rows.append(_title_row(d, batch, published))
    return candidates(rows, ["modifier", "other_modifier", "modifier_differs", "days_apart", "n_sources"])


def _same_time(items: list, published: dict[str, int], window: int) -> list[list]:
    """Items split into runs of sources published within `window` days of the previous one; a source
    without a known date joins every run. Only runs of two or more sources are returned."""
    dated = sorted((x for x in items if x.source in published), key=lambda x: (published[x.source], x.source))
    undated = [x for x in items if x.source not in published]
    runs: list[list] = []
    for x in dated:
        if runs and published[x.source] - published[runs[-1][-1].source] <= window:
            runs[-1].append(x)
        else:
            runs.append([x])
    runs = [run + undated for run in runs] or [undated]
    return [run for run in runs if len({x.source for x in run}) > 1]


def _title_row(d: Disagreement, batch: list[Titled], published: dict[str, int]) -> dict:
    """One standing of a titled person (`d.side`), against the standing most other sources give."""
    a = d.side[0]
    other = d.other_side[0] if d.other_side else a
    mine = {x.source for x in d.side}
    theirs = [published[y.source] for y in batch if y.source not in mine and y.source in published]
    return {
        "source": a.source, "story": a.story, "start": a.start, "end": a.end, "subkind": "modifier",
        "related": [related(b.source, b.start, b.end) for b in d.related], "note": other.modifier,
        "modifier": a.modifier, "other_modifier": other.modifier, "modifier_differs": not d.agrees,
        "days_apart": _widest_gap([published[x.source] for x in d.side if x.source in published], theirs),
        "n_sources": len(d.side) + d.n_others,
    }


def _widest_gap(days: list[int], other_days: list[int]) -> int:
    """The largest |x - y| over a day of one side and a day of the other (0 when either has none)."""
    if not days or not other_days:
        return 0
    return max(max(days) - min(other_days), max(other_days) - min(days))
