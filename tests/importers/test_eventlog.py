"""The event-log importer on a hand-made XES log and CSV log (and pm4py as the peer).

Expected values are read off tests/data/importers/eventlog by hand (see its README):
support_tickets.xes holds 4 traces, 12 events (C-2001 twice: 5 events, then 1 more; one
C-2003 event has no time and is quarantined); order_journeys.csv holds 8 rows of 2
interleaved orders in a spreadsheet's layout (';', CaseID, Complete Timestamp), one
row without a completion time.
"""

from __future__ import annotations

import gzip
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from cxkit.errors import UnreadableFile
from cxkit.importers import import_files
from cxkit.ingest import IngestResult
from cxkit.store import Workspace

Loaded = tuple[Workspace, list[IngestResult]]

DATA = Path(__file__).parents[1] / "data" / "importers" / "eventlog"
XES = DATA / "support_tickets.xes"
CSV = DATA / "order_journeys.csv"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    with Workspace(tmp_path_factory.mktemp("eventlog") / "ws", create=True) as ws:
        yield ws, import_files(ws, "eventlog", [XES, CSV])


def _events(ws: Workspace) -> pd.DataFrame:
    return ws.to_pandas("events").set_index("event_id")


def _in_order(ws: Workspace, case: str) -> list[str]:
    """Return a case's activities as journeys order them: by time, ties by load order."""
    e = ws.to_pandas("events")
    return e[e.customer_id == case].sort_values(["ts", "seq"]).touchpoint.tolist()


def test_eventlog_counts(loaded: Loaded) -> None:
    ws, results = loaded
    assert [
        (r.table, Path(r.file).name, r.rows_read, r.rows_stored, r.rows_quarantined)
        for r in results
    ] == [
        ("events", "support_tickets.xes", 12, 11, 1),
        ("events", "order_journeys.csv", 8, 7, 1),
    ]
    assert ws.count("events") == 18


def test_xes_values(loaded: Loaded) -> None:
    ws, _ = loaded
    e = _events(ws)
    created = e.loc["C-2002#1"]
    assert (created.customer_id, created.touchpoint) == ("C-2002", "Ticket created")
    assert created.ts == pd.Timestamp("2024-03-31 04:30:00")  # 23:30 on the 30th at -05:00
    assert e.loc["C-2001#3"].ts == pd.Timestamp("2024-03-01 08:30:12.250")  # +01:00
    assert e.loc["C-2003#3"].ts == pd.Timestamp("2024-03-05 14:20:30.500")  # Z
    # C-2001's second trace continues its numbering.
    assert e.loc["C-2001#6"].touchpoint == "Reopened"
    assert sorted(i for i in e.index if i.startswith("C-")) == [
        *(f"C-2001#{n}" for n in range(1, 7)),
        *(f"C-2002#{n}" for n in range(1, 4)),
        "C-2003#1",
        "C-2003#3",
    ]
    assert pd.isna(e.loc["C-2001#1"].channel)  # a case attribute is no event channel


def test_xes_ties_keep_file_order(loaded: Loaded) -> None:
    ws, _ = loaded
    # "First reply" and "Customer replied" have the same time: the file's order stands.
    assert _in_order(ws, "C-2001") == [
        "Ticket created",
        "Assigned",
        "First reply",
        "Customer replied",
        "Resolved",
        "Reopened",
    ]


def test_csv_values(loaded: Loaded) -> None:
    ws, _ = loaded
    e = _events(ws)
    checkout = e.loc["O-7001#3"]
    assert (checkout.customer_id, checkout.touchpoint) == ("O-7001", "Checkout")
    assert checkout.ts == pd.Timestamp("2024-02-10 09:10:00")  # the completion, in UTC
    assert checkout.channel == "web"  # the file's Channel column fills the channel
    assert e.loc["O-7002#2"].touchpoint == "Call support"  # cases interleave in the file
    assert e.loc["O-7001#5"].ts == pd.Timestamp("2024-02-12 13:30:00")
    # Checkout and the confirmation e-mail complete at 10:10: file order stands.
    assert _in_order(ws, "O-7001") == [
        "Visit site",
        "Add to cart",
        "Checkout",
        "Order confirmed e-mail",
        "Delivered",
    ]


def test_eventlog_bad_records_quarantined(loaded: Loaded) -> None:
    ws, _ = loaded
    q = ws.to_pandas("quarantine").sort_values("source_file")
    found = zip(q.source_file, q.row_number, q.column_name, q.reason, strict=True)
    assert [(Path(f).name, int(n), c, r) for f, n, c, r in found] == [
        ("order_journeys.csv", 7, "ts", "ts: missing required value"),
        ("support_tickets.xes", 10, "ts", "ts: missing required value"),
    ]


