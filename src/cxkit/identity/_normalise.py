"""Identifying fields in one form, so the same person's e-mail or phone compares equal.

Deterministic links (same e-mail, same phone) are only as good as this: ``Jane.Doe@GMail.com``
and ``janedoe+shop@gmail.com`` are one mailbox, ``(415) 555-0100`` and ``+1 415 555 0100`` one
line. The providers' own rules are data (`PROVIDERS`): dots count for most mailboxes, and a
``+tag`` is only a tag where the provider delivers sub-addresses.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

__all__ = ["PROVIDERS", "normal_email", "normal_handle", "normal_name", "normal_phone"]

#: Mail domain -> (dots in the local part ignored, "+tag" is a sub-address), from the
#: providers' help pages. Domains not listed keep their address whole but for case.
PROVIDERS: dict[str, tuple[bool, bool]] = {
    "gmail.com": (True, True),
    "googlemail.com": (True, True),
    "outlook.com": (False, True),
    "hotmail.com": (False, True),
    "live.com": (False, True),
    "icloud.com": (False, True),
    "me.com": (False, True),
    "fastmail.com": (False, True),
    "proton.me": (False, True),
    "protonmail.com": (False, True),
}
#: Domains that are one mailbox under two names.
_SAME_MAILBOX = {"googlemail.com": "gmail.com"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normal_email(text: str | None) -> str | None:
    """Return the mailbox an address reaches, in one spelling; None if it is no address.

    Examples
    --------
    >>> normal_email(" Jane.Doe+shop@GoogleMail.com ")
    'janedoe@gmail.com'
    >>> normal_email("j.doe+x@example.org"), normal_email("n/a")
    ('j.doe+x@example.org', None)
    """
    if text is None:
        return None
    address = text.strip().lower()
    if not _EMAIL.match(address):
        return None
    local, _, domain = address.rpartition("@")
    domain = _SAME_MAILBOX.get(domain, domain)
    dots, tags = PROVIDERS.get(domain, (False, False))
    if tags:
        local = local.split("+", 1)[0]
    if dots:
        local = local.replace(".", "")
    return f"{local}@{domain}" if local else None


def normal_phone(text: str | None, region: str = "US") -> str | None:
    """Return a phone number in E.164 (``+14155550100``); None if it is not a valid number.

    ``region`` is the country a number without a ``+`` prefix is read in.

    Examples
    --------
    >>> normal_phone("(415) 555-2671"), normal_phone("+44 20 7946 0018", "US")
    ('+14155552671', '+442079460018')
    >>> normal_phone("12345") is None
    True
    """
    if text is None or not text.strip():
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normal_name(text: str | None) -> str | None:
    """Return a name in one form: Unicode-composed, case-folded, single spaces.

    Examples
    --------
    >>> normal_name("  JOSÉ   de  la Cruz ")
    'josé de la cruz'
    """
    if text is None:
        return None
    name = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return name or None


def normal_handle(text: str | None) -> str | None:
    """Return a social handle without its ``@`` and case (handles are case-blind).

    Examples
    --------
    >>> normal_handle("@JaneD_"), normal_handle("@")
    ('janed_', None)
    """
    if text is None:
        return None
    handle = text.strip().lstrip("@").lower()
    return handle or None
