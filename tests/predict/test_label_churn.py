"""Churn from a customer table's own label (issue 17.5): `cx predict churn --label COLUMN`.

Small tables check how labels and features are read, against values written out here;
IBM's Telco sample checks the model: its held-out AUC against a plain scikit-learn
logistic regression fitted on the same split from the raw CSV (public write-ups and the
data's MANIFEST put that regression at about 0.84-0.85).
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from typer.testing import CliRunner

from cxkit.cli import app
from cxkit.errors import ConfigError, MissingInput, ModelError
from cxkit.ingest import Mapping, ingest
from cxkit.predict import (
    LabelChurnModel,
    LabelChurnResult,
    labelled_customers,
    predict_label_churn,
)
from cxkit.store import Workspace
from tests.conftest import T, load

TELCO = "telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv"


def _customers(ws: Workspace, attributes: list[dict[str, Any]], **columns: list[Any]) -> None:
    n = len(attributes)
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in range(n)],
            "email": [f"c{i}@example.com" for i in range(n)],
            "attributes": [json.dumps(a) for a in attributes],
            **columns,
        }
    )
    load(ws, "customers", frame)


#: raw label values -> labels read (1 churned, 0 stayed) and customers left out as blank.
LABELS = [
    (["Yes", "No", " yes ", "NO"], [1, 0, 1, 0], 0),
    (["true", "false", "TRUE"], [1, 0, 1], 0),
    (["1", "0", "1.0", " 0"], [1, 0, 1, 0], 0),
    (["churned", "active", "Churned"], [1, 0, 1], 0),
    (["left", "stayed", "lost", "retained"], [1, 0, 1, 0], 0),
    (["Yes", "", None, "No"], [1, 0], 2),
]


@pytest.mark.parametrize(("raw", "expected", "blank"), LABELS)
def test_label_values_read_as_churned_or_stayed(ws, raw, expected, blank):
    _customers(ws, [{"Churn": v, "plan": p} for v, p in zip(raw, "abab", strict=False)])
    data = labelled_customers(ws, "Churn")
    assert data.labels.tolist() == expected
    assert data.unlabelled == blank
    assert (data.label, data.found_in) == ("Churn", "attributes key")


def test_other_label_values_are_named_with_the_column(ws):
    _customers(ws, [{"Churn": v} for v in ["Yes", "No", "maybe", "maybe", "x"]])
    with pytest.raises(ModelError) as err:
        labelled_customers(ws, "Churn")
    assert str(err.value).startswith(
        "customers attributes key 'Churn' holds values that are not a churn label: "
        "'maybe' (2), 'x' (1); expected yes/no"
    )


def _ingest(ws: Workspace, tmp_path: Path, text: str) -> None:
    """Load a customers CSV keeping its extra columns as real columns (custom fields)."""
    path = tmp_path / "customers.csv"
    path.write_text(text, encoding="utf-8")
    result = ingest(ws, "customers", path, mapping=Mapping(fields="rest"))
    assert result.rows_quarantined == 0


def test_a_real_column_comes_before_an_attributes_key(ws, tmp_path):
    _ingest(
        ws,
        tmp_path,
        "customer_id,churned,plan,attributes\n"
        'C1,yes,a,"{""churned"": ""No""}"\n'
        'C2,no,b,"{""churned"": ""No""}"\n',
    )
    assert "churned" in ws.fields("customers")
    data = labelled_customers(ws, "churned")
    assert (data.found_in, data.labels.tolist()) == ("column", [1, 0])
    assert list(data.features.columns) == ["plan"]


def test_a_true_false_column_is_a_label_whatever_its_case(ws, tmp_path):
    _ingest(ws, tmp_path, "customer_id,Cancelled,plan\nC1,true,a\nC2,false,b\nC3,,a\n")
    data = labelled_customers(ws, "Cancelled")
    assert (data.label, data.found_in) == ("cancelled", "column")
    assert (data.labels.tolist(), data.unlabelled) == ([1, 0], 1)


def test_a_missing_label_names_the_table_and_what_it_holds(ws):
    _customers(ws, [{"plan": "a", "months": "3"}])
    with pytest.raises(MissingInput) as err:
        labelled_customers(ws, "Churn")
    assert (err.value.table, err.value.column) == ("customers", "Churn")
    assert "customers has no column or attributes key 'Churn'" in str(err.value)
    assert "attributes keys: plan, months" in str(err.value)
    assert "`cx ingest customers FILE`" in str(err.value)


def test_features_are_typed_and_ids_personal_data_and_excluded_columns_left_out(ws):
    n = 120
    attrs = [
        {
            "Churn": "Yes" if i % 3 == 0 else "No",
            "plan": "ab"[i % 2],
            "months": str(i),
            "charges": " " if i == 5 else f"{i * 1.5}",
            "note": f"free text {i}",
            "reason": "price" if i % 3 == 0 else "",
        }
        for i in range(n)
    ]
    _customers(ws, attrs, segment=["x"] * n)
    with pytest.raises(ConfigError, match="--exclude nope"):
        labelled_customers(ws, "Churn", exclude=["nope"])
    data = labelled_customers(ws, "Churn", exclude=["reason"])
    assert list(data.features.columns) == ["plan", "months", "charges"]
    assert data.features.months.dtype == "float64"
    assert data.features.charges.isna().sum() == 1  # the blank ' ' of C005
    assert data.features.charges.iloc[7] == 10.5
    assert data.dropped["email"] == "personal data"
    assert data.dropped["segment"] == "one value for everyone"
    assert data.dropped["note"].startswith("a different value for nearly every customer")
    assert data.dropped["reason"] == "excluded"
    assert data.behaviour == ()


def test_behaviour_joins_in_where_the_workspace_has_rows(ws):
    _customers(ws, [{"Churn": "No"}, {"Churn": "Yes"}, {"Churn": "No"}])
    load(
        ws,
        "orders",
        pd.DataFrame(
            {
                "order_id": ["O1", "O2", "O3"],
                "customer_id": ["C000", "C000", "C002"],
                "ts": [T("2024-01-01"), T("2024-02-01"), T("2024-02-10")],
                "amount": [10.0, 30.0, 5.0],
                "seq": [0, 1, 2],
            }
        ),
    )
    data = labelled_customers(ws, "Churn")
    assert data.behaviour == ("orders",)
    # C000: 2 purchase days, 40 spent; C001: no orders (0, not unknown); C002: 1 day, 5.
    assert data.features.purchases.tolist() == [2.0, 0.0, 1.0]
    assert data.features.revenue.tolist() == [40.0, 0.0, 5.0]
    # Recency is days before the day after the last order (2024-02-11); none for C001.
    assert data.features.recency_days.iloc[0] == 10.0
    assert np.isnan(data.features.recency_days.iloc[1])


def _synthetic(n: int = 400, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Customers whose churn probability is known: short tenure and plan 'b' raise it."""
    rng = np.random.default_rng(seed)
    months = rng.integers(1, 60, n)
    plan = rng.choice(["a", "b"], n)
    logit = 1.5 - 0.12 * months + 1.2 * (plan == "b")
    p = 1 / (1 + np.exp(-logit))
    y = (rng.uniform(size=n) < p).astype(int)
    return pd.DataFrame({"months": months.astype(float), "plan": plan}), y, p


