"""Stage 3, extract: sentences -> the `claims` frame (figures and dates), one row per claim.

Columns of `claims`: claim_id, row_id (sentence), source, story, claim_type ("figure" | "date"),
start, end (offsets into the source text), text, kind, value, unit, qualifier, precision,
sig_digits, scale, noun, base (what a percentage is of), date (ISO), granularity,
year_inferred, weekday_mismatch, weekday_written, years (for figures: the year the fact belongs to,
"" if none), role (for figures: what the figure counts or measures; for dates: the event dated; from
lexicons/roles.yaml, "" if unknown), scope (for figures: the sub-area it is about, "in X province", "" for the whole),
conversion (a figure written beside another as its conversion: "$1,000 (£812)", "65 km (40 miles)"),
previous (a figure given as the earlier value a change started from: "from $7.2 billion", "up from 5%"),
place (a place the figure's sentence opens with, "In Rukum West, 52 died": a scope unless most of
the story's sources name it, which makes it the story's own place),
context (content-word stems around the claim, space separated).
Boilerplate sentences and the article's own dateline yield no claims.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

import pandas as pd

from ..corpus import Corpus
from ..language import languages_of
from ..segment import plain_strings
from ..text import Vocabulary, content_words, default_vocabulary, memo_by_text, stem, vocabulary
from .dates import DateMention, extract_dates
from .figures import Figure, extract_figures

CLAIM_COLUMNS = ["claim_id", "row_id", "source", "story", "claim_type", "start", "end", "text", "kind", "value",
                 "unit", "qualifier", "precision", "sig_digits", "scale", "noun", "base", "date", "granularity",
                 "year_inferred", "weekday_mismatch", "weekday_written", "years", "role", "scope", "place",
                 "conversion", "previous", "context"]
WORD = re.compile(r"[^\W\d_][\w’'-]*")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
BASE = re.compile(r"^\s*of\s+([\w’'\s-]{1,80})")
WINDOW_WORDS = 8
DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Hints:
    """Cheap pre-checks: a sentence without a digit or a spelled scale word holds no figure; one without a
    digit, a word starting with a month or weekday prefix or a relative day holds no date. The words of a
    sentence are read once, in lower case (no case-insensitive regex over every position)."""

    scales: frozenset[str]
    calendar: tuple[str, ...]  # month and weekday prefixes, and the relative days

    @classmethod
    def from_vocabulary(cls, vocab: Vocabulary) -> Hints:
        prefixes = {w[:3].casefold() for w in [*vocab.full_months, *vocab.full_weekdays]}
        return cls(frozenset(w.casefold() for w in vocab.scale_words if w.isalpha()),
                   tuple(sorted(prefixes | {"today", "yesterday", "tomorrow"})))

    def of(self, sentence: str) -> tuple[bool, bool]:
        """(may hold a figure, may hold a date)."""
        if DIGIT.search(sentence):
            return True, True
        words = WORD_RUN.findall(sentence.casefold())
        return (not self.scales.isdisjoint(words),
                any(w.startswith(self.calendar) for w in words))


WORD_RUN = re.compile(r"\w+")
HINTS = Hints.from_vocabulary(default_vocabulary())


def context_stopwords(vocab: Vocabulary) -> frozenset[str]:
    """Words left out of a claim's context: stopwords, and the scale and percent words of figures."""
    return vocab.stopwords | vocab.scale_and_percent_words()


def context_stems(text: str, start: int, end: int, stop: frozenset[str], width: int = WINDOW_WORDS) -> list[str]:
    """Content-word stems within `width` words on either side of text[start:end]."""
    before = content_words(WORD.findall(text[:start]), stop)[-width:]
    after = content_words(WORD.findall(text[end:]), stop)[:width]
    return [stem(w) for w in before + after]


CLAUSE = re.compile(r",(?!\d)|;|\band\b|\bbut\b|\bwhile\b|\bwhereas\b")  # a comma inside 1,300 is no cut


def bare_years(sentence: str, dates: list[DateMention]) -> list[tuple[int, str]]:
    """(offset, year) of years named on their own ("in 2024"), not inside a written date."""
    spans = [(d.start, d.end) for d in dates]
    return [(m.start(), m.group()) for m in YEAR.finditer(sentence)
            if not any(s <= m.start() < e for s, e in spans)]


