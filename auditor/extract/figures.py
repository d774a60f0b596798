"""Figures in news text: money, percentages, counts and physical quantities.

Precompiled regexes, no models; units, currencies, scale words and qualifiers come from the lexicons
(units.yaml, scales.yaml, qualifiers.yaml, stopwords.yaml through auditor.text), compiled once at import.
Documented choices:

* Separators: ``1,000`` / ``1,00,000`` (Indian) / ``1.000`` / ``1 000`` (normal, thin or no-break
  space) group thousands; ``1,5`` and ``1.234,5`` use a decimal comma.  A single dot followed by
  exactly three digits (``5.000``) is a thousands separator unless a scale word or a percent sign
  follows (``$4.375 million``, ``3.125%``) or the integer part is 0.
* A bare four-digit number from 1800 to 2099 is a year, not a figure, unless it carries a currency,
  unit, percent or scale, or a qualifier precedes it and a plural noun follows ("some 2000 people").
* Day numbers in dates, times, phone numbers, list markers, ordinals, numbers glued to letters
  ("5G", "A380"), hyphenated codes ("COVID-19"), labels ("Section 230", "No. 5") and numbers right
  after a capitalised name ("Windows 11", "S&P 500", "iPhone 15") are not figures.
* Glued ``m``/``k``/``B`` are scale suffixes with a currency; without one, ``m`` is a scale only when
  a unit or a plural noun follows ("2.5m tonnes", "100m people"), otherwise metres ("100m sprint").
* Spelled-out numbers are read only before a scale word ("a billion", "two million", "half a million").
* Percent-like points: "percentage points" -> unit ``pp``, "basis points" -> unit ``bp`` (kind percent).
* ``noun`` is filled for every kind (up to three words after the figure, stopping at function words).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.extract import localized
from auditor.extract.dates import date_spans, month_pattern
from auditor.text import default_vocabulary, locale

__all__ = ["Figure", "extract_figures"]


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure phrase; ``text[start:end] == self.text``."""

    start: int
    end: int
    text: str
    kind: str  # "money" | "percent" | "count" | "quantity"
    value: float
    unit: str
    qualifier: str
    precision: float
    sig_digits: int
    scale: str
    noun: str


# --------------------------------------------------------------------------- vocabularies

_VOCAB = default_vocabulary()
_SCALES = _VOCAB.scales
_AMBIGUOUS_SCALES = _VOCAB.ambiguous_scales
_CUR_PREFIX = _VOCAB.currency_symbols
_POST = _VOCAB.units  # post-number words: key -> (kind, unit, power-of-ten multiplier)


def _wordset(text: str) -> frozenset[str]:
    """Whitespace-separated words of ``text`` as a set."""
    return frozenset(text.split())


_QUALIFIERS = _VOCAB.qualifiers_before()
_QUAL_NORMAL = _VOCAB.qualifier_aliases

_WORD_NUMBERS: dict[str, tuple[str, int]] = {  # word -> (digits as written, trailing insignificant zeros)
    "a": ("1", 0), "an": ("1", 0), "one": ("1", 0), "two": ("2", 0), "three": ("3", 0), "four": ("4", 0),
    "five": ("5", 0), "six": ("6", 0), "seven": ("7", 0), "eight": ("8", 0), "nine": ("9", 0),
    "ten": ("1", 1), "eleven": ("11", 0), "twelve": ("12", 0), "fifteen": ("15", 0), "twenty": ("2", 1),
    "thirty": ("3", 1), "forty": ("4", 1), "fifty": ("5", 1), "sixty": ("6", 1), "seventy": ("7", 1),
    "eighty": ("8", 1), "ninety": ("9", 1), "hundred": ("1", 2), "a hundred": ("1", 2),
    "half a": ("0.5", 0), "half an": ("0.5", 0),
}

