"""Answers: turn survey submissions into ``responses`` rows, each invitation answered once."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import ibis
import pandas as pd

from cxkit.errors import SurveyError
from cxkit.schema import table_spec
from cxkit.store import Workspace
from cxkit.surveys._definitions import Survey, list_surveys, now_utc
from cxkit.surveys._links import Claim

__all__ = ["Answer", "Outcome", "record_answers"]

#: Longest comment kept, in characters (longer ones are cut, not refused).
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


def record_answers(
    ws: Workspace,
    answers: Sequence[Answer],
    *,
    surveys: Mapping[str, Survey] | None = None,
    now: datetime | None = None,
) -> list[Outcome]:
    """Store valid answers in ``responses`` and mark their invitations answered, atomically.

    A batch is written in one transaction (the web app groups concurrent submissions this
    way). Invalid answers, answers to an already answered invitation, and a second answer
    to the same invitation within the batch are refused with a reason; the rest are kept.
    """
    now = now or now_utc()
    surveys = surveys or {s.survey_id: s for s in list_surveys(ws)}
    invitations = _invitations(ws, {a.claim.invitation_id for a in answers} - {None})
    outcomes: list[Outcome] = []
    responses: list[dict[str, object]] = []
    for answer in answers:
        try:
            row = _response(answer, surveys, invitations, now)
        except SurveyError as exc:
            outcomes.append(Outcome(error=str(exc)))
            continue
        responses.append(row)
        outcomes.append(Outcome(response_id=str(row["response_id"])))
        if answer.claim.invitation_id:
            invitations[answer.claim.invitation_id].update(
                answered_at=now, response_id=row["response_id"]
            )
    if responses:
        answered = [r for r in invitations.values() if r["response_id"] in _ids(responses)]
        with ws.backend.transaction():
            ws.backend.insert("responses", _memtable("responses", responses))
            if answered:
                ws.backend.upsert(
                    "invitations", _memtable("invitations", answered), ["invitation_id"]
                )
    return outcomes


def _ids(rows: list[dict[str, object]]) -> set[object]:
    return {r["response_id"] for r in rows}


def _memtable(name: str, rows: list[dict[str, object]]) -> ibis.Table:
    spec = table_spec(name)
    frame = pd.DataFrame(rows, columns=list(spec.column_names))
    return ibis.memtable(frame, schema=spec.ibis_schema())


def _invitations(ws: Workspace, ids: set[str | None]) -> dict[str, dict[str, object]]:
    if not ids:
        return {}
    inv = ws.table("invitations")
    rows = inv.filter(inv.invitation_id.isin(sorted(i for i in ids if i))).to_pyarrow()
    return {r["invitation_id"]: r for r in rows.to_pylist()}


def _response(
    answer: Answer,
    surveys: Mapping[str, Survey],
    invitations: dict[str, dict[str, object]],
    now: datetime,
) -> dict[str, object]:
    """The ``responses`` row of a valid answer; raise `SurveyError` why it is not."""
    claim = answer.claim
    survey = surveys.get(claim.survey_id)
    if survey is None:
        raise SurveyError("this survey no longer exists")
    if claim.invitation_id is None:
        if not survey.anonymous:
            raise SurveyError("this survey does not take anonymous answers")
    else:
        invitation = invitations.get(claim.invitation_id)
        if invitation is None:
            raise SurveyError("this invitation no longer exists")
        if invitation["answered_at"] is not None:
            raise SurveyError("this survey has already been answered; thank you")
    score = survey.check_score(answer.score)
    comment = (answer.comment or "").strip()[:MAX_COMMENT] or None
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
