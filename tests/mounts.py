"""Small real file systems for fault tests: a tmpfs of a given size (a full disk) or read-only.

Mounting needs root (CAP_SYS_ADMIN); elsewhere the tests that use these are skipped, never faked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


@contextmanager
def tmpfs(where: Path, size: str, read_only: bool = False) -> Iterator[Path]:
    """A tmpfs of `size` (e.g. "2m") mounted on `where` for the block, unmounted after."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    where.mkdir(parents=True, exist_ok=True)
    options = f"size={size},mode=0755" + (",ro" if read_only else "")
    mounted = _mount("-t", "tmpfs", "-o", options, "tmpfs", str(where))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "--lazy", str(where)], check=True)


def resize(where: Path, size: str) -> None:
    """Grow (or shrink) a mounted tmpfs: the disk of a fault test gets space again."""
    done = _mount("-o", f"remount,size={size}", str(where))
    assert done.returncode == 0, done.stderr


def read_only(where: Path) -> None:
    """Make a mounted tmpfs read-only from now on."""
    done = _mount("-o", "remount,ro", str(where))
    assert done.returncode == 0, done.stderr
