"""Child processes that die with the command that started them, even when it is killed with SIGKILL.

`kill -9` of an ingest used to leave its temporary Prefect server, its worker pool and multiprocessing's
resource tracker running for good. Two mechanisms, measured and chosen in docs/decisions.md:

- A program we start (the temporary Prefect server) goes through ``python -m peacewire.lifeline PID SIG
  -- program ...``: the kernel's parent-death signal (prctl PR_SET_PDEATHSIG) is armed, then the program is
  exec'd (the setting survives exec). The kernel sends SIG when the *thread* that forked the child ends, so
  start such children from the main thread only.
- A worker of our process pool calls ``exit_with_parent`` (its initializer): a daemon thread polls the
  parent pid and ends the worker when the parent is gone. Pool workers are spawned from whatever thread
  submits work, where a parent-death signal could fire while the parent still runs.

The resource tracker needs neither: it exits when the last process holding its pipe (the parent and the
workers) is gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
USAGE_ARGS = ("PARENT_PID", "SIGNAL", "--", "PROGRAM")  # python -m peacewire.lifeline's arguments
# How often a pool worker checks that its parent still runs: a dead parent's workers are gone within this.
PARENT_POLL_SECONDS = 0.5


def arm_parent_death_signal(sig: int) -> bool:
    """Ask the kernel to send `sig` to this process when its parent dies; False where not supported."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0)


def command(parent: int, sig: signal.Signals, argv: list[str]) -> list[str]:
    """The command line that runs argv under a lifeline to `parent`."""
    return [sys.executable, "-m", "peacewire.lifeline", str(parent), sig.name, "--", *argv]


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)  # the parent is gone: nobody will collect this worker's results


def exit_with_parent(parent: int) -> None:
    """Pool initializer: end this worker when `parent` is no longer its parent (re-parented on its death)."""
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="exit-with-parent", daemon=True).start()


def main(argv: list[str]) -> int:
    """python -m peacewire.lifeline PARENT_PID SIGNAL -- PROGRAM [ARGS...]"""
    if len(argv) < len(USAGE_ARGS) or argv[2] != "--":
        print("usage: python -m peacewire.lifeline PARENT_PID SIGNAL -- PROGRAM [ARGS...]", file=sys.stderr)
        return 2
    parent, sig = int(argv[0]), signal.Signals[argv[1]]
    if not arm_parent_death_signal(sig):
        print("peacewire.lifeline: no parent-death signal on this system", file=sys.stderr)
    if os.getppid() != parent:  # the parent died before the signal was armed
        return 1
    os.execvp(argv[3], argv[3:])
    return 1  # not reached: execvp replaces this process or raises


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
