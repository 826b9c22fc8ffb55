"""The JSON API, ``/api/v1``: push records (single or batch) and read metrics, with API keys."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from cxkit.errors import ConfigError
from cxkit.ingest import ingest_records
from cxkit.metrics import REGISTRY, compare, compute, slice_fields
from cxkit.web._deps import AppState, require_scope, state_of
from cxkit.web._models import (
    INGEST_TABLES,
    MAX_BATCH,
    RECORD_MODELS,
    Accepted,
    Invitation,
    Rejected,
    batch_model,
)
from cxkit.web._state import State

__all__ = ["router", "validation_error"]

router = APIRouter(prefix="/api/v1")


async def _store(state: State, table: str, records: list[BaseModel]) -> JSONResponse:
    rows = [r.model_dump(exclude_unset=True) for r in records]
    stored = await state.writer.store(table, rows)
    result = stored.result
    if stored.error:
        return JSONResponse({"detail": stored.error}, status_code=503, headers={"retry-after": "1"})
    if result.rejected:
        body = Rejected(
            detail=f"nothing stored: {len(result.rejected)} of {len(rows)} records are bad",
            rejected=[{"record": i, "reason": why} for i, why in result.rejected],  # type: ignore[misc]
        )
        return JSONResponse(body.model_dump(), status_code=422)
    accepted = Accepted(
        table=table,
        stored=result.stored,
        invitations=[
            Invitation(
                ticket_id=i.ticket_id,
                customer_id=i.customer_id,
                url=state.link(i.token),
                expires_at=i.expires_at,
            )
            for i in stored.invitations
        ],
    )
    return JSONResponse(json.loads(accepted.model_dump_json()), status_code=201)


def _add_ingest_routes(table: str) -> None:
    record, batch = RECORD_MODELS[table], batch_model(table)
    ingest = [Security(require_scope("ingest"))]
    responses: dict[int | str, dict[str, Any]] = {
        201: {"model": Accepted},
        422: {"model": Rejected},
    }
    after = (
        " A resolved ticket invites its customer to the CSAT survey." if table == "tickets" else ""
    )

    # Async: the records wait for the writer thread on the event loop, not on a worker.
    async def one(state: AppState, body: BaseModel) -> JSONResponse:
        return await _store(state, table, [body])

    async def many(state: AppState, body: BaseModel) -> JSONResponse:
        return await _store(state, table, body.records)  # type: ignore[attr-defined]

    # The body types are made at run time from the schema: give FastAPI the real classes.
    one.__annotations__.update(state=AppState, body=record)
    many.__annotations__.update(state=AppState, body=batch)

    router.add_api_route(
        f"/{table}",
        one,
        methods=["POST"],
        dependencies=ingest,
        responses=responses,
        status_code=201,
        summary=f"Store one {table} record",
        description=f"Validated by the canonical schema; an existing key is replaced.{after}",
        tags=["ingest"],
        operation_id=f"ingest_{table}",
    )
    router.add_api_route(
        f"/{table}/batch",
        many,
        methods=["POST"],
        dependencies=ingest,
        responses=responses,
        status_code=201,
        summary=f"Store a batch of {table} records, all or none",
        description=f"Any bad record refuses the whole batch, with a reason per record.{after}",
        tags=["ingest"],
        operation_id=f"ingest_{table}_batch",
    )


for _table in INGEST_TABLES:
    _add_ingest_routes(_table)


class MetricInfo(BaseModel):
    """A metric of the registry."""

    name: str
    description: str
    formula: str
    unit: str
    direction: str
    dimensions: list[str]


@router.get(
    "/metrics",
    dependencies=[Security(require_scope("read"))],
    tags=["metrics"],
    response_model=list[MetricInfo],
)
def list_metrics(state: AppState) -> list[MetricInfo]:
    """Every metric of the registry, with the dimensions it can be sliced by.

    The dimensions include the workspace's custom fields (imported extra columns).
    """
    ws = state.workspace()

    def fields(name: str) -> list[str]:
        return list(state.cached(f"fields:{name}", lambda: slice_fields(ws, name)))

    return [
        MetricInfo(
            name=m.name,
            description=m.description,
            formula=m.formula,
            unit=m.unit,
            direction=m.direction,
            dimensions=["period", *m.dimensions, *fields(m.name)],
        )
        for m in REGISTRY.values()
    ]


@router.get("/metrics/{name}", dependencies=[Security(require_scope("read"))], tags=["metrics"])
def read_metric(
    state: AppState,
    name: str,
    by: Annotated[list[str] | None, Query(description="Dimension; repeatable.")] = None,
    period: Annotated[str | None, Query(description="day, week, month, quarter or year")] = None,
    change: Annotated[bool, Query(alias="compare", description="Add change vs previous")] = False,
) -> dict[str, Any]:
    """Metric ``name`` per group: value, n, the metric's other measures, small-sample flag."""
    ws = state.workspace()
    try:
        if change:
            expr = compare(ws, name, by=by or [], period=period or "month")
        else:
            expr = compute(ws, name, by=by or [], period=period)
        frame = expr.to_pandas()
    except ConfigError as exc:
        raise HTTPException(400, str(exc)) from None
    rows = json.loads(frame.to_json(orient="records", date_format="iso"))
    return {"metric": name, "rows": rows}


def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """Report malformed API bodies per record, in the same shape as schema problems."""
    by_record: dict[int, list[str]] = {}
    other: list[str] = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        if loc[:1] == ["body"] and len(loc) >= 3 and loc[1] == "records" and loc[2].isdigit():
            field = ".".join(loc[3:]) or "record"
            by_record.setdefault(int(loc[2]) + 1, []).append(f"{field}: {err['msg']}")
        elif loc[:1] == ["body"] and len(loc) >= 2 and loc[1] != "records":
            by_record.setdefault(1, []).append(f"{'.'.join(loc[1:])}: {err['msg']}")
        else:
            other.append(f"{'.'.join(loc) or 'request'}: {err['msg']}")
    _check_the_rest(request, exc.body, by_record)
    rejected = [{"record": i, "reason": "; ".join(m)} for i, m in sorted(by_record.items())]
    detail = "; ".join(other) or f"nothing stored: {len(rejected)} records are bad"
    return JSONResponse({"detail": detail, "rejected": rejected}, status_code=422)


def _check_the_rest(request: Request, body: Any, by_record: dict[int, list[str]]) -> None:
    """Run the canonical checks on the records that parsed, so one reply lists every problem."""
    parts = request.url.path.strip("/").split("/")
    if len(parts) < 3 or parts[2] not in INGEST_TABLES or not by_record:
        return
    records = body.get("records") if isinstance(body, dict) and parts[-1] == "batch" else [body]
    if not isinstance(records, list) or len(records) > MAX_BATCH:
        return
    numbered = [
        (i, r) for i, r in enumerate(records, start=1) if i not in by_record and isinstance(r, dict)
    ]
    if not numbered:
        return
    result = ingest_records(
        state_of(request).workspace(), parts[2], [r for _, r in numbered], dry_run=True
    )
    for j, reason in result.rejected:
        by_record.setdefault(numbered[j - 1][0], []).append(reason)
