"""GA4 importer: the Google Analytics 4 BigQuery event export -> events.

The export is one table a day (``events_YYYYMMDD``), one row per event, written out as
newline-delimited JSON (BigQuery writes INT64 values as strings), gzip'd JSON or Parquet.
Each event becomes one ``events`` row:

* ``event_id``: GA4 has no event id, so it is ``user_pseudo_id-event_timestamp-event_name-n``,
  where ``n`` counts the events with those three values in the file (1 for the first, 2 for
  an exact repeat; ``user_id`` stands in for a missing pseudo id). Unlike a row number it
  does not change when the same day is exported again in another order, so a second load
  merges instead of adding copies.
* ``customer_id``: ``user_id`` when the site sets one, else ``user_pseudo_id`` (the device's
  cookie or app instance); both are kept as custom fields too.
* ``ts``: ``event_timestamp`` (microseconds since the epoch, UTC) as ISO text, exact to the
  microsecond; a value that is no integer is left as it is, for validation to quarantine.
* ``touchpoint``: ``event_name`` (``page_view``, ``add_to_cart``, ``purchase``...): every event
  has one and a journey over them is the funnel; ``page_location`` stays in ``properties``
  (page paths as touchpoints would make thousands of them).
* ``channel``: ``platform``: WEB -> web, IOS and ANDROID -> app.
* ``session_id``: ``user_pseudo_id-ga_session_id``, GA4's own unique session key.
* ``properties``: ``event_params`` as one JSON object, ``{key: value}``, each value the one of
  ``string_value``/``int_value``/``double_value``/``float_value`` that is set.

Every other field is kept as a custom field named after its dotted path (``geo.country`` ->
``geo_country``, ``device.category``, ``traffic_source.medium``...), with ``user_properties``
as a JSON object like ``properties``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cxkit.errors import UnreadableFile
from cxkit.importers._base import Importer, Part, register
from cxkit.importers._files import decode, json_records, read_bytes
from cxkit.importers._rows import Numbered, Record, flatten, kept_fields, rows_table
from cxkit.importers._times import micros_to_iso
from cxkit.ingest import Mapping

__all__: list[str] = []

_PARQUET_BATCH = 10_000
#: Fields left out: ``items`` (a view_item_list holds dozens of products; purchases belong in
#: orders, which ``ecommerce.transaction_id`` joins), upload bookkeeping, device advertising
#: ids (identifiers of a person's phone), and the ad platforms' campaign internals.
_DROP = frozenset(
    (
        *("items", "event_bundle_sequence_id", "event_server_timestamp_offset"),
        *("event_previous_timestamp", "batch_event_index", "batch_page_id"),
        *("batch_ordering_id", "publisher", "device.advertising_id", "device.vendor_id"),
        *(f"session_traffic_source_last_click.{c}_campaign" for c in ("manual", "google_ads")),
        *(f"session_traffic_source_last_click.{c}_campaign" for c in ("sa360", "cm360", "dv360")),
    )
)
#: Custom fields are text unless declared here (ids such as stream_id must stay text).
_TYPES = {
    **dict.fromkeys(("event_value_in_usd", "user_ltv.revenue"), "float64"),
    **dict.fromkeys(("ecommerce.purchase_revenue", "ecommerce.purchase_revenue_in_usd"), "float64"),
    **dict.fromkeys(("ecommerce.refund_value", "ecommerce.refund_value_in_usd"), "float64"),
    **dict.fromkeys(("ecommerce.shipping_value", "ecommerce.shipping_value_in_usd"), "float64"),
    **dict.fromkeys(("ecommerce.tax_value", "ecommerce.tax_value_in_usd"), "float64"),
    **dict.fromkeys(("ecommerce.total_item_quantity", "ecommerce.unique_items"), "int64"),
    "device.time_zone_offset_seconds": "int64",
    "user_first_touch_timestamp": "timestamp",
    "is_active_user": "boolean",
}
#: The columns the mapping takes (the rest are custom fields).
_USED = ("event_id", "customer_id", "ts", "session_id", "properties", "event_name", "platform")
#: Event fields the columns above are made from.
_TAKEN = ("event_params", "event_timestamp", "event_name", "platform")
_MAPPING = {
    "touchpoint": "event_name",
    "channel": {"column": "platform", "map": {"WEB": "web", "IOS": "app", "ANDROID": "app"}},
}


def _value(value: Any) -> Any:
    """Return the value a GA4 ``{string_value, int_value, ...}`` record holds, or None."""
    if not isinstance(value, dict):
        return value
    if value.get("string_value") is not None:
        return value["string_value"]
    if value.get("int_value") is not None:
        try:
            return int(value["int_value"])  # BigQuery's JSON writes INT64 as a string
        except (TypeError, ValueError):
            return value["int_value"]
    for key in ("double_value", "float_value"):
        number = value.get(key)
        if number is not None:
            try:
                number = float(number)
            except (TypeError, ValueError):
                return number
            return number if math.isfinite(number) else str(number)
    return None


def _params(params: Any) -> dict[str, Any]:
    """Turn GA4's repeated ``{key, value}`` records into one ``{key: value}`` object."""
    if not isinstance(params, list):
        return {}
    return {
        str(p["key"]): _value(p.get("value"))
        for p in params
        if isinstance(p, dict) and p.get("key") is not None
    }