INTRO_YEAR = re.compile(r"\s*(?:[A-Z][a-z]+,\s+)?(?:[Ii]n|[Oo]n|[Bb]y|[Ss]ince|[Aa]s of|[Bb]ack in)\s+"
                        r"(?:early\s+|late\s+|mid-)?(?:[A-Z][a-z]+\.?\s+)?"
                        r"(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?((?:19|20)\d{2})\s*,")


def intro_year(sentence: str) -> str:
    """The year of a sentence's opening time phrase ("In September 2021, ...", "In 2024, ..."): it
    dates every figure of the sentence."""
    m = INTRO_YEAR.match(sentence)
    return m.group(1) if m else ""


def fact_year(sentence: str, offset: int, years: list[tuple[int, str]]) -> str:
    """The year a figure belongs to: the nearest bare year in its clause, else in its sentence."""
    if not years:
        return ""
    lo, hi = clause_bounds(sentence, offset)
    same_clause = [y for y in years if lo <= y[0] < hi]
    pool = same_clause or years
    return min(pool, key=lambda y: abs(y[0] - offset))[1]


class Roles:
    """lexicons/roles.yaml compiled: role words by stem, role phrases, scope markers."""

    def __init__(self, lexicon: dict, section: str = "roles") -> None:
        self.by_stem: dict[str, str] = {}
        phrases: list[tuple[str, str]] = []
        for role, words in (lexicon.get(section) or {}).items():
            for word in words:
                if " " in word or "-" in word:
                    phrases.append((word.lower(), role))
                else:
                    self.by_stem.setdefault(stem(word), role)
        self.phrases = [(re.compile(rf"\b{re.escape(w)}\b", re.IGNORECASE), role) for w, role in phrases]
        # matches wherever one of the phrases does: a clause without a match is not searched phrase by phrase
        self.any_phrase = re.compile(r"\b(?:" + "|".join(re.escape(w) for w, _ in phrases) + r")\b",
                                     re.IGNORECASE) if phrases else None
        self.kinds = {role: set(kinds) for role, kinds in (lexicon.get("role_kinds") or {}).items()}
        self.after = int(lexicon.get("window_after", 3))
        self.before = int(lexicon.get("window_before", 6))
        markers = "|".join(re.escape(m) for m in sorted(lexicon.get("scope_markers") or ["district"], key=len,
                                                        reverse=True))
        name = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}"
        self.anchor = re.compile(rf"^\W*(?:[\w-]+\W+){{0,3}}?(?:of|from)\s+(?:the\s+)?(?:capital\W+|city\s+of\s+)?"
                                 rf"(?P<a>{name})")
        self.alone = re.compile(rf"\bin\s+(?P<a>{name})\s+(?:alone|only)\b")
        self.in_place = re.compile(rf"^[^,;]{{0,60}}?\bin\s+(?:the\s+)?(?:neighbou?ring\s+)?(?P<a>{name})")
        self.place = re.compile(rf"^\W*(?:[A-Z][a-z]+,\s+)?[Ii]n\s+(?P<a>{name})\s*,")
        # "in X province", "in the province of X": a place the figure is in, not one a clause mentions
        # ("the quake that struck the X province has killed 1,037" is the whole toll)
        self.scope = re.compile(rf"\b[Ii]n\s+(?:the\s+)?(?P<a>{name})\s+(?i:{markers})\b"
                                rf"|\b[Ii]n\s+the\s+(?i:{markers})\s+of\s+(?P<b>{name})")


def clause_bounds(sentence: str, offset: int) -> tuple[int, int]:
    """The clause of the sentence that holds `offset` (cut at commas, semicolons, and, but, while)."""
    cuts = _clause_cuts(sentence)
    k = bisect_right(cuts, offset)  # cuts[0] = 0 <= offset: k >= 1
    return cuts[k - 1], cuts[k] if k < len(cuts) else len(sentence) + 1


@lru_cache(maxsize=1 << 14)
def _clause_cuts(sentence: str) -> tuple[int, ...]:
    """Where the sentence's clauses start, in order (0 first): each figure of a sentence reads them."""
    return (0, *(m.end() for m in CLAUSE.finditer(sentence)), len(sentence) + 1)


