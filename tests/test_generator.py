"""The benchmark corpus generator: deterministic, unique articles, gold labels that point at the errors."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"duplicate_paragraph", "repeated_word", "garbled_text", "unbalanced_punctuation", "boilerplate",
         "figure_conflict", "date_conflict", "term_confusion"}


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "benchmarks" / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_corpus"] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def corpus():
    return gen.generate(40, seed=5, error_rate=0.9)


def _texts(c) -> dict[str, str]:
    return {f"{story}/{a.source}": a.text for story, arts in c.stories.items() for a in arts}


def test_same_seed_same_corpus_other_seed_other_corpus(corpus):
    again = gen.generate(40, seed=5, error_rate=0.9)
    assert _texts(again) == _texts(corpus)
    assert again.gold == corpus.gold
    assert _texts(gen.generate(40, seed=6, error_rate=0.9)) != _texts(corpus)


def test_flat_mode_changes_ids_only(corpus):
    flat = gen.generate(40, seed=5, error_rate=0.9, flat=True)
    assert sorted(_texts(flat).values()) == sorted(_texts(corpus).values())
    ids = [a.source for arts in flat.stories.values() for a in arts]
    assert len(set(ids)) == len(ids) and all(i.startswith("art_") for i in ids)


def test_articles_are_unique_and_sized_like_news(corpus):
    texts = list(_texts(corpus).values())
    assert len(set(texts)) == len(texts)
    sizes = [len(t.encode()) for t in texts]
    assert 1300 <= sum(sizes) / len(sizes) <= 2200
    counts = [len(a) for a in corpus.stories.values()]
    assert min(counts) >= 2 and max(counts) <= 7


def test_gold_has_the_seeds_format(corpus):
    from conftest import SHARED, shared_or_skip

    seeds_gold = shared_or_skip(SHARED / "gold" / "seeds.json")
    seeds = json.loads(seeds_gold.read_text(encoding="utf-8"))
    assert set(corpus.gold) == set(seeds)
    for name, cluster in corpus.gold["clusters"].items():
        assert set(cluster) == set(seeds["clusters"]["seeds"])
        assert cluster["sources"] == [a.source for a in corpus.stories[name]]
        for f in cluster["findings"]:
            assert {"id", "kind", "source", "lines", "evidence", "must"} <= set(f) and f["must"] is True
            assert f["source"] in cluster["sources"]
        for n in cluster["negatives"]:
            assert {"kind", "source", "lines", "evidence", "note"} <= set(n)


def test_every_kind_is_injected_and_has_negatives(corpus):
    clusters = corpus.gold["clusters"].values()
    assert {f["kind"] for c in clusters for f in c["findings"]} == KINDS
    negative_kinds = {n["kind"] for c in clusters for n in c["negatives"]}
    assert {"figure_conflict", "date_conflict", "term_confusion", "duplicate_paragraph"} <= negative_kinds


def test_gold_lines_point_at_the_injected_text(corpus):
    for name, cluster in corpus.gold["clusters"].items():
        lines = {a.source: a.text.split("\n") for a in corpus.stories[name]}
        for label in cluster["findings"] + cluster["negatives"]:
            text = "\n".join(lines[label["source"]][n - 1] for n in label["lines"])
            assert label["evidence"] and label["evidence"] in text, (name, label)
            for rel in label.get("related", []):
                rel_text = "\n".join(lines[rel["source"]][n - 1] for n in rel["lines"])
                assert rel["evidence"] in rel_text, (name, label)


def test_conflicts_differ_from_the_other_sources(corpus):
    for cluster in corpus.gold["clusters"].values():
        for f in cluster["findings"]:
            if f["kind"] == "figure_conflict":
                assert f["related"] and all(r["evidence"] != f["evidence"] for r in f["related"]), f


def test_write_corpus_puts_metadata_beside_the_articles(tmp_path):
    small = gen.generate(3, seed=2, flat=True)
    paths = gen.write_corpus(small, tmp_path / "flat", flat=True)
    files = sorted(p.name for p in (tmp_path / "flat").iterdir())
    assert all(f.startswith("art_") and f.endswith(".txt") for f in files)
    stories = json.loads(paths["stories"].read_text(encoding="utf-8"))
    assert sorted(f"{k}.txt" for k in stories) == files
    assert set(stories.values()) == set(small.stories)
    assert json.loads(paths["gold"].read_text(encoding="utf-8")) == small.gold


def test_deviations_are_real_conflicts():
    import random

    rng = random.Random(0)
    for _ in range(300):
        amount = gen.random_amount(rng, 1, 95, rng.choice([0, 6, 9]))
        other = gen.deviate(amount, "value", rng)
        assert abs(other.value - amount.value) >= 0.25 * amount.value, (amount, other)
        for fact in ("money", "pct"):
            exact = gen.make_precise(amount, fact) if fact == "money" or amount.power == 0 else None
            if exact is None or (fact == "money" and amount.power == 0):
                continue
            rounded = gen.deviate(exact, "precision", rng)
            unit = 10 ** (rounded.power - rounded.decimals)  # equal at the rounded figure's precision
            assert rounded.value != exact.value and abs(rounded.value - exact.value) <= unit / 2
        if amount.power:
            assert gen.deviate(amount, "magnitude", rng).value in (amount.value * 1000, amount.value / 1000)


def test_glued_tokens_are_unique_within_a_story():
    corpus = gen.generate(60, seed=9, error_rate=1.0)
    for cluster in corpus.gold["clusters"].values():
        tokens = [f["evidence"] for f in cluster["findings"] if f.get("subkind") == "run_together"]
        assert len(tokens) == len(set(tokens))
