"""Benchmark of auditor.extract: throughput and accuracy, side by side with quantulum3.

Usage (from the repository root)::

    .venv/bin/python benchmarks/extract_bench.py [--mb 3] [--no-quantulum] [--write-results]

quantulum3 is a benchmark extra (``pip install quantulum3``); it is never imported by the package.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import random
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_extract_dates import DATE_CASES, NO_DATE_CASES  # noqa: E402
from test_extract_figures import FIGURE_CASES, NEGATIVE_CASES  # noqa: E402

from auditor.extract.dates import extract_dates  # noqa: E402
from auditor.extract.figures import extract_figures  # noqa: E402

FILLER = [
    "The company did not immediately respond to a request for comment.",
    "Critics say the move raises fresh questions about how platforms handle personal data.",
    "A spokesperson declined to comment on the ongoing litigation.",
    "The case is being closely watched by privacy advocates and industry groups alike.",
    "Lawmakers in Brussels have called for stricter oversight of artificial intelligence.",
    "Shares of the group were little changed in early trading in New York.",
    "The ministry said the programme would be reviewed by an independent panel.",
    "Analysts said the outcome would depend on how the court interprets the contract.",
    "Officials warned that further delays could hurt investor confidence.",
    "The opposition accused the government of ignoring the concerns of rural voters.",
    "Residents described scenes of chaos as emergency services arrived at the site.",
    "The regulator said it had opened a formal investigation into the practice.",
    "Union leaders urged members to reject the offer at a meeting later this month.",
    "The report was commissioned after a series of complaints from customers.",
    "Environmental groups welcomed the decision but said more needed to be done.",
    "The central bank is expected to keep its policy unchanged at its next meeting.",
    "Negotiators worked through the night in an attempt to reach a compromise.",
    "The firm said it remained committed to transparency and user choice.",
    "Experts cautioned that the figures were preliminary and could be revised.",
    "The announcement comes amid growing scrutiny of big technology companies.",
]
PARA_SENTENCES = 6
TABLE_SHARE = 0.4  # share of sentences taken from the test tables, the rest are fillers
ARTICLE_CHARS = 4000


def build_corpus(target_bytes: int, seed: int = 7) -> list[str]:
    """Articles of news-like text: table sentences (figures, dates, negatives) mixed with fillers."""
    rng = random.Random(seed)
    pool = ([c[0] for c in FIGURE_CASES] + NEGATIVE_CASES + [c[0] for c in DATE_CASES] + NO_DATE_CASES)
    articles: list[str] = []
    size = 0
    while size < target_bytes:
        paras: list[str] = []
        length = 0
        while length < ARTICLE_CHARS:
            sents = [rng.choice(pool) if rng.random() < TABLE_SHARE else rng.choice(FILLER)
                     for _ in range(PARA_SENTENCES)]
            para = " ".join(sents)
            paras.append(para)
            length += len(para) + 1
        article = "\n".join(paras)
        articles.append(article)
        size += len(article.encode())
    return articles


def best_of(runs: int, fn: Callable[[], Any]) -> float:
    """Smallest wall time of ``runs`` calls."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def throughput(articles: list[str], runs: int) -> dict[str, float]:
    mb = sum(len(a.encode()) for a in articles) / 1e6
    ref = datetime.date(2025, 1, 23)
    t_fig = best_of(runs, lambda: [extract_figures(a) for a in articles])
    t_date = best_of(runs, lambda: [extract_dates(a, ref) for a in articles])
    n_fig = sum(len(extract_figures(a)) for a in articles)
    n_date = sum(len(extract_dates(a, ref)) for a in articles)
    return {"mb": mb, "fig_mbs": mb / t_fig, "date_mbs": mb / t_date, "both_mbs": mb / (t_fig + t_date),
            "n_fig": n_fig, "n_date": n_date}


# --------------------------------------------------------------------------- accuracy

QUANTULUM_UNITS: dict[str, tuple[str, str, float]] = {
    "percentage": ("percent", "%", 1), "per cent": ("percent", "%", 1), "percent": ("percent", "%", 1),
    "percentage point": ("percent", "pp", 1), "basis point": ("percent", "bp", 1),
    "cent": ("money", "USD", 0.01), "penny": ("money", "GBP", 0.01), "pence": ("money", "GBP", 0.01),
    "megawatt": ("quantity", "MW", 1), "gigawatt": ("quantity", "GW", 1), "kilowatt": ("quantity", "kW", 1),
    "megawatt hour": ("quantity", "MWh", 1), "gigawatt hour": ("quantity", "GWh", 1),
    "kilowatt hour": ("quantity", "kWh", 1), "hectare": ("quantity", "ha", 1),
    "acre": ("quantity", "acre", 1),
    "kilometre": ("quantity", "km", 1), "metre": ("quantity", "m", 1), "mile": ("quantity", "mi", 1),
    "kilometre per hour": ("quantity", "km/h", 1), "degree Celsius": ("quantity", "°C", 1),
    "kilogram": ("quantity", "kg", 1), "ton": ("quantity", "t", 1), "tonne": ("quantity", "t", 1),
    "metric ton": ("quantity", "t", 1), "square kilometre": ("quantity", "km2", 1),
    "year": ("quantity", "year", 1), "hour": ("quantity", "h", 1), "barrel per day": ("quantity", "bbl/d", 1),
    "foot": ("quantity", "ft", 1), "day": ("quantity", "day", 1),
}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def _span_of(sentence: str, text: str) -> tuple[int, int]:
    start = sentence.index(text)
    return start, start + len(text)


def ours_predict(sentence: str) -> list[tuple[int, int, str, str, float]]:
    return [(f.start, f.end, f.kind, f.unit, f.value) for f in extract_figures(sentence)]