def figure_role(sentence: str, start: int, end: int, roles: Roles, kind: str = "") -> str:
    """The role word nearest the figure inside its clause: after it first ("412 dead"), then before.
    A role declared for some kinds of figure only (role_kinds: a magnitude is a bare number, a
    depth a length) is skipped for the others."""
    lo, hi = clause_bounds(sentence, start)
    after = [(m.start(), m.group()) for m in islice(WORD.finditer(sentence, end, min(hi, len(sentence))), roles.after)]
    before = [(m.start(), m.group()) for m in WORD.finditer(sentence, lo, start)][::-1][: roles.before]
    found: list[tuple[int, int, str]] = []
    for rank, (_pos, word) in enumerate(after):
        role = roles.by_stem.get(stem(word))
        if role:
            found.append((rank, 0, role))
    for rank, (_pos, word) in enumerate(before):
        role = roles.by_stem.get(stem(word))
        if role:
            found.append((rank, 1, role))
    stop = min(hi, len(sentence))
    phrases = roles.phrases if roles.any_phrase and roles.any_phrase.search(sentence, lo, stop) else []
    for pattern, role in phrases:
        for m in pattern.finditer(sentence, lo, stop):
            if m.start() >= end:
                rank = len(WORD.findall(sentence[end:m.start()]))
                if rank < roles.after:
                    found.append((rank, 0, role))
            elif m.end() <= start:
                rank = len(WORD.findall(sentence[m.end():start]))
                if rank < roles.before:
                    found.append((rank, 1, role))
    found = [f for f in found if not kind or f[2] not in roles.kinds or kind in roles.kinds[f[2]]]
    return min(found)[2] if found else ""


def figure_scope(sentence: str, start: int, roles: Roles, kind: str = "", end: int = 0, reach: int = 0) -> str:
    """The sub-area a figure is about: a scope named in its clause, or in the clause of a figure of
    another role coordinated with it, ending at `reach` ("44 died and 70 were injured in X district"
    are both X's, but in "2,012 died, most of them in X province" the toll is the whole story's), or
    in a leading "In X province," clause; for a quantity, the place it is measured from ("65 km
    north-east of Surkhet")."""
    if kind == "quantity":
        anchor = roles.anchor.match(sentence[end:end + 80])
        return anchor.group("a").lower() if anchor else ""
    lo, hi = clause_bounds(sentence, start)
    m = (roles.scope.search(sentence, lo, min(hi, len(sentence))) or roles.alone.search(sentence)
         or (roles.scope.search(sentence, end, reach) if reach > end else None))
    if m is None and sentence.lstrip().startswith("In "):
        first_lo, first_hi = clause_bounds(sentence, 0)
        m = roles.scope.search(sentence, first_lo, min(first_hi, len(sentence)))
    if m is None:
        return ""
    words = (m.group("a") or m.group("b")).lower().split()
    while len(words) > 1 and words[0] in ("in", "the", "of", "at", "from"):
        words = words[1:]
    return " ".join(words)


CONVERSION_GAP = re.compile(r"\s*(?:\(|/|,?\s*or\s+(?:about|around|roughly|some|nearly|approximately|almost)?)\s*",
                            re.IGNORECASE)


def conversions(sentence: str, figures: list[Figure]) -> set[int]:
    """Indexes of figures that restate the figure before them in another unit: "$1,000 (£812)",
    "€1.2bn, or about $1.3bn", "65 km (40 miles)". They are the same fact, never compared."""
    out = set()
    for i in range(1, len(figures)):
        a, b = figures[i - 1], figures[i]
        if a.kind == b.kind and a.kind in ("money", "quantity") and a.unit != b.unit and CONVERSION_GAP.fullmatch(
                sentence[a.end:b.start]):
            out.add(i)
    return out


RANGE_GAP = re.compile(r"\s*(?:to|and|-|–|—)\s*", re.IGNORECASE)
FROM_BEFORE = re.compile(r"\b(?:from|compared (?:with|to)|versus|vs\.?|against)\s+(?:an?\s+|the\s+)?$", re.IGNORECASE)
BETWEEN_BEFORE = re.compile(r"\bbetween\s+$", re.IGNORECASE)


def ranges_and_previous(sentence: str, figures: list[Figure]) -> tuple[dict[int, str], set[int]]:
    """Bounds of ranges ("between $10.8 billion and $11.2 billion", "$10.8 billion to $11.2
    billion": index -> "at least" / "up to") and figures given as the earlier value of a change
    ("from $7.2 billion to $26 billion", "up from 5%"): a range is no point value, and the value a
    change started from is another period's fact."""
    bounds: dict[int, str] = {}
    previous = {i for i, f in enumerate(figures) if FROM_BEFORE.search(sentence[max(0, f.start - 30):f.start])}
    for i in range(1, len(figures)):
        a, b = figures[i - 1], figures[i]
        gap = sentence[a.end:b.start]
        if a.kind != b.kind or not RANGE_GAP.fullmatch(gap) or i - 1 in previous:
            continue
        if gap.strip().lower() == "and" and not BETWEEN_BEFORE.search(sentence[max(0, a.start - 12):a.start]):
            continue
        bounds[i - 1], bounds[i] = "at least", "up to"
    return bounds, previous


