"""Within-source language integrity (issue 15): words that are not words, machine-translation debris,
page chrome inside the text, repeated sentences, and precision on clean text. Texts are invented."""

from __future__ import annotations

import time

import pytest

from auditor.checks import allegation, garble
from auditor.checks.boilerplate import Rules
from auditor.checks.confusion import neighbours
from auditor.checks.duplicates import LongWords, _quote_matches, best_earlier_sentence, normalize
from auditor.run import audit_texts
from auditor.segment import DEFAULT_ABBREVIATIONS, Segmenter


@pytest.fixture(scope="module")
def vocab(config) -> garble.Vocabulary:
    return garble.Vocabulary.from_lexicon(config.lexicons["camelcase"])


def kinds(text: str, vocab: garble.Vocabulary) -> list[str]:
    return [s.kind for s in garble.sentence_signals(text, vocab, Segmenter(DEFAULT_ABBREVIATIONS))]


def findings(texts: dict[str, str], config, kind: str) -> list:
    return [f for f in audit_texts(texts, config) if f.kind == kind]


# words that are not words

def test_spun_words_are_unknown_and_near_common_words():
    unknown, rate = garble.nonwords("The group acquiresd the confidentialial report on Monday.")
    assert unknown == ["acquiresd", "confidentialial"] and rate > 0
    assert all(garble.near_word(w) for w in unknown)


def test_names_numbers_units_acronyms_and_handles_are_not_checked():
    text = "Ms Okafor of Pemberton told the BBC that 100Mbps links and 5G masts cost £3m, see @harlowfoods."
    assert garble.nonwords(garble._blank(text, []))[0] == []


def test_a_rare_real_word_is_known_and_a_long_glued_token_is_not():
    assert garble.nonwords("Analysts expect hyperscalers to keep spending.")[0] == ["hyperscalers"]
    assert not garble.near_word("hyperscalers")
    assert garble.nonwords("He promised to make actualinflationrelief a priority.")[0] == ["actualinflationrelief"]


def test_a_sentence_in_another_language_is_left_alone():
    assert garble.nonwords("Le séisme a secoué la région vendredi soir selon les autorités locales.") == ([], 0.0)
    assert garble.english_share("Le séisme a secoué la région vendredi soir.") < 0.15
    assert garble.english_share("The earthquake shook the region on Friday night, officials said.") > 0.25


def test_a_mostly_spun_article_gives_one_finding_per_paragraph(config):
    para = ("The firm acquiresd the grocer and the confidentialial terms were not publicised. "
            "Its chief said the dealt was finalisedd and the staffs would be retaineed.")
    text = "\n\n".join([para, "The chain has 64 shops in the north of England.", para])
    found = [f for f in findings({"spun": text}, config, "garbled_text") if f.subkind == "nonwords"]
    assert len(found) == 2


def test_word_list_is_loaded_once_and_lookups_are_cheap():
    garble.english_words()
    clock = time.perf_counter()
    for _ in range(200):
        garble.nonwords("The company said on Tuesday that profits rose sharply in the third quarter of the year.")
    assert time.perf_counter() - clock < 1.0


# machine-translation debris

def test_capitalized_function_word_before_a_name_or_number(vocab):
    assert "function_word_before_name" in kinds("Sales rose in the year By 2021 and kept rising.", vocab)
    assert "function_word_before_name" in kinds("There Federal Aviation Administration said it would act.", vocab)
    assert "glued_word" in kinds("The toll in the capital of Portohas risen to 40.", vocab)
    assert "mojibake" in kinds("Weâll rebuild the chainâs shops, she said.", vocab)


@pytest.mark.parametrize("text", [
    "The plan was first debated in May last year, officials said.",
    "The crowd cheered as The Who took the stage on Saturday.",
    "The arena has a 100Mbps network and 2,400 seats.",
    "Reporters told The Times that the talks would resume.",
    "Did you feel the quake? — A Reporter (@30Reporter) November 8, 2022",
])
def test_clean_shapes_are_not_debris(text, vocab):
    assert kinds(text, vocab) == []


# page chrome

def test_inline_chrome_spans(config):
    rules = Rules.from_lexicon(config.lexicons["boilerplate"])
    text = "The mayor opened the bridge (Photo: City Press Office) and © AP Photo / Jane Doe thanked the crews."
    spans = [text[a:b] for a, b, _ in rules.inline_spans(text)]
    assert spans == ["(Photo: City Press Office)", "© AP Photo / Jane Doe"]


@pytest.mark.parametrize("line", ["Advertisement", "Advert", "Sponsored", "Topics: Technology, Retail", "Exclusive content",
                                  "Watch Now", "Listen to this article", "Loading audio...", "jk/rt/",
                                  "mkg/hc (Reuters, AFP)", "[player video=123 station=north]", "Please enter your comment!",
                                  "Read more: Ten things to know about the deal", "(Also read: What the ruling means)",
                                  "Picture: Getty Images", "Image: © Agency", "—PTI"])
def test_chrome_lines(line, config):
    assert Rules.from_lexicon(config.lexicons["boilerplate"]).line_rule(line), line


@pytest.mark.parametrize("line", ["The minister said the exclusive content deal was struck in May.",
                                  "Sources said the company would appeal.", "Advertising revenue rose 8% in the quarter."])
def test_article_lines_are_not_chrome(line, config):
    assert Rules.from_lexicon(config.lexicons["boilerplate"]).line_rule(line) is None