def test_the_model_keeps_the_estimator_contract():
    X, y, _ = _synthetic(200)
    model = LabelChurnModel(min_samples_leaf=10, cv=3)
    params = model.get_params()
    with pytest.raises(NotFittedError):
        model.predict_proba(X)
    before = set(vars(model))
    assert model.fit(X, y) is model
    assert model.get_params() == params == clone(model).get_params()
    assert all(a.endswith("_") for a in set(vars(model)) - before)
    assert set(inspect.signature(LabelChurnModel).parameters) == set(params)
    with pytest.raises(ModelError, match="columns missing for the churn model: plan"):
        model.predict_proba(X[["months"]])


def test_held_out_auc_is_close_to_that_of_the_true_probabilities(ws):
    X, y, p = _synthetic()
    _customers(
        ws,
        [
            {"Churn": "Yes" if c else "No", "months": str(int(m)), "plan": pl}
            for c, m, pl in zip(y, X.months, X.plan, strict=True)
        ],
    )
    result = predict_label_churn(ws, "Churn", model=LabelChurnModel(min_samples_leaf=20))
    held = np.isin(result.data.customer_ids, result.test_ids)
    # The best any model can do here: rank by the probabilities that drew the labels.
    best = roc_auc_score(y[held], p[held])
    assert best - 0.08 <= result.report.auc <= best + 0.03
    assert len(result.test_ids) == 100 and result.train_size == 300
    assert result.drivers.feature.iloc[0] == "months"
    assert result.drivers.riskier_when.iloc[0].startswith("months below")
    assert set(result.drivers.feature) == {"months", "plan"}
    staying = int((y == 0).sum())
    assert len(result.scores) == staying
    assert result.scores.churn_risk.is_monotonic_decreasing
    assert any(r.startswith("months = ") for r in result.scores.reasons.iloc[0])


def test_too_few_churned_customers_say_how_many(ws):
    _customers(ws, [{"Churn": "Yes" if i < 5 else "No", "plan": "ab"[i % 2]} for i in range(80)])
    with pytest.raises(ModelError, match=r"5 churned customers of 80 labelled; .* at least 20"):
        predict_label_churn(ws, "Churn")


