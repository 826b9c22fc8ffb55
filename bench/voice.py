"""Voice of customer at scale: sentiment and theme discovery on 1M texts, beside VADER.

Texts are the demo company's comments and the labelled corpora, repeated to 1,000,000.
Sentiment throughput is on one core (plain Python, like VADER); VADER is timed on a
100,000-text slice of the same texts in the same run. Prints one JSON line.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from _common import scratch_demo
from cxkit.voice import ThemeModel, default_model
from cxkit.voice._corpora import load_corpora

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def main() -> None:
    with scratch_demo(customers=20_000) as ws:
        from cxkit.voice import texts

        demo = texts(ws).text.to_pyarrow().to_pylist()
    labelled = [t for df in load_corpora(DATA).values() for t in df.text]
    base = demo + labelled
    corpus = [base[i % len(base)] for i in np.random.default_rng(0).permutation(N)]

    model = default_model()
    t0 = time.perf_counter()
    scores = model.predict(corpus)
    ours = time.perf_counter() - t0

    sia = SentimentIntensityAnalyzer()
    piece = corpus[:100_000]
    t0 = time.perf_counter()
    for t in piece:
        sia.polarity_scores(t)
    vader = time.perf_counter() - t0

    t0 = time.perf_counter()
    themes = ThemeModel().fit(corpus)
    assigned = themes.predict(corpus)
    theme_s = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "texts": N,
                "sentiment_s": round(ours, 2),
                "sentiment_texts_per_s": round(N / ours),
                "vader_texts_per_s": round(len(piece) / vader),
                "ratio_vs_vader": round((N / ours) / (len(piece) / vader), 2),
                "themes": len(themes.themes_),
                "themes_s": round(theme_s, 2),
                "assigned": int((assigned >= 0).sum()),
                "mean_score": round(float(np.mean(scores)), 3),
                "peak_rss_mb": round(peak_mb),
            }
        )
    )


if __name__ == "__main__":
    main()
