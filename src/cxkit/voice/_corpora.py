"""The human-labelled sentiment corpora the model is trained and evaluated on.

Read from a data folder laid out as ``../shared/data`` (see its MANIFEST.md): VADER's four
rated corpora (mean rating -4..4, scaled to -1..1) and the three UCI labelled-sentence sets
(0/1, scaled to -0.6/0.6, a typical strongly-rated sentence on VADER's scale).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import pearsonr

from cxkit.voice._sentiment import SentimentModel

__all__ = ["CORPORA", "evaluate_loco", "load_corpora", "train_model", "vader_scores"]

CORPORA: tuple[str, ...] = (
    "tweets",
    "movie_reviews",
    "amazon_reviews",
    "nyt_editorials",
    "uci_amazon",
    "uci_yelp",
    "uci_imdb",
)
_VADER_FILES = {
    "tweets": "tweets",
    "movie_reviews": "movieReviewSnippets",
    "amazon_reviews": "amazonReviewSnippets",
    "nyt_editorials": "nytEditorialSnippets",
}
_UCI_FILES = {"uci_amazon": "amazon_cells", "uci_yelp": "yelp", "uci_imdb": "imdb"}
_UCI_SCALE = 0.6


def load_corpora(data_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Return each corpus as a frame of ``text`` and rating ``y`` in [-1, 1]."""
    data = Path(data_dir)
    out: dict[str, pd.DataFrame] = {}
    for name, stem in _VADER_FILES.items():
        df = pd.read_csv(
            data / "vader_groundtruth" / f"{stem}_GroundTruth.txt",
            sep="\t",
            header=None,
            names=["id", "rating", "text"],
            quoting=csv.QUOTE_NONE,
            encoding_errors="replace",
        )
        out[name] = pd.DataFrame({"text": df.text.astype(str).str.strip(), "y": df.rating / 4})
    for name, stem in _UCI_FILES.items():
        df = pd.read_csv(
            data / "uci_sentiment" / f"{stem}_labelled.txt",
            sep="\t",
            header=None,
            names=["text", "label"],
            quoting=csv.QUOTE_NONE,
        )
        out[name] = pd.DataFrame(
            {"text": df.text.astype(str), "y": (df.label * 2 - 1) * _UCI_SCALE}
        )
    return out


def train_model(corpora: dict[str, pd.DataFrame], **params: float) -> SentimentModel:
    """Fit a model on all the given corpora."""
    both = pd.concat(corpora.values(), ignore_index=True)
    return SentimentModel(**params).fit(both.text.tolist(), both.y.to_numpy())  # type: ignore[arg-type]


def vader_scores(texts: list[str]) -> np.ndarray:
    """Return VADER's compound score per text (the peer the model is measured against)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    return np.array([sia.polarity_scores(t)["compound"] for t in texts])


def evaluate_loco(corpora: dict[str, pd.DataFrame], **params: float) -> pd.DataFrame:
    """Leave-one-corpus-out: train on the others, score the held-out one, beside VADER.

    Returns one row per corpus with Pearson r against the human ratings and the accuracy
    of the sign (texts rated exactly 0 left out), for the model and for VADER.
    """
    rows = []
    for held, test in corpora.items():
        model = train_model({k: v for k, v in corpora.items() if k != held}, **params)
        texts, y = test.text.tolist(), test.y.to_numpy()
        ours, vader = model.predict(texts), vader_scores(texts)
        rated = y != 0
        rows.append(
            {
                "corpus": held,
                "texts": len(texts),
                "r_cxkit": float(pearsonr(ours, y)[0]),
                "r_vader": float(pearsonr(vader, y)[0]),
                "acc_cxkit": float((np.sign(ours) == np.sign(y))[rated].mean()),
                "acc_vader": float((np.sign(vader) == np.sign(y))[rated].mean()),
            }
        )
    return pd.DataFrame(rows)
