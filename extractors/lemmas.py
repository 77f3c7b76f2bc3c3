"""Words and their lemmas (pure, offline): simplemma's dictionaries ship in its wheel.

A text is cut into words (letters and digits, an apostrophe inside a word kept: "перемир'я"), each word
is lemmatised in the article's language and folded like the matcher's text (case, diacritics). A lemma
that does not start like its word is not used (the word stands for itself): simplemma reads Italian
"nato" as "nascere" and "È" as "essere", and NATO must not become a verb.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamDictionaryFactory

# The inflecting languages, whose case endings a hand-made list cannot cover: Ukrainian, Russian, Polish,
# German, and the corpus's other Slavic ones. English, French, Spanish, Italian... are matched by surface:
# their lemmas merge the taxonomy's nouns with common verbs ("according" -> accord, "found" -> fund,
# "planning" -> plan, French "a" and "avons" -> "avoir", the lemma of "avoirs", assets), which the
# plural forms already listed do not need (docs/labels.md).
LANGUAGES = frozenset({"uk", "ru", "pl", "de", "cs", "sk", "sl", "bg"})
WORD = re.compile(r"\w+(?:'\w+)*")
# A lemma must share this many first letters with its word (or the whole word, when shorter).
SHARED_PREFIX = 3
# simplemma's stream dictionaries: the eight languages' dictionaries take 127 MB in a process this way, 866 MB
# as plain dicts (Polish alone 424 MB). Lookups are slower, but each word is looked up once per process.
_SIMPLEMMA = Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=StreamDictionaryFactory()))


def supported(language: str | None) -> bool:
    return language in LANGUAGES


class Lemmatiser:
    """Folded lemmas of one language's words, each looked up once (a dictionary afterwards)."""

    def __init__(self, language: str, fold: Callable[[str], str]) -> None:
        self.language = language
        self.fold = fold
        self.cache: dict[str, str] = {}

    def lemma(self, word: str) -> str:
        found = self.cache.get(word)
        if found is None:
            found = self.cache[word] = self._lookup(word)
        return found

    def _lookup(self, word: str) -> str:
        plain = self.fold(word).lower()
        found = self.fold(_SIMPLEMMA.lemmatize(word, lang=self.language)).lower()
        keep = min(SHARED_PREFIX, len(plain))
        return found if found[:keep] == plain[:keep] else plain

    def words(self, text: str) -> tuple[list[tuple[int, int]], list[str]]:
        """The words of a text: their spans (offsets into text) and their lemmas."""
        spans = [m.span() for m in WORD.finditer(text)]
        get, cache = self.lemma, self.cache
        return spans, [cache.get(text[a:b]) or get(text[a:b]) for a, b in spans]

    def key(self, term: str) -> str:
        """A term's words as lemmas, one space apart ("security guarantees" -> "security guarantee")."""
        return " ".join(self.lemma(w) for w in WORD.findall(term))