def _text(value: Any) -> str | None:
    text = None if value is None else str(value).strip()
    return text or None


def _event(event: dict[str, Any], seen: Counter[tuple[str, str, str]]) -> Record:
    """Turn one exported event into a row (see the module docstring for each column)."""
    params = _params(event.get("event_params"))
    pseudo, user = _text(event.get("user_pseudo_id")), _text(event.get("user_id"))
    stamp, name = _text(event.get("event_timestamp")) or "", _text(event.get("event_name")) or ""
    key = (pseudo or user or "", stamp, name)
    seen[key] += 1
    session = params.get("ga_session_id")
    record: Record = {
        "event_id": f"{'-'.join(key)}-{seen[key]}",
        "customer_id": user or pseudo,
        "ts": micros_to_iso(event.get("event_timestamp")),
        "session_id": f"{pseudo}-{session}" if pseudo and session is not None else None,
        "properties": json.dumps(params, ensure_ascii=False) if params else None,
        "event_name": _text(event.get("event_name")),
        "platform": _text(event.get("platform")),
    }
    rest = {k: v for k, v in event.items() if k not in _TAKEN}
    if "user_properties" in rest:
        props = _params(rest.pop("user_properties"))
        record["user_properties"] = json.dumps(props, ensure_ascii=False) if props else None
    if rest.get("user_first_touch_timestamp") is not None:
        rest["user_first_touch_timestamp"] = micros_to_iso(rest["user_first_touch_timestamp"])
    record.update(flatten(rest, drop=_DROP, nulls=False))
    return record


def _parquet_events(path: Path, data: bytes) -> Iterator[tuple[int, Any]]:
    try:
        batches = pq.ParquetFile(pa.BufferReader(data)).iter_batches(batch_size=_PARQUET_BATCH)
        number = 0
        for batch in batches:
            for event in batch.to_pylist():
                number += 1
                yield number, event
    except (pa.ArrowException, OSError) as exc:
        raise UnreadableFile(
            f"{path}: not a readable Parquet file ({exc})", file=str(path)
        ) from None


def _events(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield (record number, event) from Parquet, or JSON lines or a JSON array (gzip'd or not)."""
    data = read_bytes(path)
    if data[:4] == b"PAR1":
        return _parquet_events(path, data)
    return iter(json_records(decode(data, path), path)[""])


def _read_file(path: Path) -> Part:
    records: Numbered = []
    seen: Counter[tuple[str, str, str]] = Counter()
    for number, event in _events(path):
        if (
            not isinstance(event, dict)
            or "event_name" not in event
            or "event_timestamp" not in event
        ):
            has = ", ".join(list(event)[:12]) if isinstance(event, dict) else type(event).__name__
            raise UnreadableFile(
                f"{path}: record {number} is not a GA4 BigQuery export event (expected "
                f"event_date, event_timestamp, event_name, event_params...; it has {has})",
                file=str(path),
            )
        records.append((number, _event(event, seen)))
    if not records:
        raise UnreadableFile(f"{path}: the file holds no events", file=str(path))
    table = rows_table(records, _USED, first=True)
    fields = kept_fields(table, _USED, _TYPES, default="string")
    mapping = Mapping(
        columns=_MAPPING,
        fields=fields,
        name="ga4-events",
        text="cxkit importer: GA4 BigQuery event export (NDJSON or Parquet), v1",
    )
    return Part("events", table, str(path), mapping)


def _read(paths: Sequence[Path]) -> list[Part]:
    return [_read_file(path) for path in paths]


register(
    Importer(
        "ga4",
        "Google Analytics 4 BigQuery export (events_YYYYMMDD as NDJSON or Parquet) -> events",
        _read,
        "https://support.google.com/analytics/answer/7029846 (GA4 BigQuery Export schema)",
    )
)