def quantulum_predict(sentence: str) -> list[tuple[int, int, str, str, float]]:
    from quantulum3 import parser

    out = []
    for q in parser.parse(sentence):
        unit = q.unit
        if unit.entity.name == "dimensionless" and unit.name == "dimensionless":
            kind, name, factor = "count", "*", 1.0
        elif getattr(unit, "currency_code", None):
            kind, name, factor = "money", unit.currency_code, 1.0
        else:
            kind, name, factor = QUANTULUM_UNITS.get(unit.name, ("quantity", unit.name, 1.0))
        out.append((q.span[0], q.span[1], kind, name, float(q.value) * factor))
    return out


def accuracy(predict: Callable[[str], list[tuple[int, int, str, str, float]]], lenient_count: bool
             ) -> tuple[int, int, int]:
    """(correct figure cases, negative sentences with a false figure, total figure cases)."""
    correct = 0
    for sentence, text, kind, value, unit, _qual, _prec in FIGURE_CASES:
        start, end = _span_of(sentence, text)
        for s, e, k, u, v in predict(sentence):
            unit_ok = u == unit or (lenient_count and k == "count" and u == "*")
            if s < end and e > start and k == kind and unit_ok and _close(v, value):
                correct += 1
                break
    false_pos = sum(1 for sentence in NEGATIVE_CASES if predict(sentence))
    return correct, false_pos, len(FIGURE_CASES)


def quantulum_version() -> str | None:
    try:
        from importlib.metadata import version

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import quantulum3  # noqa: F401
        return version("quantulum3")
    except Exception:  # noqa: BLE001 - any import failure means "not available"
        return None


def quantulum_throughput(articles: Iterable[str], limit_bytes: int = 100_000) -> float:
    from quantulum3 import parser

    sample = []
    size = 0
    for a in articles:
        sample.append(a)
        size += len(a.encode())
        if size >= limit_bytes:
            break
    t0 = time.perf_counter()
    for a in sample:
        parser.parse(a)
    return size / 1e6 / (time.perf_counter() - t0)


# --------------------------------------------------------------------------- report


def report(args: argparse.Namespace) -> str:
    articles = build_corpus(int(args.mb * 1e6))
    tp = throughput(articles, args.runs)
    ours = accuracy(ours_predict, lenient_count=False)
    ours_lenient = accuracy(ours_predict, lenient_count=True)
    qv = None if args.no_quantulum else quantulum_version()
    lines = [
        "## Extraction",
        "",
        f"Command: `.venv/bin/python benchmarks/extract_bench.py --mb {args.mb:g} --runs {args.runs}"
        f"{' --no-quantulum' if args.no_quantulum else ''}`  ",
        f"Machine: {platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
        f"one core; {datetime.date.today().isoformat()}.",
        "",
        f"Corpus: {len(articles)} generated articles, {tp['mb']:.2f} MB (table sentences mixed with filler "
        f"sentences), {tp['n_fig']} figures and {tp['n_date']} date mentions found.",
        "",
        "| measure | auditor.extract | quantulum3 |",
        "| --- | --- | --- |",
    ]
    q_tp = q_acc = q_len = None
    if qv is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            q_acc = accuracy(quantulum_predict, lenient_count=True)
            q_len = q_acc
            q_tp = quantulum_throughput(articles)
    total = ours[2]
    na = "n/a (not installed)"
    lines += [
        f"| throughput `extract_figures` (MB/s) | {tp['fig_mbs']:.2f} | "
        f"{f'{q_tp:.3f} (`parser.parse`, 0.1 MB sample)' if q_tp else na} |",
        f"| throughput `extract_dates` (MB/s) | {tp['date_mbs']:.2f} | — |",
        f"| throughput figures + dates (MB/s) | {tp['both_mbs']:.2f} | — |",
        f"| figure table, exact kind+unit+value, count nouns compared | {ours[0]}/{total} "
        f"({ours[0] / total:.0%}) "
        f"| — |",
        f"| figure table, exact kind+unit+value, any count unit accepted | {ours_lenient[0]}/{total} "
        f"({ours_lenient[0] / total:.0%}) | "
        f"{f'{q_len[0]}/{total} ({q_len[0] / total:.0%})' if q_len else na} |",
        f"| negative sentences with a false figure | {ours[1]}/{len(NEGATIVE_CASES)} | "
        f"{f'{q_acc[1]}/{len(NEGATIVE_CASES)}' if q_acc else na} |",
        "",
        f"quantulum3 version: {qv or 'not installed'} (without its optional classifier extra). "
        "A quantulum3 quantity counts as correct when its span overlaps the expected figure and its value "
        "and unit (mapped to the same canonical codes: currency_code, %, MW, ...) match; dimensionless "
        "quantities are accepted for any count, since quantulum3 does not name the counted noun.",
    ]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace (or append) the ``## Extraction`` section of RESULTS.md, leaving other sections alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if ln.strip() == "## Extraction"), None)
    if start is None:
        new = text.rstrip("\n") + "\n\n" + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        tail = "".join(lines[end:])
        new = "".join(lines[:start]) + section + ("\n" + tail if tail else "")
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=3.0, help="size of the generated corpus in MB")
    ap.add_argument("--runs", type=int, default=3, help="timing runs (best is kept)")
    ap.add_argument("--no-quantulum", action="store_true", help="skip the quantulum3 comparison")
    ap.add_argument("--write-results", action="store_true",
                    help="update the ## Extraction section of benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    section = report(args)
    print(section)
    if args.write_results:
        write_section(ROOT / "benchmarks" / "RESULTS.md", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
