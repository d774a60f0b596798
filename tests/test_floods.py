"""Floods: cost stays linear on hostile volumes (long tokens, thousands of sources in one story).

The normal suite checks the mechanisms (what is examined, how many pairs are compared) on small
floods; the full-size floods (a 1 MB token, 20,000 files, a 200,000-record JSONL, each in under a
minute) run with AUDITOR_SLOW=1.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from auditor import metrics
from auditor.checks import garble
from auditor.cli import main
from auditor.config import load_config
from auditor.corpus import Corpus
from auditor.run import audit_texts
from auditor.segment import DEFAULT_ABBREVIATIONS, Segmenter

SLOW = os.environ.get("AUDITOR_SLOW") == "1"
NEEDS_SLOW = pytest.mark.skipif(not SLOW, reason="full-size floods, a minute each: run with AUDITOR_SLOW=1")
ARTICLE = "Short report on the council vote\nThe council met on Tuesday and voted on the plan.\n"
SHARED = ["The city council approved the new budget on Tuesday after a long debate, officials said.",
          "Spending on parks and road repairs rises this year, according to the finance office."]


def _tag(i: int) -> str:
    """A word made of letters only, different for every i (no digits: no figures to extract)."""
    out = ""
    while True:
        out = "bcdfghjklmnp"[i % 12] + out
        i //= 12
        if not i:
            return out.capitalize() + "son"


def _own(i: int) -> str:
    return f"Reporter {_tag(i)} filed this copy for the regional newsroom desk late in the evening."


def flood_article(i: int) -> str:
    """One of a flood of wire copies: two sentences every copy shares, one of its own."""
    return "Council passes the budget\n\n" + "\n\n".join([*SHARED, _own(i)]) + "\n"


def _corpus(sentences: dict[str, list[str]], story: str = "s") -> Corpus:
    rows = [{"source": src, "story": story, "text": text, "is_boilerplate": False}
            for src, texts in sentences.items() for text in texts]
    return Corpus(config=load_config(), sources=pd.DataFrame(), paragraphs=pd.DataFrame(),
                  sentences=pd.DataFrame(rows), texts={src: " ".join(t) for src, t in sentences.items()})


def _sentence(word: str) -> str:
    return f"The {word} statement was read out in full to the council on that day."


# ---------------------------------------------------------------- independence


def test_independence_groups_are_connected_components():
    """Links a-d, b-c, c-d (and none else): all four are one voice; the old merge left b alone."""
    s = {k: _sentence(k) for k in ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")}
    texts = {"a": [s["one"], s["two"], s["three"]],
             "d": [s["one"], s["two"], s["three"], s["four"], s["five"], s["six"]],  # a-d: 3 of a's 3
             "c": [s["four"], s["five"], s["six"], s["seven"], s["eight"]],  # c-d: 3 of c's 5
             "b": [s["seven"], s["eight"], s["nine"]],  # b-c: 2 of b's 3; b shares nothing with a or d
             "e": [_sentence("other"), _sentence("unrelated")]}
    groups = metrics.independence(_corpus(texts))
    assert {src for src, g in groups.items() if g == groups["b"]} == {"a", "b", "c", "d"}
    assert groups["e"] == "e" and groups["a"] == "a"
    keys = {"a": frozenset({1, 2, 3}), "d": frozenset({1, 2, 3, 4, 5, 6}), "c": frozenset({4, 5, 6, 7, 8}),
            "b": frozenset({7, 8, 9})}
    assert set(metrics.linked_groups(keys, 0.6).groups.values()) == {"a"}


def test_independence_compares_only_sources_that_share_a_sentence():
    """2,000 sources: all pairs would be 1,999,000 comparisons; the inverted index makes a few thousand."""
    n = 2000
    distinct = {f"u{i:04d}": frozenset({10 * i, 10 * i + 1, 10 * i + 2}) for i in range(n)}
    grouping = metrics.linked_groups(distinct, 0.6)
    assert grouping.compared == 0 and len(set(grouping.groups.values())) == n

    identical = {f"c{i:04d}": frozenset({1, 2, 3}) for i in range(n)}
    grouping = metrics.linked_groups(identical, 0.6)
    assert grouping.compared == 0 and set(grouping.groups.values()) == {"c0000"}

    copies = {f"w{i:04d}": frozenset({1, 2, 3, 100 + i}) for i in range(n)}  # wire copies, one own line each
    grouping = metrics.linked_groups(copies, 0.6)
    assert set(grouping.groups.values()) == {"w0000"}
    assert grouping.compared < 2 * n

    halves = {**{f"x{i:04d}": frozenset({1, 2, 3, 100 + i}) for i in range(n // 2)},
              **{f"y{i:04d}": frozenset({4, 5, 6, 9000 + i}) for i in range(n // 2)}}
    grouping = metrics.linked_groups(halves, 0.6)
    assert len(set(grouping.groups.values())) == 2 and grouping.compared < 2 * n


def test_independence_index_stays_compact_when_a_shared_sentence_merges_every_source():
    """A sentence every wire copy holds starts with one bucket per source; merged into one group, its dict
    must shrink too: CPython never shrinks a dict on deletion and iterating it reads every slot, so each
    look-up of the shared sentence cost a pass over 200,000 dead slots (a 200,000-record feed: 30 s)."""
    import sys

    from auditor.corpus import UnionFind

    n = 5000
    sets = {i: frozenset({1, 2, 100 + i}) for i in range(n)}
    index = metrics._BucketIndex(sets, UnionFind(n))
    for i in range(1, n):
        index.union(0, i)
    assert [len(index.buckets[t]) for t in (1, 2)] == [1, 1]
    assert max(sys.getsizeof(index.buckets[t]) for t in (1, 2)) < 1000  # the 5,000-slot table: ~150 kB


def test_a_flood_in_one_story_compares_few_pairs_and_lists_few_copies(tmp_path, monkeypatch):
    """End to end, 500 wire copies in one folder: few pairs compared, scores.json lists 20 and counts the rest."""
    n = 500
    folder = tmp_path / "flood"
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:04d}.txt").write_text(flood_article(i), encoding="utf-8")
    seen: list[int] = []
    real = metrics.linked_groups

    def counting(keys, min_share):
        grouping = real(keys, min_share)
        seen.append(grouping.compared)
        return grouping

    monkeypatch.setattr(metrics, "linked_groups", counting)
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        code = main(["audit", str(folder), "--out", str(tmp_path / "out"), "--format", "json", "--jobs", "1"])
    assert code in (0, 1)
    assert seen and sum(seen) < 2 * n
    scores = json.loads((tmp_path / "out" / "scores.json").read_text(encoding="utf-8"))["sources"]
    assert len(scores) == n
    first = scores[0]
    assert len(first["syndicated_with"]) == metrics.MAX_SYNDICATED_LISTED and first["syndicated_count"] == n - 1


def _counted(monkeypatch, owner: object, name: str) -> list[int]:
    """One entry per call of owner.name from now on (the calls still go through)."""
    calls: list[int] = []
    real = getattr(owner, name)

    def counting(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(owner, name, counting)
    return calls


def _prepared_story(texts: list[str], frames: set[str], config=None) -> dict[str, pd.DataFrame]:
    """The candidate frames of one story made of these texts (one source each), prepared in this process."""
    from auditor.ingest import Source, finish_source, sources_frame
    from auditor.prepare import prepare

    rows = [finish_source(Source(source=f"a{i:05d}", story="s", path="x", text=t)) for i, t in enumerate(texts)]
    return prepare(sources_frame(rows), config or load_config(), frames).frames


def test_name_conflict_on_a_flood_is_linear(monkeypatch):
    """400 wire copies, each with its own reporter name one letter from the next: few comparisons, short lists;
    and a chain of 400 near-spellings is 400 names, not one (`max_spellings`): no candidates at all."""
    from auditor.checks import names

    n = 400
    calls = _counted(monkeypatch, names, "_compare")
    texts = [flood_article(i) for i in range(n)]
    assert _prepared_story(texts, {"name_conflict"})["name_conflict"].empty
    assert len(calls) < 20 * n  # all pairs: 80,000
    config = load_config()
    config.checks["name_conflict"] = {**config.checks["name_conflict"], "max_spellings": n}
    frame = _prepared_story(texts, {"name_conflict"}, config)["name_conflict"]
    assert len(frame) >= n // 2  # compared when allowed: one candidate per source, each naming a few others
    assert int(frame["related"].map(len).sum()) < 50 * n  # all others: 159,600


def test_list_and_title_conflicts_on_a_flood_are_linear(monkeypatch):
    """1,000 sources, each giving a list that shares three members with every other and one of its own, and
    a current or former title: lists compared through their members (a few per list, not all pairs:
    499,500), each finding naming at most MAX_RELATED others, the group's names canonicalized within
    a bound (all pairs of 1,003 names: half a million fuzzy comparisons)."""
    import types

    from auditor.checks import entities
    from auditor.checks.conflicts import MAX_RELATED

    n = 1000
    calls = _counted(monkeypatch, entities, "_same_list")
    fuzz = types.SimpleNamespace(ratio=entities.fuzz.ratio)
    fuzzy = _counted(monkeypatch, fuzz, "ratio")
    monkeypatch.setattr(entities, "fuzz", fuzz)
    monkeypatch.setattr(entities, "MAX_GROUP_NAMES", 50)
    texts = [f"Parks report\n\nThe council named Harbourview, Millbrook, Eastfield and {_tag(i)} as the districts "
             f"for new parks.\n\n{'Former' if i % 2 else 'The'} Prime Minister Anna Berg said the plan was ready.\n"
             for i in range(n)]
    frames = _prepared_story(texts, {"list_conflict", "title_conflict"})
    assert len(calls) < 5 * n
    assert len(fuzzy) <= 50 * 49 // 2  # names canonicalized among the 50 most named (all: 1,003 names)
    for name in ("list_conflict", "title_conflict"):
        assert len(frames[name]) and frames[name]["related"].map(len).max() <= MAX_RELATED, name
    assert frames["list_conflict"]["n_sources"].max() == n  # counted in full, named in part
    assert set(frames["title_conflict"]["n_sources"]) == {n}


def test_list_groups_are_the_pairwise_components():
    """The member index finds every pair of lists the pairwise test would join (a real story's size)."""
    import random

    from auditor.checks import entities
    from auditor.corpus import UnionFind

    rng = random.Random(5)
    names = [f"place{k}" for k in range(12)]
    items = [entities.Enumeration(f"s{i % 9}", "x", i, i + 1, frozenset(rng.sample(names, rng.randint(3, 5))),
                                  frozenset(rng.sample(["parks", "roads", "schools", "budget"], 2)))
             for i in range(60)]
    cfg = {"min_shared_members": 2, "min_shared_context": 1}
    sets = UnionFind(len(items))
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            if items[j].source != a.source and entities._same_list(a, items[j], cfg):
                sets.union(i, j)
    expected = {}
    for i, e in enumerate(items):
        expected.setdefault(sets.find(i), {}).setdefault(e.source, e)
    want = sorted(sorted((e.source, e.start) for e in g.values()) for g in expected.values() if len(g) > 1)
    got = sorted(sorted((e.source, e.start) for e in g) for g in entities._list_groups(items, cfg))
    assert got == want


def _brute_components(spellings: dict, cfg: dict) -> list[list[str]]:
    """Connected spellings by comparing every pair (what names._link replaces)."""
    from auditor.checks import names
    from auditor.corpus import UnionFind

    keys = sorted(spellings)
    sets = UnionFind(len(keys))
    for i, a in enumerate(keys):
        for j in range(i + 1, len(keys)):
            sa, sb = spellings[a], spellings[keys[j]]
            if sa.sources != sb.sources and names._compare(sa, sb, cfg) is not None:
                sets.union(i, j)
    groups: dict[int, list[str]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(sets.find(i), []).append(k)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_name_links_are_those_of_all_pairs(seed):
    """Candidates by shared deletion variants miss no pair that comparing all pairs joins (random spellings
    one to three edits apart, with first names and context words that sometimes keep them apart)."""
    import random

    from auditor.checks import names

    rng = random.Random(seed)
    cfg = load_config().check("name_conflict")
    base = ["hartwell", "kessler", "marrakesh", "zelensky", "bankman", "qasimi", "selvay", "nepal", "oakhurst"]
    mentions = []
    for n in range(600):
        word = list(rng.choice(base))
        for _ in range(rng.randint(0, 3)):
            at = rng.randrange(len(word))
            op = rng.choice("sdi")
            if op == "s":
                word[at] = rng.choice("aeiolrstd")
            elif op == "d" and len(word) > 4:
                del word[at]
            else:
                word.insert(at, rng.choice("aeiolrstd"))
        key = "".join(word)
        context = frozenset(rng.sample(["port", "pay", "review", "quake", "court", "vote", "strike", "budget"], 2))
        mentions.append(names.Mention(f"s{rng.randrange(40)}", "x", n, n + len(key), key.capitalize(), key,
                                      rng.choice(["", "", "anna", "leo", "rita"]), rng.choice(["", "minister"]),
                                      context, False, False))
    spellings = names._spellings(mentions, set(), frozenset())
    links = names._link(spellings, cfg)
    assert links.capped == 0
    assert names._components(links) == _brute_components(spellings, cfg)
    assert links.compared < len(spellings) * (len(spellings) - 1) // 20


def test_bounded_disagreements_are_disagreements_with_short_lists():
    """The same sides as `disagreements`; beyond the limit, half from the side itself and the rest from the
    others, the biggest other side first."""
    from types import SimpleNamespace

    from auditor.corpus import bounded_disagreements, disagreements, sides

    def group(counts: dict[str, int]) -> list:
        return [SimpleNamespace(source=f"{v}{i:03d}", v=v) for v, n in counts.items() for i in range(n)]

    def key(x):
        return x.v

    small = group({"a": 5, "b": 3, "c": 1})
    for d, (side, others, agrees) in zip(bounded_disagreements(small, key, 20), disagreements(small, key),
                                         strict=True):
        assert (d.side, d.related, d.n_others, d.agrees) == (side, side[1:] + others, len(others), agrees)
        assert d.other_side == sides(others, key)[0]
    big = group({"a": 300, "b": 40, "c": 1})
    found = bounded_disagreements(big, key, 20)
    assert [len(d.related) for d in found] == [20, 20, 20]
    assert [x.v for x in found[0].related] == ["a"] * 10 + ["b"] * 10
    assert [x.v for x in found[2].related] == ["a"] * 20  # a lone side names the biggest other side
    assert [d.n_others for d in found] == [41, 301, 340]


def test_claim_anchors_are_matched_as_all_pairs_and_a_flood_in_windows(monkeypatch):
    """Distinct anchors of one story and class: the pairs of comparing every pair (in C); a flood of
    distinct anchors scores a window of sorted neighbours, not every pair."""
    import random

    from rapidfuzz import fuzz

    from auditor.checks import attributes

    rng = random.Random(5)
    words = ["city", "council", "counci", "regulator", "board", "boards", "court", "central", "bank", "agency"]
    anchors = list(dict.fromkeys(" ".join(rng.choice(words) for _ in range(rng.randint(1, 3))) for _ in range(900)))
    for n in (10, len(anchors)):
        every = {frozenset((a, b)) for k, a in enumerate(anchors[:n]) for b in anchors[k + 1:n]
                 if fuzz.token_sort_ratio(a, b) >= 85}
        assert {frozenset(p) for p in attributes._matching_anchors(anchors[:n], 85)} == every
    scored: list[int] = []
    real = attributes.process.cdist

    def counting(rows, cols, **kwargs):
        scored.append(len(rows) * len(cols))
        return real(rows, cols, **kwargs)

    monkeypatch.setattr(attributes.process, "cdist", counting)
    flood = [f"agency {_tag(i).lower()}" for i in range(20_000)]
    pairs = attributes._matching_anchors(flood, 85)
    assert sum(scored) <= 2 * attributes.ANCHOR_WINDOW * len(flood)  # all pairs: 200 million
    assert pairs and all(fuzz.token_sort_ratio(a, b) >= 85 for a, b in pairs)

# ---------------------------------------------------------------- long tokens


def _vocab() -> garble.Vocabulary:
    return garble.Vocabulary.from_lexicon(load_config().lexicons.get("camelcase", {}))


def test_a_long_token_is_not_examined_for_glued_words(monkeypatch):
    looked_at: list[int] = []
    real = garble.Vocabulary.glued_name

    def spy(self, token: str) -> bool:
        looked_at.append(len(token))
        return real(self, token)

    monkeypatch.setattr(garble.Vocabulary, "glued_name", spy)
    vocab, segmenter = _vocab(), Segmenter(DEFAULT_ABBREVIATIONS)
    for token in ("a" * 100_000, "aB" * 50_000, ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" * 2000)[:100_000]):
        started = time.perf_counter()
        assert garble.sentence_signals(f"Flood {token} ends. here", vocab, segmenter)  # the stray stop is found
        assert time.perf_counter() - started < 5  # was 11 s for 20,000 characters
    assert looked_at == [] or max(looked_at) <= garble.MAX_TOKEN_CHARS
    # stray stops and capitalized function words in a long sentence: a window is read, not the prefix
    many = "word. next " * 10_000 + "said The plan"
    signals = garble.sentence_signals(many, vocab, segmenter)
    assert len(signals) == 10_001 and signals[-1].kind == "capitalized_function_word"


@pytest.mark.parametrize(("text", "expected"), [
    ("The report cited apnewsChanges to the plan.", [(17, 30, "run_together")]),
    ("Shares rose in 2024Microsoft trading today.", [(15, 28, "run_together")]),
    ("Users said their data. with third parties was sold.", [(17, 27, "stray_stop")]),
    ("He paid an amount. amount that was high.", [(11, 25, "stray_stop_repeat")]),
    ("The tool lets users They could not stop.", [(14, 24, "capitalized_function_word")]),
    ("The council met on Tuesday and voted on the plan.", []),
])
def test_garble_signals_on_normal_text_are_unchanged(text, expected):
    signals = garble.sentence_signals(text, _vocab(), Segmenter(DEFAULT_ABBREVIATIONS))
    assert [(s.start, s.end, s.kind) for s in signals] == expected


# ---------------------------------------------------------------- full size (AUDITOR_SLOW=1)


def _timed_audit(path: Path, out: Path, limit: float) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "auditor.cli", "audit", str(path), "--out", str(out),
                           "--format", "json"], capture_output=True, text=True, timeout=limit * 3)
    elapsed = time.perf_counter() - started
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return elapsed


@pytest.mark.slow
@NEEDS_SLOW
def test_a_one_megabyte_token_is_audited_in_under_a_minute():
    for token in ("a" * 1_000_000, "aB" * 500_000):
        started = time.perf_counter()
        audit_texts({"a": f"Flood\n\n{token}\n", "b": ARTICLE}, load_config())
        print(f"1 MB token {token[:2]}...: {time.perf_counter() - started:.1f} s")
        assert time.perf_counter() - started < 60


@pytest.mark.slow
@NEEDS_SLOW
def test_20000_files_in_one_story_are_audited_in_under_a_minute(tmp_path):
    folder = tmp_path / "flood"
    folder.mkdir()
    for i in range(20_000):
        (folder / f"a{i:06d}.txt").write_text(flood_article(i), encoding="utf-8")
    elapsed = _timed_audit(folder, tmp_path / "out", 60)
    print(f"20,000 files: {elapsed:.1f} s")
    assert elapsed < 60


@pytest.mark.slow
@NEEDS_SLOW
def test_a_200000_record_jsonl_is_audited_in_under_a_minute(tmp_path):
    folder = tmp_path / "feed"
    folder.mkdir()
    with (folder / "feed.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(200_000):
            fh.write(json.dumps({"id": f"r{i}", "text": flood_article(i)}) + "\n")
    elapsed = _timed_audit(folder, tmp_path / "out", 300)
    print(f"200,000 records: {elapsed:.1f} s")
    assert elapsed < 60, f"{elapsed:.1f} s"


def test_date_confirmations_compare_within_a_month_as_all_pairs_do():
    """Corroboration of dates compares a date only with dates of its month (the only ones _same_date can
    take for it): the same counts as comparing every pair, day and month granularities mixed."""
    import datetime as dt
    import random

    from auditor.checks import conflicts

    rng = random.Random(11)
    start = dt.date(2024, 1, 1).toordinal()
    claims = [conflicts.Claim(claim_id=i, source=f"s{rng.randint(0, 40)}", story="x", start=0, end=1, text="",
                              value=float(start + rng.randint(0, 120)), precision=1.0, qualifier="",
                              context=frozenset(), year="", noun="", base="",
                              granularity=rng.choice(["day", "day", "month"])) for i in range(400)]
    independent = {f"s{k}": f"s{k - k % 3}" for k in range(41)}
    assert (conflicts._confirmations(claims, conflicts._same_date, independent, conflicts._month_of)
            == conflicts._confirmations(claims, conflicts._same_date, independent))


def test_a_flood_of_distinct_figures_aligns_neighbours_in_value(monkeypatch):
    """Up to 2 x MAX_ALIGN_NEIGHBOURS + 1 distinct claims, every pair is aligned; past it, each claim with
    its MAX_ALIGN_NEIGHBOURS next in value (linear, not the square of the block)."""
    from auditor.checks import conflicts

    claims = [conflicts.Claim(claim_id=i, source=f"s{i}", story="x", start=0, end=1, text="", value=float(97 * i % 101),
                              precision=1.0, qualifier="", context=frozenset(), year="", noun="", base="")
              for i in range(101)]
    heads = list(range(len(claims)))
    assert len(list(conflicts._pairs(heads, claims))) == 101 * 100 // 2
    monkeypatch.setattr(conflicts, "MAX_ALIGN_NEIGHBOURS", 5)
    pairs = list(conflicts._pairs(heads, claims))
    assert len(pairs) == sum(min(5, 100 - p) for p in range(101)) and all(i < j for i, j in pairs)
    by_value = {c.claim_id: c.value for c in claims}
    assert all(abs(by_value[i] - by_value[j]) <= 5 for i, j in pairs)  # neighbours in value only


def test_one_story_shares_its_detectors_between_processes_with_the_same_results():
    """A run of one story (a flood, a flat folder audited whole) shares its detectors and metrics between
    this process and forked workers: frames and metrics equal those of one process."""
    from auditor.checks import DETECTORS
    from auditor.ingest import ingest
    from auditor.language import with_languages
    from auditor.prepare import prepare

    root = Path(__file__).resolve().parent.parent / "seeds"
    sources = with_languages(ingest([root]))
    config = load_config()
    alone = prepare(sources, config, set(DETECTORS))
    shared = prepare(sources, config, set(DETECTORS), jobs=2)
    assert list(shared.frames) == list(alone.frames)
    for name, frame in alone.frames.items():
        pd.testing.assert_frame_equal(shared.frames[name], frame, check_like=False)
    assert shared.metrics == alone.metrics and shared.counts == alone.counts
    pd.testing.assert_frame_equal(shared.claims, alone.claims)


def test_a_failing_detector_of_a_shared_story_stops_the_run(monkeypatch):
    """A detector that raises, in a worker or here, raises from prepare: nothing is left half-done."""
    from auditor import checks
    from auditor.ingest import ingest
    from auditor.language import with_languages
    from auditor.prepare import prepare

    def broken(_corpus):
        raise RuntimeError("boom in a detector")

    sources = with_languages(ingest([Path(__file__).resolve().parent.parent / "seeds"]))
    for name in ("name_conflict", "repeated_word"):  # the first handed to a worker, one of the last
        monkeypatch.setitem(checks.DETECTORS, name, broken)
        with pytest.raises(RuntimeError, match="boom in a detector"):
            prepare(sources, load_config(), set(checks.DETECTORS), jobs=2)
        monkeypatch.undo()


def test_only_the_tasks_said_to_read_the_claims_read_them():
    """One story's workers are forked before the claims exist: every other detector must run without them."""
    from auditor.checks import DETECTORS, boilerplate
    from auditor.corpus import Corpus
    from auditor.ingest import ingest
    from auditor.language import with_languages
    from auditor.prepare import METRICS, READS_CLAIMS, prepare
    from auditor.segment import segment

    sources = with_languages(ingest([Path(__file__).resolve().parent.parent / "seeds"]))
    config = load_config()
    alone = prepare(sources, config, set(DETECTORS))
    paragraphs, sentences = segment(sources)
    boilerplate.mark(paragraphs, sentences, config.lexicons.get("boilerplate", {}))
    audited = sources[sources["status"] == "audited"]
    corpus = Corpus(config=config, sources=sources, paragraphs=paragraphs, sentences=sentences,
                    texts=dict(zip(audited["source"], audited["text"], strict=True)))
    corpus.claims = None
    for name in sorted(set(DETECTORS) - READS_CLAIMS):
        pd.testing.assert_frame_equal(DETECTORS[name](corpus), alone.frames[name])
    assert READS_CLAIMS - set(DETECTORS) == {METRICS}


def test_a_run_of_one_big_story_prepares_it_on_every_process(monkeypatch):
    from auditor import prepare as stage
    from auditor.ingest import Source, finish_source, sources_frame

    monkeypatch.setattr(stage, "PARALLEL_MIN_SOURCES", 10)
    rows = [finish_source(Source(source=f"a{i:03d}", story="s", path="x", text=flood_article(i))) for i in range(12)]
    said: list[str] = []
    prepared = stage.prepare_all(sources_frame(rows), load_config(), {"duplicate_paragraph", "name_conflict"}, 2,
                                 said.append)
    assert said == ["prepare: one story of 12 sources, its detectors on 2 processes"]
    assert set(prepared.frames) == {"duplicate_paragraph", "name_conflict"} and len(prepared.metrics) == 12


def test_scores_and_outputs_are_built_with_the_analysed_heap_frozen():
    """The collector skips what the analysis left (gc.freeze) while scores and outputs are built, and
    takes it back afterwards (no object stays frozen past the run)."""
    import gc

    from auditor.run import collector_paused

    before = gc.get_freeze_count()
    kept = [{"n": i} for i in range(1000)]
    with collector_paused():
        assert gc.get_freeze_count() >= before + len(kept)
    assert gc.get_freeze_count() == before


def test_one_story_segmented_in_two_processes_gives_the_frames_of_one():
    """A big story's sources are segmented and marked in two halves side by side: concatenated, sentence
    row ids renumbered, the frames are those of one run (skipped sources, chrome and wrapped text included)."""
    from auditor import prepare as stage
    from auditor.ingest import Source, finish_source, sources_frame
    from auditor.segment import Segmenter

    texts = [flood_article(i) for i in range(40)]
    texts[3] = "Menu\nHome\nNews\n\n" + texts[3] + "\nRead more\nShare this article\n"
    texts[7] = "\n".join(("word " * 12).strip() for _ in range(8)) + "\n\nThe end of a wrapped text here.\n"
    rows = [finish_source(Source(source=f"a{i:03d}", story="s", path="x", text=t)) for i, t in enumerate(texts)]
    rows[5] = finish_source(Source(source="a005", story="s", path="x", text="  "))  # skipped: empty
    sources = sources_frame(rows)
    chrome = load_config().lexicons.get("boilerplate", {})
    alone = stage._segmented(sources, Segmenter(), chrome)
    shared = stage._segmented_shared(sources, Segmenter(), chrome)
    for one, two in zip(alone, shared, strict=True):
        pd.testing.assert_frame_equal(one, two)
    assert alone[1]["is_boilerplate"].any() and (sources["status"] == "skipped").sum() == 1


def test_an_audit_runs_with_the_batch_collector_thresholds_and_restores_them(tmp_path, monkeypatch):
    """The cyclic collector runs its full passes rarely while an audit builds its millions of live objects
    (BATCH_COLLECTION), in the analysis too; the thresholds are as before once the audit ends, also when it
    fails (nothing to audit)."""
    import gc

    from auditor import run

    seen: list[tuple[int, int, int]] = []
    analyse = run.analyse

    def recording(*args, **kwargs):
        seen.append(gc.get_threshold())
        return analyse(*args, **kwargs)

    monkeypatch.setattr(run, "analyse", recording)
    before = gc.get_threshold()
    assert before != run.BATCH_COLLECTION
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(flood_article(1), encoding="utf-8")
    assert main(["audit", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--format", "json"]) == 0
    assert seen == [run.BATCH_COLLECTION] and gc.get_threshold() == before
    (tmp_path / "empty").mkdir()
    assert main(["audit", str(tmp_path / "empty"), "--out", str(tmp_path / "out2")]) == 2
    assert gc.get_threshold() == before


def test_columns_by_groups_rows_as_groupby_does():
    """`frames.columns_by` (runs of rows sliced) equals groupby(sort=False) on random frames: keys in order
    of first appearance, interleaved and missing keys, object and string dtypes, values of their types."""
    import random

    from auditor.frames import columns_by

    def by_groupby(frame: pd.DataFrame) -> dict:
        arrays = {c: frame[c].to_numpy(dtype=object) for c in ("x", "t")}
        return {k: {c: arrays[c][rows].tolist() for c in ("x", "t")}
                for k, rows in frame.groupby("source", sort=False).indices.items()}

    rng = random.Random(3)
    for _ in range(300):
        n = rng.randint(1, 30)
        keys = [rng.choice(["a", "b", "c", None]) for _ in range(n)]
        if rng.random() < 0.5:
            keys.sort(key=lambda k: (k is None, k or ""))
        frame = pd.DataFrame({"source": pd.array(keys, dtype=rng.choice(["object", "string"])), "x": range(n),
                              "t": [rng.choice(["u", "v"]) for _ in range(n)]})
        grouped = columns_by(frame, "source", ["x", "t"])
        expected = by_groupby(frame)
        assert grouped == expected and list(grouped) == list(expected)
        assert all(type(v) is int for g in grouped.values() for v in g["x"])


def test_checks_reading_each_distinct_text_once_find_what_reading_every_row_finds(monkeypatch):
    """garbled_text, repeated_word, unbalanced_punctuation and unattributed_allegation test each distinct
    sentence or paragraph once and walk only the rows that may report something: their frames equal those
    of walking every row, on the seeds, the regression stories and texts made to hit each signal (wire
    copies of them too, a last sentence cut mid-word, a text in another language)."""
    import numpy as np

    from auditor.checks import allegation, garble, punctuation, repetition
    from auditor.ingest import Source, finish_source, ingest, sources_frame
    from auditor.language import with_languages
    from auditor.prepare import prepare

    here = Path(__file__).resolve().parent
    made = ["The the council said it it would vote. with their data on Tuesday.",
            "Officials said the mayor committed fraud and embezzled funds, “according to records.",
            "The AIThe report (on spending was published by apnewsChanges and confidentialial staff.",
            "A reporter filed the copy late in the evening and the desk approved it without a qwertzuiop",
            "Die Stadt hat den neuen Haushalt am Dienstag nach einer langen Debatte beschlossen und gefeiert."]
    rows = [finish_source(Source(source=f"m{i}", story="made", path="x", text=f"Headline here\n\n{t}\n"))
            for i, t in enumerate(made * 2)]
    sources = pd.concat([ingest([here.parent / "seeds", here / "stories"]), sources_frame(rows)], ignore_index=True)
    sources = with_languages(sources)
    names = {"garbled_text", "repeated_word", "unbalanced_punctuation", "unattributed_allegation"}
    config = load_config()
    read_once = prepare(sources, config, names)
    for module in (garble, repetition, punctuation, allegation):
        monkeypatch.setattr(module, "positions_where", lambda column, _wanted: np.arange(len(column)))
    every_row = prepare(sources, config, names)
    for name in names:
        assert len(every_row.frames[name]) > 0, name
        pd.testing.assert_frame_equal(read_once.frames[name], every_row.frames[name])


def test_positions_where_tests_each_distinct_value_once_and_keeps_the_rows_of_those_wanted():
    """The rows `frames.positions_where` keeps are those a row-by-row test keeps, each distinct value tested
    once (empty columns and a missing value included)."""
    import random

    from auditor.frames import positions_where

    rng = random.Random(5)
    for _ in range(200):
        values = [rng.choice(["a", "bb", "ccc", "dddd"]) for _ in range(rng.randint(0, 30))]
        tested: list[str] = []

        def wanted(value: str, tested: list[str] = tested) -> bool:
            tested.append(value)
            return len(value) % 2 == 0

        kept = positions_where(pd.Series(values, dtype=object), wanted).tolist()
        assert kept == [i for i, v in enumerate(values) if len(v) % 2 == 0]
        assert sorted(tested) == sorted(set(values))
    column = pd.Series(["x", float("nan"), "x"], dtype=object)
    assert positions_where(column, lambda v: v != v).tolist() == [1]


def test_row_runs_are_the_runs_of_equal_values():
    """`frames.row_runs` gives the (start, end) of each run of equal consecutive values, as itertools.groupby
    reads them (a value seen again later starts a new run; a missing value is a value)."""
    import itertools
    import random

    from auditor.frames import row_runs

    rng = random.Random(9)
    for _ in range(200):
        values = [rng.choice(["a", "b", None]) for _ in range(rng.randint(0, 20))]
        expected, at = [], 0
        for _key, group in itertools.groupby(values):
            n = len(list(group))
            expected.append((at, at + n))
            at += n
        assert row_runs(pd.Series(values, dtype=object)) == expected
