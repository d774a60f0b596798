"""figure_conflict and date_conflict: the same fact reported differently by sources of a story.

Alignment: claims are blocked by (story, claim kind, unit) — currency for money, the counted noun
for counts, the unit for quantities — so only comparable claims meet, and the cost stays near
linear in the number of claims. Within a block, two claims of different sources speak of the same
fact when their context words overlap enough (checks.yaml: conflicts.align_min_score), their fact
years do not differ, and for percentages their bases ("of the user base") match.
Groups form strongest pairs first, never holding two claims of one source; each group has a
consensus (the value most sources give) and each deviating claim gets a class:
- precision: equal at the coarser written precision (4.4 vs 4.375 million);
- magnitude: off by a factor of about 1,000 (million vs billion);
- value: anything else; for dates, `date` (another day, month or year);
plus a `weekday` class for a weekday that does not match the date written beside it.
Features: conflict_class, rel_diff, n_agree (sources agreeing with the claim), n_consensus.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd
from rapidfuzz import fuzz

from ..corpus import Corpus, candidates, publication_days, related
from ..language import is_english, languages_of
from ..text import admits

FEATURES = ["claim_text", "conflict_class", "rel_diff", "magnitude_offset", "days_apart", "calendar_gap", "align_score",
            "weekday_mismatch", "n_agree", "n_consensus", "minority_share", "role", "published", "other_published",
            "times_known"]


@dataclass
class Claim:
    """A figure or date claim, as the conflict check sees it."""

    claim_id: int
    source: str
    story: str
    start: int
    end: int
    text: str
    value: float
    precision: float
    qualifier: str
    context: frozenset[str]
    year: str
    noun: str
    base: str
    granularity: str = "day"
    role: str = ""        # what the figure counts (lexicons/roles.yaml): claims of other roles never align
    scope: str = ""       # the sub-area it is about ("" = the whole story)
    published: int = -1   # the source's publication day (ordinal), -1 when unknown
    tally: bool = False   # a count that grows as the story unfolds (tolls, votes counted)
    reading: bool = False  # a measurement agencies give differently (a quake's magnitude or depth)
    home_year: str = ""   # the year the source writes in (its publication year, else its story's usual one)
    unit: str = ""        # the unit as written (quantities are compared in base units)
    granularity_kind: str = "figure"  # figure | date


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def alignment(a: Claim, b: Claim, cfg: dict) -> float:
    """How sure we are that two claims of different sources state the same fact (0..1)."""
    year_a, year_b = a.year or a.home_year, b.year or b.home_year
    if year_a and year_b and year_a != year_b:
        return 0.0  # another year's fact ("the 2015 quake killed 9,000") never meets this year's
    if a.base and b.base and fuzz.token_set_ratio(a.base, b.base) < float(cfg.get("base_min_ratio", 60)):
        return 0.0
    noun = fuzz.token_set_ratio(a.noun, b.noun) / 100 if a.noun and b.noun else 0.5
    # a year written on one side only weakens the match, unless it is the other side's own year
    year = 1.0 if a.year and a.year == b.year else (-1.0 if bool(a.year) != bool(b.year) and not (
        year_a and year_b) else 0.0)
    base = -1.0 if bool(a.base) != bool(b.base) else 0.0
    # most sources agree: an equal (or merely rounded) value is evidence of the same fact
    same_value = 1.0 if a.value == b.value or _rounds(a, b) or _rounds(b, a) else 0.0
    # two dates of one named event ("announced on ...") need less shared context than two figures
    event = float(cfg.get("date_event_bonus", 0.2)) if a.granularity_kind == "date" and a.role == b.role else 0.0
    return (0.6 * _overlap(a.context, b.context) + 0.25 * noun + 0.15 * year + 0.1 * base
            + float(cfg.get("same_value_bonus", 0.15)) * same_value + event)


def agree(a: Claim, b: Claim, cfg: dict) -> bool:
    """Same value, allowing for qualifiers ("over", "about") and rounding tolerance."""
    lo, hi = sorted((a.value, b.value))
    if hi == 0 or (hi - lo) / hi <= float(cfg.get("equal_tolerance", 0.001)):
        return True
    if a.unit != b.unit and (_rounds(a, b) or _rounds(b, a)):
        return True  # "40 miles" and "65 km": one fact, converted and rounded
    if a.unit == b.unit == "day" and hi - lo <= float(cfg.get("day_count_slack", 1)):
        return True  # "44 days" and "45 days": counted with or without the first day
    tolerance = float(cfg.get("approximate_tolerance", 0.1))
    # the qualifier's bounds (lexicons/qualifiers.yaml): "over 1,000" admits 1,300, "nearly 400" admits 390
    return any(admits(x.qualifier, x.value, y.value, tolerance) for x, y in ((a, b), (b, a)))


def _signature(c: Claim) -> tuple:
    """What alignment and agreement read of a claim: identical signatures (wire copies) align alike."""
    return (c.value, c.precision, c.qualifier, c.context, c.year, c.noun, c.base, c.role, c.scope, c.unit,
            c.granularity, c.granularity_kind, c.home_year, c.published, c.tally, c.reading)


def _groups(claims: list[Claim], cfg: dict, equal=None) -> list[list[Claim]]:
    """Claims of different sources that state the same fact.

    Greedy single linkage on alignment scores, strongest pairs first; two groups merge only when
    every source they share gives equal values in both (a headline repeating the lead's figure),
    so two different facts of one article never fall into one group. Identical claims (the same
    figure in the same words, as wire copies give it) are aligned once: the cost grows with the
    number of distinct claims, not with the number of copies (and on a flood of distinct claims, with
    their number times MAX_ALIGN_NEIGHBOURS: `_pairs`).
    """
    threshold = float(cfg.get("align_min_score", 0.4))
    reps: dict[tuple, list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        reps[_signature(c)].append(i)
    heads = [ks[0] for ks in reps.values()]
    sources = {h: {claims[k].source for k in ks} for h, ks in zip(heads, reps.values(), strict=True)}
    edges = []
    for i, j in _pairs(heads, claims):
        if len(sources[i] | sources[j]) < 2:
            continue  # one source on both sides: nothing to compare
        score = alignment(claims[i], claims[j], cfg)
        if score >= threshold:
            edges.append((-score, i, j))
    members: dict[int, list[int]] = {h: list(ks) for h, ks in zip(heads, reps.values(), strict=True)}
    owner = {k: h for h, ks in members.items() for k in ks}
    for _, i, j in sorted(edges):
        gi, gj = owner[i], owner[j]
        if gi == gj or not _compatible(claims, members[gi], members[gj], equal):
            continue
        for k in members[gj]:
            owner[k] = gi
        members[gi].extend(members.pop(gj))
    groups = [[claims[k] for k in sorted(ks)] for ks in members.values()]
    return [g for g in groups if len({c.source for c in g}) > 1]


MAX_ALIGN_NEIGHBOURS = 250
"""A block of more distinct claims than twice this (thousands of sources in one story) aligns each claim
only with this many on each side in order of value (sorted-neighbourhood blocking: linear cost); a real
story's block holds a few dozen, and every pair is aligned."""


def _pairs(heads: list[int], claims: list[Claim]) -> Iterator[tuple[int, int]]:
    """(i, j), i < j, of the distinct claims to align: every pair, or neighbours in value on a flood."""
    if len(heads) <= 2 * MAX_ALIGN_NEIGHBOURS + 1:
        for x, i in enumerate(heads):
            for j in heads[x + 1:]:
                yield i, j
        return
    order = sorted(heads, key=lambda h: (claims[h].value, h))
    for p, i in enumerate(order):
        for j in order[p + 1:p + 1 + MAX_ALIGN_NEIGHBOURS]:
            yield min(i, j), max(i, j)


def _compatible(claims: list[Claim], left: list[int], right: list[int], equal) -> bool:
    """May two groups merge? Only if each source they share says the same thing in both."""
    shared = {claims[k].source for k in left} & {claims[k].source for k in right}
    if not shared:
        return True
    if equal is None:
        return False
    by_source: dict[str, list[Claim]] = defaultdict(list)
    for k in left + right:
        if claims[k].source in shared:
            by_source[claims[k].source].append(claims[k])
    return all(equal(mine[0], other) for mine in by_source.values() for other in mine[1:])


def _clusters(group: list[Claim], equal) -> list[list[Claim]]:
    """Claims of a group split into clusters of equal value, biggest (most sources) first."""
    clusters: list[list[Claim]] = []
    for c in sorted(group, key=lambda c: (c.precision, c.source, c.start)):
        home = next((cl for cl in clusters if equal(cl[0], c)), None)
        if home is None:
            clusters.append([c])
        else:
            home.append(c)
    return sorted(clusters, key=lambda cl: -len({c.source for c in cl}))


@dataclass
class Candidate:
    """One claim of an aligned group, compared with the claims it is measured against."""

    claim: Claim
    refs: list[Claim]
    relation: str  # agree | differs | rounded (a coarser form of the reference)
    n_agree: int
    n_consensus: int


def _one_per_source(cluster: list[Claim]) -> list[Claim]:
    """A cluster's claims, a source's repeated figure (headline and body) counted once."""
    seen: set[str] = set()
    out = []
    for c in sorted(cluster, key=lambda c: (c.source, c.start)):
        if c.source not in seen:
            seen.add(c.source)
            out.append(c)
    return out


def _deviations(group: list[Claim], equal, support: dict[tuple, int] | None = None) -> list[Candidate]:
    """Every claim of a group with its relation to the consensus (the cluster most sources give).

    One candidate per source and disagreement: a minority value is compared with the consensus,
    with every other source in its references; on an even split only the second side is a
    candidate (naming the first). A rounding is charged to the coarser side whichever side the
    majority is on. Claims of the consensus are candidates too (relation agree), so the suite
    sees everything that was compared.
    """
    clusters = [_one_per_source(cl) for cl in _clusters(group, equal)]
    if len(clusters) < 2:
        return []
    if support:  # an even split is broken by how many sources of the whole story give each value
        clusters.sort(key=lambda cl: (-len(cl), -support.get((cl[0].story, cl[0].value), 0)))
    sizes = [len(cl) for cl in clusters]
    consensus = clusters[0]
    out: list[Candidate] = []
    charged: set[int] = set()
    for k, cluster in enumerate(clusters[1:], start=1):
        others = _others(clusters, k)
        if _rounds(consensus[0], cluster[0]) and consensus[0].precision > cluster[0].precision:
            for claim in consensus:  # the consensus is the rounded side: the note lands there
                if claim.claim_id not in charged:
                    charged.add(claim.claim_id)
                    out.append(Candidate(claim, cluster + others, "rounded", sizes[0], sizes[k]))
            continue
        for claim in cluster:  # each claim's own relation: a cluster may hold a bound and the figures it admits
            if equal(claim, consensus[0]):
                relation = "agree"  # a bound ("at least 128") in another cluster that admits the consensus
            else:
                relation = "rounded" if _rounds(claim, consensus[0]) else _difference(claim, consensus)
            out.append(Candidate(claim, consensus + others, relation, sizes[k], sizes[0]))
            charged.add(claim.claim_id)
    out.extend(Candidate(c, clusters[1], "agree", sizes[0], sizes[0]) for c in consensus
               if c.claim_id not in charged)
    return out


MAX_OTHER_REFS = 200
"""Claims of the other minority clusters a candidate is measured against besides the consensus (a real
group has a handful; a story of thousands of sources, thousands: each candidate listing them all grows
with the square of the story)."""


def _others(clusters: list[list[Claim]], k: int) -> list[Claim]:
    """The claims of the clusters other than the consensus and cluster k, biggest first, at most MAX_OTHER_REFS."""
    out: list[Claim] = []
    for j, cluster in enumerate(clusters):
        if j not in (0, k):
            out.extend(cluster[:MAX_OTHER_REFS - len(out)])
            if len(out) >= MAX_OTHER_REFS:
                break
    return out


def _difference(claim: Claim, consensus: list[Claim]) -> str:
    """differs, or update: a tally (a toll, a count of votes) that changed between publications.

    A tally is an update unless every source involved was published on the same known day; a
    factor of about a thousand is never an update (a slip of scale, for the magnitude check)."""
    if claim.reading:
        return "reading"
    if not claim.tally or magnitude_offset(claim.value, consensus[0].value) < 0.05:
        return "differs"
    days = {c.published for c in [claim, *consensus]}
    if len(days) == 1 and -1 not in days:
        return "differs"  # the same known day: a disagreement, not an update
    ref = consensus[0]
    if claim.published > 0 and ref.published > 0 and claim.published != ref.published:
        later, earlier = (claim, ref) if claim.published > ref.published else (ref, claim)
        if later.value < earlier.value:
            return "differs"  # a tally that fell between publications is no update
    return "update"


def _rounds(claim: Claim, reference: Claim) -> bool:
    """Is `claim` the reference written at its own, coarser precision (6.6 for 6.625 million)?"""
    coarse = claim.precision
    return coarse > 0 and coarse >= reference.precision and round(claim.value / coarse) == round(
        reference.value / coarse) and claim.value != reference.value


def magnitude_offset(a: float, b: float) -> float:
    """Distance of the ratio of two figures from a power of 1,000 in thousands-exponent units
    (0 = exactly 1,000x or 1,000,000x; 1 = no factor of a thousand at all)."""
    ratio = max(abs(a), abs(b)) / max(min(abs(a), abs(b)), 1e-9)
    exponent = math.log10(ratio) / 3 if ratio > 0 else 0.0
    return 1.0 if round(exponent) < 1 else round(abs(exponent - round(exponent)), 4)


def _text(value: object, default: str = "") -> str:
    return default if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _number(value: object) -> float:
    return 0.0 if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


MAX_RELATED = 20  # other sources named in one finding; n_consensus counts them all
MAX_CLAIMS_PER_SOURCE = 60  # per block: more is not an article but a table or a flood (keeps the cost linear)


def _blocks(frame: pd.DataFrame, key: list[str]) -> list[list[Claim]]:
    """Claims grouped by a blocking key, built once from plain records (pandas groupby is slow here)."""
    blocks: dict[tuple, list[Claim]] = defaultdict(list)
    per_source: dict[tuple, int] = defaultdict(int)
    for claim, row in zip(_claims_of(frame), frame[key].itertuples(index=False, name=None), strict=True):
        per_source[(row, claim.source)] += 1
        if per_source[(row, claim.source)] <= MAX_CLAIMS_PER_SOURCE:
            blocks[row].append(claim)
    return [blocks[k] for k in sorted(blocks, key=str)]


def _claims_of(block: pd.DataFrame) -> list[Claim]:
    """Claims of a block of the claims frame (plain records built from column lists: to_dict and
    itertuples are slow on wide frames)."""
    context = block.attrs.get("figures", FigureContext())
    published, story_year, tallies, readings = (context.published, context.story_year, context.tallies,
                                                context.readings)
    n = len(block)

    def column(name: str) -> list:
        return block[name].tolist() if name in block else [None] * n

    out = []
    for (claim_id, source, story, start, end, text, value, precision, qualifier, context, years, noun, base,
         granularity, role, scope, unit, claim_type) in zip(
            *(column(c) for c in ("claim_id", "source", "story", "start", "end", "text", "value", "precision",
                                  "qualifier", "context", "years", "noun", "base", "granularity", "role", "scope",
                                  "unit", "claim_type")), strict=True):
        role = _text(role)
        day = published.get(source, -1)
        out.append(Claim(claim_id=int(claim_id), source=source, story=story, start=int(start), end=int(end),
                         text=text, value=_number(value), precision=_number(precision), qualifier=_text(qualifier),
                         context=frozenset(_text(context).split()), year=_text(years), noun=_text(noun),
                         base=_text(base), granularity=_text(granularity, "day"), role=role, scope=_text(scope),
                         published=day, tally=role in tallies, reading=role in readings,
                         home_year=_year_of(day) or story_year.get(story, ""), unit=_text(unit),
                         granularity_kind=_text(claim_type, "figure")))
    return out


FACT_KEY = ["story", "kind", "fact_unit", "role", "scope"]


def _figure_blocks(corpus: Corpus) -> list[list[Claim]]:
    """The figure claims of the corpus blocked by fact key, built once for conflicts and corroboration."""
    key = ("figure_blocks", id(corpus.claims))  # the corpus holds the frame: its id stays its own
    if key not in corpus.derived:
        corpus.derived[key] = _blocks(_figures(corpus), FACT_KEY)
    return corpus.derived[key]


def _figures(corpus: Corpus) -> pd.DataFrame:
    """Figure claims with their fact key: a count with a role is keyed by the role, not its noun
    ("412 people" killed and "412 dead" are one fact); other figures by unit, role and scope."""
    claims = corpus.claims
    roles = corpus.config.lexicons.get("roles") or {}
    figs = claims[(claims["claim_type"] == "figure") & claims["value"].notna()].copy()
    for column in ("conversion", "previous"):  # "$1,000 (£812)": the £ is the same fact; "from $7bn": another period
        if column in figs:
            figs = figs[~figs[column].fillna(False).astype(bool)]
    figs = _in_base_units(figs, (corpus.config.lexicons.get("units") or {}).get("pint_names") or {})
    for column in ("role", "scope", "place"):
        if column not in figs:
            figs[column] = ""
        figs[column] = figs[column].fillna("").astype(object)
    figs["scope"] = _scopes(figs, corpus, float((corpus.config.check("conflicts")).get("own_place_share", 0.3)))
    units = figs["base_unit"] if "base_unit" in figs else figs["unit"]
    subgroups = set(roles.get("subgroups") or [])
    figs["fact_unit"] = [("" if kind == "count" and role and noun not in subgroups else unit)
                         for kind, role, unit, noun in zip(figs["kind"], figs["role"], units.fillna(""),
                                                           figs["noun"].fillna(""), strict=True)]
    # a count whose role is unknown ("rose to 71") says too little of what it counts to be compared;
    # a share is compared only with a base ("55% of the votes") or a role of lexicons/roles.yaml
    # percent_roles (growth rates differ by period and segment: "up 262%" against "up 427%")
    percent_roles = set(roles.get("percent_roles") or [])
    unknown = (((figs["role"] == "") & (figs["kind"] == "count"))
               | ((figs["kind"] == "percent") & (figs["base"].fillna("") == "") & ~figs["role"].isin(percent_roles)))
    figs = figs[~unknown].copy()
    figs["role"] = _sole_roles(figs)
    figs = figs[figs["role"] != AMBIGUOUS]
    published = publication_days(corpus)
    figs.attrs["figures"] = FigureContext(published, _story_years(corpus, published),
                                          frozenset(roles.get("tallies") or []), frozenset(roles.get("readings") or []))
    return figs


@dataclass(frozen=True)
class FigureContext:
    """What a figures frame's claims are read with (kept in its attrs): publication days, story years, the
    tally and reading roles. Not copied: pandas deep-copies a frame's attrs into every frame derived
    from it, and the days of a big run are thousands of entries."""

    published: dict = field(default_factory=dict)
    story_year: dict = field(default_factory=dict)
    tallies: frozenset[str] = frozenset()
    readings: frozenset[str] = frozenset()

    def __deepcopy__(self, memo: dict) -> FigureContext:
        return self


def _in_base_units(figs: pd.DataFrame, pint_names: dict[str, str]) -> pd.DataFrame:
    """Quantities in the base units of their dimension (km and miles meet), through pint."""
    quantity = (figs["kind"] == "quantity") & figs["unit"].isin(list(pint_names))
    if not quantity.any():
        return figs
    registry = unit_registry()
    factors = {}
    for unit in set(figs.loc[quantity, "unit"]):
        base = registry.Quantity(1.0, pint_names[unit]).to_base_units()
        factors[unit] = (float(base.magnitude), f"[{base.units}]")
    figs = figs.copy()
    units = figs.loc[quantity, "unit"]
    scale = units.map(lambda u: factors[u][0]).astype(float)
    figs.loc[quantity, "value"] = figs.loc[quantity, "value"].astype(float) * scale
    figs.loc[quantity, "precision"] = figs.loc[quantity, "precision"].astype(float) * scale
    figs["base_unit"] = figs["unit"]
    figs.loc[quantity, "base_unit"] = units.map(lambda u: factors[u][1])
    return figs


@lru_cache(maxsize=1)
def unit_registry() -> Any:
    """pint's unit registry (imported on first use: it costs a few tenths of a second)."""
    import pint

    return pint.UnitRegistry()


def _scopes(figs: pd.DataFrame, corpus: Corpus, own_share: float) -> list[str]:
    """A figure's scope: the one written beside it ("in X province", "in X alone"), else the place
    its sentence opens with unless that place is the story's own (named so by at least own_share
    of the story's sources: "In Morocco, 2,012 died" is the whole story's toll)."""
    sources_per_story = corpus.sources.groupby("story")["source"].nunique().to_dict()
    naming = figs[figs["place"] != ""].groupby(["story", "place"])["source"].nunique().to_dict()
    own = {k for k, n in naming.items() if n >= max(2.0, own_share * sources_per_story.get(k[0], 1))}
    return [scope or ("" if (story, place) in own else place)
            for scope, place, story in zip(figs["scope"], figs["place"], figs["story"], strict=True)]


def _sole_roles(figs: pd.DataFrame) -> list[str]:
    """Roles, a figure of unknown role taking the role of its unit when the story gives that unit
    only one ("will pay $2.4 billion" in a story where every other dollar figure is the deal's), and
    AMBIGUOUS when the story gives that unit several."""
    key = ["story", "kind", "fact_unit", "scope"]
    known = figs[figs["role"] != ""].groupby(key)["role"].agg(lambda r: set(r))
    sole = {k: next(iter(v)) if len(v) == 1 else AMBIGUOUS for k, v in known.items()}
    return [role or sole.get(k, "") for role, k in zip(figs["role"], figs[key].itertuples(index=False, name=None),
                                                        strict=True)]


AMBIGUOUS = "?"  # a figure of unknown role where its unit has several roles in the story: not compared


def _year_of(ordinal: int) -> str:
    return str(dt.date.fromordinal(ordinal).year) if ordinal > 0 else ""


def _story_years(corpus: Corpus, published: dict[str, int]) -> dict[str, str]:
    """Story -> the publication year most of its dated sources share."""
    years: dict[str, Counter] = defaultdict(Counter)
    for source, story in zip(corpus.sources["source"], corpus.sources["story"], strict=True):
        if source in published:
            years[story][_year_of(published[source])] += 1
    return {story: counts.most_common(1)[0][0] for story, counts in years.items()}


def _row(cand: Candidate, cfg: dict, kind: str) -> dict:
    """A candidate row: where, what it is compared with, and the features the suite decides on."""
    claim, ref = cand.claim, cand.refs[0]
    seen: set[str] = set()
    rel = []
    for r in cand.refs:
        if r.source not in seen and len(rel) < MAX_RELATED:
            seen.add(r.source)
            rel.append(related(r.source, r.start, r.end))
    figure = kind == "figure"
    rel_diff = abs(claim.value - ref.value) / max(abs(ref.value), 1e-9) if figure else 0.0
    subkind = {"agree": "agree", "rounded": "precision", "update": "update", "reading": "reading"}.get(
        cand.relation, "value" if figure else "date")
    return {"source": claim.source, "story": claim.story, "start": claim.start, "end": claim.end,
            "subkind": subkind, "related": rel, "note": ref.text, "claim_text": claim.text,
            "conflict_class": cand.relation, "rel_diff": round(rel_diff, 6),
            "magnitude_offset": magnitude_offset(claim.value, ref.value) if figure else 1.0,
            "days_apart": 0 if figure else int(abs(claim.value - ref.value)),
            "calendar_gap": 0 if figure else _calendar_gap(claim, ref),
            "align_score": round(max(alignment(claim, r, cfg) for r in _distinct(cand.refs)), 4),
            "weekday_mismatch": False, "n_agree": cand.n_agree, "n_consensus": cand.n_consensus,
            "minority_share": round(cand.n_agree / max(cand.n_agree + cand.n_consensus, 1), 3),
            "role": claim.role or "figure", "published": _day(claim.published),
            "other_published": _day(max((r.published for r in cand.refs), default=-1)),
            "times_known": claim.published > 0 and max(r.published for r in cand.refs) > 0}


def _distinct(claims: list[Claim]) -> list[Claim]:
    """One claim per signature (what alignment reads): wire copies are scored once."""
    return list({_signature(c): c for c in claims}.values())


def _calendar_gap(a: Claim, b: Claim) -> int:
    """Days between two dates, a slip of the year alone ("March 28, 2023" for 2024) counted as the
    days between the month-days: the same day in another year is a near miss, not another event."""
    da, db = dt.date.fromordinal(int(a.value)), dt.date.fromordinal(int(b.value))
    gap = abs((da - db).days)
    if da.year != db.year:
        with suppress(ValueError):  # 29 February
            gap = min(gap, abs((da.replace(year=db.year) - db).days))
    return gap


def _day(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat() if ordinal > 0 else "an unknown date"


def _figure_groups(corpus: Corpus) -> list[list[Claim]]:
    cfg = corpus.config.check("conflicts")
    same = lambda a, b: agree(a, b, cfg)  # noqa: E731
    return [g for block in _figure_blocks(corpus) for g in _groups(block, cfg, same)]


def figure_conflicts(corpus: Corpus) -> pd.DataFrame:
    """Candidate figure conflicts of every story."""
    cfg = corpus.config.check("conflicts")
    same = lambda a, b: agree(a, b, cfg)  # noqa: E731
    rows = [_row(cand, cfg, "figure") for group in _figure_groups(corpus) for cand in _deviations(group, same)]
    return candidates(rows, FEATURES)


def corroboration(corpus: Corpus, independent: dict[str, str]) -> dict[int, int]:
    """claim_id -> how many independent other sources of the story give the same figure or date.

    Looser than conflict alignment on purpose: the same value in the same unit (or the same day)
    anywhere in another source of the story confirms a claim.
    """
    cfg = corpus.config.check("conflicts")
    claims = corpus.claims
    counts: dict[int, int] = {}
    dates = claims[claims["claim_type"] == "date"].copy()
    dates["value"] = _date_values(dates["date"])
    for items in _figure_blocks(corpus):
        counts.update(_confirmations(items, lambda a, c: agree(a, c, cfg), independent))
    for items in _blocks(dates[dates["value"].notna()], ["story"]):
        counts.update(_confirmations(items, _same_date, independent, _month_of))
    for claim_id, n in _unread_role_matches(corpus, independent).items():
        counts[claim_id] = max(counts.get(claim_id, 0), n)
    return counts


def _unread_role_matches(corpus: Corpus, independent: dict[str, str]) -> dict[int, int]:
    """claim_id -> independent other voices of the story giving the same value in the same unit, for the
    figures of sources in another language: their role words are not read ("55,95 %" has no role nor
    base a fact key needs, "181 personas" no English noun), so the value itself is what another source
    can confirm (a count in any noun, other figures in the same unit)."""
    claims = corpus.claims
    languages = languages_of(corpus.sources)
    figs = claims[(claims["claim_type"] == "figure") & claims["value"].notna()]
    if figs.empty or all(is_english(languages.get(s)) for s in figs["source"].unique()):
        return {}
    voices: dict[tuple, set[str]] = defaultdict(set)
    # a count's unit is its noun: any noun counts
    units = ["" if kind == "count" else unit for kind, unit in zip(figs["kind"], figs["unit"].fillna(""), strict=True)]
    keys = list(zip(figs["story"], figs["kind"], units, figs["value"].round(6), strict=True))
    for key, source in zip(keys, figs["source"], strict=True):
        voices[key].add(independent.get(source, source))
    return {int(claim_id): len(voices[key] - {independent.get(source, source)})
            for claim_id, source, key in zip(figs["claim_id"], figs["source"], keys, strict=True)
            if not is_english(languages.get(source))}


def _confirmations(items: list[Claim], equal, independent: dict[str, str],
                   part: Callable[[Claim], object] | None = None) -> dict[int, int]:
    """claim_id -> independent other voices of the block giving an equal value (value buckets:
    the cost grows with the distinct values, not with the copies). `part`, when given, is a key
    equal values always share (a date's month): values are compared only within their part."""
    buckets: dict[tuple, list[Claim]] = defaultdict(list)
    for c in items:
        buckets[(c.value, c.qualifier, c.precision, c.unit, c.granularity)].append(c)
    heads = {key: group[0] for key, group in buckets.items()}
    voices = {key: {independent.get(c.source, c.source) for c in group} for key, group in buckets.items()}
    parts: dict[object, list[tuple]] = defaultdict(list)
    for key, head in heads.items():
        parts[part(head) if part else None].append(key)
    out: dict[int, int] = {}
    for key, group in buckets.items():
        near = parts[part(heads[key]) if part else None]
        agreeing = set().union(*(voices[k] for k in near if equal(heads[k], heads[key])))
        for c in group:
            out[c.claim_id] = len(agreeing - {independent.get(c.source, c.source)})
    return out


def _date_values(dates: pd.Series) -> list[float]:
    """ISO dates as proleptic ordinals (NaN where unresolved)."""
    return [float(dt.date.fromisoformat(d).toordinal()) if isinstance(d, str) and d else math.nan for d in dates]


def _month_of(c: Claim) -> tuple[int, int]:
    """A date claim's (year, month): two dates `_same_date` takes for one always share it."""
    day = dt.date.fromordinal(int(c.value))
    return day.year, day.month


def _same_date(a: Claim, b: Claim) -> bool:
    da, db = dt.date.fromordinal(int(a.value)), dt.date.fromordinal(int(b.value))
    if "month" in (a.granularity, b.granularity):
        return (da.year, da.month) == (db.year, db.month)
    return da == db


def _date_groups(corpus: Corpus) -> list[list[Claim]]:
    cfg = corpus.config.check("conflicts")
    claims = corpus.claims
    dates = claims[claims["claim_type"] == "date"].copy()
    dates["value"] = _date_values(dates["date"])
    # a date aligns only with dates of the same named event ("struck on Friday", "filed on 14 March")
    dates = dates[dates["value"].notna() & (dates["role"].fillna("") != "")]
    return [g for block in _blocks(dates, ["story", "role"]) for g in _groups(block, cfg, _same_date)]


def date_conflicts(corpus: Corpus) -> pd.DataFrame:
    """Candidate date conflicts (and weekday mismatches) of every story."""
    claims = corpus.claims
    dates = claims[claims["claim_type"] == "date"]
    cfg = corpus.config.check("conflicts")
    support = _date_support(dates)
    rows = [_weekday_row(r) for r in dates[dates["weekday_written"].notna()].itertuples()]
    rows += [_row(cand, cfg, "date") for group in _date_groups(corpus)
             for cand in _deviations(group, _same_date, support)]
    return candidates(rows, FEATURES)


def _date_support(dates: pd.DataFrame) -> dict[tuple, int]:
    """(story, day) -> how many sources of the story name that day anywhere (event named or not)."""
    values = _date_values(dates["date"])
    sources: dict[tuple, set[str]] = defaultdict(set)
    for story, source, value in zip(dates["story"], dates["source"], values, strict=True):
        if not math.isnan(value):
            sources[(story, value)].add(source)
    return {key: len(found) for key, found in sources.items()}


def _weekday_row(r) -> dict:
    """Every date written with its weekday is a candidate; weekday_mismatch says whether they disagree."""
    mismatch = bool(r.weekday_mismatch) if isinstance(r.weekday_mismatch, bool | int) else False
    return {"source": r.source, "story": r.story, "start": int(r.start), "end": int(r.end), "subkind": "weekday",
            "related": [], "note": r.date, "claim_text": r.text, "conflict_class": "weekday", "rel_diff": 0.0,
            "magnitude_offset": 1.0, "days_apart": 0, "calendar_gap": 0, "align_score": 1.0,
            "weekday_mismatch": mismatch,
            "n_agree": 0, "n_consensus": 0, "minority_share": 0.0, "role": "date", "published": "",
            "other_published": ""}