# words that end a counted noun phrase: function words, reporting verbs and these
_STOP = _VOCAB.function_words | _VOCAB.reporting_verbs | _wordset("""
ago annually alone apiece respectively compared monthly-basis yearly- basis approximately roughly nearly almost
estimated
""")

_VERBS_S = _wordset("""
lives says rises falls grows shows remains comes goes makes takes gets means needs seems looks works
runs stands lies uses faces plays includes owns holds reports expects plans wants accounts represents
contains covers reaches exceeds totals marks adds brings leaves sees puts keeps gives tells becomes
""")

_IRREGULAR = {
    "people": "person", "children": "child", "men": "man", "women": "woman", "feet": "foot",
    "teeth": "tooth", "mice": "mouse", "geese": "goose", "lives": "life", "wives": "wife",
    "knives": "knife", "halves": "half", "thieves": "thief", "leaves": "leaf", "series": "series",
    "species": "species", "news": "news", "analyses": "analysis", "crises": "crisis", "indices": "index",
    "staff": "staff", "police": "police", "data": "data", "personnel": "personnel", "cattle": "cattle",
    "sheep": "sheep", "fish": "fish", "aircraft": "aircraft", "deer": "deer", "troops": "troop",
    "media": "media", "criteria": "criterion", "phenomena": "phenomenon", "bus": "bus",
}
_PLURAL_INVARIANT = frozenset({"people", "children", "men", "women", "staff", "police", "personnel",
                               "cattle", "sheep", "aircraft", "data", "media", "troops", "feet"})

_LABELS = _wordset("""
section sections article articles chapter clause paragraph para rule title version ver v no nos nr
number page pages pp p fig figure table appendix item exhibit route highway interstate flight room
gate platform episode ep season level phase stage round game match grade class category cat type
tier model series generation gen part vol volume issue act bill resolution amendment regulation
directive docket lot unit district ward precinct zone channel line track row seat block building
floor apartment apt suite box pillar priority day week top windows covid ios android patch build
step term code form schedule list annex protocol no.
""")

# capitalised words before a number that are no name ("Nearly 300", "The 500"): stopwords, qualifier words, these
_FUNCTION_CAPS = _VOCAB.stopwords | {w for q in _QUALIFIERS for w in q.split()} | _wordset("""
additional altogether barely collectively combined currently earlier eventually extra finally fully got however
initially later meanwhile mere overall previously recently record today together total whopping yesterday
""")

_NUMBER_WORDS = "|".join(w.title() + "|" + w for w in _WORD_NUMBERS if " " not in w and len(w) > 2)

# --------------------------------------------------------------------------- regexes

_SP = r"[^\S\n]"
_GROUP_SP = r"[ \u00a0\u2009\u202f]"
_NO_GROUP_SPACE = str.maketrans("", "", " \u00a0\u2009\u202f")


def _alt(keys: list[str]) -> str:
    """Regex alternation, longest first, spaces matching any horizontal whitespace."""
    parts = []
    for key in sorted(set(keys), key=len, reverse=True):
        pat = re.escape(key).replace(r"\ ", rf"{_SP}+")
        if key[-1].isalnum():
            pat += r"(?![A-Za-z0-9²³])"
        parts.append(pat)
    return "|".join(parts)


def _plain_alt(keys: tuple[str, ...] | list[str]) -> str:
    """Regex alternation of literal forms, longest first, spaces matching any horizontal whitespace."""
    return "|".join(re.escape(k).replace(r"\ ", rf"{_SP}+") for k in sorted(set(keys), key=len, reverse=True))


# spelled-out scale words a number word may precede ("two million"): the short-scale ones
_SPELLED_SCALES = sorted(w for w in _VOCAB.scale_words if w.isalpha() and _SCALES[w][1] % 3 == 0 and w == _SCALES[w][0])


