"""Import a batch of gathered real texts into the evaluation corpora (bench/corpus/*.jsonl).

The texts were gathered from stored copies of real public pages (see bench/corpus/README.md) into one text
file per article (labels) or per group of articles (stories): header lines, `---`, then the text verbatim.
Each record gets its split from a hash of its URL (a story file: of its smallest member URL), fixed forever:

    python -m bench.corpus_import --labels DIR... --stories DIR... --batch 1

Records already in the corpus (same URL) are kept as they are; a new batch only adds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "corpus"
LABELS = CORPUS / "labels.jsonl"
STORIES = CORPUS / "stories.jsonl"
BLIND_SHARE = 45  # percent of records, by URL hash, that are blind (the issue asks >= 40 %)
LISTS = ("proposals", "actors")


def split_of(url: str) -> str:
    """'blind' or 'dev', decided by a hash of the URL (stable across machines and batches)."""
    bucket = int(hashlib.sha256(url.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "blind" if bucket < BLIND_SHARE else "dev"


def _header(block: str) -> dict[str, str]:
    fields = {}
    for line in block.strip().splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def _ids(value: str) -> list[str]:
    return [] if value.lower() in ("none", "") else [v.strip() for v in value.split(",") if v.strip()]


def label_record(path: Path, batch: int) -> dict[str, Any]:
    head, _, text = path.read_text(encoding="utf-8").partition("\n---\n")
    f = _header(head)
    record: dict[str, Any] = {
        "id": hashlib.sha256(f["url"].encode()).hexdigest()[:12], "url": f["url"], "query": f["query"],
        "language": f["language"], "kind": f["kind"], "negative_type": f.get("negative_type"),
        "published": None if f["published"] == "unknown" else f["published"],
        "relevant": f["relevant"] == "yes", "borderline": f["borderline"], "note": f["note"],
        "batch": batch, "split": split_of(f["url"]), "text": text,
    }  # fmt: skip
    record.update({k: _ids(f[k]) for k in LISTS})
    return record


def story_record(path: Path, batch: int) -> dict[str, Any]:
    head, *members = path.read_text(encoding="utf-8").split("\n=== member\n")
    f = _header(head)
    kind = "group" if "group" in f else "event"
    rows = []
    for member in members:
        member_head, _, text = member.partition("\n---\n")
        m = _header(member_head)
        published = None if m.get("published", "unknown") == "unknown" else m["published"]
        rows.append({"url": m["url"], "query": m["query"], "language": m["language"], "outlet": m["outlet"],
                     "relation": m["relation"], "published": published, "text": text})  # fmt: skip
    urls = sorted(r["url"] for r in rows)
    return {"id": f"{batch}:{f[kind]}", "kind": kind, "title": f.get("title", ""), "note": f.get("note", ""),
            "batch": batch, "split": split_of(urls[0]), "members": rows}  # fmt: skip


def _merge(path: Path, new: list[dict[str, Any]], key: str) -> tuple[int, int]:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    old = [json.loads(line) for line in text.splitlines()]
    seen = {r[key] for r in old}
    added = [r for r in new if r[key] not in seen]
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in old + added]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(old), len(added)


def main() -> int:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--labels", type=Path, nargs="*", default=[])
    parser.add_argument("--stories", type=Path, nargs="*", default=[])
    parser.add_argument("--batch", type=int, required=True)
    args = parser.parse_args()
    labels = [label_record(p, args.batch) for d in args.labels for p in sorted(d.rglob("*.txt"))]
    stories = [story_record(p, args.batch) for d in args.stories for p in sorted(d.rglob("*.txt"))]
    if labels:
        print("labels: {} kept, {} added".format(*_merge(LABELS, labels, "url")))
    if stories:
        print("stories: {} kept, {} added".format(*_merge(STORIES, stories, "id")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
