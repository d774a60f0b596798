"""unbalanced_punctuation: quotes and brackets left open (or closed without opening) in a paragraph.

Each paragraph is scanned with a stack. Straight double quotes alternate open/close; curly
quotes and brackets pair by kind; a right single quote between letters is an apostrophe.
Features: mark (the character), problem ("unclosed" | "unopened"), continued (the next
paragraph opens with the same quote: the multi-paragraph quotation convention), cut_off (the mark
is left open in the last paragraph of a text that stops mid-sentence: the text was cut, as
excerpts and truncated feeds are, and the closing mark was lost with the rest).
"""

from __future__ import annotations

import pandas as pd

from ..corpus import Corpus, candidates
from ..frames import positions_where
from ..text import memo_by_text

PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”", "‘": "’", "«": "»"}
CLOSERS = {v: k for k, v in PAIRS.items()}
ENDINGS = (".", "!", "?", '"', "”", "’", "'", ")", "]", "»", "…")  # how a complete text ends
QUOTE_OPENERS = {'"', "“", "‘", "«"}


def _is_apostrophe(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before.isalnum() and (after.isalnum() or after.isspace() or after in ".,;:!?")


def _looks_balanced(text: str) -> bool:
    """Cheap pre-check: every pair count matches and no single curly opener (then scan finds nothing)."""
    return (text.count('"') % 2 == 0 and "‘" not in text and "«" not in text
            and all(text.count(o) == text.count(c) for o, c in (("(", ")"), ("[", "]"), ("{", "}"), ("“", "”"))))


def scan(text: str) -> list[tuple[int, str, str]]:
    """(offset, mark, problem) of every unbalanced mark in one paragraph."""
    if _looks_balanced(text):
        return []
    stack: list[tuple[int, str]] = []
    problems: list[tuple[int, str, str]] = []
    for i, ch in enumerate(text):
        if ch == '"':
            if stack and stack[-1][1] == '"':
                stack.pop()
            else:
                stack.append((i, ch))
        elif ch in PAIRS:
            stack.append((i, ch))
        elif ch in CLOSERS:
            apostrophe = not stack or stack[-1][1] != "‘" or _is_apostrophe(text, i)
            if ch == "’" and apostrophe and not any(m == "‘" for _, m in stack):
                continue  # an apostrophe
            opener = CLOSERS[ch]
            depth = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][1] == opener), None)
            if depth is None:
                problems.append((i, ch, "unopened"))
            else:
                del stack[depth:]
    problems.extend((i, mark, "unclosed") for i, mark in stack)
    return sorted(problems)


def _evidence_end(text: str, offset: int, limit: int) -> int:
    """End of the flagged span: the opener and the words after it, up to a sentence end."""
    stop = min(len(text), offset + limit)
    for i in range(offset + 1, stop):
        if text[i] in ".!?" and (i + 1 == len(text) or text[i + 1].isspace()):
            return i + 1
    if stop < len(text):
        space = text.rfind(" ", offset + 1, stop)
        return space if space > offset else stop
    return stop


def detect(corpus: Corpus) -> pd.DataFrame:
    """Candidate unbalanced marks of every paragraph."""
    limit = int(corpus.config.check("unbalanced_punctuation").get("max_evidence_chars", 80))
    p = corpus.paragraphs
    rows = []
    texts, sources, stories, starts = (p[c].tolist() for c in ("text", "source", "story", "start"))
    marks_of = memo_by_text(lambda text: tuple(scan(text)))  # a paragraph given again (wire copy) is read once
    for k in positions_where(p["text"], marks_of).tolist():
        source, story, start, text = sources[k], stories[k], starts[k], texts[k]
        last = k + 1 >= len(texts) or sources[k + 1] != source
        nxt = "" if last else texts[k + 1]
        cut_off = last and not text.rstrip().endswith(ENDINGS)  # the text stops mid-sentence: it was cut
        for offset, mark, problem in marks_of(text):
            end = _evidence_end(text, offset, limit) if problem == "unclosed" else offset + 1
            s = max(0, offset - 30) if problem == "unopened" else offset
            rows.append({
                "source": source, "story": story, "start": start + s, "end": start + end,
                "subkind": "quote" if mark in QUOTE_OPENERS or mark in "”’»" else "bracket",
                "related": [], "note": f"{mark} {problem}",
                "mark": mark, "problem": problem,
                "continued": bool(problem == "unclosed" and mark in QUOTE_OPENERS and nxt.lstrip().startswith(mark)),
                "cut_off": bool(cut_off and problem == "unclosed"),
            })
    return candidates(rows, ["mark", "problem", "continued", "cut_off"])
