"""Simulate customers, journeys, orders and support, vectorised over a chunk of customers.

Journeys are a Markov process over touchpoints (persona channel affinity, channel
stickiness, loops, drop-offs). Purchases follow a repeat-purchase-and-dropout process
(Poisson purchases while active, a dropout chance after each). A late delivery at the
planted pain-point touchpoint raises support contacts, lowers scores and raises dropout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cxkit.demo._world import (
    AGENTS,
    END,
    PAIN_BAD_SHARE,
    PERSONAS,
    START,
    TP,
    TP_CHANNEL,
    TP_STAGE,
)

__all__ = ["Chunk", "simulate_chunk"]

DAY = 86_400
_STAGE_TPS = [np.flatnonzero(s == TP_STAGE) for s in range(5)]
_SUPPORT = np.array([TP["support_chat"], TP["support_phone"], TP["support_email"]])
_TEAM = {"chat": 0, "phone": 1, "email": 2}
_AGENT_TEAM = np.array([_TEAM[a[1]] for a in AGENTS])
_AGENT_SPEED = np.array([a[2] for a in AGENTS])
_TOPICS = np.array(["billing", "returns", "product", "account", "delivery"])


@dataclass
class Chunk:
    """Columns of every table for one chunk of customers, as NumPy arrays."""

    customers: dict[str, np.ndarray]
    events: dict[str, list[np.ndarray]] = field(default_factory=dict)
    orders: dict[str, list[np.ndarray]] = field(default_factory=dict)
    tickets: dict[str, list[np.ndarray]] = field(default_factory=dict)
    deliveries: dict[str, list[np.ndarray]] = field(default_factory=dict)
    persona: np.ndarray = field(default_factory=lambda: np.empty(0, int))
    #: Late deliveries each customer suffered at the pain point.
    hurt: np.ndarray = field(default_factory=lambda: np.empty(0, int))
    converted_at: np.ndarray = field(default_factory=lambda: np.empty(0, "datetime64[s]"))

    def add(self, table: str, **cols: np.ndarray) -> None:
        """Append columns to ``table``."""
        store: dict[str, list[np.ndarray]] = getattr(self, table)
        for k, v in cols.items():
            store.setdefault(k, []).append(v)

    def column(self, table: str, name: str) -> np.ndarray:
        """Return the concatenated column ``name`` of ``table``."""
        return np.concatenate(getattr(self, table)[name])


def _pick(
    rng: np.random.Generator,
    aff: np.ndarray,
    tps: np.ndarray,
    prev_channel: np.ndarray | None = None,
) -> np.ndarray:
    """Pick one touchpoint of ``tps`` per row, by channel affinity, sticking to the channel."""
    w = aff[:, TP_CHANNEL[tps]]
    if prev_channel is not None:
        w = w * np.where(TP_CHANNEL[tps][None, :] == prev_channel[:, None], 2.5, 1.0)
    cum = np.cumsum(w, axis=1)
    u = rng.random(len(w)) * cum[:, -1]
    return tps[(cum < u[:, None]).sum(axis=1)]


def _seconds(rng: np.random.Generator, mean: float, n: int) -> np.ndarray:
    return rng.exponential(mean, n).astype("timedelta64[s]")


def simulate_chunk(rng: np.random.Generator, n: int) -> Chunk:
    """Simulate ``n`` customers with their journeys, orders and tickets."""
    weights = np.array([p.weight for p in PERSONAS])
    persona = rng.choice(len(PERSONAS), size=n, p=weights / weights.sum())
    aff = np.array([p.channels for p in PERSONAS])[persona]
    created = START + (rng.random(n) * 300 * DAY).astype("timedelta64[s]")
    chunk = Chunk(customers={"persona": persona, "created_at": created}, persona=persona)
    converted_at = _first_journey(rng, chunk, aff, created)
    chunk.converted_at = converted_at
    chunk.hurt = _orders(rng, chunk, aff, converted_at)
    return chunk


def _first_journey(
    rng: np.random.Generator, chunk: Chunk, aff: np.ndarray, created: np.ndarray
) -> np.ndarray:
    """Walk research -> evaluation -> purchase; return each customer's purchase time or NaT."""
    n = len(created)
    convert = np.array([p.convert for p in PERSONAS])[chunk.persona]
    idx = np.arange(n)
    tp = _pick(rng, aff, _STAGE_TPS[0])
    t = created.copy()
    session = np.zeros(n, dtype=np.int64)
    converted_at = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    active = np.ones(n, dtype=bool)
    for _ in range(12):
        a = np.flatnonzero(active)
        if not len(a):
            break
        chunk.add("events", customer=idx[a], tp=tp[a], ts=t[a], session=session[a])
        stage = TP_STAGE[tp[a]]
        r = rng.random(len(a))
        nxt = np.where(
            stage == 0,
            np.select([r < 0.25, r < 0.88], [0, 1], -1),
            np.select([stage == 2, r < 0.32, r < 0.32 + convert[a]], [-2, 1, 2], -1),
        )
        done = stage == 2
        converted_at[a[done]] = t[a[done]]
        active[a[nxt < 0]] = False
        go = a[nxt >= 0]
        nxt = nxt[nxt >= 0]
        new_tp = np.empty(len(go), dtype=np.int64)
        for s in (0, 1, 2):
            m = nxt == s
            if m.any():
                new_tp[m] = _pick(rng, aff[go[m]], _STAGE_TPS[s], TP_CHANNEL[tp[go[m]]])
        new_session = rng.random(len(go)) < 0.3
        gap = _seconds(rng, 240, len(go)) + np.where(
            new_session, _seconds(rng, 1.5 * DAY, len(go)), np.timedelta64(0, "s")
        )
        session[go] += new_session
        t[go] = t[go] + gap
        tp[go] = new_tp
    return converted_at


