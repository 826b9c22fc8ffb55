"""Identifying fields in one form: hand-checked cases per provider rule and phone format."""

from __future__ import annotations

import pytest

from cxkit.identity import normal_email, normal_handle, normal_name, normal_phone


@pytest.mark.parametrize(
    ("given", "mailbox"),
    [
        ("Jane.Doe@gmail.com", "janedoe@gmail.com"),  # Gmail ignores dots
        ("janedoe+newsletter@gmail.com", "janedoe@gmail.com"),  # and delivers +tags
        ("JaneDoe@googlemail.com", "janedoe@gmail.com"),  # one mailbox, two domains
        ("jane.doe+work@outlook.com", "jane.doe@outlook.com"),  # tags yes, dots count
        ("jane.doe+work@example.org", "jane.doe+work@example.org"),  # unknown: kept whole
        ("  JANE@Example.ORG ", "jane@example.org"),
        ("+tag@gmail.com", None),  # nothing left of the mailbox
        ("not an address", None),
        ("a@b", None),
        ("", None),
        (None, None),
    ],
)
def test_email(given, mailbox) -> None:
    assert normal_email(given) == mailbox


@pytest.mark.parametrize(
    ("given", "region", "e164"),
    [
        ("(415) 555-2671", "US", "+14155552671"),
        ("+1 415.555.2671", "DE", "+14155552671"),  # a + prefix wins over the region
        ("030 901820", "DE", "+4930901820"),
        ("020 7946 0018", "GB", "+442079460018"),
        ("555-0100", "US", None),  # too short to be a number
        ("call me", "US", None),
        ("", "US", None),
        (None, "US", None),
    ],
)
def test_phone(given, region, e164) -> None:
    assert normal_phone(given, region) == e164


def test_name_and_handle() -> None:
    assert normal_name("Ｊａｎｅ  DOE") == "jane doe"  # full-width letters compose to ASCII
    assert normal_name(" \t ") is None
    assert normal_handle(" @Jane_Doe ") == "jane_doe"
    assert normal_handle(None) is None
