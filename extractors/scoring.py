"""The article-extraction benchmark's metric (Scrapinghub / Zyte), implemented from its description (pure).

Tokens are maximal runs of word characters (case kept); a document is the
multiset of its word 4-shingles (a text of 1-3 tokens is one shorter shingle);
per document TP = common shingles, FP = surplus in the prediction, FN =
surplus in the truth. Corpus precision is the mean per-document precision over
non-empty predictions, corpus recall the mean per-document recall over
non-empty truths, F1 = 2PR/(P+R) of those means; accuracy = share of documents
whose token sequence equals the truth's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

TOKEN = re.compile(r"\w+")
N = 4


@dataclass(frozen=True)
class DocScore:
    precision: float | None  # None when the prediction is empty
    recall: float | None  # None when the truth is empty
    exact: bool


@dataclass(frozen=True)
class CorpusScore:
    f1: float
    precision: float
    recall: float
    accuracy: float
    documents: int


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < N:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + N]) for i in range(len(tokens) - N + 1))


def score_document(prediction: str, truth: str) -> DocScore:
    pred, true = shingles(prediction), shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    precision = (tp / (tp + fp) if tp + fp else 1.0) if pred else None
    recall = (tp / (tp + fn) if tp + fn else 1.0) if true else None
    return DocScore(precision, recall, TOKEN.findall(prediction or "") == TOKEN.findall(truth or ""))


def score_corpus(docs: Sequence[DocScore]) -> CorpusScore:
    ps = [d.precision for d in docs if d.precision is not None]
    rs = [d.recall for d in docs if d.recall is not None]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    accuracy = sum(d.exact for d in docs) / len(docs) if docs else 0.0
    return CorpusScore(f1, p, r, accuracy, len(docs))
