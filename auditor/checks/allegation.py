"""unattributed_allegation: wrongdoing stated as fact in a story about an unproven accusation.

Candidates are sentences matching a wrongdoing pattern (lexicons/attribution.yaml). Features:
hedged (an attribution cue or hedge in the sentence or the sentence before it, in the same paragraph
or closing the paragraph before, or the sentence is a quotation) and
allegation_story (the source or its story speaks of a lawsuit, accusation, complaint, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..corpus import Corpus, candidates
from ..frames import positions_where
from ..language import english_sources
from ..text import Prefiltered, memo_by_text


@dataclass(frozen=True)
class Language:
    """Compiled attribution lexicon."""

    cues: re.Pattern
    hedges: re.Pattern
    context: re.Pattern
    wrongdoing: re.Pattern

    def __post_init__(self) -> None:
        # most sentences hold none of the strings every wrongdoing phrase holds: a substring test rules them out
        object.__setattr__(self, "_wrongdoing", Prefiltered.of(self.wrongdoing))

    def wrongdoing_in(self, text: str) -> re.Match | None:
        """The first wrongdoing phrase of a sentence, if any."""
        return self._wrongdoing.search(text)

    @classmethod
    def from_lexicon(cls, lex: dict) -> Language:
        def words(items: list[str]) -> re.Pattern:
            alts = "|".join(word_pattern(w) for w in sorted(items or ["\x00"], key=len, reverse=True))
            return re.compile(r"(?<![\w])(?:" + alts + ")", re.IGNORECASE)

        patterns = (lex.get("wrongdoing", {}) or {}).get("patterns", []) or ["(?!x)x"]
        return cls(words(lex.get("attribution_cues", [])), words(lex.get("hedges", [])),
                   words(lex.get("allegation_context", [])),
                   re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE))


INFLECTIONS = r"(?:s|es|d|ed|ing|ly)?"


def word_pattern(entry: str) -> str:
    """A lexicon entry as a pattern: "alleg*" is a word start (alleges, alleged); any other entry is a
    whole word with a regular ending ("suit" matches "suits", never "suitable")."""
    if entry.endswith("*"):
        return re.escape(entry[:-1])
    return re.escape(entry) + (INFLECTIONS + r"(?!\w)" if entry[-1:].isalnum() else "")


def language(corpus: Corpus) -> Language:
    return Language.from_lexicon(corpus.config.lexicons.get("attribution", {}))


def _before(previous: tuple[str, int, str], source: str, para: int, lang: Language) -> str:
    """The sentence before in the same paragraph, or the one closing the paragraph before, less the words
    that only say the story is about an accusation ("faces a lawsuit" attributes nothing that follows)."""
    if previous[0] != source:
        return ""
    if previous[1] == para:
        return previous[2]
    return lang.context.sub(" ", previous[2]) if previous[1] == para - 1 else ""


def _quoted(text: str) -> bool:
    stripped = text.strip()
    return stripped[:1] in "\"“‘'" or bool(re.search(r"[\"“][^\"”]{20,}[\"”]", text))


def _about_an_accusation(corpus: Corpus, lang: Language) -> tuple[set[str], set[str]]:
    """The sources whose text says the story is about an accusation ("lawsuit", "investigation"), and
    their stories (read only when a sentence asserts wrongdoing: most runs have none)."""
    sources = {src for src, text in corpus.texts.items() if lang.context.search(text)}
    story_of = dict(zip(corpus.sources["source"], corpus.sources["story"], strict=True))
    return sources, {story_of[src] for src in sources}


def detect(corpus: Corpus) -> pd.DataFrame:
    """Candidate sentences asserting wrongdoing, with hedge and story features."""
    lang = language(corpus)
    s = corpus.sentences[~corpus.sentences["is_boilerplate"]]
    s = s[s["source"].isin(english_sources(corpus.sources))]  # wrongdoing and hedge phrases are English
    rows = []
    about: tuple[set[str], set[str]] | None = None
    wrongdoing_in = memo_by_text(lang.wrongdoing_in)  # a sentence given again (wire copy) is read once
    sources, stories, paras, starts, texts = (s[c].tolist() for c in ("source", "story", "para", "start", "text"))
    for k in positions_where(s["text"], wrongdoing_in).tolist():
        source, story, para, start, text = sources[k], stories[k], paras[k], starts[k], texts[k]
        before_this = (sources[k - 1], paras[k - 1], texts[k - 1]) if k else ("", -1, "")  # the sentence before
        match = wrongdoing_in(text)
        if not match:
            continue
        window = f"{_before(before_this, source, para, lang)} {text}"
        if about is None:  # the first candidate: which sources and stories are about an accusation
            about = _about_an_accusation(corpus, lang)
        allegation_sources, allegation_stories = about
        rows.append({
            "source": source, "story": story, "start": start, "end": start + len(text), "subkind": "assertion",
            "related": [], "note": match.group(),
            "hedged": bool(lang.hedges.search(window) or lang.cues.search(window) or _quoted(text)),
            "allegation_story": source in allegation_sources or story in allegation_stories,
        })
    return candidates(rows, ["hedged", "allegation_story"])
