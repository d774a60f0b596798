"""One vocabulary per concept: the lexicons in expectations/lexicons/, read through auditor.text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from auditor import text
from auditor.extract import claims, figures
from auditor.extract.figures import extract_figures
from auditor.segment import Segmenter
from auditor.text import admits, build, default_vocabulary, stem

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "auditor"
VOCAB = default_vocabulary()
WORDLIKE = re.compile(r"[a-z][a-z.'’-]*")
OWN_MODULES = [*sorted((PACKAGE / "extract").glob("*.py")), PACKAGE / "stories.py", PACKAGE / "segment.py",
               PACKAGE / "text.py"]


# --------------------------------------------------------------------------- no vocabulary twice


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes (prose, not vocabularies)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def word_collections(source: str) -> list[tuple[int, list[str], str]]:
    """(line, words, raw text) of every literal that could hold a vocabulary: a set, list, tuple or dict
    keyed by strings, a string of space-separated words ("a an the".split()), or any other string (regexes)."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Set, ast.List, ast.Tuple, ast.Dict)):
            elts = node.keys if isinstance(node, ast.Dict) else node.elts
            items = [e.value for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(items) >= 3:
                out.append((node.lineno, [w.lower() for w in items], "|".join(items)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            words = node.value.lower().split()
            # a word list has each word once and nothing but words; prose (messages) repeats "the"
            listed = len(set(words)) >= 0.95 * len(words) and all(WORDLIKE.fullmatch(w) for w in words)
            out.append((node.lineno, words if listed else [], node.value))
    return out


def _alternatives(raw: str) -> set[str]:
    """Words of a literal, split on spaces, commas and regex bars."""
    return {w for w in re.split(r"[\s|,()?:\\.]+", raw.lower()) if w}


def duplicated_vocabularies(source: str) -> list[str]:
    """Problems of one module's literals: a copy of a lexicon's concept."""
    months = set(VOCAB.months)
    weekdays = set(VOCAB.weekdays)
    scales = {w for w in VOCAB.scale_words if w.isalpha()}
    phrases = {q for q in VOCAB.qualifier_bounds if " " in q}
    currencies = {unit for kind, unit, _ in VOCAB.units.values() if kind == "money"}
    problems = []
    for line, words, raw in word_collections(source):
        alts = _alternatives(raw)
        if len(words) >= 20 and sum(w in VOCAB.stopwords for w in words) >= len(words) / 2:
            problems.append(f"line {line}: a stopword list ({len(words)} words)")
        if len(alts & months) >= 3:
            problems.append(f"line {line}: month names {sorted(alts & months)[:4]}")
        if len(alts & weekdays) >= 3:
            problems.append(f"line {line}: weekday names {sorted(alts & weekdays)[:4]}")
        if len(alts & scales) >= 3:
            problems.append(f"line {line}: scale words {sorted(alts & scales)}")
        if sum(p in raw.lower() for p in phrases) >= 3:
            problems.append(f"line {line}: qualifier phrases")
        if len({w.upper() for w in alts} & currencies) >= 5:
            problems.append(f"line {line}: currency codes")
        if len(words) >= 10 and sum(w in VOCAB.abbreviations for w in words) >= 10:
            problems.append(f"line {line}: abbreviations")
    return problems


def test_the_scanner_finds_the_copies_this_project_used_to_have():
    old = '''
STOPWORDS = frozenset(
    "a an the of to in on at by for with from and or but as is are was were be been being this that these those "
    "its it their his her our your all any some no not than then so such into over under about".split()
)
MONTH_WORD = re.compile(r"\\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\\.?")
SCALE = re.compile(r"(thousand|million|billion|trillion|crore|lakh|bn|mn|m|k)")
AT_LEAST = {"over", "more than", "at least", "above", "upwards of", "in excess of"}
ABBREVIATIONS = "mr mrs ms dr prof sr jr st no nos vs etc inc corp co ltd gov sen rep gen col".split()
'''
    found = " ".join(duplicated_vocabularies(old))
    for kind in ("stopword list", "month names", "scale words", "qualifier phrases", "abbreviations"):
        assert kind in found


def test_no_module_defines_a_vocabulary_of_its_own():
    problems = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name.startswith("_h"):  # a helper's scratch copy, not part of the package
            continue
        found = duplicated_vocabularies(path.read_text(encoding="utf-8"))
        if found:
            problems[str(path.relative_to(ROOT))] = found
    assert problems == {}


def test_no_stemmer_but_the_one_in_text():
    defs = [f"{path.relative_to(ROOT)}:{node.name}" for path in sorted(PACKAGE.rglob("*.py"))
            if not path.name.startswith("_h")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.FunctionDef) and node.name in ("stem", "_stem", "stemmer")]
    assert defs == ["auditor/text.py:stem"]
    assert claims.stem is text.stem


def test_own_modules_import_no_private_names():
    for path in OWN_MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            own = isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").startswith("auditor"))
            if own:  # a stage reaching into another's internals (the standard library's parser is read on purpose)
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports {private} from {node.module}"


# --------------------------------------------------------------------------- qualifiers


@pytest.mark.parametrize(("qualifier", "stated", "other", "expected"), [
    ("at least", 400, 412, True),  # lower bound
    ("at least", 400, 390, False),
    ("well over", 1000, 1300, True),  # was an error-level conflict when the checks had their own list
    ("more than", 1000, 999, False),
    ("up to", 400, 380, True),  # upper bound
    ("up to", 400, 420, False),
    ("nearly", 400, 390, True),  # upper and approximate
    ("nearly", 400, 410, False),
    ("nearly", 400, 200, False),
    ("about", 400, 430, True),  # approximate, 10 %
    ("about", 400, 500, False),
    ("circa", 400, 380, True),  # an alias of "about"
    ("exactly", 400, 401, False),
    ("", 400, 401, False),
])
def test_qualifier_bounds(qualifier, stated, other, expected):
    assert admits(qualifier, stated, other, 0.1) is expected


def test_bounds_are_named_in_the_lexicon():
    assert VOCAB.bounds("at least") == {"lower"}
    assert VOCAB.bounds("over") == {"lower"}
    assert VOCAB.bounds("up to") == {"upper"}
    assert VOCAB.bounds("nearly") == {"upper", "approximate"}
    assert VOCAB.bounds("around") == {"approximate"}
    assert VOCAB.bounds("approx.") == {"approximate"}


def test_every_qualifier_the_extractor_reads_has_a_bound():
    written = [*VOCAB.qualifiers_before(), *VOCAB.qualifiers_after, *VOCAB.qualifier_symbols()]
    assert written and all(VOCAB.bounds(q) for q in written), [q for q in written if not VOCAB.bounds(q)]


@pytest.mark.parametrize(("sentence", "qualifier", "bound"), [
    ("The firm hired at least 400 people.", "at least", "lower"),
    ("Well over 1,000 homes lost power.", "well over", "lower"),
    ("It employs up to 300 people.", "up to", "upper"),
    ("It cut 5,000-odd jobs.", "about", "approximate"),
    ("Prices rose ~3% this year.", "about", "approximate"),
])
def test_extracted_qualifiers_carry_their_bound(sentence, qualifier, bound):
    (fig,) = extract_figures(sentence)
    assert fig.qualifier == qualifier
    assert bound in VOCAB.bounds(fig.qualifier)


def test_a_lexicon_edit_changes_the_bounds():
    lexicons = {"qualifiers": {"lower": ["over"], "approximate": ["about"]}}
    assert build(lexicons).bounds("over") == {"lower"}
    lexicons = {"qualifiers": {"approximate": ["over", "about"]}}
    edited = build(lexicons)
    assert edited.bounds("over") == {"approximate"}
    assert not admits("over", 1000, 1300, 0.1, edited)


# --------------------------------------------------------------------------- calendar, units, abbreviations


def test_calendar_and_units_come_from_the_lexicons():
    assert VOCAB.months["sept"] == 9 and VOCAB.months["may"] == 5
    assert VOCAB.weekdays["thurs"] == 3
    assert VOCAB.scales["bn"] == ("billion", 9)
    assert VOCAB.units["per cent"] == ("percent", "%", 0)
    assert VOCAB.units["pence"] == ("money", "GBP", -2)
    assert VOCAB.currency_symbols["€"] == "EUR"
    assert figures._POST is VOCAB.units and figures._SCALES is VOCAB.scales


def test_segmenter_abbreviations_are_the_lexicon():
    assert Segmenter().abbreviations == VOCAB.abbreviations
    assert "mt" in VOCAB.abbreviations
    text_ = "They climbed Mt. Everest in May. It was cold."
    spans = list(Segmenter().sentences(text_, 0, len(text_)))
    assert [text_[s:e] for s, e in spans] == ["They climbed Mt. Everest in May.", "It was cold."]


# --------------------------------------------------------------------------- stemmer


def test_stemmer_is_snowball_english_and_cached():
    assert stem("trained") == stem("training") == stem("Train") == "train"
    assert stem("models") == stem("model") == "model"
    assert stem("Settlements") == stem("settlement")
    assert stem("advertisers’") == stem("advertiser")
    assert stem("running") == "run"  # Porter 2, not a crude suffix cut ("runn")
    before = stem.cache_info().hits
    stem("training")
    assert stem.cache_info().hits == before + 1


def test_context_stems_use_the_shared_stemmer_and_stopwords():
    sentence = "The regulators said the settlement covered 4,000 advertisers in 2024."
    (fig,) = extract_figures(sentence)
    stop = claims.context_stopwords(VOCAB)
    assert claims.context_stems(sentence, fig.start, fig.end, stop) == [
        stem("regulators"), stem("settlement"), stem("covered"), stem("advertisers")]


def test_a_loaded_config_gives_the_same_vocabulary_as_the_default():
    from auditor.config import load_config

    config = load_config()
    vocab = text.vocabulary(config)
    assert vocab is text.vocabulary(config)  # built once per expectations digest
    assert vocab.qualifier_bounds == VOCAB.qualifier_bounds and vocab.units == VOCAB.units
    assert vocab.stopwords == VOCAB.stopwords and vocab.months == VOCAB.months
    assert Segmenter.from_config(config).abbreviations == VOCAB.abbreviations


def test_pattern_prefilter_needles_are_required_by_every_match():
    """required_needles: a text without any needle cannot match; anchored patterns get none."""
    import re

    from auditor.text import Prefiltered, required_needles

    cases = {r"\b(picture|photo)\s*:\s*[^.:]{1,60}$": ("Photo: Jane Doe", "The picture was clear."),
             r"(©|\(c\)|copyright)\s*\d{4}|all rights reserved": ("© 2024 Agency", "All Rights Reserved."),
             r"(?-i:\b(REUTERS|AFP)\s?/\s?[A-Z][a-z])": ("REUTERS/Jane", "afp / x")}
    for pattern, texts in cases.items():
        needles = required_needles(pattern, re.IGNORECASE)
        assert needles, pattern
        compiled = re.compile(pattern, re.IGNORECASE)
        rule = Prefiltered(compiled, needles)
        for sample in texts:
            assert rule.may_match(sample) or not compiled.search(sample)
        assert not rule.may_match("the council met on tuesday")
    assert required_needles(r"^\s*advert\s*$", re.IGNORECASE) is None  # anchored: already cheap
    assert required_needles(r"(a|)b?", re.IGNORECASE) is None  # nothing is required


def test_a_prefiltered_pattern_finds_what_the_pattern_finds():
    """Prefiltered: the same matches as the bare pattern, and a text without a needle is not searched."""
    import re

    from auditor.text import Prefiltered

    pattern = re.compile(r"\b(picture|photo)\s*:\s*[^.:]{1,60}$", re.IGNORECASE)
    rule = Prefiltered.of(pattern)
    assert rule.needles and not rule.may_match("the council met")  # ruled out without the regex engine
    for sample in ("PHOTO: Jane Doe", "The picture was clear.", "Picture: a b c", "the council met"):
        assert [m.span() for m in rule.finditer(sample)] == [m.span() for m in pattern.finditer(sample)]
        assert bool(rule.search(sample)) == bool(pattern.search(sample))
    assert not rule.may_match("PHOTO: Jane Doe", folded="no needle here")  # the folded text given is the one read
    assert Prefiltered.of(re.compile(r"^\s*advert\s*$")).may_match("anything")  # no needles: always searched


def test_memo_by_text_computes_each_distinct_text_once_and_stays_bounded():
    calls: list[tuple] = []

    def words(sentence: str, lower: bool) -> tuple[str, ...]:
        calls.append((sentence, lower))
        return tuple((sentence.lower() if lower else sentence).split())

    read = text.memo_by_text(words, limit=2)
    assert read("A wire copy", True) == ("a", "wire", "copy")
    assert read("A wire copy", True) == ("a", "wire", "copy")
    assert read("A wire copy", False) == ("A", "wire", "copy")  # other arguments: computed anew
    assert len(calls) == 2
    read("Third text", True)  # the limit reached: the least recently used text is dropped
    read("A wire copy", True)
    assert len(calls) == 4