_NUMBER = rf"""
    \d{{1,2}}(?:,\d{{2}})+,\d{{3}}(?:\.\d+)?            # 1,00,000 (Indian)
  | \d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?                   # 1,234,567.89
  | \d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?                   # 1.234.567,89
  | \d{{1,3}}(?:{_GROUP_SP}\d{{3}})+(?:[.,]\d+)?       # 1 000 000
  | \d+(?:\.\d+|,\d{{1,2}}(?!\d))?                    # 1234, 6.6, 1,5
"""

_CUR_WORD_PREFIXES = [k for k in _CUR_PREFIX if k[0].isalpha()]
_CUR_SYMBOL_PREFIXES = [k for k in _CUR_PREFIX if not k[0].isalpha()]

_FIG_RE = re.compile(
    rf"""
    (?:
        (?P<cur>(?<![A-Za-z])(?:{_alt(_CUR_WORD_PREFIXES).replace("(?![A-Za-z0-9²³])", "(?![A-Za-z])")})
               |{"|".join(re.escape(k) for k in sorted(_CUR_SYMBOL_PREFIXES, key=len, reverse=True))})
        {_SP}?
    )?
    (?:
        (?(cur)|(?<![\w.,:/#\u00a3\u20ac$]))(?P<num>{_NUMBER})(?!\d)
      | (?<![\w'’-])(?P<word>(?:[Hh]alf{_SP}+an?|[Aa]n?|{_NUMBER_WORDS}))
        (?={_SP}+(?:{"|".join(_SPELLED_SCALES)})\b(?!-))
    )
    (?:
        (?P<ssp>{_SP}|-)?(?P<scale>{_plain_alt(_VOCAB.scale_words)})(?![A-Za-z])
      | {_SP}?(?P<scale2>{_plain_alt(_VOCAB.scale_abbreviations)})(?![A-Za-z0-9])
      | (?P<scale3>{_plain_alt(_VOCAB.scale_suffixes)})(?![A-Za-z0-9²³])
    )?
    (?:(?P<psp>{_SP}|-)?(?P<post>{_alt(list(_POST))}))?
    """,
    re.VERBOSE,
)

_BLOCK_RE = re.compile(
    rf"""
    (?<![\d.,:])\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?{_SP}?(?:[ap]\.m\.|[ap]m\b|[AP]M\b|[ap]\.m\b)  # 10.30am
  | (?<![\d.,:])\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?!\d)                                      # 14:08
  | (?<![\d.,:])\d{{1,2}}{_SP}?(?:[ap]\.m\.|[ap]m\b|[AP]M\b|[ap]\.m\b|o'clock|o’clock)   # 10 p.m.
  | \+\d{{1,3}}[\s.-]?\(?\d{{1,4}}\)?(?:[\s.-]?\d{{2,4}}){{2,5}}(?!\d)                    # +44 20 7946 0958
  | \(\d{{2,4}}\){_SP}?\d{{3,4}}[\s.-]?\d{{3,4}}(?!\d)                                    # (555) 123-4567
  | (?<![\d,.])\d{{3}}[-.]\d{{3}}[-.]\d{{4}}(?!\d)                                         # 555-123-4567
  | (?<![\d,.])0\d{{2,4}}[\s-]\d{{3,4}}[\s-]?\d{{3,4}}(?!\d)                                # 020 7946 0958
  | (?<![\d,.])(?P<ph_a>\d{{3}})-(?P<ph_b>\d{{4}})(?![\d%])                                 # 555-0123
  | (?<![\w-])\d{{4}}[-–/]\d{{2}}(?![\d%])                                                 # 2024-25
    """,
    re.VERBOSE,
)

