"""Ingest: ids and stories per the contract, every format, every file accounted for."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.ingest import decode_bytes, guess_title, ingest

ARTICLE = "Council approves budget\nThe council approved the budget on Tuesday, officials said.\n"


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def test_ids_and_stories_follow_the_folders(tmp_path):
    root = tmp_path / "inbox"
    write(root / "a.txt", ARTICLE)
    write(root / "city" / "b.md", ARTICLE)
    write(root / "city" / "deep" / "c.txt", ARTICLE)
    frame = ingest([root]).set_index("source")
    assert frame.loc["a", "story"] == "inbox"
    assert frame.loc["city/b", "story"] == "inbox/city"
    assert frame.loc["city/deep/c", "story"] == "inbox/city/deep"
    assert set(frame["status"]) == {"audited"}
    assert frame.loc["a", "title"] == "Council approves budget"


def test_html_goes_through_an_article_extractor(tmp_path):
    body = "<p>" + "The council approved the new budget on Tuesday after a long debate. " * 3 + "</p>"
    html = (f"<html><head><title>T</title><script>var x = 1;</script></head><body><nav>Home | About</nav>"
            f"<article><h1>Budget passes</h1>{body}{body}</article><footer>Copyright</footer></body></html>")
    frame = ingest([write(tmp_path / "s" / "page.html", html)])
    text = frame["text"].iat[0]
    assert frame["status"].iat[0] == "audited"
    assert "council approved" in text and "var x" not in text and "<p>" not in text


def test_json_records_and_bad_lines_are_each_accounted_for(tmp_path):
    lines = [json.dumps({"id": "r1", "text": ARTICLE, "outlet": "Wire"}), "{not json", json.dumps({"id": "r2"}),
             json.dumps({"id": "../../evil", "text": ARTICLE})]
    frame = ingest([write(tmp_path / "s" / "feed.jsonl", "\n".join(lines))]).set_index("source")
    assert frame.loc["feed/r1", "status"] == "audited" and frame.loc["feed/r1", "outlet"] == "Wire"
    assert "line 2" in frame.loc["feed#2", "reason"]
    assert frame.loc["feed#3", "status"] == "skipped"
    assert "feed/evil" in frame.index  # ids cannot climb out of the folder


def test_bad_files_are_skipped_with_a_reason(tmp_path):
    root = tmp_path / "s"
    write(root / "empty.txt", "  \n\n")
    write(root / "binary.txt", b"\x89PNG\x00\x00\x01\x02")
    write(root / "image.png", b"\x89PNG")
    write(root / "good.txt", ARTICLE)
    frame = ingest([root]).set_index("source")
    assert frame.loc["good", "status"] == "audited"
    reasons = frame["reason"].dropna()
    assert reasons["empty"].startswith("empty") and reasons["binary"].startswith("binary")
    assert reasons["image"].startswith("unsupported")


def test_decoding_legacy_and_utf16_text():
    text = "Price: 5 € – “quoted”"
    assert decode_bytes(text.encode("utf-16"))[0] == text
    assert decode_bytes(("Caf\u00e9 cr\u00e8me " * 20).encode("latin-1"))[0].startswith("Café crème")


def test_title_is_a_headline_not_a_sentence():
    assert guess_title("A headline\nBody.") == "A headline"
    assert guess_title("This is a full sentence.\nBody.") is None
    assert guess_title("- a bullet\nBody") is None


def test_reading_in_worker_processes_gives_the_same_frame_in_the_same_order(tmp_path):
    """A big inbox is read by forked workers; the frame (ids, order, skips, languages) is the one-process frame."""
    from auditor.parallel import PARALLEL_MIN_SOURCES

    for i in range(PARALLEL_MIN_SOURCES + 10):
        (tmp_path / f"a{i:04d}.txt").write_text(f"Headline {i}\n\nThe council met on day {i} and voted.\n",
                                                 encoding="utf-8")
    (tmp_path / "a0003.txt").write_bytes(b"")  # skipped: empty
    (tmp_path / "a0007.txt").write_text("Titre\n\nLe conseil municipal a vot\u00e9 le budget de la ville hier "
                                        "soir apr\u00e8s un long d\u00e9bat sur les routes et les \u00e9coles.\n",
                                        encoding="utf-8")
    one, two = ingest([tmp_path], jobs=1), ingest([tmp_path], jobs=2)
    assert one.equals(two)
    assert one.loc[one["source"] == "a0007", "language"].item() == "fr"
    assert one.loc[one["source"] == "a0003", "status"].item() == "skipped"
    assert one.loc[one["source"] == "a0003", "language"].item() == ""


def test_a_missing_dependency_crosses_a_worker_process_intact():
    import pickle

    from auditor.errors import MissingDependency

    again = pickle.loads(pickle.dumps(MissingDependency("lxml_html_clean", "no module")))
    assert (again.package, again.detail) == ("lxml_html_clean", "no module")
    assert "pip install lxml_html_clean" in str(again)


def test_one_big_feed_is_read_by_a_worker_while_the_suites_are_built(tmp_path, monkeypatch):
    """A single file of BIG_INPUT_BYTES or more goes to a worker process (min_items 1); small inputs stay here."""
    import pandas as pd

    from auditor import ingest as stage

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": f"r{i}", "text": f"Record {i}\n\nThe council met on the plan."}) + "\n"
                            for i in range(50)), encoding="utf-8")
    asked: list[int] = []
    real = stage.map_items

    def spying(fn, items, jobs=None, min_items=stage.PARALLEL_MIN_SOURCES, meanwhile=None):
        asked.append(min_items)
        return real(fn, items, jobs, min_items=min_items, meanwhile=meanwhile)

    monkeypatch.setattr(stage, "map_items", spying)
    small = stage.ingest([tmp_path], jobs=2)
    monkeypatch.setattr(stage, "BIG_INPUT_BYTES", feed.stat().st_size)
    big = stage.ingest([tmp_path], jobs=2)
    assert asked == [stage.PARALLEL_MIN_SOURCES, 1]
    pd.testing.assert_frame_equal(small, big)
    assert len(big) == 50 and set(big["status"]) == {"audited"}


def _mixed_feed(n: int) -> bytes:
    """A JSONL feed with every kind of line: good records (some French, some with the same id), blank
    lines, bad JSON, a non-object, an undecodable line, an over-long record, and a UTF-8 BOM first."""
    lines = []
    for i in range(n):
        kind = i % 9
        if kind == 1:
            lines.append(b"")
        elif kind == 2:
            lines.append(b"{not json")
        elif kind == 3:
            lines.append(b"[1, 2]")
        elif kind == 4:
            lines.append(b'{"id": "x", "text": "caf\xe9 au lait\\n\\nLe conseil a vot\xe9."}')
        elif kind == 5:
            lines.append(json.dumps({"id": f"r{i}", "text": "Long " + "word " * 400}).encode())
        elif kind == 6:
            lines.append(json.dumps({"id": "same", "text": f"Titre {i}\n\nLe conseil municipal a voté le budget "
                                     "de la ville hier soir après un long débat sur les routes."},
                                    ensure_ascii=False).encode())
        else:
            lines.append(json.dumps({"id": f"r{i}", "text": f"Record {i}\n\nThe council met on day {i}."}).encode())
    return b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n"


def test_a_big_feed_read_in_parts_gives_the_one_read_frame(tmp_path, monkeypatch):
    """A big JSONL file is cut at line starts and its parts read side by side: the frame (ids, line numbers
    in skip reasons, bad lines capped file-wide, languages, order) is the one a single read gives."""
    import pandas as pd

    from auditor import ingest as stage

    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(_mixed_feed(400))
    (tmp_path / "other.txt").write_text("Headline\n\nThe council met and voted on the plan.\n", encoding="utf-8")
    one = stage.ingest([tmp_path], max_bytes=1500, jobs=1)
    monkeypatch.setattr(stage, "BIG_INPUT_BYTES", 1000)
    monkeypatch.setattr(stage, "PART_BYTES", 1000)
    parts = stage._parts(feed, feed.stat().st_size, 2)
    assert len(parts) == 8 and parts[0].start == 0 and parts[-1].stop == feed.stat().st_size
    data = feed.read_bytes()
    for part in parts:  # each starts a line, and knows how many lines come before it
        assert part.start == 0 or data[part.start - 1:part.start] == b"\n"
        assert data[:part.start].count(b"\n") == part.lines_before
    handed: list = []
    real = stage.map_items

    def spying(fn, items, jobs=None, min_items=stage.PARALLEL_MIN_SOURCES, meanwhile=None):
        handed.extend(items)
        return real(fn, items, jobs, min_items=min_items, meanwhile=meanwhile)

    monkeypatch.setattr(stage, "map_items", spying)
    two = stage.ingest([tmp_path], max_bytes=1500, jobs=2)
    pd.testing.assert_frame_equal(one, two)
    assert [w[3] for w in handed if len(w) == 4] == parts  # the feed was read as its eight parts
    reasons = " ".join(one["reason"].dropna())
    assert "more bad lines not listed one by one" in reasons and "too large" in reasons
    assert set(one.loc[one["status"] == "audited", "language"]) >= {"en", "fr"}


def test_a_utf16_feed_is_not_cut_into_parts(tmp_path):
    from auditor import ingest as stage

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": f"r{i}", "text": f"Record {i}\n\nThe council met."}) + "\n"
                            for i in range(100)), encoding="utf-16")
    assert stage._parts(feed, feed.stat().st_size, 2) == [stage.Part(0, feed.stat().st_size, 0)]


def test_a_clean_big_feed_read_in_parts_gives_the_one_read_frame(tmp_path, monkeypatch):
    """No bad line to cap: the parts' sources are taken as they come, in order, as one read gives them."""
    import pandas as pd

    from auditor import ingest as stage

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": f"r{i}", "text": f"Record {i}\n\nThe council met on day {i}."}) + "\n"
                            for i in range(300)), encoding="utf-8")
    one = stage.ingest([tmp_path], jobs=1)
    monkeypatch.setattr(stage, "BIG_INPUT_BYTES", 1000)
    monkeypatch.setattr(stage, "PART_BYTES", 2000)
    assert len(stage._parts(feed, feed.stat().st_size, 2)) == 8
    pd.testing.assert_frame_equal(one, stage.ingest([tmp_path], jobs=2))
    assert one["source"].tolist() == [f"feed/r{i}" for i in range(300)]


def test_ascii_text_is_normalized_as_any_text():
    """The ASCII shortcut of normalize_text (controls only) gives what the full repair gives."""
    import random

    from auditor import ingest as stage

    rng = random.Random(2)
    alphabet = [chr(c) for c in range(128)] + ["é", "Ã©", "â€™", "\u2028", "\ud800", "Â"]
    texts = ["".join(rng.choice(alphabet[:128] if i % 2 else alphabet) for _ in range(rng.randint(0, 60)))
             for i in range(20000)]
    assert sum(t.isascii() for t in texts) > 9000
    assert all(stage.normalize_text(t) == stage._clean_text(stage.repair_mojibake(t)) for t in texts)
