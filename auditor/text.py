"""Text utilities shared by every stage: the word lists of expectations/lexicons/ and the stemmer.

One vocabulary per concept, each a lexicon file, read here and nowhere else:

| concept | lexicon |
|---|---|
| qualifiers and the bound each puts on a figure | qualifiers.yaml |
| stopwords (function words, quantifiers, reporting verbs; other languages' function words) | stopwords.yaml |
| month and weekday names | calendar.yaml |
| units, currencies | units.yaml |
| scale words | scales.yaml |
| abbreviations (no sentence end after their full stop) | abbreviations.yaml |
| figures and dates in other languages (month names from Babel's CLDR data) | locales.yaml |

`vocabulary(config)` gives the `Vocabulary` of a loaded `Config` (built once per expectations
digest); `default_vocabulary()` reads the project's own expectations/lexicons/ once, for modules that
compile their regexes at import time (auditor.extract) or run without a config (tests, stories).
So a custom `--expectations` folder changes the claims' context stopwords, the abbreviations and the
checks' own lexicons, while the extractors keep the project's units, scales, months and qualifier
phrases (their regexes are compiled once per process).

`stem` is the Snowball English stemmer (snowballstemmer, which uses PyStemmer's C build when that is
installed), cached: it runs on every word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from re import _parser as re_parser  # the standard library's own pattern parser
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from .config import default_dir

if TYPE_CHECKING:
    from .config import Config

BOUNDS = ("lower", "upper", "approximate", "exact")


@dataclass(frozen=True)
class Vocabulary:
    """The word lists of one expectations folder, ready to use (sets and maps, lower case unless noted)."""

    qualifier_bounds: Mapping[str, frozenset[str]]  # phrase -> its bounds ("lower", "upper", ...)
    qualifier_aliases: Mapping[str, str]  # other spelling or symbol -> the phrase it stands for
    qualifiers_after: tuple[str, ...]  # written after the figure ("5,000-odd")
    function_words: frozenset[str]
    quantifiers: frozenset[str]
    reporting_verbs: frozenset[str]
    months: Mapping[str, int]  # name or abbreviation -> 1..12
    full_months: tuple[str, ...]
    weekdays: Mapping[str, int]  # name or abbreviation -> 0 (Monday)..6
    full_weekdays: tuple[str, ...]
    scales: Mapping[str, tuple[str, int]]  # written form (as written) -> (scale name, power of ten)
    scale_words: tuple[str, ...]  # spelled out ("million", "lakh crore")
    scale_abbreviations: tuple[str, ...]  # "bn", "Mio."
    scale_suffixes: tuple[str, ...]  # glued: "m", "k"
    ambiguous_scales: frozenset[str]
    currency_symbols: Mapping[str, str]  # written before the amount -> ISO code
    units: Mapping[str, tuple[str, str, int]]  # written after the number -> (kind, unit, power of ten)
    abbreviations: frozenset[str]
    stopwords: frozenset[str] = field(init=False)  # function words, quantifiers and reporting verbs
    other_function_words: frozenset[str] = frozenset()  # other languages' (stopwords.yaml other_languages)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stopwords", self.function_words | self.quantifiers | self.reporting_verbs)

    def qualifier(self, written: str) -> str:
        """The normalised phrase of a written qualifier ("approx." -> "approximately"), "" if none."""
        key = " ".join(written.lower().split())
        key = self.qualifier_aliases.get(key, key)
        return key if key in self.qualifier_bounds else ""

    def bounds(self, qualifier: str) -> frozenset[str]:
        """The bounds a qualifier puts on the value: {"lower"}, {"upper", "approximate"}, ... (empty: none)."""
        return self.qualifier_bounds.get(self.qualifier(qualifier) if qualifier else "", frozenset())

    def qualifiers_before(self) -> list[str]:
        """Every phrase or spelling written before a figure (words only, symbols excluded)."""
        after = set(self.qualifiers_after)
        words = [q for q in [*self.qualifier_bounds, *self.qualifier_aliases] if q not in after]
        return [q for q in words if any(c.isalpha() for c in q)]

    def qualifier_symbols(self) -> str:
        """Single-character qualifiers written before a figure ("~", ">", "≤")."""
        return "".join(k for k in self.qualifier_aliases if len(k) == 1 and not k.isalnum()
                       and k not in self.qualifiers_after)

    def scale_and_percent_words(self) -> frozenset[str]:
        """Words of scale and percent forms ("million", "bn", "per", "cent"): no content around a figure."""
        forms = [*self.scales, *(k for k, v in self.units.items() if v[0] == "percent")]
        return frozenset(w.lower() for f in forms for w in f.replace("-", " ").split() if w.isalpha())

    def unit_words(self) -> frozenset[str]:
        """Lower-case words of unit and currency names ("years", "tonnes", "dollars")."""
        return frozenset(w.lower() for f in self.units for w in f.split() if w.isalpha() and len(w) > 2)


def admits(qualifier: str, stated: float, other: float, tolerance: float, vocab: Vocabulary | None = None) -> bool:
    """Does "<qualifier> <stated>" admit the value `other`? Every bound of the qualifier must hold.

    lower: other >= stated ("at least 400" admits 412); upper: other <= stated; approximate:
    |stated - other| <= tolerance * |other|; no qualifier or an exact one admits nothing more.
    """
    bounds = (vocab or default_vocabulary()).bounds(qualifier)
    if not bounds or "exact" in bounds:
        return False
    if "lower" in bounds and other < stated:
        return False
    if "upper" in bounds and other > stated:
        return False
    return "approximate" not in bounds or abs(stated - other) <= tolerance * max(abs(other), 1e-9)


# --------------------------------------------------------------------------- building


def _words(data: Mapping[str, Any], key: str) -> list[str]:
    return [str(w) for w in data.get(key) or []]


def _mapping(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    return dict(data.get(key) or {})


def _qualifiers(data: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    bounds: dict[str, set[str]] = {}
    for bound in BOUNDS:
        for phrase in _words(data, bound):
            bounds.setdefault(" ".join(phrase.lower().split()), set()).add(bound)
    return {phrase: frozenset(b) for phrase, b in bounds.items()}


def _calendar(names: list[str], abbreviations: Mapping[str, str], first: int) -> dict[str, int]:
    index = {name.lower(): i + first for i, name in enumerate(names)}
    return index | {abbr.lower(): index[full.lower()] for abbr, full in abbreviations.items()}


def _scales(data: Mapping[str, Any]) -> dict[str, tuple[str, int]]:
    powers = {str(k): int(v) for k, v in _mapping(data, "powers").items()}
    out: dict[str, tuple[str, int]] = {}
    for key in ("words", "abbreviations", "suffixes"):
        for written, name in _mapping(data, key).items():
            out[str(written)] = (str(name), powers[str(name)])
    return out


def _units(data: Mapping[str, Any]) -> dict[str, tuple[str, str, int]]:
    out: dict[str, tuple[str, str, int]] = {}
    for section, kind, power in (("percent", "percent", 0), ("currencies", "money", 0),
                                 ("currency_subunits", "money", -2), ("quantities", "quantity", 0)):
        for unit, forms in _mapping(data, section).items():
            for form in forms:
                out[str(form)] = (kind, str(unit), power)
    return out


def build(lexicons: Mapping[str, Any]) -> Vocabulary:
    """A Vocabulary from parsed lexicon files (lexicon name -> data), as `Config.lexicons` holds them."""
    qualifiers = lexicons.get("qualifiers") or {}
    stop = lexicons.get("stopwords") or {}
    cal = lexicons.get("calendar") or {}
    scales = lexicons.get("scales") or {}
    units = lexicons.get("units") or {}
    return Vocabulary(
        qualifier_bounds=_qualifiers(qualifiers),
        qualifier_aliases={str(k).lower(): str(v).lower() for k, v in _mapping(qualifiers, "aliases").items()},
        qualifiers_after=tuple(_words(qualifiers, "after")),
        function_words=frozenset(w.lower() for w in _words(stop, "function_words")),
        quantifiers=frozenset(w.lower() for w in _words(stop, "quantifiers")),
        reporting_verbs=frozenset(w.lower() for w in _words(stop, "reporting_verbs")),
        other_function_words=frozenset(w.lower() for w in _words(stop, "other_languages")),
        months=_calendar(_words(cal, "months"), _mapping(cal, "month_abbreviations"), 1),
        full_months=tuple(w.lower() for w in _words(cal, "months")),
        weekdays=_calendar(_words(cal, "weekdays"), _mapping(cal, "weekday_abbreviations"), 0),
        full_weekdays=tuple(w.lower() for w in _words(cal, "weekdays")),
        scales=_scales(scales),
        scale_words=tuple(map(str, _mapping(scales, "words"))),
        scale_abbreviations=tuple(map(str, _mapping(scales, "abbreviations"))),
        scale_suffixes=tuple(map(str, _mapping(scales, "suffixes"))),
        ambiguous_scales=frozenset(_words(scales, "ambiguous_suffixes")),
        currency_symbols={str(k): str(v) for k, v in _mapping(units, "currency_symbols").items()},
        units=_units(units),
        abbreviations=frozenset(w.lower() for w in _words(lexicons.get("abbreviations") or {}, "abbreviations")),
    )


_BY_DIGEST: dict[str, Vocabulary] = {}


def vocabulary(config: Config | None = None) -> Vocabulary:
    """The Vocabulary of a loaded Config (built once per expectations digest); the default one without."""
    if config is None:
        return default_vocabulary()
    if not config.digest:
        return build(config.lexicons)
    if config.digest not in _BY_DIGEST:
        _BY_DIGEST[config.digest] = build(config.lexicons)
    return _BY_DIGEST[config.digest]


LEXICONS = ("qualifiers", "stopwords", "calendar", "scales", "units", "abbreviations")


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    """The Vocabulary of the project's own expectations/lexicons/, read once (only the files it needs:
    `load_config` validates them for a run; a broken suite elsewhere must not stop an import)."""
    folder = default_dir() / "lexicons"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: ten times faster
    return build({name: yaml.load((folder / f"{name}.yaml").read_text(encoding="utf-8"), Loader=loader)
                  for name in LEXICONS})


# --------------------------------------------------------------------------- other languages


@dataclass(frozen=True)
class Locale:
    """How figures and dates are written in one language (lexicons/locales.yaml, months from Babel)."""

    language: str
    decimal: str  # "," or "."
    scales: Mapping[str, tuple[str, int]]  # written form -> (scale name, power of ten)
    currencies: Mapping[str, str]  # written form (lower case) -> ISO code
    percent: tuple[str, ...]
    connectors: tuple[str, ...]
    time_words: tuple[str, ...]
    date_connectors: tuple[str, ...]
    months: Mapping[str, int]  # month name or abbreviation (lower case, no dot) -> 1..12
    units: Mapping[str, str] = field(default_factory=dict)  # unit name (lower case) -> unit of units.yaml


def cldr_months(language: str) -> dict[str, int]:
    """Month names and abbreviations of a language from Babel's CLDR data (lower case, no dot) -> 1..12."""
    from babel.dates import get_month_names

    months: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context=context, locale=language).items():
                months.setdefault(str(name).lower().rstrip("."), int(number))
    return months