def _orders(
    rng: np.random.Generator, chunk: Chunk, aff: np.ndarray, converted_at: np.ndarray
) -> np.ndarray:
    """Run repeat purchases with dropout; return late deliveries suffered per customer."""
    n = len(converted_at)
    rate = np.array([p.rate for p in PERSONAS])[chunk.persona] * rng.gamma(2.0, 0.5, n) / 365.25
    dropout = np.clip(
        np.array([p.dropout for p in PERSONAS])[chunk.persona] * rng.gamma(4.0, 0.25, n), 0.01, 0.9
    )
    spend = np.array([p.spend for p in PERSONAS])[chunk.persona] * rng.gamma(6.0, 1 / 6, n)
    hurt = np.zeros(n, dtype=np.int64)
    alive = ~np.isnat(converted_at)
    t = converted_at.copy()
    for k in range(80):
        a = np.flatnonzero(alive)
        if not len(a):
            break
        if k == 0:
            purchase_tp = _purchase_tp_of_first(chunk, a)
        else:
            repeat_tp = _pick(rng, aff[a], _STAGE_TPS[4])
            purchase_tp = _pick(rng, aff[a], _STAGE_TPS[2], TP_CHANNEL[repeat_tp])
            t_repeat = t[a] - _seconds(rng, 1800, len(a))
            chunk.add("events", customer=a, tp=repeat_tp, ts=t_repeat, session=np.full(len(a), -k))
            chunk.add("events", customer=a, tp=purchase_tp, ts=t[a], session=np.full(len(a), -k))
        amount = np.round(spend[a] * rng.gamma(4.0, 0.25, len(a)), 2) + 1.0
        chunk.add("orders", customer=a, ts=t[a], amount=amount, tp=purchase_tp)
        bad = _post_purchase(rng, chunk, aff, a, t[a], purchase_tp, k)
        hurt[a] += bad
        drop = rng.random(len(a)) < dropout[a] + 0.35 * bad
        t[a] = t[a] + (rng.exponential(1.0, len(a)) / rate[a] * DAY).astype("timedelta64[s]")
        alive[a] = ~drop & (t[a] < END - np.timedelta64(DAY, "s"))
    return hurt


def _purchase_tp_of_first(chunk: Chunk, a: np.ndarray) -> np.ndarray:
    """Find, for customers ``a``, the purchase touchpoint that ended their first journey."""
    cust = chunk.column("events", "customer")
    tps = chunk.column("events", "tp")
    is_purchase = TP_STAGE[tps] == 2
    out = np.full(len(chunk.persona), -1)
    out[cust[is_purchase]] = tps[is_purchase]
    return out[a]


