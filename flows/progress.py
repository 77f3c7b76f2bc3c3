"""Progress of a long run for a terminal: the CLI installs a listener, the flows report to it.

Without a listener (a scheduled run, a pipe) nothing happens here: the flows' log
lines are the progress.
"""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, int, int | None], None]  # (what, done, total or None when unknown)
_listeners: list[Listener] = []  # the one listener installed, if any


def listen(listener: Listener | None) -> None:
    _listeners[:] = [listener] if listener is not None else []


def advance(what: str, done: int, total: int | None = None) -> None:
    for listener in _listeners:
        listener(what, done, total)