def cldr_unit_names(language: str, units: Mapping[str, str]) -> dict[str, str]:
    """Long names of units in a language from Babel's CLDR data (lower case; singular and plural forms)
    -> the project's unit ("días" -> "day"), for units.yaml `cldr_units` (unit -> CLDR unit id)."""
    from babel.units import UnknownUnitError, format_unit

    names: dict[str, str] = {}
    for unit, cldr in units.items():
        for value in (1, 2, 5, 21, 1.5):  # enough to meet each plural form of the languages we read
            try:
                written = format_unit(value, cldr, "long", locale=language)
            except (UnknownUnitError, ValueError, KeyError):
                break
            name = re.sub(r"[\d.,\s\u00a0\u202f]*\d[\d.,]*[\s\u00a0\u202f]*", " ", written).strip().lower()
            if name and not name.isdigit():
                names.setdefault(" ".join(name.split()), str(unit))
    return names


def build_locale(language: str, data: Mapping[str, Any], powers: Mapping[str, int],
                 units: Mapping[str, str] | None = None) -> Locale:
    """A Locale from its locales.yaml entry, the scale powers of scales.yaml and the CLDR unit ids of
    units.yaml (`cldr_units`)."""
    return Locale(
        language=language, decimal=str(data.get("decimal", ",")),
        scales={str(k): (str(v), int(powers[str(v)])) for k, v in _mapping(data, "scales").items()},
        currencies={str(f).lower(): str(code) for code, forms in _mapping(data, "currencies").items() for f in forms},
        percent=tuple(_words(data, "percent")), connectors=tuple(_words(data, "connectors")),
        time_words=tuple(_words(data, "time_words")), date_connectors=tuple(_words(data, "date_connectors")),
        months=cldr_months(language), units=cldr_unit_names(language, units or {}),
    )


