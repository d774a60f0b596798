"""Incremental-run benchmark: a full audit with a history database, then a rerun after 1% changed.

    python benchmarks/incremental_bench.py --stories 2200 --changed 0.01 --work /tmp/incr

Prints wall times of the full run, of an unchanged rerun and of the rerun with `--changed` of the
articles edited, and their ratio (the target: the 1% rerun within a fifth of the full run).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AUDITOR = Path(sys.executable).with_name("auditor")


def audit(corpus: Path, work: Path) -> float:
    """Wall seconds of one `auditor audit` with the history database (outputs json only)."""
    start = time.perf_counter()
    subprocess.run([str(AUDITOR), "audit", str(corpus), "--db", str(work / "history.sqlite"),
                    "--out", str(work / "reports"), "--format", "json"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def edit(corpus: Path, share: float, seed: int) -> int:
    """Append a sentence to `share` of the articles; returns how many changed."""
    files = sorted(corpus.rglob("*.txt"))
    chosen = random.Random(seed).sample(files, max(1, round(len(files) * share)))
    for path in chosen:
        with path.open("a", encoding="utf-8") as fh:
            fh.write("\nThe company did not respond to a request for comment on Friday.\n")
    return len(chosen)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stories", type=int, default=2200)
    ap.add_argument("--changed", type=float, default=0.01)
    ap.add_argument("--work", type=Path, default=Path("/tmp/auditor-incremental"))
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    corpus = args.work / "corpus"
    subprocess.run([sys.executable, str(HERE / "generate_corpus.py"), "--stories", str(args.stories),
                    "--out", str(corpus), "--seed", str(args.seed)], check=True, stdout=subprocess.DEVNULL)
    n = len(list(corpus.rglob("*.txt")))
    full = audit(corpus, args.work)
    same = audit(corpus, args.work)
    changed = edit(corpus, args.changed, args.seed)
    partial = audit(corpus, args.work)
    print(f"articles {n}; full run {full:.1f} s; unchanged rerun {same:.1f} s; "
          f"rerun with {changed} changed ({args.changed:.0%}) {partial:.1f} s = {partial / full:.2f} of the full run")


if __name__ == "__main__":
    main()