# a character class first lets the regex engine skip ahead in C: digit runs and scale words
_TRIGGER_RE = re.compile(
    rf"[\d{''.join(sorted({w[0] for w in _SPELLED_SCALES}))}](?:(?<=\d)\d*"
    + "".join(f"|(?<={w[0]}){w[1:]}(?![A-Za-z])" for w in _SPELLED_SCALES) + ")"
)
_CUR_LAST = frozenset(k[-1] for k in _CUR_PREFIX)
_CUR_BEFORE_RE = re.compile(
    rf"(?:(?<![A-Za-z])(?:{_alt(_CUR_WORD_PREFIXES).replace('(?![A-Za-z0-9²³])', '')})"
    rf"|{'|'.join(re.escape(k) for k in sorted(_CUR_SYMBOL_PREFIXES, key=len, reverse=True))}){_SP}?$"
)
_WORDNUM_BEFORE_RE = re.compile(
    rf"(?<![\w'’-])(?:[Hh]alf{_SP}+an?|[Aa]n?|{_NUMBER_WORDS}){_SP}+$"
)
_QUAL_SET = frozenset(_QUALIFIERS)
_POST_QUAL_RE = re.compile(rf"(?:-|{_SP})?({_plain_alt(_VOCAB.qualifiers_after)})(?![\w+])")
_POST_QUAL_NORMAL = _VOCAB.qualifier_aliases
_QUAL_SYMBOLS = _VOCAB.qualifier_symbols()
_TOKEN_OK_RE = re.compile(r"[A-Za-z][\w&'’./-]*\Z")
_LINE_START_RE = re.compile(rf"(?:^|\n){_SP}*(?:[-*•·]{_SP}*)?$")
_MONTH_TITLE = month_pattern(upper=False)
_MONTH_BEFORE_RE = re.compile(
    rf"\b{_MONTH_TITLE}\.?{_SP}*(?:the{_SP}+)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?,?{_SP}*(?:[-–&]|and|to){_SP}*)?$"  # "January 5 and 6"
)
_MONTH_AFTER_RE = re.compile(
    rf"(?:{_SP}*(?:[-–&]|and|to){_SP}*\d{{1,2}}(?:st|nd|rd|th)?)?{_SP}+(?:of{_SP}+)?"
    rf"{_MONTH_TITLE}\.?(?![a-z])"
)
_TIME_AFTER_RE = re.compile(rf"{_SP}?(?:[ap]\.?m\b\.?|[AP]M\b|GMT\b|UTC\b|o'clock|o’clock)")
_WORDS_RE = re.compile(rf"(?:{_SP}+|-)([^\W\d_](?:[^\W\d_]|['’&-](?=[^\W\d_]))*['’]?)(?![\w])")
_RANGE_RE = re.compile(rf"{_SP}*(?:-|–|—|to|and){_SP}*$")
_NEG_RE = re.compile(r"(?:^|(?<=[\s(]))[-−]$")


@dataclass(slots=True)
class _Raw:
    """A regex match after context checks, before conversion."""

    m: re.Match[str]
    start: int
    end: int
    cur: str | None
    scale: str | None
    post: str | None
    sign: int
    noun_at: int = -1  # where the counted noun is read (the far end of a range), -1: right after
    dropped: bool = False

    @property
    def bare(self) -> bool:
        return (self.cur is None and self.scale is None and self.post is None
                and self.m.group("num") is not None)

    @property
    def tail(self) -> int:
        return self.end if self.noun_at < 0 else self.noun_at


# --------------------------------------------------------------------------- helpers


def _block_end(text: str, p: int) -> int:
    """End of a time, phone number or season span starting at the digits at ``p`` (0 if none)."""
    start = p - 1 if p and text[p - 1] in "+(" else p
    m = _BLOCK_RE.match(text, start)
    if m is None or (m.group("ph_a") and int(m.group("ph_b")) > int(m.group("ph_a"))):
        return 0  # "500-1000" is a range, not a phone number
    return m.end()


