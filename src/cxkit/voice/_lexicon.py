"""The word lists the sentiment model reads: valences, boosters, negators, CX words.

The general valences, boosters and negators come from the ``vaderSentiment`` package's
human-rated lexicon (Hutto and Gilbert 2014, MIT); ``data/cx_lexicon.tsv`` overrides them
with customer-experience words ("late", "crashed", "support" as a neutral noun) and lists
expected outcomes ("arrived", "answered") that are only sentiment when denied.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources

__all__ = ["Lexicon", "default_lexicon"]


@dataclass(frozen=True)
class Lexicon:
    """Word valences on VADER's -4..4 scale and the rules' word lists."""

    valence: dict[str, float]
    boosters: dict[str, float]
    negators: frozenset[str]
    expected: frozenset[str]
    #: Matches the multi-word entries ("hung up", "no questions asked") in a text.
    phrases: re.Pattern[str] | None = field(default=None, compare=False)

    def join_phrases(self, text: str) -> str:
        """Return ``text`` with each multi-word entry joined into one token by ``_``."""
        if self.phrases is None or not self.phrases.search(text):
            return text
        return self.phrases.sub(lambda m: m.group(0).replace(" ", "_"), text)


def _phrase_pattern(valence: dict[str, float]) -> re.Pattern[str] | None:
    multi = sorted((w.replace("_", " ") for w in valence if "_" in w), key=len, reverse=True)
    if not multi:
        return None
    return re.compile(r"\b(?:" + "|".join(map(re.escape, multi)) + r")\b", re.IGNORECASE)


def _read_tsv(text: str) -> tuple[dict[str, float], set[str]]:
    valence: dict[str, float] = {}
    expected: set[str] = set()
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, value, *flags = line.split("\t")
        valence[word] = float(value)
        if "expected" in flags:
            expected.add(word)
    return valence, expected


@functools.cache
def default_lexicon() -> Lexicon:
    """Return VADER's lexicon with cxkit's customer-experience words laid over it.

    Examples
    --------
    >>> lex = default_lexicon()
    >>> lex.valence["late"] < 0 < lex.valence["great"], "never" in lex.negators
    (True, True)
    """
    from vaderSentiment import vaderSentiment as vader

    general = resources.files("vaderSentiment").joinpath("vader_lexicon.txt")
    valence = {}
    for line in general.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            valence[parts[0]] = float(parts[1])
    cx_text = resources.files("cxkit.voice").joinpath("data/cx_lexicon.tsv").read_text("utf-8")
    cx_valence, expected = _read_tsv(cx_text)
    valence.update(cx_valence)
    negators = frozenset(vader.NEGATE) | {"no", "nobody"}
    boosters = dict(vader.BOOSTER_DICT)
    return Lexicon(valence, boosters, negators, frozenset(expected), _phrase_pattern(valence))
