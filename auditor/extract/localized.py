"""Figures and dates written in another language (German, French, Spanish, Italian, Portuguese, ...).

`extract_figures(text, language)` and `extract_dates(text, reference, language)` come here for a
language that lexicons/locales.yaml lists; English never does. The words are data: scale words,
currency names, per-cent forms and connectors from locales.yaml, month names from Babel's CLDR data.
Conventions: the locale's decimal mark ("2,4 Milliarden Euro" is 2.4 billion EUR); the other mark
groups thousands when exactly three digits follow ("1.037 muertos" is 1037), as do spaces ("2 000");
a lone comma before exactly three digits without a scale word is an English-style thousands mark ("2,059");
a bare year (1800-2099), a number inside a date, a time of day ("14.30 Uhr"), a number glued to
letters and a day number ending its sentence ("Berlin, 12." of "12. März", cut at its full stop) are
no figure. Role words of other languages are in roles.yaml beside the English ones.
Dates: "12. März 2025", "12 de marzo de 2025", "1er mars", "März 2025",
"12.03.2025"; a day and month without a year take the year nearest the reference date.
"""

from __future__ import annotations

import datetime
import re

from auditor.text import Locale

_SP = r"[^\S\n]"
_GROUP = r"[ \u00a0\u202f]"
_WORD_AFTER = re.compile(rf"{_SP}+([^\W\d_][\w'’-]*)")


def _alt(forms: list[str]) -> str:
    return "|".join(re.escape(f).replace(r"\ ", rf"{_SP}+") for f in sorted(set(forms), key=len, reverse=True))


_COMPILED: dict[tuple[str, int], re.Pattern[str]] = {}  # (pattern name, id of the Locale) -> regex


def _compiled(name: str, loc: Locale, build) -> re.Pattern[str]:
    """A locale's regex, compiled once per Locale object (Locales are cached by auditor.text.locale)."""
    key = (name, id(loc))
    if key not in _COMPILED:
        _COMPILED[key] = build(loc)
    return _COMPILED[key]


def _figure_re(loc: Locale) -> re.Pattern[str]:
    return _compiled("figure", loc, _build_figure_re)


def _unit_re(loc: Locale) -> re.Pattern[str]:
    return _compiled("unit", loc, lambda lo: re.compile(rf"{_SP}+({_alt(list(lo.units))})(?![\w])", re.IGNORECASE))


def _date_re(loc: Locale) -> re.Pattern[str]:
    return _compiled("date", loc, _build_date_re)


def _build_figure_re(loc: Locale) -> re.Pattern[str]:
    dec = re.escape(loc.decimal)
    group = "." if loc.decimal == "," else ","
    number = (rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})+(?!\d)(?!{re.escape(group)}\d)(?:{dec}\d+)?"
              rf"|\d{{1,3}}(?:{_GROUP}\d{{3}})+(?!\d)(?:{dec}\d+)?")
    if loc.decimal == ",":
        number += r"|\d+\.\d{1,2}(?!\d)"  # "2.4" or "14.30" in a text with decimal commas: a decimal or a time
    number += rf"|\d+(?:{dec}\d+)?(?![.,]\d)"
    connectors = _alt(list(loc.connectors)) or "(?!x)x"
    posts = _alt([*loc.currencies, *(c.upper() for c in loc.currencies if len(c) == 3), *loc.percent, *_CUR_SYMBOL])
    return re.compile(
        rf"(?P<cur>US\$|\$|€|£){_SP}?(?=\d)|"
        rf"(?<![\w.,:/])(?P<num>{number})(?![\d\w])"
        rf"(?:{_SP}*(?P<scale>{_alt(list(loc.scales))})(?![\w]))?"
        rf"(?:{_SP}*(?:(?:{connectors})(?:{_SP}+|(?<=['’])))?(?P<post>{posts})(?![\w]))?",  # "3 Md€", "5 $"
        re.IGNORECASE,
    )