def _post_purchase(
    rng: np.random.Generator,
    chunk: Chunk,
    aff: np.ndarray,
    a: np.ndarray,
    t: np.ndarray,
    purchase_tp: np.ndarray,
    k: int,
) -> np.ndarray:
    """Emit confirmation, delivery, support and returns events; return late-delivery flags."""
    m = len(a)
    sess = np.full(m, 1000 + k)

    def visit(mask: np.ndarray, touchpoint: str, ts: np.ndarray, session: int) -> None:
        chunk.add(
            "events",
            customer=a[mask],
            tp=np.full(mask.sum(), TP[touchpoint]),
            ts=ts[mask],
            session=sess[mask] + session,
        )

    visit(rng.random(m) < 0.9, "order_confirmation", t + np.timedelta64(60, "s"), 0)
    in_store = TP_CHANNEL[purchase_tp] == TP_CHANNEL[TP["store_checkout"]]
    tracked = ~in_store & (rng.random(m) < 0.6)
    bad = tracked & (rng.random(m) < PAIN_BAD_SHARE)
    t_track = t + (rng.uniform(1, 3, m) * DAY).astype("timedelta64[s]")
    visit(tracked, "delivery_tracking", t_track, 1)
    chunk.add("deliveries", customer=a[tracked], ts=t_track[tracked], late=bad[tracked])
    visit(in_store & (rng.random(m) < 0.3), "store_pickup", t_track, 1)
    returns_ts = t + (rng.uniform(5, 9, m) * DAY).astype("timedelta64[s]")
    visit(rng.random(m) < 0.04 + 0.08 * bad, "returns_portal", returns_ts, 2)
    support = rng.random(m) < 0.08 + 0.5 * bad
    _support(rng, chunk, aff, a[support], t_track[support], bad[support], sess[support] + 3)
    return bad.astype(np.int64)


def _support(
    rng: np.random.Generator,
    chunk: Chunk,
    aff: np.ndarray,
    a: np.ndarray,
    t: np.ndarray,
    bad: np.ndarray,
    sess: np.ndarray,
) -> None:
    """Emit support contacts (with channel ping-pong) and one ticket per problem."""
    m = len(a)
    if not m:
        return
    first = _pick(rng, aff[a], _SUPPORT)
    created = t + _seconds(rng, 6 * 3600, m)
    contacts = np.ones(m, dtype=np.int64)
    current, ts = first.copy(), created.copy()
    going = np.ones(m, dtype=bool)
    chunk.add("events", customer=a, tp=first, ts=created, session=sess)
    for _ in range(3):
        going &= rng.random(m) < 0.2 + 0.35 * bad
        g = np.flatnonzero(going)
        if not len(g):
            break
        switch = rng.random(len(g)) < 0.6
        other = _SUPPORT[(np.searchsorted(_SUPPORT, current[g]) + rng.integers(1, 3, len(g))) % 3]
        current[g] = np.where(switch, other, current[g])
        ts[g] = ts[g] + _seconds(rng, DAY, len(g))
        contacts[g] += 1
        chunk.add("events", customer=a[g], tp=current[g], ts=ts[g], session=sess[g] + contacts[g])
    team = np.searchsorted(_SUPPORT, first)
    agent = np.empty(m, dtype=np.int64)
    for tm in range(3):
        sel = team == tm
        pool = np.flatnonzero(tm == _AGENT_TEAM)
        agent[sel] = pool[rng.integers(len(pool), size=int(sel.sum()))]
    speed = _AGENT_SPEED[agent]
    frt_median = np.array([90.0, 60.0, 4 * 3600.0])[team]
    frt = frt_median * rng.lognormal(0, 0.6, m) * speed
    handle = np.array([1200.0, 900.0, DAY])[team] * contacts * rng.lognormal(0, 0.5, m)
    art = frt + handle * speed * (1 + (contacts - 1) * 1.5)
    open_late = created > END - np.timedelta64(5 * DAY, "s")
    unresolved = rng.random(m) < np.where(open_late, 0.5, 0.02)
    topic = np.where(bad, "delivery", _TOPICS[rng.integers(len(_TOPICS), size=m)])
    chunk.add(
        "tickets",
        customer=a,
        tp=first,
        agent=agent,
        created=created,
        frt=frt.astype("timedelta64[s]"),
        art=art.astype("timedelta64[s]"),
        contacts=contacts,
        unresolved=unresolved,
        bad=bad,
        topic=topic,
        slow=speed > 1,
    )
