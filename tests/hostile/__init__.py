"""Hostile inputs generated in a temporary folder (nothing big is kept in the repository).

`build_hostile_folder(root)` writes every kind of bad input next to two good articles that
carry known errors, and returns what each entry is expected to become in `sources`.
"""

from __future__ import annotations

import codecs
import json
import os
from dataclasses import dataclass
from pathlib import Path

GOOD_DUPLICATE = """Council approves city budget

The city council approved the new budget on Tuesday after a debate that lasted four hours, officials said.

The budget raises spending on parks by 4 percent and on road repairs by $2.5 million compared with last year.

Mayor Jane Porter said the plan would keep property taxes flat for the third year in a row.

The budget raises spending on parks by 4 percent and on road repairs by $2.5 million compared with last year.
"""

GOOD_DOUBLED_WORD = """City budget passes after long debate

Council members voted 7 to 2 to approve the the budget on Tuesday evening, according to the city clerk.

Spending on parks rises by 4 percent, and road repairs get an extra $2.5 million this year.

Mayor Jane Porter said taxes would not rise.
"""

LEGACY = "Parks budget: 5 € more per resident – “a fair deal”, the mayor’s office said.\nIt was approved.\n"
LATIN1 = "Café crème à Paris: déjà vu for the council.\nThe vote was close.\n"
MOJIBAKE = "The mayorâ€™s office said â€œnoâ€\x9d to the plan â€“ again.\nCafÃ© owners were pleased.\n"
ARTICLE = "Short report on the council vote\nThe council met on Tuesday and voted on the plan.\n"


@dataclass(frozen=True)
class Case:
    """One entry of the hostile folder and what the audit must say about it."""

    name: str  # as it appears in findings.json `path`, relative to the folder
    status: str  # "audited", "skipped" or "records" (a JSON/JSONL file: several entries)
    reason: str = ""  # start of the skip reason (status "skipped")


def _write(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))


