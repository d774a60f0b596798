"""Date extraction and dateline parsing on news-style phrasings."""

from __future__ import annotations

import datetime
import random

import pytest

from auditor.extract.dates import DateMention, extract_dates, parse_dateline, parse_dateline_parts

THU = datetime.date(2025, 1, 23)  # a Thursday: the reference for most cases

# (sentence, mention text, reference, kind, year, month, day, weekday_written, weekday_mismatch)
DateCase = tuple[str, str, datetime.date | None, str, int | None, int | None, int | None, int | None, bool]

DATE_CASES: list[DateCase] = [
    ("The proposed class action, filed on January 21, 2025, in a federal court",
     "January 21, 2025", THU, "full", 2025, 1, 21, None, False),
    ("The suit was filed Jan. 21, 2025, in San Jose.",
     "Jan. 21, 2025", THU, "full", 2025, 1, 21, None, False),
    ("The complaint was lodged on 21 January 2025.",
     "21 January 2025", THU, "full", 2025, 1, 21, None, False),
    ("The lawsuit, filed on 21 January, alleges", "21 January", THU, "month_day", 2025, 1, 21, None, False),
    ("It was filed on January 21 in California.", "January 21", THU, "month_day", 2025, 1, 21, None, False),
    ("Staff Writer - Jan 23 - 2 min read", "Jan 23", THU, "month_day", 2025, 1, 23, None, False),
    ("The setting was introduced in August 2024.",
     "August 2024", THU, "month_year", 2024, 8, None, None, False),
    ("The policy changed on September 18, 2024, a month later.",
     "September 18, 2024", THU, "full", 2024, 9, 18, None, False),
    ("Filed: 2025-01-21", "2025-01-21", THU, "full", 2025, 1, 21, None, False),
    ("Eingereicht am 21.01.2025 in Kalifornien", "21.01.2025", THU, "full", 2025, 1, 21, None, False),
    ("Date of filing: 21/01/2025", "21/01/2025", THU, "full", 2025, 1, 21, None, False),
    ("Date of filing: 01/21/2025", "01/21/2025", THU, "full", 2025, 1, 21, None, False),
    ("Hearing on 05/03/2025 (day first)", "05/03/2025", THU, "full", 2025, 3, 5, None, False),
    ("Tuesday, January 21, 2025, was the filing date.",
     "Tuesday, January 21, 2025", THU, "full", 2025, 1, 21, 1, False),
    ("The summit opens Tuesday, March 5, 2026, in Geneva.",
     "Tuesday, March 5, 2026", THU, "full", 2026, 3, 5, 1, True),
    ("The class action was filed on Tuesday night in federal court.",
     "Tuesday night", THU, "weekday", 2025, 1, 21, 1, False),
    ("Microsoft said on Wednesday it would respond.", "Wednesday", THU, "weekday", 2025, 1, 22, 2, False),
    ("Shares fell last Friday after the report.", "last Friday", THU, "weekday", 2025, 1, 17, 4, False),
    ("Talks resumed Monday morning in Brussels.", "Monday morning", THU, "weekday", 2025, 1, 20, 0, False),
    ("The company said on Thursday that it disagreed.", "Thursday", THU, "weekday", 2025, 1, 23, 3, False),
    ("The board met last Thursday.", "last Thursday", THU, "weekday", 2025, 1, 16, 3, False),
    ("A ruling is expected next Monday.", "next Monday", THU, "weekday", 2025, 1, 27, 0, False),
    ("Voting closes this Saturday.", "this Saturday", THU, "weekday", 2025, 1, 25, 5, False),
    ("Published: Thu 23 Jan 2025", "Thu 23 Jan 2025", THU, "full", 2025, 1, 23, 3, False),
    ("Updated 10 February 2026 17:05 GMT", "10 February 2026", THU, "full", 2026, 2, 10, None, False),
    ("January 28, 2025 14:08", "January 28, 2025", THU, "full", 2025, 1, 28, None, False),
    ("04.03.2026 – 22:15", "04.03.2026", THU, "full", 2026, 3, 4, None, False),
    ("January 23, 2025LinkedIn is currently embroiled in a lawsuit",
     "January 23, 2025", THU, "full", 2025, 1, 23, None, False),
    ("It was signed on the 21st of January, 2025.", "21st of January, 2025", THU, "full", 2025, 1, 21,
     None, False),
    ("It was signed on January 21st, 2025.", "January 21st, 2025", THU, "full", 2025, 1, 21, None, False),
    ("The deal closed on December 30.", "December 30", datetime.date(2025, 1, 5), "month_day", 2024, 12, 30,
     None, False),
    ("Sales fell in March 2025.", "March 2025", THU, "month_year", 2025, 3, None, None, False),
    ("The update went live Sept. 18, 2024.", "Sept. 18, 2024", THU, "full", 2024, 9, 18, None, False),
    ("Polls open on 5 May.", "5 May", THU, "month_day", 2025, 5, 5, None, False),
    ("The company said yesterday that it would appeal.",
     "yesterday", THU, "relative", 2025, 1, 22, None, False),
    ("Perplexity AI was sued last October by The Wall Street Journal.",
     "last October", THU, "month_year", 2024, 10, None, None, False),
    ("The law takes effect next March.", "next March", THU, "month_year", 2025, 3, None, None, False),
    ("Archived 2025/01/21 by the library.", "2025/01/21", THU, "full", 2025, 1, 21, None, False),
    ("Wed., Jan. 22, 2025 - Markets rallied.", "Wed., Jan. 22, 2025", THU, "full", 2025, 1, 22, 2, False),
    ("Monday, 20 January 2025: inauguration day.",
     "Monday, 20 January 2025", THU, "full", 2025, 1, 20, 0, False),
    ("Monday, 21 January 2025: a typo in the weekday.",
     "Monday, 21 January 2025", THU, "full", 2025, 1, 21, 0, True),
    ("The festival runs January 5-10, 2025.", "January 5-10, 2025", THU, "full", 2025, 1, 5, None, False),
    ("JAN 23, 2025 | TECH", "JAN 23, 2025", THU, "full", 2025, 1, 23, None, False),
    ("It was filed on Tuesday, January 21 in San Jose.",
     "Tuesday, January 21", THU, "month_day", 2025, 1, 21, 1, False),
    ("On Friday, January 21 the court sat.",
     "Friday, January 21", THU, "month_day", 2025, 1, 21, 4, True),
    ("Record date: 23-Jan-2025 (NSE)", "23-Jan-2025", THU, "full", 2025, 1, 23, None, False),
    ("On Friday 13 June the board met.", "Friday 13 June", THU, "month_day", 2025, 6, 13, 4, False),
    ("The hearing is on Tuesday.", "Tuesday", None, "weekday", None, None, None, 1, False),
    ("The lawsuit, filed on 21 January, alleges", "21 January", None, "month_day", None, 1, 21, None, False),
    ("Results are due on 3 March (Monday).", "3 March (Monday)", datetime.date(2025, 2, 20), "month_day",
     2025, 3, 3, 0, False),
]

