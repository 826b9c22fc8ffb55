"""Invitations: one signed, expiring, single-use link per customer; and the post-ticket trigger."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import ibis
import pandas as pd
import pyarrow as pa

from cxkit.errors import SurveyError
from cxkit.schema import now_utc, table_spec
from cxkit.store import Workspace
from cxkit.surveys._definitions import get_survey, post_interaction_survey
from cxkit.surveys._links import SurveyLinks

__all__ = ["Invitation", "InvitationState", "invitation_state", "invite", "invite_after_tickets"]

#: Days an invitation link works.
DEFAULT_DAYS = 14

InvitationState = Literal["open", "answered", "unknown"]


@dataclass(frozen=True)
class Invitation:
    """A stored invitation and the token that answers it (give the token to the customer)."""

    invitation_id: str
    survey_id: str
    customer_id: str | None
    expires_at: datetime
    token: str
    ticket_id: str | None = None


def invite(
    ws: Workspace,
    links: SurveyLinks,
    survey_id: str,
    customer_ids: Iterable[str],
    *,
    days: float = DEFAULT_DAYS,
    now: datetime | None = None,
    known_only: bool = False,
) -> list[Invitation]:
    """Create one invitation per customer to survey ``survey_id``, valid for ``days``.

    With ``known_only``, customer ids missing from the customers table are refused
    (`SurveyError` naming them) and nobody is invited: what the web form does, where an
    id is typed by hand.
    """
    get_survey(ws, survey_id)  # raises for an unknown survey
    now = now or now_utc()
    expires = now + timedelta(days=days)
    ids = [str(c).strip() for c in customer_ids if str(c).strip()]
    unknown = _unknown_customers(ws, ids) if known_only else []
    if unknown:
        shown = ", ".join(repr(c) for c in unknown[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        raise SurveyError(
            f"customers: {len(unknown)} unknown id(s): {shown}{more}; "
            "expected ids of the customers table: nobody was invited"
        )
    rows = [{"invitation_id": uuid.uuid4().hex, "customer_id": c, "ticket_id": None} for c in ids]
    return _store(ws, links, survey_id, rows, now, expires)


def _unknown_customers(ws: Workspace, ids: list[str]) -> list[str]:
    """Return the ids missing from the customers table, each once, in order.

    The ids travel as a table, not as SQL literals: typed text may hold a NUL, which would
    end DuckDB's parsing of the SQL.
    """
    wanted = ibis.memtable(pa.table({"customer_id": pa.array(ids, pa.string())}))
    c = ws.table("customers")
    known = set(c.semi_join(wanted, "customer_id").customer_id.to_pyarrow().to_pylist())
    return [c for c in dict.fromkeys(ids) if c not in known]


def invite_after_tickets(
    ws: Workspace,
    links: SurveyLinks,
    tickets: pd.DataFrame,
    *,
    days: float = DEFAULT_DAYS,
    now: datetime | None = None,
) -> list[Invitation]:
    """Invite the customer of each resolved ticket to the post-interaction CSAT survey.

    One invitation per ticket (its id derives from the ticket's), so sending a resolved
    ticket again does not invite twice. Returns the invitations created by this call.
    """
    done = tickets[tickets["resolved_at"].notna() & tickets["customer_id"].notna()]
    if done.empty:
        return []
    survey = post_interaction_survey(ws)
    wanted = {
        f"ticket-{t}": (str(t), str(c))
        for t, c in zip(done.ticket_id, done.customer_id, strict=False)
    }
    inv = ws.table("invitations")
    known = set(
        inv.filter(inv.invitation_id.isin(list(wanted))).invitation_id.to_pyarrow().to_pylist()
    )
    rows = [
        {"invitation_id": i, "customer_id": c, "ticket_id": t}
        for i, (t, c) in wanted.items()
        if i not in known
    ]
    now = now or now_utc()
    return _store(ws, links, survey.survey_id, rows, now, now + timedelta(days=days))


def invitation_state(ws: Workspace, invitation_id: str) -> InvitationState:
    """Return whether invitation ``invitation_id`` is ``open``, ``answered`` or ``unknown``."""
    inv = ws.table("invitations")
    hit = inv.filter(inv.invitation_id == invitation_id).answered_at.to_pyarrow()
    if len(hit) == 0:
        return "unknown"
    return "open" if hit[0].as_py() is None else "answered"


def _store(
    ws: Workspace,
    links: SurveyLinks,
    survey_id: str,
    rows: list[dict[str, Any]],
    now: datetime,
    expires: datetime,
) -> list[Invitation]:
    if not rows:
        return []
    frame = pd.DataFrame(rows).assign(
        survey_id=survey_id, created_at=now, expires_at=expires, answered_at=None, response_id=None
    )
    with ws.transaction():
        ws.insert(
            "invitations", ibis.memtable(frame, schema=table_spec("invitations").ibis_schema())
        )
    return [
        Invitation(
            invitation_id=r["invitation_id"],
            survey_id=survey_id,
            customer_id=r["customer_id"],
            expires_at=expires,
            token=links.invitation_token(r["invitation_id"], survey_id, r["customer_id"], expires),
            ticket_id=r["ticket_id"],
        )
        for r in rows
    ]
