"""Signed survey links: per-customer invitation tokens that expire, and anonymous survey tokens.

A token is the invitation's fields signed with the workspace's secret
(`cxkit.store.workspace_secret`; HMAC-SHA256 through itsdangerous), so it cannot be forged
or edited; being answered once is enforced by the ``invitations`` table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer

from cxkit.errors import SurveyError

__all__ = ["Claim", "SurveyLinks"]


@dataclass(frozen=True)
class Claim:
    """What a valid token says: the survey, and for invitations the invitation and customer."""

    survey_id: str
    invitation_id: str | None = None
    customer_id: str | None = None

    @property
    def anonymous(self) -> bool:
        """Whether the token is a survey's anonymous link."""
        return self.invitation_id is None


class SurveyLinks:
    """Make and read survey tokens with one secret."""

    def __init__(self, secret: bytes) -> None:
        self._signer = URLSafeSerializer(secret, salt="cxkit.survey")

    def invitation_token(
        self, invitation_id: str, survey_id: str, customer_id: str | None, expires_at: datetime
    ) -> str:
        """Sign an invitation: it names its survey and customer and when it stops working."""
        payload = {"i": invitation_id, "s": survey_id, "c": customer_id, "e": _epoch(expires_at)}
        return str(self._signer.dumps(payload))

    def anonymous_token(self, survey_id: str) -> str:
        """Sign a survey's anonymous link (valid while the survey allows anonymous answers)."""
        return str(self._signer.dumps({"s": survey_id}))

    def read(self, token: str, now: datetime) -> Claim:
        """Return the claim of ``token``; raise `SurveyError` if forged, edited or expired."""
        try:
            payload = self._signer.loads(token)
        except BadSignature:
            raise SurveyError("this survey link is not valid") from None
        if not isinstance(payload, dict) or "s" not in payload:
            raise SurveyError("this survey link is not valid")
        if "i" not in payload:
            return Claim(survey_id=str(payload["s"]))
        if _epoch(now) > int(payload["e"]):
            raise SurveyError("this survey link has expired")
        customer = payload.get("c")
        return Claim(
            str(payload["s"]), str(payload["i"]), None if customer is None else str(customer)
        )


def _epoch(ts: datetime) -> int:
    """Seconds since 1970 of a naive UTC time."""
    return int((ts - datetime(1970, 1, 1)).total_seconds())