# Sentences with no date mention at all.
NO_DATE_CASES: list[str] = [
    "LinkedIn was acquired by Microsoft in 2016.",
    "The meeting started at 14:08 and ended at 10 p.m.",
    "OpenAI products are integrated into Windows 11 and Microsoft 365.",
    "It sold a 10-year bond yielding 4.5%.",
    "Black Friday sales rose 5%.",
    "The Mail on Sunday first reported the story.",
    "Version 1.2.3 fixes the bug.",
    "The deal was agreed on February 30, 2024.",
    "Mayor Smith marched with 5,000 people.",
    "In March 5,000 people protested.",
    "The team plays on Tuesdays.",
]


def _find(mentions: list[DateMention], text: str) -> DateMention:
    for m in mentions:
        if m.text == text:
            return m
    raise AssertionError(f"{text!r} not among {[m.text for m in mentions]}")


@pytest.mark.parametrize(
    ("sentence", "text", "ref", "kind", "year", "month", "day", "weekday", "mismatch"), DATE_CASES
)
def test_date_case(sentence: str, text: str, ref: datetime.date | None, kind: str, year: int | None,
                   month: int | None, day: int | None, weekday: int | None, mismatch: bool) -> None:
    m = _find(extract_dates(sentence, ref), text)
    assert (m.kind, m.year, m.month, m.day) == (kind, year, month, day)
    assert (m.weekday_written, m.weekday_mismatch) == (weekday, mismatch)
    assert m.granularity == ("month" if kind == "month_year" else "day")
    written_year = kind == "full" or (kind == "month_year" and "last" not in text and "next" not in text)
    assert m.year_inferred == (year is not None and not written_year)


@pytest.mark.parametrize("sentence", NO_DATE_CASES)
def test_no_date(sentence: str) -> None:
    assert [m.text for m in extract_dates(sentence, THU)] == []


