"""The demo company: deterministic, loaded through ingest, with its planted truths visible."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from cxkit.demo import PERSONAS, build_demo
from cxkit.errors import WorkspaceError
from cxkit.store import Workspace

N = 3_000


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    return build_demo(tmp_path_factory.mktemp("demo") / "ws", customers=N, seed=11)


def _hash(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))
    }


def test_same_seed_same_company(demo, tmp_path: Path) -> None:
    again = build_demo(tmp_path / "again", customers=N, seed=11)
    assert _hash(again.path / "files") == _hash(demo.path / "files")
    other = build_demo(tmp_path / "other", customers=N, seed=12)
    assert _hash(other.path / "files") != _hash(demo.path / "files")


def test_everything_read_is_stored_or_quarantined(demo) -> None:
    assert demo.rows_read == demo.rows_stored + demo.rows_quarantined
    planted = demo.truth["planted_bad_rows"]
    assert demo.counts["quarantine"] == demo.rows_quarantined == sum(planted.values()) > 0
    assert demo.counts["customers"] == N and demo.counts["touchpoints"] == 25


def test_ground_truth_personas(demo) -> None:
    truth = json.loads(demo.ground_truth_path.read_text())
    assert len(truth["personas"]) == N
    assert set(truth["personas"].values()) == {p.name for p in PERSONAS}
    assert 4 <= len(PERSONAS) <= 6


def test_journeys_cover_channels_and_stages(demo) -> None:
    with Workspace(demo.path) as ws:
        ev = ws.table("events")
        tp = ws.table("touchpoints")
        joined = ev.join(tp, "touchpoint")
        assert joined.channel.nunique().execute() == 7
        assert joined.stage.nunique().execute() == 5
        assert ev.count().execute() == joined.count().execute()  # every event's touchpoint exists
        # Loops: some customers visit the same touchpoint more than once in a journey.
        per = ev.group_by(["customer_id", "touchpoint"]).aggregate(n=ev.count())
        assert per.filter(per.n > 1).count().execute() > 0


def test_pain_point_has_lowest_csat_and_more_churn(demo) -> None:
    pain = demo.truth["pain_point"]["touchpoint"]
    with Workspace(demo.path) as ws:
        r = ws.table("responses")
        csat = (
            r.filter(r.kind == "csat")
            .group_by("touchpoint")
            .aggregate(mean=r.score.mean())
            .order_by("mean")
            .to_pandas()
        )
        assert csat.touchpoint.iloc[0] == pain
        comments = r.filter((r.touchpoint == pain) & (r.score <= 2) & r.comment.notnull())
        texts = " ".join(comments.comment.to_pandas()).lower()
        assert sum(w in texts for w in ("late", "tracking", "parcel", "delivery")) >= 3
        # After a bad experience there (CSAT <= 2), fewer customers buy again than after a good one.
        o = ws.table("orders")
        at_pain = r.filter((r.touchpoint == pain) & (r.kind == "csat"))
        later = at_pain.join(o, (at_pain.customer_id == o.customer_id) & (o.ts > at_pain.ts))
        bought = later.select(rid=later.response_id).distinct().mutate(again=True)
        flagged = at_pain.left_join(bought, at_pain.response_id == bought.rid)
        again = (
            flagged.group_by(bad=flagged.score <= 2)
            .aggregate(rate=flagged.again.fill_null(False).mean())
            .to_pandas()
            .set_index("bad")["rate"]
        )
        assert again[True] < 0.8 * again[False]


def test_slow_agent_is_slowest(demo) -> None:
    with Workspace(demo.path) as ws:
        t = ws.table("tickets")
        frt = t.first_response_at.epoch_seconds() - t.created_at.epoch_seconds()
        by = (
            t.group_by(["channel", "agent_id"])
            .aggregate(frt=frt.median())
            .order_by(ibis_desc("frt"))
            .to_pandas()
        )
        slow = demo.truth["slow_agent"]
        team = by[by.agent_id == slow].channel.iloc[0]
        assert by[by.channel == team].agent_id.iloc[0] == slow


def ibis_desc(col: str):
    import ibis

    return ibis.desc(col)


def test_social_spike_on_planted_day(demo) -> None:
    with Workspace(demo.path) as ws:
        f = ws.table("feedback")
        social = f.filter(f.source == "social")
        daily = social.group_by(day=social.ts.date()).aggregate(n=social.count())
        top = daily.order_by(ibis_desc("n")).limit(2).to_pandas()
    assert str(top.day.iloc[0])[:10] == demo.truth["social_spike"]["date"]
    assert top.n.iloc[0] > 2 * top.n.iloc[1]


def test_comments_read_like_people(demo) -> None:
    with Workspace(demo.path) as ws:
        r = ws.table("responses")
        c = r.filter(r.comment.notnull())
        distinct = c.comment.nunique().execute()
        total = c.count().execute()
        assert not c.comment.re_search(r"^comment \d+$").any().execute()
    assert distinct > 600 and distinct / total > 0.3


def test_refuses_to_clear_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(WorkspaceError, match="not empty"):
        build_demo(tmp_path, customers=10)


def test_two_tables_come_as_vendor_exports_through_cx_import(demo, tmp_path: Path) -> None:
    """Tickets as Intercom conversations, answers as Delighted's CSV: `cx import` loads them."""
    from typer.testing import CliRunner

    from cxkit.cli import app

    files = demo.path / "files"
    first = json.loads((files / "intercom_conversations.ndjson").read_text().splitlines()[0])
    assert first["type"] == "conversation" and "statistics" in first
    header = (files / "delighted_responses.csv").read_text().splitlines()[0]
    assert header.startswith("Response ID,Score,Comment,Response timestamp")
    assert not (files / "tickets.csv").exists() and not (files / "responses.csv").exists()
    runner = CliRunner()
    fresh = tmp_path / "fresh"
    assert runner.invoke(app, ["init", str(fresh)]).exit_code == 0
    for source, name in (("intercom", "intercom_conversations.ndjson"),
                         ("delighted", "delighted_responses.csv")):  # fmt: skip
        r = runner.invoke(app, ["import", source, str(files / name), "-w", str(fresh)])
        assert r.exit_code == 0, r.output
    with Workspace(demo.path) as ws, Workspace(fresh) as again:
        for table in ("tickets", "responses"):
            key = "ticket_id" if table == "tickets" else "response_id"
            ours = ws.to_pandas(table).drop(columns="seq").sort_values(key, ignore_index=True)
            theirs = again.to_pandas(table).drop(columns="seq").sort_values(key, ignore_index=True)
            assert ours.equals(theirs), table
        assert (
            ws.count("tickets") > 0
            and ws.to_pandas("tickets").ticket_id.str.startswith("intercom-").all()
        )
