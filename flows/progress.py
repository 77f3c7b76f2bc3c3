"""Progress of a long run for a terminal: the CLI installs a listener, the flows report to it.

Without a listener (a scheduled run, a pipe) nothing happens here: the flows' log
lines are the progress.
"""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, int, int | None], None]  # (what, done, total or None when unknown)
_listener: Listener | None = None


def listen(listener: Listener | None) -> None:
    global _listener
    _listener = listener


def advance(what: str, done: int, total: int | None = None) -> None:
    if _listener is not None:
        _listener(what, done, total)