def _start_of(text: str, p: int, pos: int) -> int:
    """Where a figure whose digits or scale word start at ``p`` begins (a currency or number word before)."""
    if text[p].isdigit():
        c = text[p - 1] if p else ""
        if c in _CUR_LAST or (c in " \u00a0" and p > 1 and text[p - 2] in _CUR_LAST):
            before = _CUR_BEFORE_RE.search(text, max(pos, p - 8), p)
            if before is not None:
                return before.start()
        return p
    if p and text[p - 1].isalpha():
        return -1
    before = _WORDNUM_BEFORE_RE.search(text, max(pos, p - 12), p)
    return -1 if before is None else before.start()


def _iter_matches(text: str) -> Iterator[re.Match[str]]:
    """``_FIG_RE`` matches, tried only at digit runs and scale words, skipping dates, times and phones."""
    spans = date_spans(text)
    n_spans, si, pos = len(spans), 0, 0
    fig_match = _FIG_RE.match
    for hit in _TRIGGER_RE.finditer(text):
        p = hit.start()
        if p < pos:
            continue
        while si < n_spans and spans[si][1] <= p:
            si += 1
        if si < n_spans and spans[si][0] <= p:
            pos = spans[si][1]
            continue
        if text[p].isdigit():
            block = _block_end(text, p)
            if block:
                pos = block
                continue
        q = _start_of(text, p, pos)
        if q < 0:
            continue
        m = fig_match(text, q)
        if (m is None or m.end() <= p) and q != p:
            m = fig_match(text, p)
        if m is None or (si < n_spans and spans[si][0] < m.end()):
            continue
        yield m
        pos = m.end()


def _singular(word: str) -> str:
    """Crude English lemma of a plural noun, lower case."""
    w = word.lower().rstrip("'’")
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(word) >= 3 and word[-1] == "s" and word[:-1].isupper():
        return w[:-1]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _is_plural(word: str) -> bool:
    w = word.lower().rstrip("'’")
    if w in _PLURAL_INVARIANT:
        return True
    if len(word) >= 3 and word[-1] == "s" and word[:-1].isupper():
        return True  # "MPs", "CEOs"
    if word.isupper() or len(w) <= 3:
        return False
    return w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s"))


def _noun_phrase(text: str, pos: int, money: bool) -> tuple[list[str], bool]:
    """Up to three words after ``pos`` naming what the figure counts or prices; True when hyphen-joined."""
    words: list[str] = []
    hyphen = False
    while len(words) < 3:
        m = _WORDS_RE.match(text, pos)
        if m is None:
            break
        word = m.group(1)
        low = word.lower()
        if low in _STOP:
            if not words and money and low in ("in", "of", "per"):
                if low == "per":
                    words.append(word)
                pos = m.end()
                continue
            break
        if not words:
            hyphen = text[m.start()] == "-"
        elif low.endswith(("ed", "ing")) and len(low) > 4 or low in _VERBS_S:
            break  # "a fine followed", "a deal covering", "the 1.4 billion population lives in"
        words.append(word)
        pos = m.end()
        if _is_plural(word):
            break
    return words, hyphen


def _count_unit(words: list[str], hyphen: bool) -> str:
    content = [w for w in words if w.lower() != "per"]
    if not content:
        return ""
    if hyphen:
        return _singular(content[0])
    for w in content:
        if _is_plural(w):
            return _singular(w)
    return _singular(content[0])


def _parse_number(raw: str, decimal_dot3: bool) -> tuple[str, int, int]:
    """(plain decimal string, decimals written, significant digits) of a numeral as written."""
    s = raw.translate(_NO_GROUP_SPACE)
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if dec == "," else ",", "").replace(",", ".")
    elif "," in s:
        parts = s.split(",")
        s = s.replace(",", "") if len(parts) > 2 or len(parts[-1]) == 3 else s.replace(",", ".")
    elif "." in s:
        parts = s.split(".")
        if len(parts) > 2 or (len(parts[-1]) == 3 and not decimal_dot3 and parts[0] != "0"):
            s = s.replace(".", "")
    decimals = len(s.partition(".")[2])
    digits = s.replace(".", "").lstrip("0")
    return s, decimals, max(len(digits), 1)


