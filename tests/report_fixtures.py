"""Fixture documents for the HTML report tests, built in code.

``small_docs()`` is one realistic story (several kinds, a cross-source
conflict, a suppressed finding, a skipped input) plus a second story whose
source carries hostile strings everywhere. ``large_docs()`` builds a
1,000-source / 10,000-finding run for the scale test.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = '"><img src=x onerror=alert(1)>'
HOSTILE_ID = 'evil"><img src=x onerror=alert(1)>'

STORY = "linkedin-lawsuit"
TEXTS: dict[str, str] = {
    "001_f3a0": (
        '"LinkedIn" sued: illegally shared user data\n'
        "LinkedIn has been sued for sharing the information of its premium users to train AI models.\n"
        "January 28, 2025 14:08\n"
        "The lawsuit, filed on 21 January, alleges that the platform shared InMail messages "
        "with third-party companies in order to train IoT models.\n"
        "The plaintiff seeks statutory damages of USD 1 000 per person under the the SCA.\n"
        "Millions of premium users could be affected (about 6 million.\n"
        "The lawsuit, filed on 21 January, alleges that the platform shared InMail messages "
        "with third-party companies in order to train IoT models.\n"
        "Subscribe to our newsletter for more stories like this.\n"
    ),
    "002_5a82": (
        "LinkedIn accused of sharing private messages to train AI\n"
        "A lawsuit filed on 22 January in California says LinkedIn disclosed premium users' private "
        "messages to train generative AI models.\n"
        "The plaintiff seeks damages of USD 1 000 per user.\n"
        "LinkedIn said the claims were false and without merit.\n"
    ),
    "003_f472": (
        "LinkedIn sued over AI training data\n"
        "The suit, filed on 21 January, claims damages of USD 5 000 per user.\n"
        "According to the complaint, LinkedIn quietly introduced a privacy setting in August.\n"
        "Ã¢â‚¬Å“Premium usersÃ¢â‚¬ were opted in by default.\n"
    ),
}
HOSTILE_TEXT = (
    f"Breaking {HOSTILE_SCRIPT} news\n"
    f"An attacker wrote {HOSTILE_IMG} into the page & more.\n"
    "Officials said 12 people were hurt.\n"
)
STORM_TEXT = "Storm hits the coast\nOfficials said 15 people were hurt on Monday.\n"


def span_of(text: str, needle: str, occurrence: int = 0) -> list[int]:
    """``[start, end]`` of the n-th occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return [start, start + len(needle)]


def line_of(text: str, offset: int) -> int:
    """1-based line of a character offset."""
    return text.count("\n", 0, offset) + 1


def finding(
    source: str,
    text: str,
    kind: str,
    severity: str,
    needle: str,
    message: str,
    *,
    story: str = STORY,
    subkind: str = "",
    occurrence: int = 0,
    related: list[dict] | None = None,
    suppressed: bool = False,
) -> dict[str, Any]:
    """A findings.json entry whose span, lines and evidence point at ``needle``."""
    span = span_of(text, needle, occurrence)
    check = f"{kind}.{subkind}" if subkind else kind
    ident = hashlib.sha1(f"{source}|{check}|{span}".encode()).hexdigest()[:12]
    return {
        "id": ident,
        "kind": kind,
        "subkind": subkind,
        "check": check,
        "severity": severity,
        "source": source,
        "story": story,
        "line": line_of(text, span[0]),
        "end_line": line_of(text, span[1] - 1),
        "span": span,
        "evidence": needle,
        "message": message,
        "related": related or [],
        "suppressed": suppressed,
    }


def related(source: str, text: str, needle: str, occurrence: int = 0) -> dict[str, Any]:
    """A ``related`` entry pointing at ``needle`` in another (or the same) source."""
    span = span_of(text, needle, occurrence)
    return {
        "source": source,
        "line": line_of(text, span[0]),
        "end_line": line_of(text, span[1] - 1),
        "span": span,
        "evidence": needle,
    }