def test_eventlog_custom_fields(loaded: Loaded) -> None:
    ws, _ = loaded
    cols = ("event_id", "org_resource", "lifecycle_transition", "cost_total", "sla_met")
    f = ws.table("events").select(*cols, "case_channel", "case_priority", "tags").to_pandas()
    f = f.set_index("event_id")
    assert f.loc["C-2001#3", "org_resource"] == "Ana"
    assert f.loc["C-2002#2", "lifecycle_transition"] == "start"
    assert f.loc["C-2001#3", "cost_total"] == 4.25  # <float>: a number
    assert f.loc["C-2002#3", "sla_met"] == False  # noqa: E712  (<boolean>; numpy's bool)
    assert f.loc["C-2003#1", "case_channel"] == "chat"
    assert f.loc["C-2002#1", "case_priority"] == 1  # <int> on the trace
    assert f.loc["C-2002#2", "tags"] == '["billing", "vip"]'
    g = ws.table("events").select("event_id", "resource", "amount", "comment").to_pandas()
    g = g.set_index("event_id")
    assert g.loc["O-7001#3", "comment"] == "Paid with card;\n3-D Secure asked twice"
    assert (g.loc["O-7001#2", "resource"], g.loc["O-7001#2", "amount"]) == ("web", 39.9)


def test_xes_matches_pm4py(loaded: Loaded) -> None:
    pm4py = pytest.importorskip("pm4py", reason="pm4py is the test-only peer (AGPL; dev extra)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its advice to install a faster parser
        log = pm4py.read_xes(str(XES))
    log = log.dropna(subset=["time:timestamp"])
    theirs = sorted(
        (c, a, t.tz_convert("UTC").tz_localize(None))
        for c, a, t in zip(
            log["case:concept:name"], log["concept:name"], log["time:timestamp"], strict=True
        )
    )
    e = loaded[0].to_pandas("events")
    e = e[e.customer_id.str.startswith("C-")]
    ours = sorted(zip(e.customer_id, e.touchpoint, e.ts, strict=True))
    assert ours == theirs
    assert len(ours) == 11


def test_running_example(tmp_path: Path, shared_data: Path) -> None:
    # The textbook log as pm4py writes CSVs: a nameless index column, case:concept:name.
    path = shared_data / "event_logs" / "running-example.csv"
    with Workspace(tmp_path / "ws", create=True) as ws:
        [result] = import_files(ws, "eventlog", [path])
        e = ws.to_pandas("events")
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (42, 42, 0)
    assert e.customer_id.nunique() == 6
    first = e.set_index("event_id").loc["3#1"]
    assert (first.touchpoint, first.org_resource) == ("register request", "Pete")
    assert first.ts == pd.Timestamp("2010-12-30 13:32:00")  # 14:32 at +01:00


def test_gzipped_xes(tmp_path: Path) -> None:
    path = tmp_path / "support_tickets.xes.gz"
    path.write_bytes(gzip.compress(XES.read_bytes()))
    with Workspace(tmp_path / "ws", create=True) as ws:
        [result] = import_files(ws, "eventlog", [path])
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (12, 11, 1)


@pytest.mark.parametrize(
    ("header", "case", "activity"),
    [
        ("case_id,activity,timestamp", "case_id", "activity"),
        ("case:concept:name,concept:name,time:timestamp", "case:concept:name", "concept:name"),
        ("CaseID\tevent\tstart_time", "CaseID", "event"),
        ("Case ID|Activity|Timestamp", "Case ID", "Activity"),
    ],
)
def test_csv_header_names(tmp_path: Path, header: str, case: str, activity: str) -> None:
    sep = next(c for c in ",\t|" if c in header)
    path = tmp_path / "log.csv"
    lines = [header, sep.join(["A", "open", "2024-01-01T10:00:00Z"])]
    lines.append(sep.join(["A", "close", "2024-01-01T11:00:00+02:00"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Workspace(tmp_path / "ws", create=True) as ws:
        [result] = import_files(ws, "eventlog", [path])
        e = ws.to_pandas("events").set_index("event_id")
    assert result.rows_stored == 2
    assert e.loc["A#2"].touchpoint == "close"
    assert e.loc["A#2"].ts == pd.Timestamp("2024-01-01 09:00:00")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("log.csv", "case,activity\nA,open\n", "no time column"),
        ("log.csv", "id,amount\n1,2\n", "no case or activity or time column"),
        ("log.xes", "<log><trace><event></trace></log>", "not well-formed XML at line 1"),
        ("log.xml", "<html><body/></html>", "its root element is <html>"),
        ("log.csv", "case,activity,timestamp\nA,open,2024-01-01,extra\n", "row 1 has 4 fields"),
        ("log.csv", "", "empty"),
    ],
)
def test_eventlog_wrong_layout(tmp_path: Path, name: str, text: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with (
        Workspace(tmp_path / "ws", create=True) as ws,
        pytest.raises(UnreadableFile, match=expected) as err,
    ):
        import_files(ws, "eventlog", [path])
    assert str(path) in str(err.value)
