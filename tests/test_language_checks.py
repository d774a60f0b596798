"""Term confusion from story evidence alone, and garbled-text signals on unseen phrasings."""

from __future__ import annotations

import copy

import pytest

from auditor.checks.confusion import definitions
from auditor.checks.garble import Vocabulary, sentence_signals
from auditor.run import audit_texts
from auditor.segment import Segmenter

STORY = {
    "wire": "Regulators said the bank used client records to train AI models. It denied using AI training data.",
    "daily": "The bank used client records to train AI models, regulators said, and must delete the AI models.",
    "blog": ("The bank trained artificial intelligence (AI) systems on records. Regulators said it used records "
             "to train IoT models, and asked it to delete the IoT models. The widespread use of IoT worries some."),
}


def confusions(findings):
    return [f for f in findings if f.kind == "term_confusion"]


def test_story_evidence_alone_finds_a_swapped_acronym(config):
    no_lexicon = copy.deepcopy(config)
    no_lexicon.lexicons["confusion"] = {"pairs": []}
    found = confusions(audit_texts(STORY, no_lexicon))
    assert {f.source for f in found} == {"blog"}
    assert [f.evidence for f in found] == ["IoT", "IoT"]  # "use of IoT" has no evidence: not flagged
    assert all(f.related and "AI" in f.related[0]["evidence"] for f in found)


def test_removing_the_lexicon_pair_keeps_story_findings(config):
    pruned = copy.deepcopy(config)
    pairs = pruned.lexicons["confusion"]["pairs"]
    pruned.lexicons["confusion"]["pairs"] = [p for p in pairs if set(p["terms"]) != {"AI", "IoT"}]
    assert len(pruned.lexicons["confusion"]["pairs"]) == len(pairs) - 1
    assert len(confusions(audit_texts(STORY, pruned))) == 2


def test_lexicon_evidence_within_one_source(config):
    found = confusions(audit_texts({"a": "The plant delivered 40 MW last year, enough for the annual "
                                         "consumption of 9,000 homes.\n"}, config))
    assert [(f.evidence, f.subkind) for f in found] == [("MW", "lexicon")]


def test_acronyms_defined_by_the_source_are_not_flagged(config):
    text = {"a": "Under the Health Insurance Portability and Accountability Act (HIPAA), patient data is "
                 "protected; HIPAA fines apply.\n",
            "b": "The FDA approved the drug; the FDA said trials were sound.\n"}
    assert not confusions(audit_texts(text, config))
    text = "the General Data Protection Regulation (GDPR) applies"
    start, end = definitions(text)["GDPR"]
    assert text[start:end] == "General Data Protection Regulation (GDPR)"


@pytest.mark.parametrize(("sentence", "kinds"), [
    ("Shareholders were told. that the merger would close.", {"stray_stop"}),
    ("They want their money. back from the fund.", {"stray_stop"}),
    ("The court set a fee. fee for each claimant.", {"stray_stop_repeat"}),
    ("The ministers said farmers Their crops failed.", {"capitalized_function_word"}),
    ("The report came via apnewsThe minister resigned.", {"run_together"}),
    ("In January 2024Microsoft said so.", {"run_together"}),
    ("Analysts at JPMorgan and users of WhatsApp on iPhone agreed, e.g. in polls.", set()),
    ("The band The Who played, and the film It Follows was shown.", set()),
])
def test_garble_signals(sentence, kinds):
    vocab = Vocabulary(frozenset({"JPMorgan", "WhatsApp", "iPhone", "Microsoft"}),
                       frozenset({"The", "Their", "It", "They"}))
    assert {s.kind for s in sentence_signals(sentence, vocab, Segmenter())} == kinds


def test_weekday_mismatch_on_the_datelines_own_day_is_reported(config):
    text = ("Stadium deal confirmed\nAugust 10, 2020\nThe stadium redevelopment worth €34m was announced by "
            "Hartwell FC on Sunday, August 10, 2020.\n")
    found = [f for f in audit_texts({"a": text}, config) if f.kind == "date_conflict"]
    assert [f.subkind for f in found] == ["weekday"]
