"""Segmentation: exact offsets, lines, and a splitter that survives abbreviations and figures."""

from __future__ import annotations

import pandas as pd
import pytest

from auditor.segment import LineIndex, Segmenter, segment


def split(text: str) -> list[str]:
    seg = Segmenter()
    return [text[s:e] for s, e in seg.sentences(text, 0, len(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The U.S. government sued. It lost.", ["The U.S. government sued.", "It lost."]),
        ("It was filed on Jan. 21 in court. Nobody came.", ["It was filed on Jan. 21 in court.", "Nobody came."]),
        ("They paid $6.6 million. Then $6.625 million.", ["They paid $6.6 million.", "Then $6.625 million."]),
        ("Rule No. 5 applies. Mr. Smith agreed.", ["Rule No. 5 applies.", "Mr. Smith agreed."]),
        ('"We will appeal." The firm said so.', ['"We will appeal."', "The firm said so."]),
        ("He said “it is over.” Then left!", ["He said “it is over.”", "Then left!"]),
        ("Is it true? Yes. 2024 was a record year.", ["Is it true?", "Yes.", "2024 was a record year."]),
        ("J. K. Rowling wrote it. Fans cheered.", ["J. K. Rowling wrote it.", "Fans cheered."]),
    ],
)
def test_sentence_splitter(text, expected):
    assert split(text) == expected


def test_bullets_and_lines_are_exact():
    text = "Title here\n- first point\n- 2 min read\n\nBody one. Body two.\r\nLast line"
    sources = pd.DataFrame([{"source": "a", "story": "s", "status": "audited", "text": text}])
    paras, sents = segment(sources)
    assert paras["text"].tolist() == ["Title here", "first point", "2 min read", "Body one. Body two.", "Last line"]
    assert paras["is_bullet"].tolist() == [False, True, True, False, False]
    for frame in (paras, sents):
        for start, end, body in zip(frame["start"], frame["end"], frame["text"], strict=True):
            assert text[start:end] == body
    assert sents.loc[sents["text"] == "Body two.", "line"].item() == 5
    assert sents.loc[sents["text"] == "Last line", "line"].item() == 6
    assert sents["row_id"].is_unique


def test_hard_wrapped_prose_is_one_paragraph_per_block():
    para = ("This paragraph was wrapped by an editor at a fixed width so that every\n"
            "line stays short, but the sentences run on across the line breaks and\n"
            "must stay whole.")
    text = "\n\n".join([para] * 3)
    sources = pd.DataFrame([{"source": "a", "story": "s", "status": "audited", "text": text}])
    paras, sents = segment(sources)
    assert len(paras) == 3
    assert paras["line"].tolist() == [1, 5, 9] and paras["end_line"].tolist() == [3, 7, 11]
    assert sents["text"].iloc[0].endswith("must stay whole.")


def test_line_index():
    idx = LineIndex("ab\ncd\r\nef")
    assert [idx.line(i) for i in (0, 2, 3, 5, 7, 8)] == [1, 1, 2, 2, 3, 3]
    assert idx.end_line(3, 9) == 3


def test_line_numbers_counted_from_lines_are_those_of_the_line_index():
    """A text of one paragraph per line numbers its paragraphs by counting lines; hard-wrapped text and
    other breaks (form feed, U+2028) go through LineIndex: either way, every row's line and end_line
    are LineIndex's for its start and end, on random mixes of breaks, bullets, blanks and wrapped blocks."""
    import random

    rng = random.Random(5)
    pieces = ["Hello world.", "", " ", "- a bullet item", "2) numbered", "A heading", "One. Two! Three?",
              "x" * 60 + ".", "with \u2028 a separator", "form\x0cfeed", "  indented line.  "]
    texts = ["".join(rng.choice(pieces) + rng.choice(["\n", "\r\n", "\r", "\n\n", " "])
                     for _ in range(rng.randint(1, 25))) for _ in range(400)]
    texts += ["\n".join(("word " * rng.randint(9, 18)).strip() for _ in range(8)) + "\n\n"
              + "\n".join(("more " * 12).strip() for _ in range(6)) for _ in range(20)]  # hard-wrapped
    sources = pd.DataFrame([{"source": f"s{i}", "story": "x", "text": t, "status": "audited"}
                            for i, t in enumerate(texts)])
    paragraphs, sentences = segment(sources)
    assert len(sentences) > 2000
    for frame in (paragraphs, sentences):
        for source, start, end, line, end_line in zip(frame["source"], frame["start"], frame["end"], frame["line"],
                                                      frame["end_line"], strict=True):
            index = LineIndex(texts[int(source[1:])])
            assert (line, end_line) == (index.line(start), index.end_line(start, end)), (source, start)


def test_every_copy_of_a_paragraph_and_of_its_sentences_is_one_string_object():
    """Wire copies repeat paragraphs: each distinct body and sentence is one str in the frames (hashed once
    by the checks' memos, pickled once between processes), with the text and offsets of each copy."""
    from auditor.ingest import Source, finish_source, sources_frame
    from auditor.segment import segment

    shared = "The council approved the budget. Spending rises this year."
    texts = {"a": f"Headline one\n\n{shared}\n", "b": f"Other headline\n\n{shared}\n\nOwn line here."}
    rows = [finish_source(Source(source=k, story="s", path="x", text=t)) for k, t in texts.items()]
    paragraphs, sentences = segment(sources_frame(rows))
    bodies = paragraphs[paragraphs["text"] == shared]["text"].tolist()
    assert len(bodies) == 2 and bodies[0] is bodies[1]
    first = sentences[sentences["text"] == "The council approved the budget."]
    assert len(first) == 2 and first["text"].iloc[0] is first["text"].iloc[1]
    for src, start, end, text in zip(sentences["source"], sentences["start"], sentences["end"], sentences["text"],
                                     strict=True):
        assert texts[src][start:end] == text