def _findings() -> list[dict[str, Any]]:
    """Findings for both stories."""
    a, b, c = TEXTS["001_f3a0"], TEXTS["002_5a82"], TEXTS["003_f472"]
    para = (
        "The lawsuit, filed on 21 January, alleges that the platform shared InMail messages "
        "with third-party companies in order to train IoT models."
    )
    return [
        finding(
            "001_f3a0",
            a,
            "duplicate_paragraph",
            "error",
            para,
            "Paragraph repeats line 4 word for word.",
            subkind="exact",
            occurrence=1,
            related=[related("001_f3a0", a, para)],
        ),
        finding("001_f3a0", a, "repeated_word", "warning", "the the", "Word 'the' is repeated."),
        finding(
            "001_f3a0", a, "term_confusion", "warning", "IoT", "'IoT' where the story is about AI models."
        ),
        finding(
            "001_f3a0",
            a,
            "unbalanced_punctuation",
            "warning",
            "(about 6 million.",
            "Opening parenthesis is never closed.",
        ),
        finding(
            "001_f3a0",
            a,
            "boilerplate",
            "info",
            "Subscribe to our newsletter for more stories like this.",
            "Newsletter boilerplate left in the article.",
            suppressed=True,
        ),
        finding(
            "001_f3a0",
            a,
            "date_conflict",
            "error",
            "21 January",
            "Filing date 21 January conflicts with 22 January in 002_5a82.",
            related=[related("002_5a82", b, "22 January")],
        ),
        finding(
            "003_f472",
            c,
            "figure_conflict",
            "error",
            "USD 5 000",
            "Damages of USD 5 000 per user conflict with USD 1 000 in 2 other sources.",
            related=[related("001_f3a0", a, "USD 1 000"), related("002_5a82", b, "USD 1 000")],
        ),
        finding(
            "003_f472",
            c,
            "garbled_text",
            "warning",
            "Ã¢â‚¬Å“Premium usersÃ¢â‚¬",
            "Mojibake: UTF-8 decoded as Windows-1252.",
        ),
        finding(
            "002_5a82",
            b,
            "title_conflict",
            "info",
            "LinkedIn accused of sharing private messages to train AI",
            "Title differs from the other sources' framing.",
        ),
        finding(
            HOSTILE_ID,
            HOSTILE_TEXT,
            "figure_conflict",
            "error",
            "12 people",
            f"12 vs 15 people hurt </script>{HOSTILE_SCRIPT}",
            story="storm",
            related=[related("storm_002", STORM_TEXT, "15 people")],
        ),
        finding(
            HOSTILE_ID,
            HOSTILE_TEXT,
            "garbled_text",
            "warning",
            HOSTILE_SCRIPT,
            f"Markup {HOSTILE_IMG} in the article text.",
            story="storm",
        ),
    ]


def small_docs() -> tuple[dict, dict, dict[str, str], list[dict]]:
    """``(findings_doc, scores_doc, texts, history)`` for the small fixture run."""
    texts = {**TEXTS, HOSTILE_ID: HOSTILE_TEXT, "storm_002": STORM_TEXT}
    sources = [
        {
            "source": sid,
            "story": STORY,
            "path": f"seeds/{sid}.txt",
            "status": "audited",
            "title": text.split("\n", 1)[0],
            "published": "2025-01-23",
            "outlet": None,
            "url": None,
        }
        for sid, text in TEXTS.items()
    ]
    sources += [
        {
            "source": "bad",
            "story": STORY,
            "path": "seeds/bad.bin",
            "status": "skipped",
            "reason": "binary file",
        },
        {
            "source": HOSTILE_ID,
            "story": "storm",
            "path": f"seeds/{HOSTILE_SCRIPT}.txt",
            "status": "audited",
            "title": f"{HOSTILE_SCRIPT} Breaking {HOSTILE_IMG}",
            "published": "2025-02-01",
            "outlet": "<b>Evil Outlet</b>",
            "url": "javascript:alert(1)",
        },
        {
            "source": "storm_002",
            "story": "storm",
            "path": "seeds/storm_002.txt",
            "status": "audited",
            "title": "Storm hits the coast",
            "published": "2025-02-01",
            "outlet": "Coast Daily",
            "url": "https://example.com/storm",
        },
    ]
    findings_doc = {
        "run": {
            "started": "2026-11-22T07:40:00Z",
            "version": "0.1.0",
            "inputs": ["seeds"],
            "expectations": "expectations",
        },
        "sources": sources,
        "findings": _findings(),
    }
    return findings_doc, _scores(findings_doc), texts, _history()