def test_spans_match_text() -> None:
    blob = "\n".join([c[0] for c in DATE_CASES] + NO_DATE_CASES)
    mentions = extract_dates(blob, THU)
    assert len(mentions) >= len(DATE_CASES) - 2
    last_end = 0
    for m in mentions:
        assert blob[m.start:m.end] == m.text
        assert m.start >= last_end
        last_end = m.end


DATELINES: list[tuple[str, tuple[int | None, int, int] | None]] = [
    ("LinkedIn Sued Over Data Sharing\nJanuary 23, 2025LinkedIn is currently embroiled in a lawsuit.",
     (2025, 1, 23)),
    ("LinkedIn sued for sharing private messages\n- Staff Writer\n- Jan 23\n- 2 min read\n\nBody text.",
     (None, 1, 23)),
    ("Headline here\n04.03.2026 – 22:15\nThe body starts here.", (2026, 3, 4)),
    ("Headline\nUpdated 10 February 2026 17:05 GMT\nBody.", (2026, 2, 10)),
    ("Title\nA subtitle that is a sentence.\nJanuary 28, 2025 14:08\nAt least two laws", (2025, 1, 28)),
    ("2025-01-23\nHeadline", (2025, 1, 23)),
    ("Headline\nPublished: Thu 23 Jan 2025\nBody", (2025, 1, 23)),
    ("WASHINGTON, Jan 23, 2025 (Reuters) - The U.S. economy grew at a 2.3% annualized rate in the fourth "
     "quarter, the Commerce Department said.", (2025, 1, 23)),
    ("Headline\nThe lawsuit, which was filed in a federal court in San Jose on behalf of millions of users, "
     "cites a policy update made on September 18, 2024, by the company.", None),
    ("Headline only\nNo date in this short article.", None),
    ("Trump inaugurated on January 20\nBody text follows.", None),
    ("Fed holds rates steady on Jan 29, 2025\nJan 30, 2025\nBody", (2025, 1, 30)),
    ("By Jane Doe and John Roe | Reuters | January 23, 2025\nBody", (2025, 1, 23)),
    ("Published on January 23, 2025\nBody", (2025, 1, 23)),
]


@pytest.mark.parametrize(("text", "expected"), DATELINES)
def test_dateline_parts(text: str, expected: tuple[int | None, int, int] | None) -> None:
    assert parse_dateline_parts(text) == expected


def test_parse_dateline() -> None:
    assert parse_dateline("Title\nJanuary 23, 2025LinkedIn is ...") == datetime.date(2025, 1, 23)
    assert parse_dateline("Title\n- Jan 23\n- 2 min read") is None
    assert parse_dateline("") is None


def test_random_token_soup_invariants() -> None:
    tokens = ["Jan", "January", "Tuesday", "Sun", "last", "next", "21", "21st", "2025", "2025-01-21", "04.03.2026",
              "of", "the", ",", " ", "\n", "-", "(", ")", "yesterday", "May", "Mayor", "14:08", "5,000", "/"]
    rng = random.Random(11)
    for _ in range(300):
        text = "".join(rng.choice(tokens) + rng.choice(["", " "]) for _ in range(rng.randint(1, 15)))
        last_end = 0
        for m in extract_dates(text, THU):
            assert text[m.start:m.end] == m.text
            assert m.start >= last_end
            last_end = m.end
        parse_dateline_parts(text)


def test_a_label_word_inside_a_sentence_is_not_a_dateline():
    text = ("Lead paragraph without a date.\n\nPlaintiffs allege the firm updated its policy a month later, "
            "on September 18, 2024, to allow it.\n")
    assert parse_dateline(text) is None


def test_a_head_line_without_a_digit_is_read_as_without_a_dateline():
    """The digit shortcut of _line_dateline gives what reading every mention gives, on random head lines."""
    import random

    from auditor.extract import dates

    def read_all(line: str) -> tuple | None:
        for mention in dates._day_mentions(line, 0, len(line), "en"):
            if dates._is_dateline(line, line[:mention.start]):
                return mention.year, mention.month or 0, mention.day or 0
            return None
        return None

    rng = random.Random(4)
    words = ["March", "Mar.", "3", "3rd", "third", "Tuesday", "2024", "on", "WASHINGTON,", "Updated", "Jan",
             "first", "of", "|", "•", "12", "2", "Published:", "-"]
    lines = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 7))) for _ in range(20000)]
    found = [dates._line_dateline.__wrapped__(line, "en") for line in lines]
    assert found == [read_all(line) for line in lines]
    assert sum(f is not None for f in found) > 500
