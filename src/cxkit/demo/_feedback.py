"""Survey answers, reviews and social mentions whose words match their scores.

Scores follow the experience (persona mood, late deliveries, contacts, agent speed); the
comment's theme follows the touchpoint and its tone follows the score.
"""

from __future__ import annotations

import numpy as np

from cxkit.demo._simulate import DAY, Chunk
from cxkit.demo._text import THEMES, TextPools
from cxkit.demo._world import END, PERSONAS, SPIKE_DATE, SPIKE_THEME, START, TP, TP_NAMES

__all__ = ["feedback", "responses"]

_THEME_NAMES = np.array(list(THEMES))
_GENERAL = np.array([0.1, 0.05, 0.1, 0.25, 0.25, 0.1, 0.1, 0.05])  # weights over THEMES


def _blank_where(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Return ``values`` as objects with None where ``mask`` is set (an empty CSV cell)."""
    out = values.astype(object)
    out[mask] = None
    return out


def _tone(norm: np.ndarray) -> np.ndarray:
    """Tone of a comment from a score scaled to 0-1."""
    return np.select([norm <= 0.4, norm < 0.75], ["negative", "mixed"], "positive").astype(object)


def _general_themes(rng: np.random.Generator, n: int) -> np.ndarray:
    return _THEME_NAMES[rng.choice(len(_THEME_NAMES), size=n, p=_GENERAL / _GENERAL.sum())]


def responses(rng: np.random.Generator, chunk: Chunk, pools: TextPools) -> dict[str, np.ndarray]:
    """Return NPS, CSAT and CES answers with comments for one chunk."""
    mood = np.array([p.mood for p in PERSONAS])[chunk.persona]
    parts: list[dict[str, np.ndarray]] = []

    # CSAT and CES after support tickets.
    tk = {k: chunk.column("tickets", k) for k in chunk.tickets} if chunk.tickets else {}
    if tk:
        n = len(tk["customer"])
        resolved_ts = tk["created"] + tk["art"]
        csat = np.clip(
            np.round(
                4.7
                + mood[tk["customer"]] / 3
                - 0.8 * tk["bad"]
                - 0.4 * (tk["contacts"] - 1)
                - 1.4 * tk["slow"]
                - 1.0 * tk["unresolved"]
                + rng.normal(0, 0.7, n)
            ),
            1,
            5,
        )
        answered = rng.random(n) < 0.6
        chunk.tickets["csat"] = [np.where(answered, csat, np.nan)]
        theme = np.where(tk["bad"] & (rng.random(n) < 0.6), "late delivery", "support")
        parts.append(
            _part(
                "csat",
                "csat-support",
                tk["customer"],
                csat,
                (csat - 1) / 4,
                tk["tp"],
                resolved_ts,
                theme,
                answered,
            )
        )
        ces = np.clip(
            np.round(
                5.8
                - 1.1 * (tk["contacts"] - 1)
                - 1.5 * tk["bad"]
                - 1.0 * tk["slow"]
                + rng.normal(0, 0.9, n)
            ),
            1,
            7,
        )
        parts.append(
            _part(
                "ces",
                "ces-support",
                tk["customer"],
                ces,
                (ces - 1) / 6,
                tk["tp"],
                resolved_ts + np.timedelta64(60, "s"),
                theme,
                rng.random(n) < 0.3,
            )
        )
    # CSAT at delivery tracking: the planted pain point.
    dc, dts, late = (chunk.column("deliveries", k) for k in ("customer", "ts", "late"))
    n = len(dc)
    score = np.clip(np.round(np.where(late, 1.7, 4.4) + mood[dc] / 4 + rng.normal(0, 0.7, n)), 1, 5)
    parts.append(
        _part(
            "csat",
            "csat-delivery",
            dc,
            score,
            (score - 1) / 4,
            np.full(n, TP["delivery_tracking"]),
            dts + np.timedelta64(3600, "s"),
            np.full(n, "late delivery"),
            rng.random(n) < 0.35,
        )
    )
    # CSAT after checkout.
    oc, ots, otp = (chunk.column("orders", k) for k in ("customer", "ts", "tp"))
    n = len(oc)
    score = np.clip(np.round(4.2 + mood[oc] / 4 + rng.normal(0, 0.8, n)), 1, 5)
    theme = _THEME_NAMES[rng.choice([5, 3, 4, 6], size=n)]
    parts.append(
        _part(
            "csat",
            "csat-checkout",
            oc,
            score,
            (score - 1) / 4,
            otp,
            ots + np.timedelta64(300, "s"),
            theme,
            rng.random(n) < 0.12,
        )
    )
    # Relationship NPS, once, for 40% of buyers.
    buyers = np.flatnonzero(~np.isnat(chunk.converted_at))
    n = len(buyers)
    hurt = np.minimum(chunk.hurt[buyers], 2)
    nps = np.clip(np.round(7.6 + 1.3 * mood[buyers] - 2.6 * hurt + rng.normal(0, 1.6, n)), 0, 10)
    span = (END - chunk.converted_at[buyers]).astype(np.int64)
    ts = chunk.converted_at[buyers] + (rng.random(n) * span).astype("timedelta64[s]")
    theme = np.where((hurt > 0) & (rng.random(n) < 0.7), "late delivery", _general_themes(rng, n))
    parts.append(
        _part(
            "nps",
            "nps-relationship",
            buyers,
            nps,
            nps / 10,
            np.full(n, -1),
            ts,
            theme,
            rng.random(n) < 0.4,
        )
    )
    out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    comments = pools.sample(out.pop("theme"), _tone(out.pop("norm")), rng)
    out["comment"] = _blank_where(rng.random(len(comments)) >= 0.55, comments)
    return out


def _part(
    kind: str,
    survey: str,
    customer: np.ndarray,
    score: np.ndarray,
    norm: np.ndarray,
    tp: np.ndarray,
    ts: np.ndarray,
    theme: np.ndarray,
    keep: np.ndarray,
) -> dict[str, np.ndarray]:
    keep = keep & (ts < END)
    tp = tp[keep]
    return {
        "kind": np.full(keep.sum(), kind, dtype=object),
        "survey_id": np.full(keep.sum(), survey, dtype=object),
        "customer": customer[keep],
        "score": score[keep].astype(np.int64),
        "norm": norm[keep],
        "tp": tp,
        "ts": ts[keep],
        "theme": theme[keep].astype(object),
    }


def feedback(
    rng: np.random.Generator, chunk: Chunk, pools: TextPools, total_customers: int
) -> dict[str, np.ndarray]:
    """Return reviews after orders and social mentions (with the planted spike)."""
    mood = np.array([p.mood for p in PERSONAS])[chunk.persona]
    oc, ots, otp = (chunk.column("orders", k) for k in ("customer", "ts", "tp"))
    n_orders = len(oc)
    review = rng.random(n_orders) < 0.07
    hurt_c = chunk.hurt[oc] > 0
    late = hurt_c & (rng.random(n_orders) < 0.7)
    rating = np.clip(
        np.round(np.where(late, 1.8, 4.1) + mood[oc] / 3 + rng.normal(0, 0.8, n_orders)), 1, 5
    )
    theme = np.where(late, "late delivery", _THEME_NAMES[rng.choice([4, 3, 5], size=n_orders)])
    r = {
        "source": np.full(review.sum(), "review", dtype=object),
        "customer": oc[review].astype(np.int64),
        "ts": ots[review] + (rng.uniform(4, 10, review.sum()) * DAY).astype("timedelta64[s]"),
        "tp": np.where(late[review], TP["delivery_tracking"], otp[review]),
        "rating": rating[review],
        "theme": theme[review].astype(object),
        "norm": (rating[review] - 1) / 4,
        "engagement": np.ones(review.sum()),
    }
    # Social mentions: a weekly rhythm, authors weighted by their persona's social habit.
    social = np.array([p.social for p in PERSONAS])[chunk.persona]
    days = np.arange(START.astype("datetime64[D]"), END.astype("datetime64[D]"))
    weekday = (days.astype(np.int64) + 3) % 7  # 0 = Monday
    per_day = len(chunk.persona) * 0.0012 * np.where(weekday >= 5, 1.35, 1.0)
    counts = rng.poisson(per_day)
    spike = days == SPIKE_DATE
    spike_n = rng.poisson(per_day[spike] * 7.0).sum()
    day_of = np.concatenate([np.repeat(days, counts), np.full(spike_n, SPIKE_DATE)])
    n = len(day_of)
    is_spike = np.arange(n) >= n - spike_n
    author = rng.choice(len(social), size=n, p=social / social.sum())
    tone = np.where(
        is_spike,
        "negative",
        rng.choice(["positive", "negative", "mixed"], size=n, p=[0.45, 0.35, 0.2]),
    )
    theme = np.where(
        is_spike,
        SPIKE_THEME,
        np.where(chunk.hurt[author] > 0, "late delivery", _general_themes(rng, n)),
    )
    norm = np.select([tone == "negative", tone == "mixed"], [0.1, 0.5], 0.9)
    s = {
        "source": np.full(n, "social", dtype=object),
        "customer": np.where(rng.random(n) < 0.8, author, -1),
        "ts": day_of.astype("datetime64[s]") + rng.integers(0, DAY, n).astype("timedelta64[s]"),
        "tp": np.where(is_spike, TP["app_checkout"], -1),
        "rating": np.full(n, np.nan),
        "theme": theme.astype(object),
        "norm": norm,
        "engagement": np.where(is_spike, 4.0, 1.0),
    }
    out = {k: np.concatenate([r[k], s[k]]) for k in r}
    eng = out.pop("engagement")
    out["likes"] = rng.negative_binomial(1, 1 / (1 + 6 * eng))
    out["shares"] = rng.negative_binomial(1, 1 / (1 + 1.5 * eng))
    out["comments"] = rng.negative_binomial(1, 1 / (1 + 2 * eng))
    out["text"] = pools.sample(out.pop("theme"), _tone(out.pop("norm")), rng)
    tp = out.pop("tp")
    out["tp_name"] = _blank_where(tp < 0, TP_NAMES[np.maximum(tp, 0)])
    keep = out["ts"] < END
    return {k: v[keep] for k, v in out.items()}