def _scores(findings_doc: dict) -> dict:
    """scores.json for the small run (fixed numbers, weakest is 001_f3a0 in the main story)."""
    table = {
        "001_f3a0": (38.5, "F"),
        "002_5a82": (88.0, "B"),
        "003_f472": (64.0, "C"),
        HOSTILE_ID: (55.0, "D"),
        "storm_002": (93.0, "A"),
    }
    out = []
    for src in findings_doc["sources"]:
        if src["status"] != "audited":
            continue
        score, grade = table[src["source"]]
        mine = [f for f in findings_doc["findings"] if f["source"] == src["source"] and not f["suppressed"]]
        kinds: dict[str, int] = {}
        for f in mine:
            kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
        out.append(
            {
                "source": src["source"],
                "story": src["story"],
                "score": score,
                "grade": grade,
                "components": {
                    "integrity": {
                        "points": round(score * 0.4, 1),
                        "max": 40,
                        "finding_ids": [f["id"] for f in mine],
                        "detail": f"{len(mine)} findings <i>weighted</i>",
                    },
                    "consistency": {
                        "points": round(score * 0.4, 1),
                        "max": 40,
                        "finding_ids": [],
                        "detail": "",
                    },
                    "clarity": {"points": round(score * 0.2, 1), "max": 20, "finding_ids": [], "detail": ""},
                },
                "findings": kinds,
            }
        )
    return {"sources": out}


def _history() -> list[dict]:
    """Three past runs for the trend chart."""
    rows = []
    for run, delta in (
        ("2026-11-18T07:00:00Z", 9.0),
        ("2026-11-20T07:00:00Z", 4.0),
        ("2026-11-22T07:40:00Z", 0.0),
    ):
        for sid, story, score in (
            ("001_f3a0", STORY, 38.5),
            ("002_5a82", STORY, 88.0),
            ("003_f472", STORY, 64.0),
        ):
            rows.append({"run": run, "source": sid, "story": story, "score": min(100.0, score + delta)})
    return rows


WORDS = [
    "the",
    "council",
    "said",
    "officials",
    "report",
    "storm",
    "damage",
    "figures",
    "people",
    "hurt",
    "january",
    "police",
    "rescue",
    "government",
    "minister",
    "spokesman",
    "confirmed",
    "village",
    "river",
    "flood",
    "bridge",
    "closed",
    "road",
]
KINDS = (
    "duplicate_paragraph",
    "repeated_word",
    "term_confusion",
    "garbled_text",
    "unbalanced_punctuation",
    "boilerplate",
    "figure_conflict",
    "date_conflict",
    "list_conflict",
    "title_conflict",
)