def _coordinated_reach(sentence: str, figures: list[Figure], figure_roles: list[str], i: int) -> int:
    """Where figure i's scope may still be named: to the end of the next figure's clause when that
    figure has another known role and is joined to it by "and" ("44 died and 70 were injured in
    X"); else nowhere beyond its own clause (0)."""
    if i + 1 >= len(figures) or figure_roles[i + 1] in ("", figure_roles[i]):
        return 0
    nxt = figures[i + 1]
    if not re.fullmatch(r"[^,;]*\band\b[^,;]*", sentence[figures[i].end:nxt.start]):
        return 0
    return min(clause_bounds(sentence, nxt.start)[1], len(sentence))


def _breakdown_reach(sentence: str, figures: list[Figure], figure_roles: list[str], i: int) -> int:
    """The text after figure i up to the next figure of its own or an unknown role (a breakdown's
    next item)."""
    return next((g.start for g, r in zip(figures[i + 1:], figure_roles[i + 1:], strict=True)
                 if r in (figure_roles[i], "")), len(sentence))


def breakdown_scopes(sentence: str, figures: list[Figure], reaches: list[int], roles: Roles) -> dict[int, str]:
    """A sentence that splits a count by place ("92 died in Jajarkot, while 36 perished in Rukum
    West") scopes each figure to its own place, even the story's own place: index -> place."""
    places = {}
    for i, f in enumerate(figures):
        m = roles.in_place.match(sentence[f.end:reaches[i]])
        if m:
            places[i] = m.group("a").lower()
    return places if len(set(places.values())) > 1 else {}


def figure_place(sentence: str, roles: Roles) -> str:
    """The place a sentence opens with ("In Rukum West, 52 people died", "Similarly, in X, ...")."""
    m = roles.place.match(sentence)
    return m.group("a").lower() if m and m.group("a").split()[0] not in ("The", "A", "An") else ""


def _percent_base(sentence: str, end: int, stop: frozenset[str]) -> str:
    m = BASE.match(sentence[end:])
    if not m:
        return ""
    words = content_words(WORD.findall(m.group(1))[:6], stop)
    return " ".join(stem(w.rstrip("’'s") if w.endswith(("’s", "'s")) else w) for w in words)


def _figure_row(f: Figure, sentence: str, offset: int, stop: frozenset[str], roles: Roles, role: str,
                reach: int) -> dict:
    return {"claim_type": "figure", "start": offset + f.start, "end": offset + f.end, "text": f.text,
            "role": role, "scope": figure_scope(sentence, f.start, roles, f.kind, f.end, reach),
            "place": figure_place(sentence, roles),
            "kind": f.kind, "value": f.value, "unit": f.unit, "qualifier": f.qualifier, "precision": f.precision,
            "sig_digits": f.sig_digits, "scale": f.scale, "noun": f.noun.lower(),
            "base": _percent_base(sentence, f.end, stop) if f.kind == "percent" else "",
            "context": " ".join(context_stems(sentence, f.start, f.end, stop))}


def _date_row(d: DateMention, sentence: str, offset: int, stop: frozenset[str], events: Roles) -> dict:
    iso = None
    if d.year and d.month:
        iso = dt.date(d.year, d.month, d.day or 1).isoformat()
    return {"claim_type": "date", "start": offset + d.start, "end": offset + d.end, "text": d.text,
            "kind": d.kind, "date": iso, "granularity": d.granularity, "year_inferred": d.year_inferred,
            "weekday_mismatch": d.weekday_mismatch, "weekday_written": d.weekday_written,
            "role": figure_role(sentence, d.start, d.end, events), "scope": "", "place": "", "conversion": False,
            "previous": False,
            "context": " ".join(context_stems(sentence, d.start, d.end, stop))}


DATELINE_MAX_LINE = 5  # the article's own dateline sits in its first lines


