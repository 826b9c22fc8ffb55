"""Themes across customer texts: TF-IDF, seeded NMF on a sample, c-TF-IDF keywords for labels.

The model is fitted on a seeded sample (50,000 texts by default) and then assigns every text
to its strongest theme in batches, so a million texts fit in memory and in minutes. Labels are
the theme's most distinctive word pair, or its two most distinctive words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from cxkit.errors import check_fitted

__all__ = ["Theme", "ThemeModel"]

_TOKENS = r"(?u)\b[a-zA-Z][a-zA-Z']+\b"
# Words that say how, not what: they would make every theme's label read "really bad".
_HOW_WORDS = (
    "really just like good great bad better best worst thanks thank love happy pleased "
    "disappointed honestly wow ugh terrible awful excellent brilliant nice lovely not will "
    "won't think twice expected recommended frustrating sort enough want say experience "
    "came went took"
)
_NOT_THEMES = frozenset(_HOW_WORDS.split())


@dataclass
class Theme:
    """One discovered theme."""

    theme_id: str
    label: str
    keywords: list[str]
    size: int = 0
    verbatims: list[str] = field(default_factory=list)


class ThemeModel:
    """Discover themes in texts (``fit``) and assign texts to them (``predict``).

    Parameters
    ----------
    n_themes
        Number of themes.
    sample_size
        Texts the vocabulary and the themes are learned from.
    seed
        Seed of the sample and the clustering: the same texts give the same themes.
    """

    def __init__(self, n_themes: int = 16, sample_size: int = 50_000, seed: int = 0) -> None:
        self.n_themes = n_themes
        self.sample_size = sample_size
        self.seed = seed

    def _vectorizer(self) -> object:
        from sklearn.feature_extraction.text import TfidfVectorizer

        stop = sorted(_english_stop_words() | _NOT_THEMES)
        return TfidfVectorizer(
            token_pattern=_TOKENS,
            stop_words=stop,
            ngram_range=(1, 2),
            min_df=3,
            max_df=0.5,
            max_features=20_000,
            sublinear_tf=True,
            dtype=np.float32,
        )

    def fit(self, texts: Sequence[str]) -> ThemeModel:
        """Learn the vocabulary and the themes from a seeded sample of ``texts``."""
        from sklearn.decomposition import NMF

        rng = np.random.default_rng(self.seed)
        pick = np.sort(rng.choice(len(texts), min(len(texts), self.sample_size), replace=False))
        sample = [texts[i] for i in pick]
        self.vectorizer_ = self._vectorizer()
        x = self.vectorizer_.fit_transform(sample)  # type: ignore[attr-defined]
        k = min(self.n_themes, x.shape[1])
        self.nmf_ = NMF(k, init="nndsvda", random_state=self.seed, max_iter=400)
        weights = self.nmf_.fit_transform(x)
        # Order themes by size so ids read T01 (largest) onwards, the same on every run.
        sizes = np.bincount(weights.argmax(axis=1), minlength=k)
        self.order_ = np.argsort(-sizes, kind="stable")
        labels = self._assign(weights)
        self.themes_ = self._describe(x, labels, weights[:, self.order_], sample)
        return self

    def _assign(self, weights: np.ndarray) -> np.ndarray:
        """Theme index per row of NMF weights; -1 where a text has no theme word."""
        ordered = weights[:, self.order_]
        return np.where(ordered.max(axis=1) > 0, ordered.argmax(axis=1), -1)

    def _describe(
        self, x: sparse.csr_matrix, labels: np.ndarray, weights: np.ndarray, sample: list[str]
    ) -> list[Theme]:
        k = weights.shape[1]
        vocab = self.vectorizer_.get_feature_names_out()  # type: ignore[attr-defined]
        kept = np.flatnonzero(labels >= 0)
        member = sparse.csr_matrix(
            (np.ones(len(kept), dtype=np.float32), (labels[kept], kept)),
            shape=(k, len(labels)),
        )
        counts = np.asarray((member @ (x > 0).astype(np.float32)).todense())
        # c-TF-IDF: a term's frequency in the theme, weighted by how rare it is across themes.
        tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        idf = np.log1p(counts.sum(axis=1).mean() / np.maximum(counts.sum(axis=0), 1))
        ctfidf = tf * idf
        themes = []
        for j in range(k):
            top = [str(vocab[i]) for i in np.argsort(-ctfidf[j])[:8] if ctfidf[j, i] > 0]
            members = np.flatnonzero(labels == j)
            closest = members[np.argsort(-weights[members, j], kind="stable")]
            verbatims: list[str] = []
            for i in closest:
                if sample[i] not in verbatims:
                    verbatims.append(sample[i])
                if len(verbatims) == 3:
                    break
            themes.append(Theme(f"T{j + 1:02d}", _label(top), top, len(members), verbatims))
        return themes

    def predict(self, texts: Sequence[str], batch_size: int = 50_000) -> np.ndarray:
        """Return the index of each text's theme in ``themes_``; -1 for texts with no theme word."""
        check_fitted(self, "themes_")
        out = np.empty(len(texts), dtype=np.int64)
        for start in range(0, len(texts), batch_size):
            x = self.vectorizer_.transform(texts[start : start + batch_size])  # type: ignore[attr-defined]
            out[start : start + batch_size] = self._assign(self.nmf_.transform(x))
        return out


def _label(keywords: list[str]) -> str:
    """Return the first word pair among the top keywords, else the top two words."""
    if not keywords:
        return "other"
    for word in keywords[:4]:
        if " " in word:
            return word
    return " / ".join(keywords[:2])


def _english_stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)