def _text_cases(root: Path) -> list[Case]:
    _write(root / "good article.txt", GOOD_DUPLICATE)
    _write(root / "année ünïcode.md", GOOD_DOUBLED_WORD)
    _write(root / "empty.txt", b"")
    _write(root / "whitespace.txt", " \n\t\n  \r\n")
    _write(root / "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    _write(root / "stray nul.txt", ARTICLE * 10 + "A stray\x00 NUL.\n" + ARTICLE * 10)
    _write(root / "utf16 le.txt", codecs.BOM_UTF16_LE + LEGACY.encode("utf-16-le"))
    _write(root / "utf16 be.txt", codecs.BOM_UTF16_BE + LEGACY.encode("utf-16-be"))
    _write(root / "cp1252.txt", LEGACY, "cp1252")
    _write(root / "latin1.txt", LATIN1, "latin-1")
    _write(root / "mojibake.txt", MOJIBAKE)
    _write(root / "huge line.txt", b"x" * (20 * 1024 * 1024))
    _write(root / "notes.png", b"\x89PNG\r\n")
    _write(root / "README", "no suffix")
    _write(root / ".hidden.txt", ARTICLE)
    _write(root / ".git" / "config", "[core]\n")
    _write(root / "sub" / "nested.txt", ARTICLE)
    return [
        Case("good article.txt", "audited"), Case("année ünïcode.md", "audited"),
        Case("empty.txt", "skipped", "empty"), Case("whitespace.txt", "skipped", "empty"),
        Case("binary.txt", "skipped", "binary"), Case("stray nul.txt", "audited"),
        Case("utf16 le.txt", "audited"), Case("utf16 be.txt", "audited"), Case("cp1252.txt", "audited"),
        Case("latin1.txt", "audited"), Case("mojibake.txt", "audited"),
        Case("huge line.txt", "skipped", "too large"), Case("notes.png", "skipped", "unsupported"),
        Case("README", "skipped", "unsupported"), Case(".hidden.txt", "skipped", "hidden file"),
        Case(".git", "skipped", "hidden folder"), Case("sub/nested.txt", "audited"),
    ]


def _html_cases(root: Path) -> list[Case]:
    body = "<p>The city council approved the new budget on Tuesday after a long debate, officials said.</p>" * 3
    _write(root / "malformed.html", f"<html><body><div><article><h1>Budget <b>passes</i></h1>{body}"
                                    "<p>Unclosed <span>tags <div></td></tr> &bogus; &#xFFFFFFF; <!-- never closed")
    _write(root / "nested.htm", "<div>" * 5000 + "Deep text." + "</span>" * 10)
    _write(root / "script only.html", "<html><head><script>alert(1)</script></head><body></body></html>")
    return [Case("malformed.html", "audited"), Case("nested.htm", "any"),
            Case("script only.html", "skipped", "empty")]


def _record_cases(root: Path) -> list[Case]:
    good = {"id": "r1", "text": ARTICLE, "title": "<script>alert('t')</script>", "outlet": "Wire & Co"}
    lines = [json.dumps(good), "{not json", "", json.dumps([1, 2]), json.dumps({"id": "r2", "text": 5}),
             json.dumps({"id": "../../../escape", "text": ARTICLE.replace("vote", "budget vote")}),
             '{"id": "lone", "text": "Lone \\ud800 surrogate in a report on the council.\\nIt voted."}']
    _write(root / "feed.jsonl", "\n".join(lines) + "\n")
    _write(root / "empty.jsonl", "\n\n   \n")
    _write(root / "utf16 feed.jsonl", codecs.BOM_UTF16_LE + (json.dumps(good) + "\n").encode("utf-16-le"))
    _write(root / "number.json", "42")
    _write(root / "numbers.json", "[1, 2, 3]")
    _write(root / "no text.json", json.dumps({"title": "no text here"}))
    _write(root / "deep.json", "[" * 100_000)
    _write(root / "bigint.json", '{"text": ' + "1" * 5000 + "}")
    big_line = json.dumps({"id": "big", "text": "y" * (6 * 1024 * 1024)})
    _write(root / "big record.jsonl", big_line + "\n" + json.dumps(good) + "\n")
    _million_lines(root / "million lines.jsonl", good)
    names = ["feed.jsonl", "utf16 feed.jsonl", "numbers.json", "big record.jsonl", "million lines.jsonl"]
    return [*(Case(n, "records") for n in names), Case("empty.jsonl", "skipped", "empty"),
            Case("number.json", "skipped", "JSON holds a number"), Case("no text.json", "records"),
            Case("deep.json", "skipped", "invalid JSON"), Case("bigint.json", "skipped", "invalid JSON")]


def _million_lines(path: Path, good: dict) -> None:
    """A million-line JSONL: blank lines, a bad line every 10,000, a good record at the end."""
    with path.open("w", encoding="utf-8") as fh:
        block = "\n" * 9_999 + "{broken\n"
        fh.write(block * 99)
        fh.write("\n" * (1_000_000 - 99 * 10_000 - 1))
        fh.write(json.dumps(good) + "\n")


SECRET = "PRIVATE-KEY-MATERIAL never to be read by the auditor\nsecond line of the secret\n"
"""Content of a file outside the audited folder that symlinks in the folder point at."""


def _link_cases(root: Path) -> list[Case]:
    _write(root.parent / "outside" / "secret.txt", SECRET)
    os.symlink(root.parent / "outside" / "secret.txt", root / "leak.txt")
    os.symlink("../../outside/secret.txt", root / "sub" / "leak.txt")
    os.symlink("loop b.txt", root / "loop a.txt")
    os.symlink("loop a.txt", root / "loop b.txt")
    os.symlink("self.txt", root / "self.txt")
    os.symlink("missing.txt", root / "dangling.txt")
    os.symlink(".", root / "folder loop")
    os.symlink("good article.txt", root / "link to good.txt")
    os.mkfifo(root / "pipe.txt")
    return [Case("loop a.txt", "skipped", "symlink loop"), Case("loop b.txt", "skipped", "symlink loop"),
            Case("self.txt", "skipped", "symlink loop"), Case("dangling.txt", "skipped", "dangling symlink"),
            Case("folder loop", "skipped", "symlink to a folder"),
            Case("link to good.txt", "skipped", "duplicate of good article"),
            Case("leak.txt", "skipped", "symlink to a file outside the input folder"),
            Case("sub/leak.txt", "skipped", "symlink to a file outside the input folder"),
            Case("pipe.txt", "skipped", "not a regular file")]


def _name_cases(root: Path) -> list[Case]:
    (root / "unreadable.txt").write_text(ARTICLE, encoding="utf-8")
    os.chmod(root / "unreadable.txt", 0)
    with open(os.fsencode(root) + b"/caf\xe9 latin1 name.txt", "wb") as fh:
        fh.write(ARTICLE.encode())
    _write(root / "tab\tand\nnewline.txt", ARTICLE)
    return [Case("unreadable.txt", "skipped", "unreadable"), Case("caf\\xe9 latin1 name.txt", "audited"),
            Case("tab\tand\nnewline.txt", "audited")]


def build_hostile_folder(root: Path) -> list[Case]:
    """Write every hostile case below root; return the cases (one per top-level entry)."""
    root.mkdir(parents=True, exist_ok=True)
    return [*_text_cases(root), *_html_cases(root), *_record_cases(root), *_link_cases(root), *_name_cases(root)]


def build_corpus(root: Path, stories: int = 40, per_story: int = 8) -> Path:
    """A bigger corpus of small articles (stories x per_story), so an audit takes a few seconds."""
    for s in range(stories):
        for a in range(per_story):
            amount = 2.5 + (a % 3) * 0.1
            text = (f"Council {s} approves budget\n\n"
                    f"The council of town {s} approved a budget of ${amount:.1f} million on Tuesday, officials said.\n\n"
                    f"Spending on parks rises by {4 + a % 2} percent, the the mayor said in statement {a}.\n\n"
                    f"Residents of town {s} will vote on the plan on March {1 + a % 3}, 2024.\n")
            _write(root / f"story{s:03d}" / f"article{a:02d}.txt", text)
    return root