# --------------------------------------------------------------------------- context checks


def _tokens_before(text: str, start: int) -> tuple[list[str], str]:
    """Whitespace tokens in the 40 characters before ``start`` (no partial first token), and the gap."""
    ws = max(0, start - 40)
    window = text[ws:start]
    stripped = window.rstrip()
    gap = window[len(stripped):]
    tokens = stripped.split()
    if tokens and ws > 0 and not text[ws - 1].isspace() and not window[0].isspace():
        tokens = tokens[1:]
    return tokens, gap


def _prev_word(text: str, start: int) -> str:
    """The word right before ``start`` on the same line ("Windows" in "Windows 11"), or ""."""
    tokens, gap = _tokens_before(text, start)
    if not tokens or "\n" in gap:
        return ""
    tok = tokens[-1].lstrip("([{\"'“‘")
    if tok.endswith("."):
        tok = tok[:-1]
    return tok if _TOKEN_OK_RE.match(tok) else ""


def _is_label_or_name(text: str, start: int, end: int) -> bool:
    """A bare number right after a label ("Section 230") or a capitalised name ("Windows 11")."""
    word = _prev_word(text, start)
    if not word:
        return False
    low = word.lower().rstrip(".")
    if low in _LABELS:
        return True
    if low in _FUNCTION_CAPS:
        return False
    if low.endswith(("'s", "’s", "s'", "s’")):  # "the EU's 27 member states", not "Boeing's 787 Dreamliner"
        nxt = _WORDS_RE.match(text, end)
        return nxt is not None and nxt.group(1)[0].isupper()
    return any(c.isupper() for c in word)


def _is_list_marker(text: str, start: int, end: int) -> bool:
    nxt = text[end:end + 2]
    if len(nxt) < 2 or nxt[0] not in ".)" or not nxt[1].isspace():
        return False
    return _LINE_START_RE.search(text, max(0, start - 20), start) is not None


