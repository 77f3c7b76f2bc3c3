"""Moved to extractors.model; kept for bench/eval_real.py (issue 14 owns it), which imports Item, Page."""

from extractors.model import Item, Page

__all__ = ["Item", "Page"]
