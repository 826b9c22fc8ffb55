"""Identity resolution: one person behind a company's many customer records (issue 18).

So far: the identifying fields in one form (`normal_email`, `normal_phone`, `normal_name`,
`normal_handle`), the base of deterministic links.
"""

from __future__ import annotations

from cxkit.identity._normalise import (
    PROVIDERS,
    normal_email,
    normal_handle,
    normal_name,
    normal_phone,
)

__all__ = ["PROVIDERS", "normal_email", "normal_handle", "normal_name", "normal_phone"]
