"""Language of a page or a text (pure, no model downloads).

Declared language first (``<html lang>``); otherwise a script and
function-word heuristic over the languages peacewire covers. It separates
Ukrainian from Russian by the letters only one of them uses.
"""

from __future__ import annotations

import re
from collections import Counter

HTML_LANG = re.compile(r"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)
MIN_CYRILLIC = 50  # Cyrillic letters from which a text is Ukrainian, Russian ... (told apart by letters)
MIN_WORDS = 20  # fewer words than this: too short to tell a Latin-script language
WORD = re.compile(r"[^\W\d_]+")
UKRAINIAN_ONLY = set("іїєґ")
RUSSIAN_ONLY = set("ыэъё")
FUNCTION_WORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "with", "for", "was"},
    "de": {"der", "die", "das", "und", "nicht", "mit", "ist", "ein", "eine", "zu"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "dans", "pour", "du"},
    "es": {"el", "los", "las", "y", "del", "una", "por", "con", "para", "que"},
    "it": {"il", "della", "che", "di", "una", "per", "con", "sono", "gli", "non"},
    "pl": {"i", "w", "na", "nie", "się", "z", "do", "że", "jest", "to"},
    "pt": {"o", "os", "da", "do", "em", "uma", "não", "com", "que", "para"},
    "nl": {"de", "het", "een", "en", "van", "niet", "met", "zijn", "voor", "op"},
}


def html_language(html: str) -> str | None:
    match = HTML_LANG.search(html)
    return match.group(1).lower() if match else None


def _cyrillic(letters: Counter[str]) -> str:
    uk = sum(letters[c] for c in UKRAINIAN_ONLY)
    ru = sum(letters[c] for c in RUSSIAN_ONLY)
    return "uk" if uk > ru else "ru"


def detect_language(text: str) -> str | None:
    """ISO 639-1 code, or None when the text is too short to tell."""
    sample = text[:5000].lower()
    letters = Counter(sample)
    cyr = sum(n for c, n in letters.items() if "\u0400" <= c <= "\u04ff")
    if cyr > MIN_CYRILLIC:
        return _cyrillic(letters)
    words = Counter(WORD.findall(sample))
    if sum(words.values()) < MIN_WORDS:
        return None
    scores = {lang: sum(words[w] for w in fw) for lang, fw in FUNCTION_WORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else None