@lru_cache(maxsize=32)
def locale(language: str) -> Locale | None:
    """The project's Locale of a language (None for English and for languages locales.yaml lacks)."""
    folder = default_dir() / "lexicons"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load((folder / "locales.yaml").read_text(encoding="utf-8"), Loader=loader) or {}
    if language == "en" or language not in data:
        return None
    powers = (yaml.load((folder / "scales.yaml").read_text(encoding="utf-8"), Loader=loader) or {}).get("powers")
    units = (yaml.load((folder / "units.yaml").read_text(encoding="utf-8"), Loader=loader) or {}).get("cldr_units")
    return build_locale(language, data[language], powers or {}, units or {})


# --------------------------------------------------------------------------- words

@lru_cache(maxsize=1)
def _stemmer() -> Any:
    """The Snowball English stemmer (PyStemmer's C build when installed, else pure Python), imported on first use."""
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 17)
def stem(word: str) -> str:
    """Snowball (Porter 2) English stem, lower case: trained/training -> train, models -> model.

    Cached: the pure-Python stemmer costs about 20 µs a word, a cache hit about 0.1 µs."""
    return _stemmer().stemWord(word.lower().strip("’'-").replace("’", "'"))


def content_words(words: Iterable[str], stop: frozenset[str]) -> list[str]:
    """The words whose lower case is not in `stop`, in order."""
    return [w for w in words if w.lower() not in stop]