def test_cli_writes_every_staying_customer_with_format_csv(ws, tmp_path):
    X, y, _ = _synthetic(300, seed=2)
    _customers(
        ws,
        [
            {"left": "true" if c else "false", "months": str(int(m)), "plan": pl}
            for c, m, pl in zip(y, X.months, X.plan, strict=True)
        ],
    )
    path = ws.path
    ws.close()
    out = tmp_path / "risk.csv"
    done = CliRunner().invoke(
        app,
        [
            *("predict", "churn", "--label", "left", "-w", str(path)),
            *("--format", "csv", "--output", str(out)),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "AUC" in done.stderr and done.stdout == ""
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["customer_id", "churn_risk", "reasons"]
    assert len(frame) == int((y == 0).sum())


# --- IBM Telco: 7,043 customers, 1,869 churned (MANIFEST.md) ---------------------------


@pytest.fixture(scope="module")
def telco(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("telco") / "ws"
    with Workspace(path, create=True) as ws:
        done = ingest(ws, "customers", shared_data / TELCO, mapping="telco-customers")
    assert (done.rows_read, done.rows_stored, done.rows_quarantined) == (7043, 7043, 0)
    return path


@pytest.fixture(scope="module")
def telco_cli(telco: Path) -> str:
    done = CliRunner().invoke(app, ["predict", "churn", "--label", "Churn", "-w", str(telco)])
    assert done.exit_code == 0, done.output
    return done.stdout


@pytest.fixture(scope="module")
def telco_result(telco: Path) -> LabelChurnResult:
    with Workspace(telco) as ws:
        return predict_label_churn(ws, "Churn")


def _logistic_regression(raw: pd.DataFrame, test_ids: np.ndarray) -> tuple[float, float]:
    """Fit the plain one-hot + standardised logistic regression; return AUC, top-decile lift."""
    raw = raw.set_index("customerID")
    raw["TotalCharges"] = pd.to_numeric(raw.TotalCharges, errors="coerce")  # ' ' -> NaN
    y = (raw.pop("Churn") == "Yes").astype(int)
    numbers = ["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]
    text = [c for c in raw.columns if c not in numbers]
    model = make_pipeline(
        ColumnTransformer(
            [
                ("n", make_pipeline(SimpleImputer(), StandardScaler()), numbers),
                ("t", OneHotEncoder(handle_unknown="ignore"), text),
            ]
        ),
        LogisticRegression(max_iter=2000),
    )
    test = raw.index.isin(test_ids)
    model.fit(raw[~test], y[~test])
    p = model.predict_proba(raw[test])[:, 1]
    top = np.argsort(-p, kind="stable")[: len(p) // 10]
    lift = y[test].to_numpy()[top].mean() / y[test].mean()
    return float(roc_auc_score(y[test], p)), float(lift)


def test_telco_counts_and_a_split_the_model_never_saw(telco_result):
    r = telco_result
    assert (len(r.data.labels), int(r.data.labels.sum())) == (7043, 1869)
    assert (r.data.churned_values, r.data.stayed_values) == (("Yes",), ("No",))
    assert len(r.test_ids) == 1761 and r.train_size == 7043 - 1761
    assert len(set(r.test_ids)) == 1761
    # Held out stratified: the churn rate there is the data's 26.5%, to a customer or so.
    assert abs(r.report.base_rate - 1869 / 7043) < 0.001
    assert len(r.scores) == 7043 - 1869
    assert "Churn" not in r.data.features.columns and "Churn" in r.data.dropped


def test_telco_auc_and_lift_match_a_plain_logistic_regression(shared_data, telco_result):
    auc, lift = _logistic_regression(pd.read_csv(shared_data / TELCO), telco_result.test_ids)
    assert 0.80 < auc < 0.88  # the regression itself is what public write-ups report
    assert abs(telco_result.report.auc - auc) < 0.03
    top_lift = float(telco_result.report.deciles.lift.iloc[0])
    assert abs(top_lift - lift) < 0.5


def test_telco_cli_prints_auc_lift_drivers_and_reasons(telco_cli, telco_result):
    out = telco_cli
    summary = re.search(
        r"AUC (\d\.\d{3}), Brier \d\.\d{3}, churn rate 26\.5%, "
        r"top decile lift (\d+\.\d\d)x",
        out,
    )
    assert summary, out
    # The CLI and the library fit the same model on the same split.
    assert summary.group(1) == f"{telco_result.report.auc:.3f}"
    assert summary.group(2) == f"{telco_result.report.deciles.lift.iloc[0]:.2f}"
    assert "Held out 1,761 customers the model never saw (trained on 5,282)" in out
    assert (
        "customers attributes key 'Churn' (churned: Yes; stayed: No); 7,043 customers, "
        "1,869 churned (26.5%)" in out
    )
    assert "Top churn drivers" in out and "Customers at risk" in out
    drivers = telco_result.drivers.feature.head(3).tolist()
    # Contract (the mapping's segment) and tenure lead in every public analysis of the data.
    assert {"segment", "tenure"} <= set(drivers)
    for feature in drivers:
        assert feature in out
    top = telco_result.scores.iloc[0]
    assert top.customer_id in out
    assert top.reasons and top.reasons[0] in out
