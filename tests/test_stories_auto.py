"""--stories auto: grouping a flat folder of articles into stories by content."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from auditor.ingest import Source, finish_source, sources_frame
from auditor.stories import adjusted_rand_index, assign_stories

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "benchmarks" / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_corpus"] = module
    spec.loader.exec_module(module)
    return module


def _frame(texts: dict[str, str]) -> pd.DataFrame:
    return sources_frame([finish_source(Source(source=sid, story="flat", path=f"{sid}.txt", text=text))
                          for sid, text in texts.items()])


def _flat(stories: int, seed: int, follow_rate: float) -> tuple[pd.DataFrame, dict[str, str]]:
    corpus = _generator().generate(stories, seed=seed, flat=True, follow_rate=follow_rate)
    texts = {a.source: a.text for arts in corpus.stories.values() for a in arts}
    truth = {a.source: story for story, arts in corpus.stories.items() for a in arts}
    return _frame(dict(sorted(texts.items()))), truth


@pytest.fixture(scope="module")
def flat():
    return _flat(60, seed=11, follow_rate=0.1)


def test_generated_stories_are_recovered(flat):
    sources, truth = flat
    labels = assign_stories(sources)
    assert adjusted_rand_index([truth[s] for s in sources["source"]], labels) >= 0.95


def test_labels_are_deterministic_readable_and_carry_their_terms(flat):
    sources, _ = flat
    terms: dict[str, list[str]] = {}
    labels = assign_stories(sources, terms=terms)
    shuffled = sources.sample(frac=1.0, random_state=3)
    assert assign_stories(shuffled).loc[sources.index].tolist() == labels.tolist()
    assert set(terms) == set(labels)
    for label in labels.unique():
        assert re.fullmatch(r"auto/[a-z0-9-]+", label)
        assert terms[label], label
    assert assign_stories(sources, prefix="x").str.startswith("x/").all()


def test_stories_sharing_only_generic_words_stay_apart():
    sources, truth = _flat(40, seed=4, follow_rate=0.0)
    labels = assign_stories(sources)
    mixed = [g for g, members in sources.groupby(labels)["source"] if len({truth[m] for m in members}) > 1]
    assert not mixed


GENERIC = ("The company said it would appeal the decision. Analysts said the outcome would be closely watched "
           "across the industry. Critics said the move raised fresh questions about oversight. ")


def test_same_template_different_facts_are_different_stories():
    texts = {}
    for n, (org, amount, day) in enumerate([("Kestrel Labs", "$4.2 million", "March 3, 2025"),
                                            ("Norvale Foods", "€9.1 million", "June 5, 2024"),
                                            ("Halden Motors", "£7.5 million", "October 9, 2023")]):
        for outlet in range(3):
            lead = f"{org} was fined {amount} by the regulator on {day}, officials said."
            texts[f"s{n}_{outlet}"] = f"Regulator fines {org}\n{lead}\n{GENERIC * (outlet + 1)}"
    texts["lone"] = f"Weather update\n{GENERIC}"
    frame = _frame(texts)
    label_of = dict(zip(frame["source"], assign_stories(frame), strict=True))
    assert len(set(label_of.values())) == 4
    for n in range(3):
        assert len({label_of[f"s{n}_{outlet}"] for outlet in range(3)}) == 1


def test_skipped_rows_keep_their_story():
    frame = _frame({"a": "Kestrel Labs fined\nKestrel Labs was fined $4.2 million on March 3, 2025.\n",
                    "b": "Kestrel Labs penalty\nThe regulator fined Kestrel Labs $4.2 million on March 3, 2025.\n"})
    frame.loc[len(frame)] = {"source": "bad", "story": "inbox", "path": "bad.pdf", "status": "skipped",
                             "reason": "unsupported file type .pdf", "text": ""}
    labels = assign_stories(frame)
    assert labels.iloc[-1] == "inbox"
    assert labels.iloc[0] == labels.iloc[1] != "inbox"


def test_adjusted_rand_index():
    assert adjusted_rand_index("aabb", "xxyy") == 1.0
    assert adjusted_rand_index("aabbcc", "xyzxyz") < 0.0
    assert abs(adjusted_rand_index([1, 1, 1, 2, 2, 2], [1, 1, 2, 2, 3, 3]) - 0.2424) < 1e-3


def test_publication_months_are_spans_not_first_days():
    from auditor.stories import _dates, days_apart

    month, day, later = _dates(["2023-09", "2023-09-10", "2023-10-20"])
    assert month == (pd.Timestamp("2023-09-01").date(), pd.Timestamp("2023-09-30").date())
    assert days_apart(month, day) == 0
    assert days_apart(month, later) == 20


def test_centroid_join_only_between_groups_of_other_languages():
    import scipy.sparse as sp

    from auditor.stories import merge_groups

    x = sp.csr_matrix([[1.0, 1.0, 0.0], [1.0, 0.9, 0.0], [1.0, 1.0, 0.1]])
    assert merge_groups([0, 1, 2], x, [], 0.2, 1, ["en", "en", "en"]) == [0, 1, 2]
    joined = merge_groups([0, 1, 2], x, [], 0.2, 1, ["en", "fr", "en"])
    assert joined[0] == joined[1] or joined[1] == joined[2]
    assert merge_groups([0, 1, 2], x, [(0, 1), (1, 2)], 0.2, 1, ["en", "fr", "en"]) == [0, 1, 2]


def test_a_pair_in_two_languages_needs_a_shared_figure_or_date():
    import numpy as np
    import scipy.sparse as sp

    from auditor.stories import _names_only

    names = np.array(["e:kestrel", "e:halden", "n:42", "d:3-14", "w:fined"], dtype=object)
    x = sp.csr_matrix([[1.0, 1.0, 0.0, 0.0, 1.0],   # English: names only
                       [1.0, 1.0, 0.0, 0.0, 0.0],   # French: the same names only
                       [1.0, 0.0, 1.0, 0.0, 0.0],   # French: a name and a figure
                       [1.0, 0.0, 1.0, 1.0, 0.0]])  # English: the figure and a date
    rows, cols = np.array([0, 0, 2, 0]), np.array([1, 2, 3, 3])
    mask = _names_only(x, names, rows, cols, ["en", "fr", "fr", "en"], np.zeros(4, dtype=bool))
    # names alone do not link two languages; a shared figure does; within a language nothing changes
    assert mask.tolist() == [True, True, False, False]


def test_publication_dates_across_new_year_within_the_window_are_no_sign_of_two_events():
    import numpy as np

    from auditor.stories import Event, _dates, conflict_counts

    def dated(day: str) -> Event:
        return Event(frozenset(), _dates([day])[0], "en", frozenset(), frozenset())

    events = [dated("2023-12-31"), dated("2024-01-02"), dated("2024-01-20")]
    counts = conflict_counts(np.array([0, 0]), np.array([1, 2]), events, 7)
    assert counts.tolist() == [0, 1]  # two days apart: one event; twenty days apart: two


def test_story_settings_defaults_are_those_of_checks_yaml():
    """Tests that call assign_stories without settings run on the defaults: they must be the shipped ones."""
    from auditor.config import load_config
    from auditor.stories import StorySettings

    assert StorySettings.from_config(load_config().check("stories")) == StorySettings()
