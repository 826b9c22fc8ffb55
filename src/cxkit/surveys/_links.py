"""Signed survey links: per-customer invitation tokens that expire, and anonymous survey tokens.

A token is the invitation's fields signed with the workspace's secret (HMAC-SHA256 through
itsdangerous), so it cannot be forged or edited; being answered once is enforced by the
``invitations`` table.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer

from cxkit.errors import SurveyError

__all__ = ["Claim", "SurveyLinks", "workspace_secret"]

SECRET_FILE = "secret.key"


def workspace_secret(folder: str | Path) -> bytes:
    """Return the workspace's signing secret, creating it (readable by its owner only) once."""
    path = Path(folder) / SECRET_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


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