def test_chrome_is_reported_once_and_not_by_other_checks(config):
    text = ("The ferry left at noon. © AP Photo / Jane DoeThe crossing took two hours, the operator said.\n\n"
            "Advertisement")
    found = audit_texts({"page": text}, config)
    assert [f.kind for f in found if "Doe" in f.evidence] == ["boilerplate"]


# repeated sentences

def test_a_sentence_given_again_inside_a_longer_one():
    norms = [normalize("The regulator ordered the airline to refund all passengers within 30 days."),
             normalize("Shares fell."),
             normalize("The regulator ordered the airline to refund all passengers within 30 days, it said.")]
    m = best_earlier_sentence(norms, 2, 0.8)
    assert m is not None and m.copy_of == 0 and m.similarity >= 0.9


def test_only_texts_sharing_most_long_words_are_compared():
    """Blocking: a near copy (one word changed) and a standfirst inside a longer sentence are compared; a
    sentence sharing one long word of five is not; a text without a long word is compared with all."""
    index = LongWords(window=400)
    texts = ["The regulator ordered the airline to refund passengers within thirty days.",
             "The airline carried more travellers than ever before this summer.",
             "The regulator ordered the airline to refund customers within thirty days.",
             "It is to be so, he said at the end of it all.",
             "The regulator ordered the airline to refund passengers within thirty days, it said on Monday."]
    compared = [index.add(i, normalize(t)) for i, t in enumerate(texts)]
    assert compared[0] == [] and compared[1] == []
    assert compared[2] == [0]
    assert compared[3] is None
    assert compared[4] == [0, 2]


def test_blocking_is_the_same_before_and_after_the_index_is_built():
    """Past INDEX_FROM texts the long-word counts come from an inverted index: the texts returned are
    those the pairwise count gives (sharing half the long words of the one with fewer, in the window)."""
    import random

    rng = random.Random(7)
    vocab = [f"{w}{k}" for w in ("harbour", "council", "budget", "ferries", "tunnels", "station") for k in range(6)]
    norms = [" ".join(rng.sample(vocab, rng.randint(0, 6)) + ["and", "the"]) for _ in range(3 * LongWords.INDEX_FROM)]
    index, window = LongWords(window=100), 100
    for i, norm in enumerate(norms):
        words = set(norm.split()) - {"and", "the"}
        expected = None if not words else [
            j for j in range(max(0, i - window), i)
            if (n := len(words & (set(norms[j].split()) - {"and", "the"})))
            and (n >= len(words) / 2 or n >= len(set(norms[j].split()) - {"and", "the"}) / 2)]
        assert index.add(i, norm) == expected, i


def test_a_quote_given_twice_with_different_attributions():
    texts = ['"We will not wait any longer for the rules," said Ms Rennick.',
             '"We will not wait any longer for the rules," she told reporters.']
    assert 1 in _quote_matches(texts, 30)


def test_a_repeated_paragraph_is_not_reported_again_per_sentence(config):
    para = "The regulator opened an inquiry into the merger on Monday, citing concerns over prices."
    text = "\n\n".join([para, "Shares of both companies fell sharply in early trading.", para])
    found = findings({"a": text}, config, "duplicate_paragraph")
    assert [f.subkind for f in found] == ["exact"]


# precision of word lists and attribution

def test_word_lists_match_whole_words():
    pattern = allegation.Language.from_lexicon({"hedges": ["suit", "alleg*"]}).hedges
    assert pattern.search("a suitable court") is None
    assert pattern.search("the suits were filed") and pattern.search("it allegedly sold data")


def test_attribution_in_the_paragraph_before_counts(config):
    text = ("The retailer faces a lawsuit over its loyalty scheme.\n\n"
            "The shoppers' lawyers said the scheme shared data with advertisers.\n\n"
            "The retailer broke the law by selling customer data.")
    assert findings({"a": text}, config, "unattributed_allegation") == []


def test_names_and_reporting_verbs_mark_no_slot():
    assert neighbours("Nvidia CEO Jensen Huang spoke", 7, 10) == (None, None)
    assert neighbours("ANI reported the quake", 0, 3) == (None, None)
    assert neighbours("to train AI models", 9, 11) == ("train", "model")


def test_line_rules_keep_their_order_when_anchored_ones_are_joined():
    lexicon = {"lines": [{"name": "credit-anywhere", "pattern": r"\bphoto credit\b"},
                         {"name": "credit-at-start", "pattern": r"^\s*(photo|image)\b"},
                         {"name": "either", "pattern": r"^tags:|\bwatch now\b"}]}
    rules = Rules.from_lexicon(lexicon)
    assert rules.line_rule("Photo credit: Anna Vale") == "credit-anywhere"  # both match: the first rule wins
    assert rules.line_rule("Photo: Anna Vale") == "credit-at-start"
    assert rules.line_rule("Click to watch now") == "either"  # `^a|b` is not anchored: b anywhere
    assert rules.line_rule("The photographer said the photo was taken at dawn.") is None
    # a rule that refers to its own group is searched on its own, not joined (its \\1 would be another group)
    echo = Rules.from_lexicon({"lines": [*lexicon["lines"], {"name": "echo", "pattern": r"^(\w+) \1$"}]})
    assert echo.line_rule("share share") == "echo"
    assert echo.line_rule("share this") is None
