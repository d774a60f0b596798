"""--stories auto on a flat folder of hand-written articles (tests/stories_flat/, all invented).

Each story is written several times in other words (a wire, a daily, a blog or law note, one in
French), and the folder holds same-company different-event pairs: two quarters' results of one
company, two fines of one regulator on one company in different years, and a mayor's farewell reception
beside the reports of her resignation (one whose lead is a quote, one in French) that share only
her and her town's names with it. The expected story of a file
is its name without the last part (`tessaly-q2-wire.txt` -> `tessaly-q2`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from auditor.ingest import ingest
from auditor.language import with_languages
from auditor.stories import (
    Event,
    adjusted_rand_index,
    assign_stories,
    conflict_counts,
    conflicts,
    event_kinds,
    event_of,
)

FOLDER = Path(__file__).resolve().parent / "stories_flat"


def _expected(source: str) -> str:
    return source.rsplit("-", 1)[0]


def _grouped(folder: Path) -> dict[str, str]:
    sources = with_languages(ingest([folder]))
    return dict(zip(sources["source"], assign_stories(sources), strict=True))


def _check(labels: dict[str, str]) -> None:
    truth = [_expected(s) for s in labels]
    assert adjusted_rand_index(truth, list(labels.values())) == 1.0, labels
    for label in set(labels.values()):
        assert len({_expected(s) for s, g in labels.items() if g == label}) == 1, label


def test_hand_written_flat_folder_is_grouped_by_event():
    labels = _grouped(FOLDER)
    assert len(labels) == 23
    _check(labels)


def test_same_company_events_stay_apart_without_publication_dates(tmp_path: Path):
    for path in FOLDER.glob("*.txt"):  # the second line of each file is its dateline
        lines = path.read_text(encoding="utf-8").splitlines()
        (tmp_path / path.name).write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")
    _check(_grouped(tmp_path))


def test_one_story_alone_is_one_group(tmp_path: Path):
    for path in FOLDER.glob("tessaly-q3-*.txt"):
        shutil.copy(path, tmp_path / path.name)
    assert len(set(_grouped(tmp_path).values())) == 1


@pytest.mark.parametrize(("text", "kinds"), [
    ("Mayor Odile Francks resigns after 14 months", {"resignation"}),
    ("Estrelle mayor Francks quits over budget row", {"resignation"}),
    ("Brightwell Media fined €18.5m for profiling children", {"fine"}),
    ("The jury found him guilty on all counts", {"conviction"}),
    ("He was sentenced to 12 years in prison", {"sentencing"}),
    ("Storm sinks the Marisol off Port Kelvar", set()),
    ("Halden Foods completed its purchase of Morvane", {"deal_completed"}),
    ("Halden Foods is a step closer to completing its purchase of Morvane", set()),  # a prospect
])
def test_event_kinds_come_from_the_lexicon(text, kinds):
    assert event_kinds(text) == kinds


def test_a_lead_kind_is_what_the_reporter_says_not_what_a_quote_says():
    quoted = 'The mayor added: "I cannot keep the promise on which I was elected." Then she left the hall.'
    assert event_kinds(quoted) == {"election"}
    assert event_of(quoted, None, None, "en").lead_kinds == frozenset()
    told = 'Mayor Odile Francks resigned on Friday, saying "I was elected to fix the budget."'
    assert event_of(told, None, None, "en").lead_kinds == {"resignation"}


def _event(lead: set[str], named: set[str], language: str = "en") -> Event:
    return Event(frozenset(), None, language, frozenset(lead), frozenset(lead | named))


def test_leads_naming_each_a_kind_the_other_lacks_are_two_events():
    verdict = _event({"conviction"}, {"sentencing"})  # a verdict that looks ahead to the sentencing
    sentencing = _event({"sentencing"}, {"conviction"})  # a sentencing that recalls the conviction
    assert conflicts(verdict, sentencing, 7) == 1
    # one lead naming more of the same event is no conflict, nor leads in different languages
    assert conflicts(_event({"resignation"}, set()), _event({"resignation", "election"}, set()), 7) == 0
    assert conflicts(verdict, _event({"sentencing"}, {"conviction"}, "fr"), 7) == 0
    rows, cols = np.array([0, 0]), np.array([1, 2])
    counts = conflict_counts(rows, cols, [verdict, sentencing, _event({"conviction"}, set())], 7)
    assert counts.tolist() == [1, 0]


def test_the_vectorized_signs_of_two_events_are_the_scalar_ones():
    """`conflict_counts` (what grouping runs, over arrays of pairs) counts what `conflicts` (the rule, one
    pair at a time) counts, on random events: money, publication spans across a new year, languages, kinds."""
    import datetime as dt
    import random

    rng = random.Random(8)
    kinds, money = ["resignation", "election", "conviction", "sentencing"], ["$1m", "$2m", "€5m"]

    def span() -> tuple[dt.date, dt.date] | None:
        if rng.random() < 0.3:
            return None
        first = dt.date(2024, 12, 20) + dt.timedelta(days=rng.randint(0, 30))
        return first, first + dt.timedelta(days=rng.choice([0, 0, 29]))

    events = [Event(frozenset(rng.sample(money, rng.randint(0, 2))), span(), rng.choice(["en", "en", "fr"]),
                    lead := frozenset(rng.sample(kinds, rng.randint(0, 2))),
                    lead | frozenset(rng.sample(kinds, rng.randint(0, 2)))) for _ in range(60)]
    pairs = [(i, j) for i in range(len(events)) for j in range(i + 1, len(events))]
    rows, cols = np.array([i for i, _ in pairs]), np.array([j for _, j in pairs])
    assert conflict_counts(rows, cols, events, 7).tolist() == [conflicts(events[i], events[j], 7) for i, j in pairs]