# --------------------------------------------------------------------------- pattern prefilters

def required_needles(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Strings (case-folded) one of which every match of a regular expression contains, or None.

    Lexicon patterns that start with a word boundary and ignore case make the regex engine try every
    position of every text; a substring test on the case-folded text first ("photo" in the text?) is
    far cheaper and rules most texts out. The needles are read from the parsed pattern: a run of
    literal characters, a group or alternation whose every branch requires one, a repeat of at least
    one; the most selective requirement of the pattern's top-level sequence is kept. Anything the
    reader does not understand gives None (no prefilter: the pattern is always searched)."""
    items = _parsed(pattern, flags)
    if items is None or _starts_anchored(items):
        return None  # unreadable; or anchored at the start: the engine tries one position, already cheap
    try:
        found = _needles(items, re_parser)
    except Exception:  # noqa: BLE001 - a prefilter is an optimisation: never fail a pattern over it
        return None
    return tuple(sorted(found)) if found and all(found) else None


def _parsed(pattern: str, flags: int) -> list | None:
    """The top-level items of a pattern as the standard library's own parser reads it (None: unreadable)."""
    try:
        return list(re_parser.parse(pattern, flags))
    except Exception:  # noqa: BLE001 - the readers are optimisations: a pattern they cannot read is searched as is
        return None


def _starts_anchored(items: list) -> bool:
    return bool(items) and items[0] == (re_parser.AT, re_parser.AT_BEGINNING)


GROUP_REFERENCE = re.compile(r"\\\d|\(\?P[<=]|\(\?\(")  # \1, (?P<name>, (?P=name), (?(1)...)


def anchored_at_start(pattern: re.Pattern) -> bool:
    """A case-insensitive pattern that starts with `^`, has no alternative beside it (`^a|b` is not
    anchored) and refers to no group by number or name: `^(?:rest)`, joined with other such patterns,
    means the same."""
    if not pattern.pattern.startswith("^") or not pattern.flags & re.IGNORECASE or pattern.flags & re.MULTILINE \
            or GROUP_REFERENCE.search(pattern.pattern):
        return False
    items = _parsed(pattern.pattern, pattern.flags)
    return items is not None and _starts_anchored(items)


def _needles(items: list, parser: Any) -> set[str] | None:
    """The most selective set of required strings of a parsed sequence (None when none is known)."""
    options: list[set[str]] = []
    run: list[str] = []
    for op, arg in [*items, (None, None)]:
        if op is parser.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            options.append({"".join(run).casefold()})
            run = []
        sub = None
        if op is parser.SUBPATTERN:
            sub = _needles(list(arg[3]), parser)
        elif op is parser.BRANCH:
            branches = [_needles(list(b), parser) for b in arg[1]]
            sub = set().union(*branches) if branches and all(b is not None for b in branches) else None
        elif op in (parser.MAX_REPEAT, parser.MIN_REPEAT) and arg[0] >= 1:
            sub = _needles(list(arg[2]), parser)
        if sub:
            options.append(sub)
    return max(options, key=lambda s: (min(map(len, s)), -len(s))) if options else None


@dataclass(frozen=True)
class Prefiltered:
    """A compiled pattern with its `required_needles`: a text holding none of them is ruled out by a
    substring test before the regex engine runs (lexicon patterns that ignore case and start with a
    word boundary are otherwise tried at every position of every text). Pass the case-folded text
    when several patterns read the same one."""

    pattern: re.Pattern
    needles: tuple[str, ...] | None

    @classmethod
    def of(cls, pattern: re.Pattern) -> Prefiltered:
        return cls(pattern, required_needles(pattern.pattern, pattern.flags))

    def may_match(self, text: str, folded: str | None = None) -> bool:
        """False only when the pattern cannot match the text (it holds none of the needles)."""
        needles = self.needles
        if needles is None:
            return True
        return any(map((text.casefold() if folded is None else folded).__contains__, needles))

    def search(self, text: str, folded: str | None = None) -> re.Match | None:
        return self.pattern.search(text) if self.may_match(text, folded) else None

    def finditer(self, text: str, folded: str | None = None) -> Iterable[re.Match]:
        return self.pattern.finditer(text) if self.may_match(text, folded) else ()


Result = TypeVar("Result")
MEMO_LIMIT = 100_000
"""Distinct texts a `memo_by_text` keeps (least recently used dropped first: memory stays bounded on a flood)."""


def memo_by_text(fn: Callable[..., Result], limit: int = MEMO_LIMIT) -> Callable[..., Result]:
    """fn, computed once per distinct arguments (a text and what it is read with) and then looked up:
    wire copy and the sources of one story share many sentences. fn must be pure and its results
    must not be changed by the caller (return tuples). Keep one per stage call, not per module: what
    fn reads besides its arguments (the run's configuration) is fixed for that call only."""
    return lru_cache(maxsize=limit)(fn)
