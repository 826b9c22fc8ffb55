"""CLV model fitting speed: cxkit's BG/NBD and Gamma-Gamma vs `lifetimes`, in one run.

Data: 1,000,000 customers drawn from the BG/NBD and Gamma-Gamma generative processes
with the CDNOW parameters (39-week calibration, first purchases spread over 12 weeks), so
both libraries fit the same summary. Both start from their own defaults and fit by
maximum likelihood; the parameters must agree. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd

from cxkit.predict import BGNBD, GammaGamma

CUSTOMERS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
TRUE = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
SPEND = {"p": 6.25, "q": 3.74, "v": 15.44}


def simulate(n: int, seed: int = 0) -> pd.DataFrame:
    """Draw ``n`` customers' (frequency, recency, T, monetary value) from the two models."""
    rng = np.random.default_rng(seed)
    big_t = 39.0 - rng.uniform(0, 12, n)
    lam = rng.gamma(TRUE["r"], 1 / TRUE["alpha"], n)
    p = rng.beta(TRUE["a"], TRUE["b"], n)
    x = np.zeros(n, dtype=np.int64)
    t_x = np.zeros(n)
    t = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        i = np.flatnonzero(alive)
        t[i] += rng.exponential(1 / lam[i])
        bought = t[i] < big_t[i]
        j = i[bought]
        x[j] += 1
        t_x[j] = t[j]
        alive[i[~bought]] = False
        alive[j] = rng.random(len(j)) >= p[j]
    nu = rng.gamma(SPEND["q"], 1 / SPEND["v"], n)
    spend = np.where(
        x > 0, rng.gamma(SPEND["p"] * np.maximum(x, 1), 1.0) / nu / np.maximum(x, 1), 0
    )
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": big_t, "monetary_value": spend})


def timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    d = simulate(CUSTOMERS)
    rep = d[d.frequency > 0]
    bg, t_bg = timed(lambda: BGNBD().fit(d.frequency, d.recency, d["T"]))
    gg, t_gg = timed(lambda: GammaGamma().fit(rep.frequency, rep.monetary_value))
    lbg, t_lbg = timed(lambda: BetaGeoFitter().fit(d.frequency, d.recency, d["T"]))
    lgg, t_lgg = timed(lambda: GammaGammaFitter().fit(rep.frequency, rep.monetary_value))
    lt_bg = {k: float(v) for k, v in lbg.params_.items()}
    lt_gg = {k: float(v) for k, v in lgg.params_.items()}
    gap = max(
        *(abs(bg.params_[k] / lt_bg[k] - 1) for k in TRUE),
        *(abs(gg.params_[k] / lt_gg[k] - 1) for k in SPEND),
    )
    ours, theirs = t_bg + t_gg, t_lbg + t_lgg
    print(
        json.dumps(
            {
                "bench": "clv",
                "customers": CUSTOMERS,
                "repeat_customers": len(rep),
                "cxkit_bgnbd_s": round(t_bg, 3),
                "cxkit_gamma_gamma_s": round(t_gg, 3),
                "lifetimes_bgnbd_s": round(t_lbg, 3),
                "lifetimes_gamma_gamma_s": round(t_lgg, 3),
                "speedup": round(theirs / ours, 1),
                "bgnbd_params": {k: round(v, 4) for k, v in bg.params_.items()},
                "gamma_gamma_params": {k: round(v, 4) for k, v in gg.params_.items()},
                "max_relative_gap_to_lifetimes": float(f"{gap:.2e}"),
            }
        )
    )


if __name__ == "__main__":
    main()
