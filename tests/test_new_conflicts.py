"""name_conflict and claim_conflict: the detectors' features and the suites' decisions on small stories."""

from __future__ import annotations

import copy

import pytest

from auditor.checks.names import fold, variant
from auditor.run import audit_texts

HARTWELL = "Transport Minister Anna {name} said the review of night-shift pay at Port Selvay would report by September."


def _kinds(texts: dict[str, str], config, kind: str) -> list:
    return [f for f in audit_texts(texts, config) if f.kind == kind]


def test_one_outlet_misspelling_a_minister_is_one_finding_naming_the_others(config):
    texts = {"a": HARTWELL.format(name="Hartwell"), "b": HARTWELL.format(name="Hartwell"),
             "c": HARTWELL.format(name="Hardwell")}
    found = _kinds(texts, config, "name_conflict")
    assert [(f.source, f.evidence) for f in found] == [("c", "Hardwell")]
    assert sorted(r["source"] for r in found[0].related) == ["a", "b"]
    assert "Hartwell" in found[0].message


def test_an_even_split_is_left_alone(config):
    texts = {"a": HARTWELL.format(name="Hartwell"), "c": HARTWELL.format(name="Hardwell")}
    assert _kinds(texts, config, "name_conflict") == []


@pytest.mark.parametrize(("usual", "other"), [("Mohammed", "Muhammad"), ("Müller", "Mueller"),
                                              ("Zelensky", "Zelenskyy"), ("Müller", "Muller")])
def test_transliterations_and_diacritics_are_not_conflicts(config, usual, other):
    texts = {"a": HARTWELL.format(name=usual), "b": HARTWELL.format(name=usual), "c": HARTWELL.format(name=other)}
    assert _kinds(texts, config, "name_conflict") == []


def test_two_people_with_close_surnames_are_not_one_name(config):
    line = "Harbour police officer {first} {last} said the picket lines at Port Selvay had been peaceful."
    texts = {"a": line.format(first="Leo", last="Kessler"), "b": line.format(first="Leo", last="Kessler"),
             "c": line.format(first="Rita", last="Kestler")}
    assert _kinds(texts, config, "name_conflict") == []


def test_variant_rules_are_data():
    lexicon = {"transliterations": [["Mohammed", "Muhammad"]], "diacritic_folds": [["ue", "u"]],
               "variant_rules": {"doubled_letters": True, "vowels": False}}
    assert variant("mohammed", "muhammad", lexicon) == "transliteration"
    assert variant(fold("Müller"), "mueller", lexicon) == "diacritic"
    assert variant("roka", "rokka", lexicon) == "doubled"
    assert variant("paredes", "parades", lexicon) == "none"  # vowel rule switched off
    assert variant("hartwell", "hardwell", lexicon) == "none"


QUAKE = "The quake struck about 40 km {direction} of Dunmore, the geological survey said."


def test_an_opposite_direction_from_the_same_place_is_a_finding(config):
    texts = {"a": QUAKE.format(direction="south-west"), "b": QUAKE.format(direction="southwest"),
             "c": QUAKE.format(direction="north-east")}
    found = _kinds(texts, config, "claim_conflict")
    assert [(f.source, f.subkind, f.evidence) for f in found] == [("c", "direction", "north-east of Dunmore")]
    assert len(found[0].related) == 2


def test_a_neighbouring_direction_or_another_place_is_not(config):
    near = {"a": QUAKE.format(direction="south-west"), "b": QUAKE.format(direction="south-west"),
            "c": QUAKE.format(direction="south")}
    assert _kinds(near, config, "claim_conflict") == []
    other = dict(near, c="The quake struck about 40 km north-east of Carran, the geological survey said.")
    assert _kinds(other, config, "claim_conflict") == []


def test_negation_flips_and_a_source_saying_both_takes_no_side(config):
    line = "The city council {verb} the harbour budget on Tuesday after a long debate."
    texts = {"a": line.format(verb="approved"), "b": line.format(verb="approved"),
             "c": line.format(verb="did not approve")}
    assert _kinds(texts, config, "claim_conflict") == []  # "did not approve" is no written form: nothing
    texts["c"] = line.format(verb="rejected")
    assert [f.source for f in _kinds(texts, config, "claim_conflict")] == ["c"]
    texts["c"] = "The city council rejected the harbour budget in May but approved it on Tuesday after a long debate."
    assert _kinds(texts, config, "claim_conflict") == []


def test_negated_value_is_its_opposite(config):
    line = "The jury {verb} the harbour master of fraud on Friday, the court in Dunmore heard."
    texts = {"a": line.format(verb="convicted"), "b": line.format(verb="convicted"),
             "c": "The jury never convicted the harbour master of fraud on Friday, the court in Dunmore heard."}
    found = _kinds(texts, config, "claim_conflict")
    assert [f.source for f in found] == ["c"] and "not guilty" in found[0].message


def test_a_new_class_needs_no_code(config):
    cfg = copy.deepcopy(config)
    cfg.lexicons["claims"]["classes"]["status"] = {"anchor": "before", "values": {"open": ["reopened"],
                                                                                "closed": ["shut"]},
                                                   "opposites": [["open", "closed"]]}
    cfg.digest = ""
    line = "The Dunmore coastal road {verb} on Monday after the storm, police in Dunmore said."
    texts = {"a": line.format(verb="reopened"), "b": line.format(verb="reopened"), "c": line.format(verb="shut")}
    assert [f.subkind for f in _kinds(texts, cfg, "claim_conflict")] == ["status"]
    assert _kinds(texts, config, "claim_conflict") == []


def test_the_suite_decides_the_sources_the_other_value_needs(config):
    cfg = copy.deepcopy(config)
    conditions = cfg.suites["claim_conflict"]["expectations"][0]["kwargs"]["row_condition"]["conditions"]
    next(c for c in conditions if c["column"]["name"] == "n_other")["parameter"] = 3
    texts = {"a": QUAKE.format(direction="south-west"), "b": QUAKE.format(direction="south-west"),
             "c": QUAKE.format(direction="north-east")}
    assert _kinds(texts, config, "claim_conflict")
    assert _kinds(texts, cfg, "claim_conflict") == []