def _is_dateline(d: DateMention, sentence: str, line: int, published: dt.date | None) -> bool:
    """The article's own dateline ("January 23, 2025" atop the text) is metadata, not a claim."""
    if line > DATELINE_MAX_LINE or d.weekday_mismatch:
        return False  # a wrong weekday is reported even on the article's own date
    mostly_date = len(d.text) >= 0.5 * len(sentence.strip(" -•*"))
    at_start = not sentence[: d.start].strip(" -•*")
    same_day = published is not None and (d.year, d.month, d.day) == (published.year, published.month, published.day)
    short_line = len(sentence) <= 100  # a byline or dateline line, not a sentence of the story
    return mostly_date or (same_day and (at_start or short_line)) or (at_start and d.year is None)


def _published(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _hints(text: str, language: str) -> tuple[bool, bool]:
    """(may hold a figure, may hold a date): in another language both are written with digits."""
    if language == "en":
        return HINTS.of(text)
    digits = DIGIT.search(text) is not None
    return digits, digits


def _sentence_claims(text: str, language: str, published: dt.date | None, may: tuple[bool, bool],
                     stop: frozenset[str], roles: Roles, events: Roles) -> tuple[tuple[dict, bool], ...]:
    """The claims of one sentence (offsets within it), each with whether it is the article's own
    dateline should the sentence sit at the top of the text. A pure function of its arguments;
    `may` is _hints(text, language)."""
    may_figure, may_date = may
    if not may_figure and not may_date:
        return ()
    dates = extract_dates(text, published, language) if may_date else []
    figures = extract_figures(text, language) if may_figure else []
    years = bare_years(text, dates)
    opening = intro_year(text) if figures else ""
    converted = conversions(text, figures)
    bounds, previous = ranges_and_previous(text, figures) if len(figures) else ({}, set())
    figure_roles = [figure_role(text, f.start, f.end, roles, f.kind) for f in figures]
    reaches = [_coordinated_reach(text, figures, figure_roles, i) for i in range(len(figures))]
    split = breakdown_scopes(text, figures, [_breakdown_reach(text, figures, figure_roles, i)
                                             for i in range(len(figures))], roles) if len(figures) > 1 else {}
    claims: list[tuple[dict, bool]] = []
    for i, f in enumerate(figures):
        row = _figure_row(f, text, 0, stop, roles, figure_roles[i], reaches[i]) | {
            "years": opening or fact_year(text, f.start, years), "conversion": i in converted,
            "previous": i in previous}
        if i in split and not row["scope"]:
            row["scope"] = split[i]
        if i in bounds and not row["qualifier"]:
            row["qualifier"] = bounds[i]
        claims.append((row, False))
    for d in dates:
        claims.append((_date_row(d, text, 0, stop, events) | {"years": ""}, _is_dateline(d, text, 0, published)))
    return tuple(claims)


def extract_claims(corpus: Corpus) -> pd.DataFrame:
    """Every figure and date claim of the non-boilerplate sentences."""
    audited = corpus.sources[corpus.sources["status"] == "audited"]
    published = {s: _published(p) for s, p in zip(audited["source"], audited["published"], strict=True)}
    languages = languages_of(audited)  # another language is read in its locale (lexicons/locales.yaml)
    stop = context_stopwords(vocabulary(corpus.config))
    roles = Roles(corpus.config.lexicons.get("roles") or {})
    events = Roles(corpus.config.lexicons.get("roles") or {}, "events")
    s = corpus.sentences
    keep = ~s["is_boilerplate"] if "is_boilerplate" in s else pd.Series(True, index=s.index)
    # a sentence given again (wire copy, a story's sources) is read once; the publication date is
    # part of what it is read with only when it may hold a date
    read = memo_by_text(lambda text, language, day, may: _sentence_claims(text, language, day, may, stop, roles,
                                                                           events))
    hints = memo_by_text(_hints)
    rows: list[dict] = []
    for row_id, source, story, start, line, text in zip(s["row_id"][keep], s["source"][keep], s["story"][keep],
                                                        s["start"][keep], s["line"][keep], s["text"][keep],
                                                        strict=True):
        base = {"row_id": row_id, "source": source, "story": story}
        language = languages.get(source, "en")
        may = hints(text, language)
        for claim, early_dateline in read(text, language, published.get(source) if may[1] else None, may):
            if not (early_dateline and line <= DATELINE_MAX_LINE):
                rows.append(base | claim | {"start": start + claim["start"], "end": start + claim["end"]})
    frame = plain_strings(pd.DataFrame(rows, columns=CLAIM_COLUMNS))
    frame["claim_id"] = range(len(frame))
    return frame
