"""One pass over a text: its lexicon valence under the rules of VADER, and its n-gram features.

The valence follows the rules Hutto and Gilbert (2014) measured: capitals and boosters
intensify, a negator in the three words before flips and damps (x -0.74), "but" shifts the
weight to the clause after it, and "!"/"?" add emphasis. On top, an expected outcome that is
denied ("never arrived") counts as negative. The n-grams are lower-case words and word pairs;
words in the scope of a negator carry a ``~`` mark so "not good" and "good" differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cxkit.voice._lexicon import Lexicon

__all__ = ["TextFeatures", "analyse"]

_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_CLAUSE_END = frozenset(".,;:!?")
_CAPS_BONUS = 0.733
_NEGATION = -0.74
_DENIED = -1.6
_WINDOW_DAMP = (1.0, 0.95, 0.9)


@dataclass(frozen=True, slots=True)
class TextFeatures:
    """What the model reads of one text."""

    grams: list[str]
    compound: float
    positive: float
    negative: float


def _emphasis(text: str) -> float:
    bangs = min(text.count("!"), 4) * 0.292
    questions = text.count("?")
    if questions > 3:
        return bangs + 0.96
    return bangs + (questions * 0.18 if questions > 1 else 0.0)


def analyse(text: str, lex: Lexicon) -> TextFeatures:
    """Return the n-grams and the rule-based valence of ``text``.

    Examples
    --------
    >>> from cxkit.voice._lexicon import default_lexicon
    >>> f = analyse("The parcel never arrived!", default_lexicon())
    >>> f.compound < 0, "~arrived" in f.grams
    (True, True)
    """
    raw = lex.join_phrases(text).split()
    shouting = any(w.isupper() for w in raw) and not all(w.isupper() for w in raw)
    valence, boosters, negators, expected = lex.valence, lex.boosters, lex.negators, lex.expected
    words: list[str] = []
    scores: list[float] = []
    grams: list[str] = []
    negates: list[bool] = []  # per word: whether it is a negator
    negated_for = 0
    but_at = -1
    prev = ""
    for token in raw:
        word = token.strip(_PUNCT)
        if len(word) <= 2 and token in valence:  # emoticons such as ":)" and ":("
            word = token
        if not word:
            continue
        low = word.lower()
        marked = "~" + low if negated_for else low
        grams.append(marked)
        if prev:
            grams.append(prev + " " + marked)
        prev = marked
        negator = low in negators or low.endswith("n't")
        if negator:
            negated_for = 3
        elif negated_for:
            negated_for -= 1
        if token[-1] in _CLAUSE_END:
            negated_for = 0
            prev = ""
        v = valence.get(low, 0.0)
        i = len(words)
        words.append(low)
        negates.append(negator)
        if low == "but":
            but_at = i
        if low in boosters or (v == 0.0 and low not in expected):
            scores.append(0.0)
            continue
        if v and shouting and word.isupper():
            v += _CAPS_BONUS if v > 0 else -_CAPS_BONUS
        denied = False
        for back, damp in enumerate(_WINDOW_DAMP, start=1):
            if i - back < 0:
                break
            before = words[i - back]
            boost = boosters.get(before)
            if boost and before not in valence:
                v += (boost if v >= 0 else -boost) * damp
            if negates[i - back]:
                denied = True
        if i and words[i - 1] == "least" and (i < 2 or words[i - 2] not in ("at", "very")):
            denied = True
        if denied:
            v = _DENIED if low in expected else v * _NEGATION
        scores.append(v)
    if but_at >= 0:
        scores = [s * 0.5 if j < but_at else s * 1.5 for j, s in enumerate(scores)]
    total = sum(scores)
    if total:
        total += _emphasis(text) if total > 0 else -_emphasis(text)
    positive = sum(s + 1 for s in scores if s > 0)
    negative = sum(s - 1 for s in scores if s < 0)
    if "!" in text:
        grams.append("!")
    return TextFeatures(grams, total / math.sqrt(total * total + 15), positive, -negative)
