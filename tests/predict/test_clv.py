from __future__ import annotations

import datetime as dt
import warnings

import ibis
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from cxkit.errors import ModelError
from cxkit.predict import (
    BGNBD,
    GammaGamma,
    calibration_holdout,
    customer_lifetime_value,
    rfm_summary,
)

# Fader, Hardie and Lee (2005); Fader and Hardie (2013): fitted on the CDNOW sample.
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def cdnow(shared_data):
    return pd.read_csv(shared_data / "cdnow" / "cdnow_customers_summary_with_transactions.csv")


@pytest.fixture(scope="module")
def lifetimes():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import lifetimes

    return lifetimes


@pytest.fixture(scope="module")
def master(shared_data):
    m = pd.read_csv(
        shared_data / "cdnow" / "CDNOW_master.txt", sep=r"\s+", dtype={"customer_id": str}
    )
    m.columns = ["customer_id", "date", "cds", "amount"]
    m["ts"] = pd.to_datetime(m.date.astype(str), format="%Y%m%d")
    m["status"] = "completed"
    return m


def test_bgnbd_matches_the_published_cdnow_parameters(cdnow):
    model = BGNBD().fit(cdnow.x, cdnow.t_x, cdnow["T"])
    assert set(model.params_) == {"r", "alpha", "a", "b"}
    for name, value in PUBLISHED_BGNBD.items():
        assert model.params_[name] == pytest.approx(value, rel=0.01), name
    # The paper reports LL = -9582.4 at its optimum.
    assert model.log_likelihood_ == pytest.approx(-9582.4, abs=0.1)


def test_gamma_gamma_matches_the_published_cdnow_parameters(cdnow):
    model = GammaGamma().fit(cdnow.x, cdnow.zbar)
    assert model.n_customers_ == (cdnow.x > 0).sum() == 946
    for name, value in PUBLISHED_GG.items():
        assert model.params_[name] == pytest.approx(value, rel=0.01), name


def test_predictions_agree_with_lifetimes(cdnow, lifetimes):
    x, t_x, big_t = cdnow.x.to_numpy(), cdnow.t_x.to_numpy(), cdnow["T"].to_numpy()
    ours = BGNBD().fit(x, t_x, big_t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = lifetimes.BetaGeoFitter().fit(x, t_x, big_t)
        peer_gg = lifetimes.GammaGammaFitter().fit(cdnow.x[cdnow.x > 0], cdnow.zbar[cdnow.x > 0])
    np.testing.assert_allclose(
        ours.predict_proba_alive(x, t_x, big_t),
        peer.conditional_probability_alive(x, t_x, big_t),
        rtol=1e-3,
    )
    np.testing.assert_allclose(
        ours.predict(39, x, t_x, big_t),
        peer.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, big_t),
        rtol=1e-3,
    )
    np.testing.assert_allclose(
        ours.expected_purchases([10.0, 52.0]),
        peer.expected_number_of_purchases_up_to_time(np.array([10.0, 52.0])),
        rtol=1e-3,
    )
    gg = GammaGamma().fit(cdnow.x, cdnow.zbar)
    np.testing.assert_allclose(
        gg.predict(cdnow.x, cdnow.zbar),
        peer_gg.conditional_expected_average_profit(cdnow.x, cdnow.zbar),
        rtol=1e-3,
    )


def test_p_alive_is_one_without_repeats_and_falls_with_silence():
    model = BGNBD().fit([2, 1, 0, 0, 5, 3, 0, 1], [30, 2, 0, 0, 35, 20, 0, 10], [39] * 8)
    p = model.predict_proba_alive([0, 3, 3], [0, 38, 5], [39, 39, 39])
    assert p[0] == 1.0
    assert p[1] > p[2]  # same purchases, but the second went quiet long ago


def test_undiscounted_clv_is_purchases_times_spend(cdnow):
    bg = BGNBD().fit(cdnow.x, cdnow.t_x, cdnow["T"])
    gg = GammaGamma().fit(cdnow.x, cdnow.zbar)
    args = (cdnow.x, cdnow.t_x, cdnow["T"])
    clv = customer_lifetime_value(bg, gg, *args, cdnow.zbar, months=6, month=4.0, discount=0.0)
    expected = bg.predict(24.0, *args) * gg.predict(cdnow.x, cdnow.zbar)
    np.testing.assert_allclose(clv, expected, rtol=1e-9)
    discounted = customer_lifetime_value(bg, gg, *args, cdnow.zbar, months=6, month=4.0)
    assert (discounted < clv).all()
    assert (discounted > clv / 1.01**6).all()


def test_estimators_follow_sklearn_conventions(cdnow):
    for est in (BGNBD(penalizer=0.1), GammaGamma(penalizer=0.1)):
        assert clone(est).get_params() == {"penalizer": 0.1}
        assert not hasattr(est, "params_")
    with pytest.raises(NotFittedError):
        BGNBD().predict_proba_alive([1], [1], [2])
    with pytest.raises(NotFittedError):
        GammaGamma().predict([1], [10.0])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([0, 0], [0, 0], [5, 5]), "no repeat purchases"),
        (([1, 2], [6, 1], [5, 5]), "recency is larger than T"),
        (([1, -2], [1, 1], [5, 5]), "negative values"),
        (([1, np.nan], [1, 1], [5, 5]), "missing or infinite"),
    ],
)
def test_bad_inputs_are_named(args, message):
    with pytest.raises(ModelError, match=message):
        BGNBD().fit(*args)


def test_rfm_summary_agrees_with_lifetimes(master, lifetimes):
    end = dt.datetime(1998, 6, 30)
    orders = ibis.memtable(master[["customer_id", "ts", "amount", "status"]])
    ours = rfm_summary(orders, end).to_pandas().set_index("customer_id").sort_index()
    peer = lifetimes.utils.summary_data_from_transaction_data(
        master, "customer_id", "ts", "amount", observation_period_end=end
    ).sort_index()
    assert len(ours) == len(peer) == 23_570
    for col in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_allclose(ours[col], peer[col], atol=1e-9, err_msg=col)


def test_calibration_holdout_agrees_with_lifetimes(master, lifetimes):
    orders = ibis.memtable(master[["customer_id", "ts", "amount", "status"]])
    cal_end, end = dt.datetime(1997, 9, 30), dt.datetime(1998, 6, 30)
    ours = calibration_holdout(orders, cal_end, end).to_pandas()
    ours = ours.set_index("customer_id").sort_index()
    peer = lifetimes.utils.calibration_and_holdout_data(
        master,
        "customer_id",
        "ts",
        calibration_period_end=cal_end,
        observation_period_end=end,
        monetary_value_col="amount",
    ).sort_index()
    for ours_col, peer_col in [
        ("frequency", "frequency_cal"),
        ("recency", "recency_cal"),
        ("T", "T_cal"),
        ("frequency_holdout", "frequency_holdout"),
        ("duration_holdout", "duration_holdout"),
    ]:
        np.testing.assert_allclose(ours[ours_col], peer[peer_col], err_msg=ours_col)


def test_cancelled_and_returned_orders_do_not_count():
    orders = ibis.memtable(
        {
            "customer_id": ["a", "a", "a", "a"],
            "ts": [dt.datetime(2025, 1, d) for d in (1, 3, 5, 7)],
            "amount": [10.0, 20.0, 30.0, 40.0],
            "status": ["completed", "cancelled", "returned", None],
        }
    )
    row = rfm_summary(orders, dt.datetime(2025, 1, 11)).to_pandas().iloc[0]
    assert (row.frequency, row.recency, row["T"], row.monetary_value) == (1, 6.0, 10.0, 40.0)