def large_docs(
    n_sources: int = 1000, n_findings: int = 10000, per_story: int = 10, lines: int = 30
) -> tuple[dict, dict, dict[str, str]]:
    """A synthetic run of ``n_sources`` sources (~2.5 kB each) and ``n_findings`` findings."""
    rng = random.Random(7)
    texts: dict[str, str] = {}
    sources, scores = [], []
    for i in range(n_sources):
        sid, story = f"src_{i:04d}", f"story_{i // per_story:03d}"
        text = "\n".join(" ".join(rng.choice(WORDS) for _ in range(14)) for _ in range(lines)) + "\n"
        texts[sid] = text
        sources.append(
            {
                "source": sid,
                "story": story,
                "path": f"in/{sid}.txt",
                "status": "audited",
                "title": f"Title {i}",
                "published": "2025-01-01",
                "outlet": None,
                "url": None,
            }
        )
        score = round(rng.uniform(20, 100), 1)
        scores.append(
            {
                "source": sid,
                "story": story,
                "score": score,
                "grade": "ABCDF"[min(4, int((100 - score) // 15))],
                "components": {
                    "integrity": {"points": score * 0.6, "max": 60, "finding_ids": [], "detail": ""},
                    "consistency": {"points": score * 0.4, "max": 40, "finding_ids": [], "detail": ""},
                },
                "findings": {},
            }
        )
    findings = []
    for j in range(n_findings):
        i = rng.randrange(n_sources)
        sid = f"src_{i:04d}"
        text = texts[sid]
        start = rng.randrange(len(text) - 60)
        span = [start, start + rng.randrange(5, 50)]
        kind = rng.choice(KINDS)
        rel = []
        if kind.endswith("_conflict"):
            other = f"src_{(i // per_story) * per_story + (i + 1) % per_story:04d}"
            ostart = rng.randrange(len(texts[other]) - 60)
            rel = [
                {
                    "source": other,
                    "span": [ostart, ostart + 20],
                    "evidence": texts[other][ostart : ostart + 20],
                    "line": line_of(texts[other], ostart),
                    "end_line": line_of(texts[other], ostart + 19),
                }
            ]
        findings.append(
            {
                "id": f"f{j:05d}",
                "kind": kind,
                "subkind": "",
                "check": kind,
                "severity": rng.choice(("error", "warning", "warning", "info")),
                "source": sid,
                "story": f"story_{i // per_story:03d}",
                "line": line_of(text, span[0]),
                "end_line": line_of(text, span[1] - 1),
                "span": span,
                "evidence": text[span[0] : span[1]],
                "message": f"Synthetic {kind} finding {j}.",
                "related": rel,
                "suppressed": rng.random() < 0.05,
            }
        )
    findings_doc = {
        "run": {"started": "2026-11-22T07:40:00Z", "version": "0.1.0", "inputs": ["big"]},
        "sources": sources,
        "findings": findings,
    }
    return findings_doc, {"sources": scores}, texts


def compared_docs() -> tuple[dict, dict, dict[str, str], list[dict]]:
    """The small run compared with a previous one: baseline states, two fixed findings, score deltas,
    a repeated identical note and a finding with seven related locations."""
    findings_doc, scores_doc, texts, history = small_docs()
    findings = [dict(f) for f in findings_doc["findings"]]
    for f in findings:
        f["baseline_state"] = "new" if f["kind"] in ("repeated_word", "figure_conflict") else "unchanged"
    a = TEXTS["001_f3a0"]
    twin = dict(findings[1], id="twin00000001")  # the same note on the same line as the repeated word
    many = finding(
        "002_5a82",
        TEXTS["002_5a82"],
        "list_conflict",
        "warning",
        "LinkedIn said the claims were false",
        "The denial is worded differently in seven places.",
        related=[related("001_f3a0", a, "users", 0)] + [related("001_f3a0", a, "s", n) for n in range(6)],
    )
    many["baseline_state"] = "unchanged"
    findings += [twin, many]
    run = {
        **findings_doc["run"],
        "previous": {"started": "2026-11-21T07:40:00Z"},
        "absent": [
            {"id": "gone00000001", "kind": "repeated_word", "severity": "warning", "source": "002_5a82",
             "story": STORY, "message": "Word 'a' is repeated.", "evidence": "a a"},
            {"id": "gone00000002", "kind": "boilerplate", "severity": "info", "source": "001_f3a0",
             "story": STORY, "message": "Cookie banner left in the article.", "evidence": "Accept cookies"},
        ],
    }
    scores = {"sources": [dict(e) for e in scores_doc["sources"]]}
    for entry in scores["sources"]:
        entry["previous_score"] = entry["score"] + (4.5 if entry["source"] == "001_f3a0" else -2.0)
        entry["score_delta"] = round(entry["score"] - entry["previous_score"], 1)
    return {**findings_doc, "run": run, "findings": findings}, scores, texts, history
