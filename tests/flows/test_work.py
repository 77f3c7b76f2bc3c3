"""The execution of a batch's CPU stages: the per-process taxonomy and matcher, the pool, the packing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from extractors.model import Item, Page
from extractors.outcome import Outcome
from extractors.pages import pack
from extractors.process import process_page
from extractors.tagging import Matcher
from flows import work
from tests.conftest import ROOT, TAXONOMY

SPEC = ROOT / "seeds" / "label-spec.md"


def test_the_taxonomy_is_parsed_once_per_process_and_again_when_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.toml"
    shutil.copy(TAXONOMY, path)
    first = work.taxonomy_for(path, SPEC)
    assert work.taxonomy_for(path) is first and work.matcher_for(path) is work.matcher_for(path)
    matcher = work.matcher_for(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'version = "{first.version}"', 'version = "edited"', 1), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different mtime whatever the clock's resolution
    assert work.taxonomy_for(path).version == "edited" and work.matcher_for(path) is not matcher


def test_process_by_taxonomy_path_is_the_stage_with_that_taxonomy(matcher: Matcher) -> None:
    seed = Page(
        Item(key="seed:x", source="seed", seed_text="Putin and Zelensky\n\nTalks on a ceasefire."), Outcome.OK
    )
    done = work.process(seed, 80, TAXONOMY)
    assert done == process_page(seed, 80, matcher) and done.tags and done.tags.labels


def test_small_batches_run_inline_and_large_ones_in_the_pool() -> None:
    assert work.map_batch(abs, [-1, 2, -3], None, 1) == [1, 2, 3]
    pool = work.make_pool(2)
    assert pool is not None
    try:
        assert work.map_batch(abs, list(range(-50, 0)), pool, 10) == list(range(50, 0, -1))
    finally:
        pool.shutdown()
    assert work.make_pool(1) is None and work.workers(0) == (os.cpu_count() or 1)


def test_pack_bodies_packs_every_body_in_order() -> None:
    pages = [Page(Item(key=str(n), source="feed"), Outcome.OK, bytes([n]) * n) for n in (3, 0, 5)]
    assert work.pack_bodies(pages, 2) == [pack(b"\x03" * 3), pack(b"\x05" * 5)]
