"""A customer table with its own churn label, read as features and labels for a model.

Many churn exports are flat: one row per customer, a column saying who left (IBM's Telco
sample: ``Churn`` = Yes/No) and the customer's plan, contract and charges beside it. The
label is looked for as a real column of ``customers`` first (custom fields are columns),
then as a key of the ``attributes`` JSON that mappings such as ``telco-customers`` fill.
Every other column is a feature: numbers as they are (text holding only numbers counts
as numbers), times as days before the latest one, text as categories. Behaviour from the
workspace's orders, tickets, answers and events joins in where those tables have rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from cxkit.errors import ConfigError, MissingInput, ModelError
from cxkit.predict._features import (
    _negative_texts,
    _purchases,
    _scores,
    _support,
    _visits,
    last_day,
)
from cxkit.present import LOADERS, require
from cxkit.schema import table_spec
from cxkit.store import TableSource

__all__ = ["BEHAVIOUR_TABLES", "LABEL_VALUES", "LabelledCustomers", "labelled_customers"]

#: Label values, lower-cased, and what they mean: 1 = churned, 0 = stayed. Blank = unknown.
LABEL_VALUES: dict[str, int] = {
    **dict.fromkeys(("yes", "y", "true", "t", "1", "churned", "churn", "left", "lost"), 1),
    **dict.fromkeys(("no", "n", "false", "f", "0", "active", "stayed", "retained", "kept"), 0),
}

#: Behaviour features per workspace table, used when that table has rows.
BEHAVIOUR_TABLES: dict[str, Callable[[TableSource, ir.TimestampValue], ir.Table]] = {
    "orders": _purchases,
    "tickets": _support,
    "responses": _scores,
    "feedback": _negative_texts,
    "events": lambda source, at: _visits(source, at, ()),
}
#: Behaviour counts: a customer without rows in the table has 0, not unknown.
_COUNTS = frozenset(
    (
        *("purchases", "revenue", "returns"),
        *("tickets", "open_tickets", "repeat_contacts"),
        *("negative_texts", "visits"),
    )
)
#: A text column with more distinct values than this share of its rows names each customer
#: (an id, a free-text note): one category per customer teaches a model nothing.
_DISTINCT_SHARE = 0.5


@dataclass
class LabelledCustomers:
    """Customers with a known churn label: features, labels and how they were read."""

    #: The label as found (``Churn``), and where: ``column`` or ``attributes key``.
    label: str
    found_in: str
    customer_ids: np.ndarray
    #: One row per labelled customer, in ``customer_ids`` order; no id column.
    features: pd.DataFrame
    #: 1 = churned, 0 = stayed.
    labels: np.ndarray
    #: The raw label values read as churned and as stayed.
    churned_values: tuple[str, ...]
    stayed_values: tuple[str, ...]
    #: Customers whose label is blank: left out.
    unlabelled: int
    #: Columns left out of the features, with the reason.
    dropped: dict[str, str] = field(default_factory=dict)
    #: Workspace tables whose behaviour features joined in.
    behaviour: tuple[str, ...] = ()


def _attributes(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the ``attributes`` JSON of each row as columns (text values as stored)."""
    if "attributes" not in frame.columns or not frame.attributes.notna().any():
        return pd.DataFrame(index=frame.index)
    rows = [json.loads(v) if isinstance(v, str) and v.strip() else {} for v in frame.attributes]
    return pd.DataFrame.from_records(
        [r if isinstance(r, dict) else {} for r in rows], index=frame.index
    )


def _find(label: str, columns: Sequence[str], keys: Sequence[str]) -> tuple[str, str] | None:
    """Return the label's name and where it is: a column first, else a key; any case if unique."""
    if label in columns:
        return label, "column"
    if label in keys:
        return label, "attributes key"
    folded = [(c, "column") for c in columns if c.lower() == label.lower()]
    folded += [(k, "attributes key") for k in keys if k.lower() == label.lower()]
    return folded[0] if len(folded) == 1 else None


