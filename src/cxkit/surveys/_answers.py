"""Answers: turn survey submissions into ``responses`` rows, each invitation answered once."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from cxkit.errors import SurveyError
from cxkit.schema import now_utc, table_spec
from cxkit.store import Workspace
from cxkit.surveys._definitions import Survey, list_surveys
from cxkit.surveys._links import Claim

__all__ = ["ANSWERED", "Answer", "Outcome", "record_answers"]

#: Why an invitation's answer is refused when the invitation is already used.
ANSWERED = "this survey has already been answered; thank you"
#: Why an answer is refused when its link is signed but names no stored invitation
#: (one of another workspace with the same secret, or one removed since).
UNKNOWN = "unknown link: no invitation of ours has it; ask whoever sent it for a new one"
#: Longest comment taken, in characters; a longer one is refused with a message.
MAX_COMMENT = 4000


@dataclass(frozen=True)
class Answer:
    """One submission: the link's claim, the score as typed, and the follow-up text."""

    claim: Claim
    score: object
    comment: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of an answer: its response id, or why it was refused."""

    response_id: str | None = None
    error: str | None = None
    #: The answer was fine but could not be stored now: the sender may try again.
    retry: bool = False
    #: The link can never be answered (again): already answered, or unknown.
    gone: bool = False


def record_answers(
    ws: Workspace,
    answers: Sequence[Answer],
    *,
    surveys: Mapping[str, Survey] | None = None,
    now: datetime | None = None,
) -> list[Outcome]:
    """Store valid answers in ``responses`` and mark their invitations answered, atomically.

    A batch is written in one transaction (the web app groups concurrent submissions this
    way). Invalid answers are refused with a reason; answers to an invitation already
    answered (`ANSWERED`) or not stored at all (`UNKNOWN`), and a second answer to one
    invitation within the batch, are refused as ``gone``.
    """
    now = now or now_utc()
    surveys = surveys or {s.survey_id: s for s in list_surveys(ws)}
    outcomes: list[Outcome] = [Outcome(error=ANSWERED, gone=True)] * len(answers)
    rows: dict[int, dict[str, object]] = {}
    seen: set[str] = set()
    for i, answer in enumerate(answers):
        try:
            row = _response(answer, surveys, now)
        except SurveyError as exc:
            outcomes[i] = Outcome(error=str(exc))
            continue
        invitation = answer.claim.invitation_id
        if invitation in seen:
            continue  # a second answer to one invitation in this batch: refused
        rows[i] = row
        if invitation is not None:
            seen.add(invitation)
    if not rows:
        return outcomes
    invited: dict[int, str] = {
        i: inv for i in rows if (inv := answers[i].claim.invitation_id) is not None
    }
    claims = pa.table(
        {
            "invitation_id": pa.array(list(invited.values()), pa.string()),
            "answered_at": pa.array([now] * len(invited), pa.timestamp("us")),
            "response_id": pa.array([rows[i]["response_id"] for i in invited], pa.string()),
        }
    )
    with ws.transaction():
        claimed = set(ws.claim("invitations", claims, "invitation_id", "answered_at"))
        kept = [i for i in rows if i not in invited or invited[i] in claimed]
        if kept:
            ws.append("responses", _arrow("responses", [rows[i] for i in kept]))
        missed = {invited[i] for i in invited if invited[i] not in claimed}
        stored = _stored_invitations(ws, missed) if missed else set()
    for i in invited:
        if invited[i] not in claimed and invited[i] not in stored:
            outcomes[i] = Outcome(error=UNKNOWN, gone=True)
    for i in kept:
        outcomes[i] = Outcome(response_id=str(rows[i]["response_id"]))
    return outcomes


def _stored_invitations(ws: Workspace, ids: set[str]) -> set[str]:
    """Return which of ``ids`` the invitations table holds."""
    inv = ws.table("invitations")
    found = inv.filter(inv.invitation_id.isin(sorted(ids))).invitation_id.to_pyarrow()
    return set(found.to_pylist())


def _arrow(name: str, rows: list[dict[str, object]]) -> pa.Table:
    schema = table_spec(name).ibis_schema().to_pyarrow()
    return pa.Table.from_pylist(rows, schema=schema)


def _response(answer: Answer, surveys: Mapping[str, Survey], now: datetime) -> dict[str, object]:
    """Return the ``responses`` row of a valid answer; raise `SurveyError` if it is not."""
    claim = answer.claim
    survey = surveys.get(claim.survey_id)
    if survey is None:
        raise SurveyError("this survey no longer exists")
    if claim.invitation_id is None and not survey.anonymous:
        raise SurveyError("this survey does not take anonymous answers")
    score = survey.check_score(answer.score)
    # A NUL means nothing to a reader, and no engine keeps it well: drop it.
    comment = (answer.comment or "").replace("\x00", "").strip() or None
    if comment is not None and len(comment) > MAX_COMMENT:
        raise SurveyError(
            f"comment: {len(comment):,} characters; at most {MAX_COMMENT:,} are taken: "
            "please shorten it"
        )
    return {
        "response_id": uuid.uuid4().hex,
        "survey_id": survey.survey_id,
        "customer_id": claim.customer_id,
        "kind": survey.kind,
        "score": score,
        "comment": comment,
        "touchpoint": survey.touchpoint,
        "channel": survey.channel,
        "ts": now,
    }
