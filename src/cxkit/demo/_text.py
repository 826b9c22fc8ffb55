"""Customer comments that read like real ones: themes, phrasings, mixed feelings, typos.

Comments are drawn from pools built once per (theme, tone) by composing phrase parts at
random, then spelled with occasional typos, so a million customers stay fast to generate.
"""

from __future__ import annotations

import numpy as np

__all__ = ["THEMES", "TextPools"]

#: Phrases per theme: (negative, positive). ``{n}``, ``{item}``, ``{day}`` are filled at random.
THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "late delivery": (
        (
            "my parcel arrived {n} days late",
            "delivery was late again",
            "the tracking page said out for delivery for {n} days and nothing came",
            "tracking hasn't updated since {day}",
            "still waiting on my order, the courier keeps pushing the date back",
            "the delivery window came and went and no parcel",
            "package showed delivered but it wasnt here, turned up {n} days later",
            "nobody could tell me where my {item} was",
            "promised next day delivery, took over a week",
        ),
        (
            "delivery was quick",
            "my {item} arrived a day early",
            "tracking was spot on and the parcel came when promised",
            "super fast shipping",
            "the courier was friendly and on time",
        ),
    ),
    "app crashes": (
        (
            "the app keeps crashing at checkout",
            "app froze when I tried to pay",
            "cant even log in to the app since the update",
            "the app crashed twice and I lost my basket",
            "your app is broken, it just shows a blank screen",
            "update broke the app completely",
        ),
        (
            "the app is smooth and easy to use",
            "love the new app, checkout takes seconds",
            "app works great",
        ),
    ),
    "support": (
        (
            "waited {n} minutes on hold",
            "support never answered my email",
            "I had to explain my problem three times to different people",
            "the agent was polite but could not fix anything",
            "chat support passed me around and then closed the chat",
            "nobody called me back like they promised",
        ),
        (
            "the support agent sorted it out in minutes",
            "customer service was really helpful",
            "{name} on the chat was brilliant and fixed it straight away",
            "great support, problem solved on the first call",
            "they refunded me without any fuss",
        ),
    ),
    "price": (
        (
            "too expensive for what you get",
            "prices went up again",
            "found the same {item} cheaper elsewhere",
            "the discount code didnt work at checkout",
        ),
        (
            "great value for money",
            "good prices and the sale was real",
            "cheaper than the other shops I checked",
        ),
    ),
    "product quality": (
        (
            "the {item} broke after {n} weeks",
            "quality is not what it used to be",
            "the {item} looked nothing like the photos",
            "arrived damaged",
        ),
        (
            "the {item} is excellent quality",
            "really happy with the {item}",
            "exactly as described and well made",
        ),
    ),
    "checkout": (
        (
            "checkout was confusing",
            "payment failed {n} times before it went through",
            "had to create an account just to buy one thing",
        ),
        (
            "checkout was quick and easy",
            "paying was simple",
            "ordering took two minutes",
        ),
    ),
    "store staff": (
        (
            "the store was understaffed and the queue was huge",
            "staff in the shop didn't know the products",
        ),
        (
            "the staff in store were lovely",
            "the shop assistant gave me great advice",
            "friendly people at the store",
        ),
    ),
    "returns": (
        (
            "returning the {item} was a nightmare",
            "still waiting for my refund after {n} weeks",
            "the returns label never came",
        ),
        (
            "returns were painless",
            "refund came back really fast",
        ),
    ),
}

_OPEN_NEG = ("", "", "honestly ", "not happy. ", "so disappointed, ", "ugh, ", "Really? ", "")
_OPEN_POS = ("", "", "really pleased, ", "wow, ", "just want to say ", "great experience, ", "")
_CLOSE_NEG = (
    "",
    "",
    ".",
    "!",
    ". not good enough",
    ". will think twice before ordering again",
    ". sort it out",
    "!!",
    ". very frustrating",
    ". I expected better",
)
_CLOSE_POS = ("", ".", "!", ". will order again", ". thanks!", " :)", ". recommended", ". 10/10")
_ITEMS = ("order", "headphones", "jacket", "blender", "phone case", "book", "shoes", "lamp", "toy")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "the weekend", "last week")
_AGENT_NAMES = ("Sam", "Priya", "Tom", "Ana", "Kofi", "Lena")


def _typo(text: str, rng: np.random.Generator) -> str:
    """Swap, drop or double one letter, as a hurried customer would."""
    if len(text) < 8:
        return text
    i = int(rng.integers(1, len(text) - 2))
    kind = rng.integers(3)
    if kind == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def _fill(phrase: str, rng: np.random.Generator) -> str:
    return phrase.format(
        n=int(rng.integers(2, 12)),
        item=_ITEMS[rng.integers(len(_ITEMS))],
        day=_DAYS[rng.integers(len(_DAYS))],
        name=_AGENT_NAMES[rng.integers(len(_AGENT_NAMES))],
    )


def _compose(theme: str, tone: str, rng: np.random.Generator) -> str:
    neg, pos = THEMES[theme]
    if tone == "mixed":
        other = list(THEMES)[rng.integers(len(THEMES))]
        good, bad = _fill(pos[rng.integers(len(pos))], rng), _fill(neg[rng.integers(len(neg))], rng)
        if rng.random() < 0.5:
            good, bad = _fill(THEMES[other][1][rng.integers(len(THEMES[other][1]))], rng), bad
        joiner = (" but ", ", however ", " although ", ". On the other hand ")[rng.integers(4)]
        text = good + joiner + bad if rng.random() < 0.5 else bad + joiner + good
    elif tone == "negative":
        text = _OPEN_NEG[rng.integers(len(_OPEN_NEG))] + _fill(neg[rng.integers(len(neg))], rng)
        if rng.random() < 0.3:
            extra = list(THEMES)[rng.integers(len(THEMES))]
            text += " and " + _fill(THEMES[extra][0][rng.integers(len(THEMES[extra][0]))], rng)
        text += _CLOSE_NEG[rng.integers(len(_CLOSE_NEG))]
    else:
        text = _OPEN_POS[rng.integers(len(_OPEN_POS))] + _fill(pos[rng.integers(len(pos))], rng)
        text += _CLOSE_POS[rng.integers(len(_CLOSE_POS))]
    if rng.random() < 0.12:
        text = _typo(text, rng)
    if rng.random() < 0.6:
        text = text[:1].upper() + text[1:]
    return text


class TextPools:
    """Pools of comments per (theme, tone), sampled by index arrays."""

    def __init__(self, rng: np.random.Generator, size: int = 400) -> None:
        self.pools = {
            (theme, tone): np.array([_compose(theme, tone, rng) for _ in range(size)], dtype=object)
            for theme in THEMES
            for tone in ("negative", "mixed", "positive")
        }

    def sample(self, themes: np.ndarray, tones: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Return one comment per (theme, tone) pair of the two arrays."""
        out = np.empty(len(themes), dtype=object)
        for (theme, tone), pool in self.pools.items():
            mask = (themes == theme) & (tones == tone)
            if mask.any():
                out[mask] = pool[rng.integers(len(pool), size=int(mask.sum()))]
        return out
