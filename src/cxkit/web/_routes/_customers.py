"""Customers: search, and one customer's profile, risk, value and timeline."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from starlette.convertors import PathConvertor, register_url_convertor

from cxkit.customers import customer_profile, find_customers
from cxkit.present import records
from cxkit.web._deps import AppState, Viewer, render

__all__ = ["router"]

router = APIRouter()


class _AnyText(PathConvertor):
    """A path segment that may hold anything an id can: '/', newlines (``path`` stops at one)."""

    regex = "(?s:.*)"


register_url_convertor("anytext", _AnyText())


@router.get("/customers", response_class=HTMLResponse)
def customers_page(request: Request, user: Viewer, state: AppState, q: str = "") -> HTMLResponse:
    """Search customers by id (and by name or email for analysts and admins)."""
    see = user.can("analyst")
    found = records(find_customers(state.workspace(), q, see_pii=see)) if q else []
    return render(request, "customers.html", user, q=q, found=found, see_pii=see)


@router.get("/customers/{customer_id:anytext}", response_class=HTMLResponse)
def customer_page(
    request: Request, user: Viewer, state: AppState, customer_id: str
) -> HTMLResponse:
    """One customer's profile, risk, value and timeline across every channel."""
    data = customer_profile(state.workspace(), customer_id, see_pii=user.can("analyst"))
    if data is None:
        raise HTTPException(404, f"no customer {customer_id!r}")
    profile, scores = records(data["profile"]), records(data["scores"])
    score = scores[0] if scores else None
    if score and isinstance(score.get("reasons"), list):
        score["reasons"] = "; ".join(score["reasons"])
    return render(
        request,
        "customer.html",
        user,
        customer_id=customer_id,
        profile=profile[0] if profile else None,
        score=score,
        offers=data["offers"],
        timeline=records(data["timeline"]),
    )
