"""The cheap English pre-check of language.detect: plain English skips the model, anything else reaches it."""

from __future__ import annotations

from auditor import language

ENGLISH = ("The council said on Monday that the new bridge would be closed to traffic for two weeks after an "
           "inspection found cracks in one of its supports. It was the second closure this year, and the mayor "
           "said that the city had asked the state for money to repair it before the winter.")
GERMAN_WITH_QUOTE = ("Der Stadtrat hat am Montag mitgeteilt, dass die neue Brücke für zwei Wochen gesperrt wird. "
                     "Die Prüfer haben Risse in einer Stütze gefunden, und das ist nicht die erste Sperrung. "
                     "\"It was the right thing to do for the city,\" sagte der Bürgermeister, der auch mehr Geld "
                     "für die Reparatur vom Land verlangt hat.")


def test_plain_english_is_recognised_without_the_model():
    assert language.plainly_english(ENGLISH)
    assert language.detect(ENGLISH) == "en"


def test_german_with_an_english_quote_goes_to_the_model():
    assert not language.plainly_english(GERMAN_WITH_QUOTE)
    assert language.detect(GERMAN_WITH_QUOTE) == "de"


def test_too_few_words_go_to_the_model():
    assert not language.plainly_english("The council said that the bridge was closed.")
