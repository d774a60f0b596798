"""The fact key of a claim: its role, scope, year and whether it restates another figure."""

from __future__ import annotations

import pytest

from auditor.config import load_config
from auditor.extract.claims import Roles, conversions, figure_role, figure_scope, intro_year
from auditor.extract.figures import extract_figures


@pytest.fixture(scope="module")
def roles() -> Roles:
    return Roles(load_config().lexicons["roles"])


@pytest.fixture(scope="module")
def events() -> Roles:
    return Roles(load_config().lexicons["roles"], "events")


def _roles(sentence: str, roles: Roles) -> list[tuple[str, str]]:
    return [(f.text, figure_role(sentence, f.start, f.end, roles, f.kind)) for f in extract_figures(sentence)]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The storm killed 412 people and injured 1,300 others, officials said.",
     [("412", "dead"), ("1,300", "injured")]),
    ("At least 412 dead and 1,300 injured.", [("412", "dead"), ("1,300", "injured")]),
    ("The death toll rose to 2,012, with 2,059 injured.", [("2,012", "dead"), ("2,059", "injured")]),
    ("The plane was carrying 181 people, of whom 179 died.", [("181", "aboard"), ("179", "dead")]),
    ("Revenue rose to $26 billion while net income climbed to $14.9 billion.",
     [("$26 billion", "revenue"), ("$14.9 billion", "profit")]),
    ("The regulator fined the bank 1.2 billion euros.", [("1.2 billion euros", "fine")]),
])
def test_each_figure_takes_the_role_of_its_own_clause(roles, sentence, expected):
    assert _roles(sentence, roles) == expected


def test_a_role_applies_only_to_its_kinds_of_figure(roles):
    # "magnitude" is a bare number: a distance beside the word is no magnitude
    assert _roles("The magnitude 6.1 quake struck 65 km from the city.", roles) == [("6.1", "magnitude"),
                                                                                    ("65 km", "")]


def test_a_figure_without_a_role_word_has_none(roles):
    assert _roles("The number rose to 71 on Friday.", roles) == [("71", "")]


@pytest.mark.parametrize(("sentence", "scope"), [
    ("In Kestrel province, 452 people died.", "kestrel"),
    ("Some 1,293 people died in Al Farah province, the ministry said.", "al farah"),
    ("The toll rose to 2,012 across the country.", ""),
])
def test_scope_is_the_sub_area_a_figure_is_about(roles, sentence, scope):
    f = extract_figures(sentence)[0]
    assert figure_scope(sentence, f.start, roles) == scope


@pytest.mark.parametrize(("sentence", "converted"), [
    ("Each worker gets $1,000 (£812).", ["£812"]),
    ("The fine of €1.2bn, or about $1.3bn, was a record.", ["$1.3bn"]),
    ("The site is 65 km (40 miles) away.", ["40 miles"]),
    ("Sales were $12 million and costs $9 million.", []),
])
def test_a_conversion_beside_a_figure_is_marked(sentence, converted):
    figures = extract_figures(sentence)
    assert [figures[i].text for i in sorted(conversions(sentence, figures))] == converted


@pytest.mark.parametrize(("sentence", "year"), [
    ("In 2024, the company settled a lawsuit over data from between January 2015 and May 2023.", "2024"),
    ("In September 2021, the app was hit with a fine.", "2021"),
    ("Next, in September 2022, the company appealed a fine.", "2022"),
    ("The fine was the largest this year.", ""),
])
def test_an_opening_time_phrase_dates_the_sentence(sentence, year):
    assert intro_year(sentence) == year


def test_a_date_takes_the_event_named_beside_it(events):
    from auditor.extract.dates import extract_dates

    sentence = "The regulator filed its lawsuit on 13 March, and the bank announced on Wednesday it would fight."
    found = [(d.text, figure_role(sentence, d.start, d.end, events)) for d in extract_dates(sentence, None)]
    assert found == [("13 March", "filed"), ("Wednesday", "announced")]


def test_clause_bounds_cut_at_commas_semicolons_and_conjunctions_not_thousands():
    from auditor.extract.claims import clause_bounds

    sentence = "Rescuers found 1,300 survivors, and 12 more died; officials said"
    first = clause_bounds(sentence, sentence.index("1,300"))
    assert sentence[first[0]:first[1]] == "Rescuers found 1,300 survivors,"  # the comma in 1,300 is no cut
    second = clause_bounds(sentence, sentence.index("12"))
    assert sentence[second[0]:second[1]].strip() == "12 more died;"  # cut after the comma and after "and"
    last = clause_bounds(sentence, sentence.index("officials"))
    assert last == (sentence.index(";") + 1, len(sentence) + 1)
