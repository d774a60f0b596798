"""The score: explained, deterministic, and moved by evidence in the right direction only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditor.run import AuditOptions, audit

ROOT = Path(__file__).resolve().parent.parent

WIRE = """Regulator fines power company over outage
March 6, 2025
By Jane Doe
The national regulator fined Northgrid $12.5 million on Tuesday over a blackout that cut power to 40,000 homes, officials said.
The outage hit on February 2, 2025, after a substation fault, according to the regulator's report.
Northgrid said it would not appeal and had upgraded the substation, a spokesperson told reporters.
"""
PARTNER = """Northgrid fined over February blackout
March 6, 2025
The regulator said on Tuesday that Northgrid must pay $12.5 million for the blackout of February 2, 2025.
About 40,000 homes lost power, according to the regulator, which blamed a substation fault.
A Northgrid spokesperson said the company accepted the fine.
"""
SLOPPY = """Northgrid fined
The regulator fined Northgrid $12.5 million over the the blackout that cut power to 40,000 homes, officials said.
Northgrid said their systems. with faults were repaired and users They could claim refunds.
The outage hit on February 2, 2025, after a substation fault, according to the regulator's report.
The outage hit on February 2, 2025, after a substation fault, according to the regulator's report.
"""


def story(tmp_path: Path, texts: dict[str, str]) -> Path:
    folder = tmp_path / "story"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def scores_of(tmp_path: Path, texts: dict[str, str]) -> dict[str, dict]:
    result = audit(AuditOptions(paths=[story(tmp_path, texts)], out=tmp_path / "out", formats={"json"}),
                   log=lambda _m: None)
    return {s["source"]: s for s in result.scores_doc["sources"]}


def test_components_explain_every_point(tmp_path):
    scores = scores_of(tmp_path, {"wire": WIRE, "partner": PARTNER, "sloppy": SLOPPY})
    for entry in scores.values():
        total = sum(c["points"] for c in entry["components"].values())
        assert entry["score"] == pytest.approx(total, abs=0.05)
        assert all(0 <= c["points"] <= c["max"] and c["detail"] for c in entry["components"].values())
    sloppy = scores["sloppy"]["components"]["integrity"]
    assert sloppy["finding_ids"] and sloppy["points"] < sloppy["max"]


def test_clean_wire_outscores_a_sloppy_copy(tmp_path):
    scores = scores_of(tmp_path, {"wire": WIRE, "partner": PARTNER, "sloppy": SLOPPY})
    assert scores["wire"]["score"] > scores["sloppy"]["score"]
    assert scores["partner"]["score"] > scores["sloppy"]["score"]


@pytest.mark.parametrize("damage", ["duplicate", "figure"])
def test_damage_lowers_only_that_source(tmp_path, damage):
    texts = {"wire": WIRE, "partner": PARTNER, "third": PARTNER.replace("A Northgrid spokesperson", "Its CEO")}
    before = scores_of(tmp_path, texts)
    if damage == "duplicate":
        lines = WIRE.splitlines()
        texts["wire"] = "\n".join(lines + lines[3:5]) + "\n"
    else:
        texts["wire"] = WIRE.replace("$12.5 million", "$21.5 million")
    after = scores_of(tmp_path, texts)
    assert after["wire"]["score"] < before["wire"]["score"]
    for other in ("partner", "third"):
        assert after[other]["components"]["integrity"] == before[other]["components"]["integrity"]


def test_scores_are_deterministic(tmp_path):
    texts = {"wire": WIRE, "partner": PARTNER, "sloppy": SLOPPY}
    assert scores_of(tmp_path, texts) == scores_of(tmp_path, texts)


def test_syndicated_copies_count_as_one_voice(tmp_path):
    copy = WIRE.replace("By Jane Doe", "By Wire Staff")
    scores = scores_of(tmp_path, {"wire": WIRE, "copy": copy, "partner": PARTNER})
    assert scores["wire"]["syndicated_with"] == ["copy"]
    assert "syndicated_with" not in scores["partner"]


def test_a_named_source_is_read_within_a_paragraph_never_across_a_break():
    """"told" closing one paragraph and a capitalised word opening the next are no named source; the same
    words inside one paragraph, wrapped over two lines, are."""
    import pandas as pd

    from auditor.config import load_config
    from auditor.corpus import Corpus
    from auditor.ingest import Source, finish_source, sources_frame
    from auditor.metrics import _transparency

    texts = {"across": "The mayor was not told\n\nThe budget passed on Tuesday after a debate.\n",
             "wrapped": "The figures were confirmed, the mayor told\nThe Herald on Tuesday after a debate.\n",
             "plain": "The mayor told The Herald the budget passed.\n"}
    rows = [finish_source(Source(source=k, story="s", path="x", text=t)) for k, t in texts.items()]
    sources = sources_frame(rows)
    corpus = Corpus(config=load_config(), sources=sources, paragraphs=pd.DataFrame(), sentences=pd.DataFrame(),
                    texts=dict(zip(sources["source"], sources["text"], strict=True)))
    named = {src: m["named_sources"] for src, m in _transparency(corpus).items()}
    assert named == {"across": False, "wrapped": True, "plain": True}
