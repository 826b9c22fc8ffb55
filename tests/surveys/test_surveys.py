"""Surveys: definitions, signed links, single use, anonymous answers, the post-ticket trigger."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cxkit.errors import SurveyError
from cxkit.metrics import compute
from cxkit.surveys import (
    ANSWERED,
    Answer,
    SurveyLinks,
    create_survey,
    invitation_state,
    invite,
    invite_after_tickets,
    list_surveys,
    recent_answers,
    record_answers,
    survey_stats,
    workspace_secret,
)
from tests.conftest import load

NOW = dt.datetime(2026, 1, 10, 12, 0)


@pytest.fixture
def links(ws) -> SurveyLinks:
    return SurveyLinks(workspace_secret(ws.path))


def test_definition_is_checked_and_stored(ws):
    with pytest.raises(SurveyError, match="kind"):
        create_survey(ws, "x", "stars")
    with pytest.raises(SurveyError, match="channel"):
        create_survey(ws, "x", "nps", channel="fax")
    s = create_survey(ws, "After delivery", "CSAT", follow_up="Why?", channel="email")
    assert s.kind == "csat" and s.scale.low == 1 and s.scale.high == 5
    assert s.question.startswith("How satisfied")
    assert [x.survey_id for x in list_surveys(ws)] == [s.survey_id]
    assert s.check_score("5") == 5
    for bad in ("0", "6", "4.5", "five"):
        with pytest.raises(SurveyError, match="score"):
            s.check_score(bad)


def test_secret_is_private_and_stable(ws):
    first = workspace_secret(ws.path)
    assert len(first) == 32 and workspace_secret(ws.path) == first
    assert (ws.path / "secret.key").stat().st_mode & 0o077 == 0


def test_tokens_cannot_be_forged_edited_or_used_late(ws, links):
    s = create_survey(ws, "NPS", "nps")
    (inv,) = invite(ws, links, s.survey_id, ["C1"], days=7, now=NOW)
    claim = links.read(inv.token, NOW)
    assert (claim.survey_id, claim.customer_id, claim.anonymous) == (s.survey_id, "C1", False)
    body, sig = inv.token.rsplit(".", 1)
    with pytest.raises(SurveyError, match="not valid"):
        links.read(body + "." + sig[::-1], NOW)
    with pytest.raises(SurveyError, match="not valid"):
        SurveyLinks(b"another secret").read(inv.token, NOW)
    with pytest.raises(SurveyError, match="expired"):
        links.read(inv.token, NOW + dt.timedelta(days=7, seconds=1))


def test_an_invitation_is_answered_once_and_counted_at_once(ws, links):
    s = create_survey(ws, "NPS", "nps", follow_up="Why?")
    a, b, c = invite(ws, links, s.survey_id, ["C1", "C2", "C3"], now=NOW)
    ca, cb, cc = (links.read(i.token, NOW) for i in (a, b, c))
    out = record_answers(
        ws,
        [Answer(ca, 10, "  great  "), Answer(ca, 0), Answer(cb, "11"), Answer(cc, 3)],
        now=NOW,
    )
    assert out[0].response_id and out[3].response_id
    assert out[1].error and "already" in out[1].error
    assert out[2].error and "outside 0..10" in out[2].error
    assert "already" in (record_answers(ws, [Answer(ca, 9)], now=NOW)[0].error or "")
    # b's bad score did not use up its invitation.
    assert record_answers(ws, [Answer(cb, 9)], now=NOW)[0].response_id
    responses = ws.to_pandas("responses").set_index("customer_id")
    assert responses.loc["C1", "comment"] == "great"
    assert set(responses.kind) == {"nps"} and set(responses.survey_id) == {s.survey_id}
    # Promoters 10 and 9, detractor 3: NPS = 100 * (2 - 1) / 3.
    row = compute(ws, "nps").to_pandas().iloc[0]
    assert row.n == 3 and row.value == pytest.approx(100 / 3)
    invitations = ws.to_pandas("invitations").set_index("customer_id")
    assert invitations.loc["C1", "response_id"] == responses.loc["C1", "response_id"]
    assert not pd.isna(invitations.loc["C3", "answered_at"])


def test_anonymous_links_only_where_allowed(ws, links):
    closed = create_survey(ws, "Closed", "ces")
    open_ = create_survey(ws, "Open", "ces", anonymous=True)
    ok, refused = record_answers(
        ws,
        [
            Answer(links.read(links.anonymous_token(open_.survey_id), NOW), 7),
            Answer(links.read(links.anonymous_token(closed.survey_id), NOW), 7),
        ],
        now=NOW,
    )
    assert ok.response_id and refused.error and "anonymous" in refused.error
    again = record_answers(
        ws, [Answer(links.read(links.anonymous_token(open_.survey_id), NOW), 1)], now=NOW
    )
    assert again[0].response_id  # an anonymous link is reusable
    assert ws.to_pandas("responses").customer_id.isna().all()


def test_resolved_tickets_invite_their_customer_once(ws, links):
    tickets = pd.DataFrame(
        {
            "ticket_id": ["T1", "T2", "T3"],
            "customer_id": ["C1", "C2", None],
            "resolved_at": [NOW, None, NOW],
        }
    )
    made = invite_after_tickets(ws, links, tickets, now=NOW)
    assert [(i.ticket_id, i.customer_id, i.survey_id) for i in made] == [
        ("T1", "C1", "support_csat")
    ]
    assert invite_after_tickets(ws, links, tickets, now=NOW) == []
    claim = links.read(made[0].token, NOW)
    assert record_answers(ws, [Answer(claim, 5)], now=NOW)[0].response_id
    assert compute(ws, "csat").to_pandas().iloc[0].value == 100


def test_stats_recent_answers_and_invitation_state(ws, links):
    nps = create_survey(ws, "NPS", "nps")
    ces = create_survey(ws, "Effort", "ces", anonymous=True)
    a, b = invite(ws, links, nps.survey_id, ["C1", "C2"], now=NOW)
    assert invitation_state(ws, a.invitation_id) == "open"
    record_answers(ws, [Answer(links.read(a.token, NOW), 10, "great")], now=NOW)
    later = NOW + dt.timedelta(minutes=1)
    anonymous = links.read(links.anonymous_token(ces.survey_id), NOW)
    record_answers(ws, [Answer(anonymous, 6), Answer(anonymous, 2)], now=later)
    again = record_answers(ws, [Answer(links.read(a.token, NOW), 1)], now=later)
    assert again[0].error == ANSWERED
    assert invitation_state(ws, a.invitation_id) == "answered"
    assert invitation_state(ws, b.invitation_id) == "open"
    assert invitation_state(ws, "no-such-invitation") == "unknown"
    stats = survey_stats(ws)
    assert stats[nps.survey_id] == {
        "survey_id": nps.survey_id, "invited": 2, "answered": 1, "responses": 1, "value": 100.0
    }  # fmt: skip
    assert stats[ces.survey_id] == {"invited": 0, "answered": 0, "responses": 2, "value": 4.0}
    recent = recent_answers(ws, nps.survey_id)
    assert list(recent.columns) == ["ts", "customer_id", "score", "comment"]
    assert recent.to_dict("records") == [
        {"ts": pd.Timestamp(NOW), "customer_id": "C1", "score": 10, "comment": "great"}
    ]
    assert len(recent_answers(ws, ces.survey_id, limit=1)) == 1


def test_a_signed_but_unknown_invitation_is_an_unknown_link(ws, links):
    s = create_survey(ws, "NPS", "nps")
    (real,) = invite(ws, links, s.survey_id, ["C1"], now=NOW)
    # Signed with this workspace's secret, but never stored (another copy's, or removed).
    token = links.invitation_token("never-stored", s.survey_id, "C2", NOW + dt.timedelta(days=1))
    stray = links.read(token, NOW)
    assert invitation_state(ws, "never-stored") == "unknown"
    first = record_answers(ws, [Answer(stray, 9), Answer(links.read(real.token, NOW), 9)], now=NOW)
    assert first[0].error and first[0].error.startswith("unknown link") and first[0].gone
    assert first[1].response_id
    again = record_answers(ws, [Answer(stray, 9), Answer(links.read(real.token, NOW), 9)], now=NOW)
    assert [o.error for o in again] == [first[0].error, ANSWERED] and again[1].gone
    assert ws.count("responses") == 1


def test_a_comment_too_long_is_refused_and_nul_dropped(ws, links):
    s = create_survey(ws, "NPS", "nps", follow_up="Why?")
    (inv,) = invite(ws, links, s.survey_id, ["C1"], now=NOW)
    claim = links.read(inv.token, NOW)
    (long,) = record_answers(ws, [Answer(claim, 9, "x" * 4001)], now=NOW)
    assert long.error == "comment: 4,001 characters; at most 4,000 are taken: please shorten it"
    assert not long.gone and invitation_state(ws, inv.invitation_id) == "open"
    (ok,) = record_answers(ws, [Answer(claim, 9, " a\x00b" + "y" * 3998 + " ")], now=NOW)
    assert ok.response_id
    assert ws.to_pandas("responses").comment.tolist() == ["ab" + "y" * 3998]


def test_invite_known_only_refuses_unknown_customers(ws, links):
    load(ws, "customers", pd.DataFrame({"customer_id": ["C1"]}))
    s = create_survey(ws, "NPS", "nps")
    with pytest.raises(SurveyError, match=r"2 unknown id\(s\): 'C9', 'N\\x00L'"):
        invite(ws, links, s.survey_id, ["C1", "C9", "N\x00L", "C9"], known_only=True)
    assert ws.count("invitations") == 0
    assert [i.customer_id for i in invite(ws, links, s.survey_id, ["C1"], known_only=True)] == [
        "C1"
    ]
    assert len(invite(ws, links, s.survey_id, ["C9"])) == 1  # the library's default: as given


def test_definition_refuses_unknown_touchpoints_and_nul(ws):
    with pytest.raises(SurveyError, match="touchpoint: 'checkout' is not a touchpoint"):
        create_survey(ws, "x", "nps", touchpoint="checkout")
    load(
        ws,
        "touchpoints",
        pd.DataFrame({"touchpoint": ["checkout"], "channel": ["web"], "stage": ["purchase"]}),
    )
    assert create_survey(ws, "x", "nps", touchpoint=" checkout ").touchpoint == "checkout"
    with pytest.raises(SurveyError, match="name: holds a NUL"):
        create_survey(ws, "a\x00", "nps")
    with pytest.raises(SurveyError, match="touchpoint: holds a NUL"):
        create_survey(ws, "x", "nps", touchpoint="check\x00out")