def _label_key(value: Any) -> str | None:
    """Return a label value as its lower-cased text (1.0 as '1'), or None when blank."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip().lower()
    try:
        number = float(text)
    except ValueError:
        return text or None
    # '1.0' and ' 1' read as 1; any other number stays as written (and is refused).
    return str(int(number)) if number.is_integer() else text


def _read_labels(raw: pd.Series, where: str, label: str) -> tuple[np.ndarray, pd.Series]:
    """Return labels (1, 0, or -1 for blank) and the normalised text of each."""
    keys = raw.map(_label_key)
    known = keys.dropna()
    odd = known[~known.isin(list(LABEL_VALUES))]
    if len(odd):
        seen = raw[odd.index].astype(str).value_counts()
        listed = ", ".join(f"{v!r} ({n:,})" for v, n in seen.head(8).items())
        raise ModelError(
            f"customers {where} {label!r} holds values that are not a churn label: {listed}; "
            "expected yes/no, true/false, 1/0, churned/active, left/stayed or lost/retained "
            "(blank = unknown)"
        )
    labels = keys.map(LABEL_VALUES).fillna(-1).astype(int).to_numpy()
    return labels, keys


def _as_feature(values: pd.Series) -> tuple[pd.Series | None, str]:
    """Return a column as a feature (numbers as float, text as stripped text), or why not."""
    if pd.api.types.is_bool_dtype(values):
        values = values.astype("float64")
    elif pd.api.types.is_datetime64_any_dtype(values):
        days = (values.max() - values).dt.total_seconds() / 86400
        values = days.astype("float64")
    elif not pd.api.types.is_numeric_dtype(values):
        text = values.astype("string").str.strip()
        text = text.where(text != "")
        numbers = pd.to_numeric(text, errors="coerce")
        parsed = numbers.notna().sum() == text.notna().sum()
        values = numbers.astype("float64") if parsed else text
    else:
        values = values.astype("float64")
    present = values.dropna()
    if present.empty:
        return None, "always empty"
    if present.nunique() == 1 and len(present) == len(values):
        return None, "one value for everyone"
    if not pd.api.types.is_numeric_dtype(values) and present.nunique() > max(
        50, _DISTINCT_SHARE * len(present)
    ):
        return None, "a different value for nearly every customer (an id or free text)"
    return values, ""


def _has_rows(source: TableSource, name: str) -> bool:
    return bool(int(source.table(name).limit(1).count().to_pandas()))


def _behaviour(source: TableSource, ids: pd.Series) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Return behaviour features per customer of ``ids`` from the tables that have rows."""
    import ibis

    used = tuple(t for t in BEHAVIOUR_TABLES if _has_rows(source, t))
    out = pd.DataFrame({"customer_id": ids.to_numpy()})
    if not used:
        return out, used
    at = ibis.timestamp(last_day(source))
    for name in used:
        part = BEHAVIOUR_TABLES[name](source, at).to_pandas()
        out = out.merge(part, on="customer_id", how="left", suffixes=("", f"_{name}"))
    for col in out.columns:
        if col in _COUNTS:
            out[col] = out[col].fillna(0.0)
    return out, used


def labelled_customers(
    source: TableSource, label: str, *, exclude: Sequence[str] = ()
) -> LabelledCustomers:
    """Return the customers whose ``label`` is known, as features and 0/1 labels.

    Parameters
    ----------
    label
        A customer column, or a key of ``customers.attributes``; its values read as churned
        (yes, true, 1, churned, left, lost) or stayed (no, false, 0, active, stayed,
        retained), any case; blank means unknown and the customer is left out.
    exclude
        Columns not to learn from: those derived from the label (a churn reason or score).

    Examples
    --------
    >>> import tempfile
    >>> from cxkit.store import Workspace
    >>> with Workspace(tempfile.mkdtemp(), create=True) as ws:
    ...     labelled_customers(ws, "Churn")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxkit.errors.MissingInput: no churn model on a label without customers with a churn label: ...
    """
    require(source, "label churn")
    frame = source.table("customers").to_pandas().sort_values("customer_id")
    frame = frame.reset_index(drop=True)
    attributes = _attributes(frame)
    columns = [c for c in frame.columns if c not in ("customer_id", "attributes")]
    found = _find(label, columns, list(attributes.columns))
    if found is None:
        keys = ", ".join(attributes.columns) or "none"
        raise MissingInput(
            f"customers has no column or attributes key {label!r} (columns: "
            f"{', '.join(columns)}; attributes keys: {keys}); load a customer file holding "
            f"the label with {LOADERS['customers']}",
            table="customers",
            column=label,
        )
    name, where = found
    raw = frame[name] if where == "column" else attributes[name]
    labels, _ = _read_labels(raw, where, name)
    known = labels >= 0
    churned = tuple(sorted({str(v).strip() for v in raw[labels == 1]}))
    stayed = tuple(sorted({str(v).strip() for v in raw[labels == 0]}))
    unknown = [c for c in exclude if c not in columns and c not in attributes.columns]
    if unknown:
        raise ConfigError(
            f"--exclude {', '.join(unknown)}: not a customer column or attributes key"
        )
    pii = {c.name for c in table_spec("customers").columns if c.pii}
    candidates = {c: frame[c] for c in columns if c not in pii}
    for key in attributes.columns:
        candidates.setdefault(key, attributes[key])
    features: dict[str, pd.Series] = {}
    dropped = {c: "personal data" for c in columns if c in pii}
    for col, values in candidates.items():
        if col == name or col in exclude:
            dropped[col] = "the label" if col == name else "excluded"
            continue
        feature, why = _as_feature(values[known].reset_index(drop=True))
        if feature is None:
            dropped[col] = why
        else:
            features[col] = feature
    ids = frame.customer_id[known].reset_index(drop=True)
    behaviour, used = _behaviour(source, ids)
    # A customer column keeps its name; behaviour of the same name says where it came from.
    behaviour = behaviour.drop(columns="customer_id")
    behaviour.columns = [f"{c} (workspace)" if c in features else c for c in behaviour.columns]
    table = pd.concat([pd.DataFrame(features), behaviour], axis=1)
    return LabelledCustomers(
        label=name,
        found_in=where,
        customer_ids=ids.to_numpy(),
        features=table,
        labels=labels[known],
        churned_values=churned,
        stayed_values=stayed,
        unlabelled=int((~known).sum()),
        dropped=dropped,
        behaviour=used,
    )
