"""Execution of a batch's CPU stages: a process pool for large batches, and the taxonomy and its compiled
matcher, loaded once per process.

The stage functions (extractors.process, extractors.tagging) are pure, so they run in worker processes.
Workers are started with 'spawn' (the parent runs Prefect's threads, which 'fork' would copy mid-flight)
and kept for the whole run. A job names the taxonomy by its path (picklable); each process parses the file
once and compiles it once, again only when the file changes (its size or modification time).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from extractors.labelmodel import load_model
from extractors.model import Page, Processed
from extractors.pages import pack
from extractors.process import process_page
from extractors.tagging import Matcher, Tags, tag
from extractors.taxonomy import Taxonomy, load_taxonomy
from peacewire.lifeline import exit_with_parent

LABEL_MODEL = "label-model.json"
T = TypeVar("T")
R = TypeVar("R")
FileVersion = tuple[int, int] | None  # (size, mtime_ns); None when the file cannot be read
_taxonomies: dict[Path, tuple[FileVersion, Taxonomy]] = {}
_compiled: list[tuple[Taxonomy, Matcher]] = []  # the matcher of the taxonomy last asked for


def _version(path: Path) -> FileVersion:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def taxonomy_for(path: Path, spec: Path | None = None) -> Taxonomy:
    """The taxonomy at path, parsed once per process while the file is unchanged (size, mtime). With spec,
    also checked against the label spec (TaxonomyError naming the problem), as a run's first load is."""
    version = _version(path)
    cached = _taxonomies.get(path)
    if cached is None or version is None or cached[0] != version:
        _taxonomies[path] = (version, load_taxonomy(path, spec))
    elif spec is not None:
        load_taxonomy(path, spec)  # a later run in this process: the file is unchanged, the spec may not be
    return _taxonomies[path][1]


def matcher_for(path: Path) -> Matcher:
    """The compiled matcher of the taxonomy at path, compiled once per process (per version of the file),
    with the learned decision trained for that taxonomy when one lies beside it (seeds/label-model.json)."""
    taxonomy = taxonomy_for(path)
    if not _compiled or _compiled[0][0] is not taxonomy:
        model = path.with_name(LABEL_MODEL)
        found = load_model(model, taxonomy.version) if model.exists() else None
        _compiled[:] = [(taxonomy, Matcher(taxonomy, found))]
    return _compiled[0][1]


def process(page: Page, min_words: int, taxonomy: Path) -> Processed:
    """extractors.process.process_page with the taxonomy at a path (bench/eval_real.py calls it so)."""
    return process_page(page, min_words, matcher_for(taxonomy))


def _process_star(args: tuple[Page, int, Path]) -> Processed:
    return process(*args)


def workers(requested: int) -> int:
    return requested or os.cpu_count() or 1


def make_pool(requested: int) -> Executor | None:
    """A spawn-based process pool, or None when one worker is all there is (run inline).

    Its workers end when this process does, even on SIGKILL (peacewire.lifeline.exit_with_parent).
    """
    n = workers(requested)
    if n == 1:
        return None
    return ProcessPoolExecutor(
        max_workers=n,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=exit_with_parent,
        initargs=(os.getpid(),),
    )


@contextmanager
def pool(requested: int, needed: bool = True) -> Iterator[Executor | None]:
    """A process pool for the block (make_pool), shut down after it; None when not needed (a small batch
    does not pay for the pool's ~1 s start-up)."""
    executor = make_pool(requested) if needed else None
    try:
        yield executor
    finally:
        if executor is not None:
            executor.shutdown()


def map_batch(fn: Callable[[T], R], items: Sequence[T], pool: Executor | None, min_batch: int) -> list[R]:
    """fn over items, in the pool when the batch is large enough to pay for it."""
    if pool is None or len(items) < min_batch:
        return [fn(x) for x in items]
    chunk = max(1, len(items) // (4 * workers(0)))
    return list(pool.map(fn, items, chunksize=chunk))


def process_batch(
    pages: Sequence[Page], min_words: int, taxonomy: Path, pool: Executor | None, min_batch: int
) -> list[Processed]:
    jobs = [(p, min_words, taxonomy) for p in pages]
    return map_batch(_process_star, jobs, pool, min_batch)


def tag_text(job: tuple[str, Path, str | None]) -> Tags:
    """Tags of one text in its language with the taxonomy at a path (pool-friendly: one argument)."""
    return tag(matcher_for(job[1]), job[0], job[2])


def pack_bodies(pages: Sequence[Page], threads: int) -> list[tuple[str, bytes]]:
    """extractors.pages.pack of every page that has a body, in threads (hashing and zlib release the GIL)."""
    with ThreadPoolExecutor(max(1, threads)) as pool:
        return list(pool.map(pack, (p.body for p in pages if p.body)))
