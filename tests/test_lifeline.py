"""peacewire.lifeline: children end when their parent is killed with SIGKILL (real processes, no Prefect)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.conftest import ROOT

# A parent that starts a program under a lifeline and a two-worker pool with exit_with_parent, prints the
# children's pids, and waits to be killed.
PARENT = textwrap.dedent("""
    import os, signal, subprocess, sys, time
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing
    from peacewire.lifeline import command, exit_with_parent

    if __name__ == "__main__":
        child = subprocess.Popen(command(os.getpid(), signal.SIGTERM, ["sleep", "600"]))
        pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=exit_with_parent, initargs=(os.getpid(),))
        list(pool.map(abs, range(8)))  # the workers are up
        print(child.pid, *[p.pid for p in multiprocessing.active_children()], flush=True)
        time.sleep(600)
""")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_children_end_when_the_parent_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    pids = [int(p) for p in parent.stdout.readline().split()]
    try:
        assert len(pids) == 3 and all(alive(p) for p in pids)  # sleep and the two workers
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 30  # a bound for a loaded machine, not a speed target
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [p for p in pids if alive(p)] == []
    finally:
        for pid in pids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_child_whose_parent_is_already_gone_does_not_start() -> None:
    """The lifeline checks its parent after arming the signal: a child of a dead parent never runs."""
    done = subprocess.run(
        [sys.executable, "-m", "peacewire.lifeline", "1", "SIGTERM", "--", "sleep", "600"],
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 1  # its parent is this test, not pid 1
