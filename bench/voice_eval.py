"""Sentiment accuracy beside VADER: leave-one-corpus-out on the labelled corpora, the CX check set.

Usage: ``python bench/voice_eval.py [--data ../shared/data] [--train]``. With ``--train`` it
also refits the model on all corpora and writes the weights cxkit ships
(``src/cxkit/voice/data/sentiment.json.gz``). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd

from cxkit.voice import default_model
from cxkit.voice._corpora import evaluate_loco, load_corpora, train_model, vader_scores

ROOT = Path(__file__).resolve().parents[1]
CHECK_SET = ROOT / "tests" / "data" / "cx_sentences.tsv"
SHIPPED = ROOT / "src" / "cxkit" / "voice" / "data" / "sentiment.json.gz"


def cx_check(model=None) -> dict[str, float]:
    """Three-class accuracy on the CX check set, cxkit against VADER (+-0.05 thresholds)."""
    df = pd.read_csv(CHECK_SET, sep="\t", quoting=csv.QUOTE_NONE)
    model = model or default_model()
    ours = model.label(model.predict(df.text.tolist()))
    vc = vader_scores(df.text.tolist())
    vader = np.select([vc <= -0.05, vc >= 0.05], ["negative", "positive"], "neutral")
    return {
        "sentences": len(df),
        "acc_cxkit": round(float((ours == df.label).mean()), 3),
        "acc_vader": round(float((vader == df.label).mean()), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--train", action="store_true")
    args = parser.parse_args()
    corpora = load_corpora(args.data)
    model = None
    if args.train:
        model = train_model(corpora)
        model.save(SHIPPED)
    loco = evaluate_loco(corpora).round(3)
    print(
        json.dumps(
            {
                "loco": loco.to_dict(orient="records"),
                "cx_check": cx_check(model),
            }
        )
    )


if __name__ == "__main__":
    main()
