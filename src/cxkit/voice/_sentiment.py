"""Sentiment of customer texts: a linear model on n-grams and lexicon rules, with shipped weights.

The score is a blend of the rule-based lexicon valence (which generalises to any domain)
and a ridge regression on word n-grams plus that valence (which learns the corpora's usage),
clipped to [-1, 1]. Scoring is plain Python over one dict of weights: no download and no
heavy import at run time.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxkit.errors import check_fitted
from cxkit.voice._features import TextFeatures, analyse
from cxkit.voice._lexicon import Lexicon, default_lexicon

__all__ = ["LABELS", "SentimentModel", "default_model", "sentiment"]

#: Labels in order of the score.
LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")

_FORMAT = "cxkit-sentiment/1"


def _dense(f: TextFeatures) -> tuple[float, float, float]:
    return f.compound, math.tanh(f.positive / 4), math.tanh(f.negative / 4)


class SentimentModel:
    """Ridge regression on word n-grams and lexicon valence, blended with the valence.

    Parameters
    ----------
    alpha
        Ridge penalty.
    blend
        Weight of the rule-based valence in the final score (the rest is the regression's).
    min_df
        An n-gram must occur in this many training texts to get a weight.
    neutral
        Scores with an absolute value below this are labelled neutral.
    """

    def __init__(
        self, alpha: float = 1.0, blend: float = 0.4, min_df: int = 2, neutral: float = 0.1
    ) -> None:
        self.alpha = alpha
        self.blend = blend
        self.min_df = min_df
        self.neutral = neutral

    @property
    def lexicon(self) -> Lexicon:
        """The valence lexicon: VADER's overlaid by cxkit's CX words (shared, loaded once)."""
        return default_lexicon()

    def fit(self, texts: Sequence[str], y: Sequence[float] | np.ndarray) -> SentimentModel:
        """Learn n-gram and lexicon weights from texts rated in [-1, 1]."""
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.linear_model import Ridge
        from sklearn.preprocessing import normalize

        feats = [analyse(t, self.lexicon) for t in texts]
        vec = CountVectorizer(analyzer=_grams_of, min_df=self.min_df, binary=True)
        grams = normalize(vec.fit_transform(feats))
        dense = csr_matrix(np.array([_dense(f) for f in feats]))
        reg = Ridge(alpha=self.alpha).fit(hstack([grams, dense]).tocsr(), np.asarray(y))
        coef = reg.coef_
        names = vec.get_feature_names_out()
        self.intercept_ = float(reg.intercept_)
        self.gram_coef_ = {str(g): float(w) for g, w in zip(names, coef[: len(names)], strict=True)}
        self.dense_coef_ = tuple(float(w) for w in coef[len(names) :])
        return self

    def _score(self, f: TextFeatures) -> float:
        coef = self.gram_coef_
        seen = dict.fromkeys(g for g in f.grams if g in coef)  # ordered: same sum every run
        learned = self.intercept_ + sum(
            w * x for w, x in zip(self.dense_coef_, _dense(f), strict=True)
        )
        if seen:
            learned += sum(coef[g] for g in seen) / math.sqrt(len(seen))
        score = self.blend * f.compound + (1 - self.blend) * learned
        return -1.0 if score < -1 else 1.0 if score > 1 else score

    def predict(self, texts: Iterable[str | None]) -> np.ndarray:
        """Return a score in [-1, 1] per text; empty or missing texts score 0."""
        check_fitted(self, "gram_coef_")
        lex = self.lexicon
        return np.fromiter(
            (self._score(analyse(t, lex)) if t else 0.0 for t in texts), dtype=np.float64
        )

    def label(self, scores: np.ndarray) -> np.ndarray:
        """Return negative, neutral or positive per score."""
        return np.select(
            [scores <= -self.neutral, scores >= self.neutral], [LABELS[0], LABELS[2]], LABELS[1]
        ).astype(object)

    def save(self, path: str | Path) -> None:
        """Write the weights as gzipped JSON."""
        doc = {
            "format": _FORMAT,
            "alpha": self.alpha,
            "blend": self.blend,
            "min_df": self.min_df,
            "neutral": self.neutral,
            "intercept": self.intercept_,
            "dense": list(self.dense_coef_),
            "grams": {g: round(w, 5) for g, w in self.gram_coef_.items() if abs(w) >= 1e-4},
        }
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump(doc, fh, separators=(",", ":"), sort_keys=True)

    @classmethod
    def load(cls, source: str | Path | Any) -> SentimentModel:
        """Read weights written by :meth:`save` (a path or a package resource)."""
        with source.open("rb") if hasattr(source, "open") else open(source, "rb") as raw:
            doc = json.loads(gzip.decompress(raw.read()))
        if doc.get("format") != _FORMAT:
            raise ValueError(f"not a cxkit sentiment model: {source}")
        model = cls(doc["alpha"], doc["blend"], doc["min_df"], doc["neutral"])
        model.intercept_ = doc["intercept"]
        model.dense_coef_ = tuple(doc["dense"])
        model.gram_coef_ = doc["grams"]
        return model


def _grams_of(f: TextFeatures) -> list[str]:
    return f.grams


@functools.cache
def default_model() -> SentimentModel:
    """Return the model shipped with cxkit (trained by ``bench/voice_eval.py --train``)."""
    return SentimentModel.load(resources.files("cxkit.voice").joinpath("data/sentiment.json.gz"))


def sentiment(texts: Iterable[str | None], model: SentimentModel | None = None) -> pd.DataFrame:
    """Score texts: a frame with ``score`` in [-1, 1] and ``label``, one row per text.

    Examples
    --------
    >>> sentiment(["The delivery was late and support never answered."]).label.tolist()
    ['negative']
    """
    model = model or default_model()
    scores = model.predict(texts)
    return pd.DataFrame({"score": scores, "label": model.label(scores)})