def _glued_reject(text: str, start: int, end: int, bare: bool) -> bool:
    """Numbers that are part of codes, dates, versions, ordinals or times."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    after2 = text[end + 1] if end + 1 < len(text) else ""
    # membership tests on characters, never on "" (which is "in" every string): text may end here
    if after.isalpha() or (after and after in "°²³") or (after and after in ".,:/" and after2.isdigit()):
        return True
    if before and before in "-‐" and start >= 2 and text[start - 2].isalpha():
        return True  # COVID-19
    if bare and before and after and before in "([" and after in ")]":
        return end - start <= 2  # citation markers [1], (2)
    return False


def _is_year(raw: _Raw, digits: str) -> bool:
    return (raw.cur is None and raw.scale is None and raw.post is None and len(digits) == 4
            and digits.isdigit() and 1800 <= int(digits) <= 2099)


# --------------------------------------------------------------------------- main


def _candidate(text: str, m: re.Match[str]) -> _Raw | None:
    """Apply the context rules to one regex match; None when it is not a figure."""
    start, end = m.start(), m.end()
    cur, post = m.group("cur"), m.group("post")
    scale = m.group("scale") or m.group("scale2") or m.group("scale3")
    if post is not None and post == "won" and scale is None:
        post, end = None, m.start("post") - len(m.group("psp") or "")
    num_end = m.end("num") if m.group("num") else m.end("word")
    tail = end if (post or scale) else num_end
    if m.group("num") and _glued_reject(text, m.start("num"), tail, tail == num_end):
        return None
    sign = 1
    if cur is None and _NEG_RE.search(text, max(0, start - 2), start):
        sign, start = -1, start - 1
    return _Raw(m, start, end, cur, scale, post, sign)


def _reject_bare(text: str, raw: _Raw, digits: str) -> bool:
    """Rules for numbers without currency, unit, percent or scale."""
    s, e = raw.m.start("num"), raw.m.end("num")
    if len(digits) <= 2 and (_MONTH_BEFORE_RE.search(text, max(0, s - 14), s)
                             or _MONTH_AFTER_RE.match(text, e)):
        return True
    if _TIME_AFTER_RE.match(text, e):
        return True
    if len(digits) > 1 and digits[0] == "0" and digits.isdigit():
        return True
    if digits.isdigit() and len(digits) >= 9:
        return True
    return _is_list_marker(text, s, e) or _is_label_or_name(text, s, e)


def _qualifier(text: str, start: int) -> str:
    """Normalised qualifier written right before the figure ("over", "more than", "an estimated")."""
    tokens, gap = _tokens_before(text, start)
    if not tokens:
        return ""
    last = tokens[-1]
    if last[-1] in _QUAL_SYMBOLS and (gap or len(last) == 1 or not last[-2].isalnum()):
        return _QUAL_NORMAL[last[-1]]
    if not gap:
        return ""
    tokens = [t.lower() for t in tokens[-4:]]
    tokens[0] = tokens[0].lstrip("([{\"'“‘")
    for k in range(min(4, len(tokens)), 0, -1):
        cand = " ".join(tokens[-k:])
        if cand in _QUAL_SET:
            return _QUAL_NORMAL.get(cand, cand)
    return ""


def _post_info(post: str | None) -> tuple[str, str, int] | None:
    if post is None:
        return None
    key = " ".join(post.split())
    return _POST.get(key) or _POST.get(key.lower())


def _resolve_scale(text: str, raw: _Raw, kind_hint: str | None) -> tuple[str, int] | None | str:
    """Scale name and power; "metre" when a glued m means metres; "reject" for 4K-like codes."""
    if raw.scale is None:
        return None
    key = " ".join(raw.scale.split())
    if key not in _AMBIGUOUS_SCALES or raw.cur is not None or kind_hint == "money":
        return _SCALES[key]
    words, _ = _noun_phrase(text, raw.tail, False)
    plural = any(_is_plural(w) for w in words)
    if kind_hint == "quantity" or plural:
        if raw.scale in ("k", "K") and len(raw.m.group("num") or "") < 2:
            return "reject"
        return _SCALES[raw.scale]
    if raw.scale == "m":
        return "metre"
    return "reject"


def _convert(text: str, raw: _Raw, qualifier: str) -> Figure | None:
    m = raw.m
    info = _post_info(raw.post)
    kind_hint = info[0] if info else ("money" if raw.cur else None)
    scale = _resolve_scale(text, raw, kind_hint)
    if scale == "reject":
        return None
    unit_override = None
    if scale == "metre":
        scale, unit_override = None, ("quantity", "m", 0)
    if m.group("num"):
        digits = m.group("num")
        decimal_dot3 = scale is not None or (info is not None and info[0] == "percent")
        mantissa, decimals, sig = _parse_number(digits, decimal_dot3)
        zeros = 0
    else:
        mantissa, zeros = _WORD_NUMBERS[" ".join(m.group("word").lower().split())]
        decimals = len(mantissa.partition(".")[2]) - zeros
        sig = len(mantissa.replace("0.", ""))
    assert isinstance(scale, tuple) or scale is None
    power = scale[1] if scale else 0
    kind, unit, upower = unit_override or info or ("count", "", 0)
    if raw.cur is not None:
        if info is not None and info[0] == "quantity" and raw.post in ("m", "M") and scale is None:
            scale = _SCALES["m"]  # "£2.5 m"
            power = 6
        kind, unit = "money", _CUR_PREFIX[" ".join(raw.cur.split())]
        upower = 0
    total_power = power + upower
    # float() of a decimal string is correctly rounded: "6.6e6" -> 6600000.0 exactly
    value = float(f"{'-' if raw.sign < 0 else ''}{mantissa}e{total_power + zeros}")
    precision = float(f"1e{total_power - decimals}")
    words, hyphen = _noun_phrase(text, raw.tail, kind == "money")
    if kind == "count":
        unit = _count_unit(words, hyphen)
    return Figure(
        start=raw.start, end=raw.end, text=text[raw.start:raw.end], kind=kind, value=value,
        unit=unit, qualifier=qualifier, precision=precision, sig_digits=sig,
        scale=scale[0] if scale else "", noun=" ".join(words),
    )


def _hyphen_pair(text: str, a: _Raw, b: _Raw) -> bool:
    return text[a.end:b.start] in ("-", "–")


def _is_range(text: str, a: _Raw, b: _Raw) -> bool:
    return b.start - a.end <= 6 and _RANGE_RE.match(text, a.end, b.start) is not None


def _borrow(raws: list[_Raw], text: str) -> None:
    """Ranges share scale, unit, currency and noun: "5-10%", "$5-6 billion", "2,000-3,000 people".

    A hyphenated pair of bare numbers without a plural noun after it is a score or a code ("won 3-1",
    "voted 52-48") and is dropped.
    """
    for a, b in zip(raws, raws[1:], strict=False):
        num = a.m.group("num") or ""
        if a.post is not None or not _is_range(text, a, b) or (num.isdigit() and len(num) == 4):
            continue
        if a.bare and b.bare and _hyphen_pair(text, a, b):
            words, _ = _noun_phrase(text, b.end, False)
            if words and _is_plural(words[0]):
                a.noun_at = b.end
            else:
                a.dropped = b.dropped = True
            continue
        if a.scale is None and b.scale is not None and b.scale not in _AMBIGUOUS_SCALES:
            a.scale = b.scale
        if a.cur is None and b.post is not None:
            a.post = b.post
        elif a.cur is None and b.cur is not None and a.m.group("num"):
            a.cur = b.cur
        elif a.cur is not None and b.cur is None and b.post is None:
            b.cur = a.cur
        if a.bare or a.scale is not None:
            a.noun_at = b.end


def extract_figures(text: str, language: str = "en") -> list[Figure]:
    """All figures in ``text`` in order of appearance, non-overlapping.

    ``language`` (ISO 639-1): a language lexicons/locales.yaml lists is read in its own locale
    (auditor.extract.localized: "2,4 Milliarden Euro"); any other is read as English."""
    if language != "en":
        loc = locale(language)
        if loc is not None:
            return [Figure(**f) for f in localized.figures(text, loc, localized.date_ranges(text, loc))]
    raws = [raw for raw in map(lambda m: _candidate(text, m), _iter_matches(text)) if raw is not None]
    _borrow(raws, text)
    figs = [None if raw.dropped else _finish(text, raw) for raw in raws]
    for i in range(1, len(raws)):
        # "pages 112-130": the far end of a rejected hyphenated pair goes too
        a, b = raws[i - 1], raws[i]
        if figs[i] is not None and figs[i - 1] is None and b.bare and _hyphen_pair(text, a, b):
            figs[i] = None
    return [f for f in figs if f is not None]


def _finish(text: str, raw: _Raw) -> Figure | None:
    qualifier = _qualifier(text, raw.start)
    after = _POST_QUAL_RE.match(text, raw.end)
    if after is not None:  # "5,000-odd jobs", "10,000+ startups", "30 or more"
        qualifier = qualifier or _POST_QUAL_NORMAL[" ".join(after.group(1).lower().split())]
        if raw.noun_at < 0:
            raw.noun_at = after.end()
    bare = raw.cur is None and raw.scale is None and raw.post is None
    if bare and raw.m.group("num"):
        digits = raw.m.group("num")
        if _reject_bare(text, raw, digits):
            return None
        if _is_year(raw, digits):
            words, _ = _noun_phrase(text, raw.tail, False)
            if not (qualifier and words and _is_plural(words[0])):
                return None
    return _convert(text, raw, qualifier)
