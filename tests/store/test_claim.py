"""Backend.claim: set columns on rows whose flag is still empty, once; and Backend.append."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from cxkit.store import Backend
from tests.conftest import load

NOW = dt.datetime(2026, 1, 1)


@pytest.mark.parametrize("generic", [False, True], ids=["duckdb", "generic-ibis"])
def test_claim_sets_only_unclaimed_rows(ws, generic):
    load(
        ws,
        "invitations",
        pd.DataFrame(
            {
                "invitation_id": ["a", "b", "c"],
                "survey_id": "s",
                "created_at": NOW,
                "expires_at": NOW,
                "answered_at": [None, NOW, None],
            }
        ),
    )
    rows = pa.table(
        {
            "invitation_id": ["a", "b", "zz"],
            "answered_at": pa.array([NOW] * 3, pa.timestamp("us")),
            "response_id": ["r1", "r2", "r3"],
        }
    )
    claim = Backend.claim if generic else type(ws._backend).claim
    assert claim(ws._backend, "invitations", rows, "invitation_id", "answered_at") == ["a"]
    got = ws.to_pandas("invitations").set_index("invitation_id")
    assert got.loc["a", "response_id"] == "r1" and got.loc["a", "answered_at"] == NOW
    assert pd.isna(got.loc["b", "response_id"]) and pd.isna(got.loc["c", "answered_at"])
    assert len(got) == 3
    assert claim(ws._backend, "invitations", rows, "invitation_id", "answered_at") == []


def test_append_adds_arrow_rows(ws):
    spec_cols = ws.table("touchpoints").columns
    rows = pa.table({c: ["x"] if c != "stage" else ["purchase"] for c in spec_cols})
    ws._backend.append("touchpoints", rows)
    Backend.append(ws._backend, "touchpoints", rows)
    assert ws.count("touchpoints") == 2