_CUR_SYMBOL = {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP"}


def _value(raw: str, loc: Locale, scaled: bool = False) -> tuple[str, int]:
    """(plain decimal string, decimals written) of a number written in the locale.

    A single decimal comma followed by exactly three digits and no scale word ("2,059 heridos") is
    an English-style thousands separator, as outlets quoting wire copy write it; "2,4 millones" stays 2.4."""
    group = "." if loc.decimal == "," else ","
    s = re.sub(_GROUP, "", raw)
    if loc.decimal == "," and not scaled and re.fullmatch(r"\d{1,3},\d{3}", s):
        return s.replace(",", ""), 0
    if loc.decimal == "," and "," not in s and re.fullmatch(r"\d+\.\d{1,2}", s):
        return s, len(s.partition(".")[2])
    s = s.replace(group, "").replace(loc.decimal, ".")
    return s, len(s.partition(".")[2])


def figures(text: str, loc: Locale, date_ranges: list[tuple[int, int]]) -> list[dict]:
    """The figures of a text as Figure fields (start, end, text, kind, value, unit, qualifier, precision,
    sig_digits, scale, noun)."""
    out: list[dict] = []
    pending_cur: tuple[int, str] | None = None
    for m in _figure_re(loc).finditer(text):
        if m.group("cur"):
            pending_cur = (m.start(), _CUR_SYMBOL[m.group("cur")])
            continue
        cur = pending_cur if pending_cur and m.start() - pending_cur[0] <= 4 else None
        pending_cur = None
        fig = _figure(text, m, loc, cur, date_ranges)
        if fig is not None:
            out.append(fig)
    return out


def _figure(text: str, m: re.Match[str], loc: Locale, cur: tuple[int, str] | None,
            date_ranges: list[tuple[int, int]]) -> dict | None:
    num, scale_word, post = m.group("num"), m.group("scale"), m.group("post")
    start, end = (cur[0] if cur else m.start()), m.end()
    if any(s <= m.start("num") < e for s, e in date_ranges):
        return None
    bare = cur is None and scale_word is None and post is None
    nxt = _WORD_AFTER.match(text, m.end())
    if bare and ((len(num) == 4 and num.isdigit() and 1800 <= int(num) <= 2099)
                 or (nxt and nxt.group(1).lower() in {w.lower() for w in loc.time_words})
                 or text[m.end():m.end() + 1] in (":", "/")
                 or (len(num) <= 2 and text[m.end():].strip() == ".")):  # "12." of "12. März", cut off by the segmenter
        return None
    scale = _scale(loc, scale_word)
    mantissa, decimals = _value(num, loc, scale is not None)
    power = scale[1] if scale else 0
    kind, unit = "count", ""
    if cur:
        kind, unit = "money", cur[1]
    if post:
        key = " ".join(post.split())
        if key in loc.percent or key.lower() in {p.lower() for p in loc.percent}:
            kind, unit = "percent", "%"
        else:
            kind, unit = "money", loc.currencies.get(key.lower()) or _CUR_SYMBOL.get(key, unit)
    words = [nxt.group(1)] if nxt and not post else []
    named = _unit_re(loc).match(text, m.end()) if kind == "count" and words and loc.units else None
    named_unit = loc.units.get(" ".join(named.group(1).lower().split())) if named else None
    if named_unit:  # "44 días", "3 Tage", "12 kilómetros cuadrados": a quantity in a unit of units.yaml
        kind, unit, words = "quantity", named_unit, []
    elif kind == "count" and words:
        unit = words[0].lower()
    digits = mantissa.replace(".", "").lstrip("0")
    return {"start": start, "end": end, "text": text[start:end], "kind": kind,
            "value": float(f"{mantissa}e{power}"), "unit": unit, "qualifier": "",
            "precision": float(f"1e{power - decimals}"), "sig_digits": max(len(digits), 1),
            "scale": scale[0] if scale else "", "noun": " ".join(words)}


def _scale(loc: Locale, written: str | None) -> tuple[str, int] | None:
    if written is None:
        return None
    key = " ".join(written.split())
    if key in loc.scales:
        return loc.scales[key]
    lowered = {k.lower(): v for k, v in loc.scales.items()}
    return lowered.get(key.lower())


# --------------------------------------------------------------------------- dates


def _build_date_re(loc: Locale) -> re.Pattern[str]:
    months = _alt(list(loc.months))
    conn = _alt(list(loc.date_connectors))
    link = rf"{_SP}+(?:(?:{conn}){_SP}+)?" if conn else rf"{_SP}+"
    year = r"(?:1[89]|20)\d{2}"
    return re.compile(
        rf"(?<![\w.])(?P<day>3[01]|[12]\d|0?[1-9])(?:\.|er|º|°|ª)?{link}(?P<month>{months})\.?(?![\w])"
        rf"(?:,?{link}(?P<year>{year})(?!\d))?"
        rf"|(?<![\w.])(?P<month2>{months})\.?{link}(?P<year2>{year})(?!\d)"
        rf"|(?<![\w.])(?P<nd>3[01]|[12]\d|0?[1-9])[./](?P<nm>1[0-2]|0?[1-9])[./](?P<ny>{year})(?!\d)",
        re.IGNORECASE,
    )


def dates(text: str, loc: Locale, reference: datetime.date | None) -> list[dict]:
    """The dates of a text as DateMention fields."""
    out: list[dict] = []
    for m in _date_re(loc).finditer(text):
        found = _date(m, loc, reference)
        if found is not None:
            out.append({"start": m.start(), "end": m.end(), "text": m.group()} | found)
    return out


def date_ranges(text: str, loc: Locale) -> list[tuple[int, int]]:
    """Spans of the dates of a text (numbers inside them are no figures)."""
    return [(m.start(), m.end()) for m in _date_re(loc).finditer(text)]


def _date(m: re.Match[str], loc: Locale, reference: datetime.date | None) -> dict | None:
    base = {"weekday_written": None, "weekday_mismatch": False}
    if m.group("month2"):
        return base | {"kind": "month_year", "year": int(m.group("year2")),
                       "month": loc.months[m.group("month2").lower()], "day": None, "granularity": "month",
                       "year_inferred": False}
    if m.group("nd"):
        day, month, year = int(m.group("nd")), int(m.group("nm")), int(m.group("ny"))
        kind, inferred = "full", False
    else:
        day, month = int(m.group("day")), loc.months[m.group("month").lower()]
        year = int(m.group("year")) if m.group("year") else _nearest_year(month, day, reference)
        kind, inferred = ("full", False) if m.group("year") else ("month_day", True)
    if year is not None:
        try:
            datetime.date(year, month, day)
        except ValueError:
            return None
    return base | {"kind": kind, "year": year, "month": month, "day": day, "granularity": "day",
                   "year_inferred": inferred}


def _nearest_year(month: int, day: int, reference: datetime.date | None) -> int | None:
    """The year, among the reference's and its neighbours, that puts the day nearest the reference."""
    if reference is None:
        return None
    best: tuple[int, int] | None = None
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            gap = abs((datetime.date(year, month, day) - reference).days)
        except ValueError:
            continue
        if best is None or gap < best[0]:
            best = (gap, year)
    return best[1] if best else None
