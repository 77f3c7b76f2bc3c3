"""`make eval` (extraction): score the pipeline's extractor on the Zyte benchmark, gate on the floor.

* text: word 4-shingle precision / recall / F1 (extractors.scoring) of
  extractors.article.best_document on shared/benchmarks/article-extraction
  (181 pages with human ground truth); per-page time on one core;
* dates: share of shared/benchmarks/pages (fundus pages with a reference
  publishing date) whose extracted publication day equals the reference day.

The floors are in bench/baseline.json: the run fails when a figure drops below
its floor, and says so when it rises well above (raise the floor then).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from extractors.article import best_document, extract_article
from extractors.charset import decode
from extractors.scoring import score_corpus, score_document

BASELINE = Path(__file__).with_name("baseline.json")
SLACK = 0.002


def _extract(job: tuple[str, str, bytes]) -> tuple[str, str, float]:
    key, url, html = job
    start = time.perf_counter()
    doc = best_document(decode(html)[0], url)  # the pipeline's path: our decoding, then trafilatura
    return key, (doc.text or "") if doc is not None else "", time.perf_counter() - start


def text_eval(shared: Path, workers: int) -> dict[str, Any]:
    folder = shared / "benchmarks" / "article-extraction"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    jobs = [(k, v["url"], gzip.decompress((folder / "html" / f"{k}.html.gz").read_bytes()))
            for k, v in sorted(truth.items())]  # fmt: skip
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(_extract, jobs, chunksize=4))
    score = score_corpus([score_document(text, truth[k]["articleBody"]) for k, text, _ in results])
    times = sorted(t for _, _, t in results)
    return {"pages": len(results), "f1": score.f1, "precision": score.precision, "recall": score.recall,
            "accuracy": score.accuracy, "ms_median": 1000 * statistics.median(times),
            "ms_p95": 1000 * times[int(0.95 * (len(times) - 1))]}  # fmt: skip


def _reference_day(expected: dict[str, Any]) -> str | None:
    value = expected.get("publishing_date")
    return str(value)[:10] if value else None


def date_eval(shared: Path) -> dict[str, Any]:
    folder = shared / "benchmarks" / "pages"
    refs = json.loads((folder / "fundus_expected.json").read_text(encoding="utf-8"))
    right, total, misses = 0, 0, []
    for name, ref in sorted(refs.items()):
        day = _reference_day(ref["expected"])
        if day is None:
            continue
        html = gzip.decompress((folder / name).read_bytes())
        art = extract_article(html, ref["url"], 1)
        got = (
            art.published_at.strftime("%Y-%m-%d")
            if isinstance(getattr(art, "published_at", None), datetime)
            else None
        )  # type: ignore[union-attr]
        total += 1
        right += got == day
        if got != day:
            misses.append(f"{Path(name).name}: got {got}, reference {day}")
    return {"pages": total, "accuracy": right / total if total else 0.0, "misses": misses}


def gate(figures: dict[str, float], floors: dict[str, float]) -> list[str]:
    problems = []
    for key, floor in floors.items():
        value = figures[key]
        if value < floor:
            problems.append(f"{key} {value:.4f} is below its floor {floor:.4f} (bench/baseline.json)")
        elif value > floor + SLACK:
            print(
                f"note: {key} {value:.4f} is above its floor {floor:.4f}: raise the floor in {BASELINE.name}"
            )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not (args.shared / "benchmarks").is_dir():
        print(f"eval: benchmark data not found under {args.shared} (pass --shared PATH)", file=sys.stderr)
        return 1
    text = text_eval(args.shared, args.workers)
    dates = date_eval(args.shared)
    print(f"extraction on {text['pages']} pages: F1 {text['f1']:.4f}  P {text['precision']:.4f}  "
          f"R {text['recall']:.4f}  exact {text['accuracy']:.3f}  "
          f"{text['ms_median']:.0f} ms median / {text['ms_p95']:.0f} ms p95 per page (one core)")  # fmt: skip
    print(f"publication day on {dates['pages']} pages: accuracy {dates['accuracy']:.3f}")
    for miss in dates["misses"]:
        print(f"  date miss: {miss}")
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))
    figures = {"extraction_f1": text["f1"], "date_accuracy": dates["accuracy"]}
    problems = gate(figures, {k: floors[k] for k in figures})
    for p in problems:
        print(f"FAIL: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
