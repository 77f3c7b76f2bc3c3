"""`make bench-dedup`: precision and recall of the duplicate decision, per kind of copy.

Base articles are real texts: the 181 human-written article bodies of the Zyte
benchmark and the 5 seeds. For each base with at least 4 paragraphs, copies
are made the way syndication makes them (seeded, reproducible):

  boilerplate  other site furniture before and after the text
  headline     a new headline line
  dropped      one paragraph removed
  added        one paragraph from another article added
  edits-5/15   5 % / 15 % of the words replaced
  teaser       the first 3 paragraphs only
  reordered    paragraphs shuffled

Negatives: every base against all others (distinct articles, incl. the five
seeds, which share one topic), and pairs of different articles wrapped in the
same outlet's boilerplate. Every copy is decided against all bases as stored
articles, as the pipeline does (LSH buckets, then estimated Jaccard or
containment). A copy linked to its own base is a true positive; linked to
another base, a false positive and a miss; a negative linked to anything, a
false positive.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from extractors.dedup import fingerprint
from extractors.linking import Candidate, Rules, decide
from peacewire.settings import PROJECT_ROOT, load_settings

FURNITURE = ["Sign up for our morning newsletter.", "Share this article on Facebook, X or by email.",
             "Advertisement", "Most read: five things to watch this week.", "Follow us for live updates.",
             "© 2026 All rights reserved. Privacy policy. Terms of use."]  # fmt: skip
Copier = Callable[[list[str], random.Random, list[list[str]]], list[str]]


def _edit(paras: list[str], rng: random.Random, share: float) -> list[str]:
    words = "\n".join(paras).split(" ")
    for i in rng.sample(range(len(words)), int(share * len(words))):
        words[i] = rng.choice(["said", "officials", "report", "new", "week", "talks", "according"])
    return " ".join(words).split("\n")


COPIERS: dict[str, Copier] = {
    "boilerplate": lambda p, r, o: r.sample(FURNITURE, 3) + p + r.sample(FURNITURE, 3),
    "headline": lambda p, r, o: ["Exclusive: what the deal means, explained", *p],
    "dropped": lambda p, r, o: p[:1] + [x for i, x in enumerate(p[1:]) if i != r.randrange(len(p) - 1)],
    "added": lambda p, r, o: [*p, r.choice(r.choice(o))],
    "edits-5": lambda p, r, o: _edit(p, r, 0.05),
    "edits-15": lambda p, r, o: _edit(p, r, 0.15),
    "teaser": lambda p, r, o: p[:3],
    "reordered": lambda p, r, o: r.sample(p, len(p)),
}


def bases(shared: Path) -> dict[str, list[str]]:
    truth = json.loads(
        (shared / "benchmarks/article-extraction/ground-truth.json").read_text(encoding="utf-8")
    )
    texts = {f"zyte-{k[:12]}": v["articleBody"] for k, v in truth.items()}
    texts |= {
        f"seed-{p.stem[:3]}": p.read_text(encoding="utf-8")
        for p in (PROJECT_ROOT / "seeds/corpus").glob("*.txt")
    }
    return {k: [x.strip() for x in v.split("\n") if x.strip()] for k, v in sorted(texts.items())}


def run(shared: Path, near: float, contain: float, seed: int = 7) -> dict[str, Counter[str]]:
    rng = random.Random(seed)
    docs = bases(shared)
    stored = [Candidate(k, fingerprint("\n".join(p))) for k, p in docs.items()]
    others = list(docs.values())
    results: dict[str, Counter[str]] = {}
    for kind, copier in COPIERS.items():
        c: Counter[str] = Counter()
        for key, paras in docs.items():
            if len(paras) < 4:
                continue
            copy = Candidate(f"copy-{key}", fingerprint("\n".join(copier(paras, rng, others))))
            got = decide([copy], stored, Rules(near, contain))[0].duplicate_of
            c["n"] += 1
            c["tp" if got == key else ("wrong" if got else "miss")] += 1
        results[kind] = c
    results["negatives"] = negatives(docs, stored, near, contain, rng)
    return results


def negatives(docs: dict[str, list[str]], stored: list[Candidate], near: float, contain: float,
              rng: random.Random) -> Counter[str]:  # fmt: skip
    c: Counter[str] = Counter()
    for cand in stored:  # each base against all the others
        rest = [s for s in stored if s.article_id != cand.article_id]
        got = decide([Candidate("probe", cand.fingerprint)], rest, Rules(near, contain))[0].duplicate_of
        c["n"] += 1
        c["fp" if got else "tn"] += 1
    keys = list(docs)
    shell = rng.sample(FURNITURE, 4)
    for a, b in zip(keys[::2], keys[1::2], strict=False):  # same outlet furniture, different articles
        fa = Candidate(a, fingerprint("\n".join(shell + docs[a] + shell)))
        got = decide(
            [Candidate(b, fingerprint("\n".join(shell + docs[b] + shell)))], [fa], Rules(near, contain)
        )[0]
        c["n"] += 1
        c["fp" if got.duplicate_of else "tn"] += 1
    return c


def report(results: dict[str, Counter[str]]) -> tuple[float, float]:
    tp = sum(c["tp"] for k, c in results.items() if k != "negatives")
    n = sum(c["n"] for k, c in results.items() if k != "negatives")
    fp = sum(c["wrong"] for k, c in results.items() if k != "negatives") + results["negatives"]["fp"]
    print(f"{'copy kind':12s} {'copies':>6s} {'recall':>7s} {'wrong link':>10s}")
    for kind, c in results.items():
        if kind != "negatives":
            print(f"{kind:12s} {c['n']:6d} {c['tp'] / c['n']:7.3f} {c['wrong']:10d}")
    neg = results["negatives"]
    print(f"negatives    {neg['n']:6d} pairs, false positives {neg['fp']}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / n if n else 0.0
    print(f"overall: precision {precision:.4f}  recall {recall:.4f}  (targets 0.99 / 0.95)")
    return precision, recall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=PROJECT_ROOT.parent / "shared")
    args = parser.parse_args()
    s = load_settings()
    start = time.perf_counter()
    results = run(args.shared, s.near_dup_threshold, s.containment_threshold)
    print(f"near threshold {s.near_dup_threshold}, containment {s.containment_threshold} "
          f"({time.perf_counter() - start:.1f} s)")  # fmt: skip
    report(results)


if __name__ == "__main__":
    main()
