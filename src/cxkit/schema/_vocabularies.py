"""Default vocabularies of CX practice: channels, stages, score scales, sources.

They are data, not code, so a workspace's ``cx.toml`` can extend them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CHANNELS",
    "FEEDBACK_SOURCES",
    "ORDER_STATUSES",
    "SCORE_SCALES",
    "STAGES",
    "ScoreScale",
    "default_vocabularies",
]

#: Digital and physical channels (omnichannel).
CHANNELS: tuple[str, ...] = ("web", "app", "email", "phone", "chat", "store", "social")

#: Journey stages, in order.
STAGES: tuple[str, ...] = ("research", "evaluation", "purchase", "post_purchase", "repeat_purchase")

FEEDBACK_SOURCES: tuple[str, ...] = ("review", "social", "email", "chat", "forum", "survey")

ORDER_STATUSES: tuple[str, ...] = ("completed", "pending", "cancelled", "returned")


@dataclass(frozen=True)
class ScoreScale:
    """The allowed range of one survey score kind, inclusive."""

    kind: str
    low: int
    high: int
    description: str


#: Score scales by survey kind: NPS 0-10, CSAT 1-5, CES 1-7 (7 = very easy).
SCORE_SCALES: dict[str, ScoreScale] = {
    s.kind: s
    for s in (
        ScoreScale("nps", 0, 10, "likelihood to recommend, 0-10"),
        ScoreScale("csat", 1, 5, "satisfaction, 1-5"),
        ScoreScale("ces", 1, 7, "ease of effort, 1-7 (7 = very easy)"),
    )
}


def default_vocabularies() -> dict[str, tuple[str, ...]]:
    """Return the vocabularies by the names that table columns refer to.

    Examples
    --------
    >>> default_vocabularies()["stages"][0]
    'research'
    """
    return {
        "channels": CHANNELS,
        "stages": STAGES,
        "feedback_sources": FEEDBACK_SOURCES,
        "order_statuses": ORDER_STATUSES,
        "score_kinds": tuple(SCORE_SCALES),
    }
