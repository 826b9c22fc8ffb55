"""Every estimator keeps the scikit-learn contract (style rule 8), checked in one place.

``__init__`` only stores its parameters, unchanged; nothing learned exists before ``fit``;
using a model before ``fit`` raises ``NotFittedError``; ``fit`` returns ``self``, leaves the
parameters as they were and adds only attributes ending in ``_``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from cxkit.predict import (
    BGNBD,
    ChurnModel,
    GammaGamma,
    ItemRecommender,
    LabelChurnModel,
    Segmenter,
)
from cxkit.voice import SentimentModel, ThemeModel

rng = np.random.default_rng(0)
_freq = rng.poisson(2, 200).astype(float)
_T = rng.uniform(20, 40, 200)
_rec = np.where(_freq > 0, _T * rng.uniform(0.2, 1, 200), 0)
_spend = rng.gamma(4, 10, 200)
_X = pd.DataFrame({"recency": rng.integers(1, 90, 300), "plan": rng.choice(list("ab"), 300)})
_y = (_X.recency > 45).astype(int).to_numpy()
_texts = [
    f"{w} delivery was {v} and the courier {c}"
    for w in ("my", "the", "our", "a")
    for v in ("late", "quick", "slow", "fine", "great")
    for c in ("called", "waited", "smiled")
] * 3
_purchases = ibis.memtable(
    {
        "customer_id": ["a", "a", "b", "b", "c"],
        "item": ["x", "y", "x", "y", "x"],
        "order_id": ["1", "1", "2", "2", "3"],
    }
)

#: estimator, fit(model), use(model): one row per estimator in cxkit.
CASES: list[tuple[Callable[[], Any], Callable[[Any], Any], Callable[[Any], Any]]] = [
    (
        BGNBD,
        lambda m: m.fit(_freq, _rec, _T),
        lambda m: m.predict_proba_alive(_freq, _rec, _T),
    ),
    (
        GammaGamma,
        lambda m: m.fit(_freq[_freq > 0], _spend[_freq > 0]),
        lambda m: m.predict(_freq, _spend),
    ),
    (
        lambda: ChurnModel(min_samples_leaf=5, cv=3),
        lambda m: m.fit(_X, _y),
        lambda m: m.predict_proba(_X),
    ),
    (
        lambda: LabelChurnModel(min_samples_leaf=5, min_frequency=1, cv=3),
        lambda m: m.fit(_X, _y),
        lambda m: m.predict_proba(_X),
    ),
    (lambda: Segmenter(n_clusters=3), lambda m: m.fit(_X), lambda m: m.predict(_X)),
    (ItemRecommender, lambda m: m.fit(_purchases), lambda m: m.recommend(k=1)),
    (
        lambda: SentimentModel(min_df=1),
        lambda m: m.fit(_texts, np.linspace(-1, 1, len(_texts))),
        lambda m: m.predict(["late"]),
    ),
    (lambda: ThemeModel(n_themes=3), lambda m: m.fit(_texts), lambda m: m.predict(_texts)),
]


def _name(case: tuple[Any, ...]) -> str:
    make = case[0]
    return make.__name__ if isinstance(make, type) else type(make()).__name__


def _learned(model: Any) -> set[str]:
    return {k for k in vars(model) if k.endswith("_") and not k.startswith("__")}


@pytest.mark.parametrize(("make", "fit", "use"), CASES, ids=[_name(c) for c in CASES])
def test_estimator_keeps_the_contract(make, fit, use) -> None:  # type: ignore[no-untyped-def]
    model = make()
    params = set(inspect.signature(type(model).__init__).parameters) - {"self"}
    before = dict(vars(model))
    assert set(before) == params, "__init__ must store exactly its parameters"
    assert not _learned(model), "nothing learned before fit"
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        use(model)
    assert fit(model) is model
    assert {k: v for k, v in vars(model).items() if k in params} == before
    new = set(vars(model)) - params
    assert new and all(k.endswith("_") for k in new), sorted(new)
    use(model)
    if hasattr(model, "get_params"):
        assert clone(model).get_params() == model.get_params()
