"""Routes of the WMS contract (/v1) and the control API (/_sim): auth, faults, JSON errors."""

from __future__ import annotations

import hmac
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, unquote

from . import events, faults, inbound, operations, orders
from .errors import ApiError, bad_request, not_found
from .store import wire_dumps
from .warehouse import (
    SPECIAL_BINS,
    STATUSES,
    STORAGE_BINS,
    Warehouse,
    WmsConfig,
    parse_date,
    parse_decimal,
    req_list,
    req_str,
)


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    hang_ms: int = 0

    def encoded(self) -> bytes:
        return wire_dumps(self.body).encode() if not isinstance(self.body, bytes) else self.body


Handler = Callable[["WmsApp", dict, dict, Any], Response]
ROUTES: list[tuple[str, re.Pattern[str], Handler, bool]] = []  # method, path, handler, mutates


def route(method: str, pattern: str, mutates: bool = False) -> Callable[[Handler], Handler]:
    regex = re.compile("^" + re.sub(r"{(\w+)}", r"(?P<\1>[^/]+)", pattern) + "$")

    def register(fn: Handler) -> Handler:
        ROUTES.append((method, regex, fn, mutates))
        return fn

    return register


class WmsApp:
    def __init__(self, wh: Warehouse, dispatcher: events.Dispatcher) -> None:
        self.wh = wh
        self.dispatcher = dispatcher
        self.gate = faults.FaultGate(wh.cfg("seed"))

    def handle(self, method: str, raw_path: str, headers: Any, body: bytes) -> Response:
        try:
            return self._handle(method, raw_path, headers, body)
        except ApiError as exc:
            return Response(exc.status, exc.body(), exc.headers)
        except Exception as exc:  # noqa: BLE001 - a bug must still answer in the contract's shape
            return Response(500, ApiError(500, "INTERNAL_ERROR", f"{type(exc).__name__}: {exc}").body())

    def _handle(self, method: str, raw_path: str, headers: Any, body: bytes) -> Response:
        path, _, query_string = raw_path.partition("?")
        control = path.startswith("/_sim/")
        with self.wh.lock:
            fault_state = dict(self.wh.state["faults"])
        if not control and path.startswith("/v1/"):
            injected = self.gate.before(fault_state) if fault_state.get("outage") else None
            if injected:
                raise injected
        self._authenticate(headers)
        if not control:
            if fault_state.get("slow_ms"):
                time.sleep(fault_state["slow_ms"] / 1000)
            injected = self.gate.before(fault_state)
            if injected:
                raise injected
        allowed = []
        for verb, regex, fn, mutates in ROUTES:
            match = regex.match(path)
            if not match:
                continue
            allowed.append(verb)
            if verb != method:
                continue
            params = {k: unquote(v) for k, v in match.groupdict().items()}
            query = {k: v[-1] for k, v in parse_qs(query_string).items()}
            payload = _json(body) if method in ("POST", "PUT") else None
            with self.wh.lock:
                try:
                    response = fn(self, params, query, payload)
                except Exception:
                    if mutates:  # requests are validated before they change anything: nothing to save
                        self.wh.discard()
                    raise
                if mutates:
                    self.wh.commit()
            if not control:
                response.hang_ms = self.gate.hang_ms(fault_state)
            return response
        if allowed:
            raise ApiError(
                405,
                "METHOD_NOT_ALLOWED",
                f"{method} is not allowed on {path}",
                None,
                {"Allow": ", ".join(sorted(set(allowed)))},
            )
        raise ApiError(404, "NOT_FOUND", f"no route {method} {path}")

    def _authenticate(self, headers: Any) -> None:
        header = headers.get("Authorization") or ""
        scheme, _, token = header.partition(" ")
        expected = self.wh.cfg("api_key")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
            raise ApiError(
                401,
                "UNAUTHORIZED",
                "missing or invalid API key (Authorization: Bearer <key>)",
                None,
                {"WWW-Authenticate": 'Bearer realm="wms"'},
            )


def _json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(f"the body is not valid JSON: {exc}", None, "INVALID_JSON") from None


def _int(query: dict, key: str, default: int, low: int, high: int) -> int:
    raw = query.get(key)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"{key} must be an integer", key) from None
    if not low <= value <= high:
        raise bad_request(f"{key} must be between {low} and {high}", key)
    return value


# --- contract ------------------------------------------------------------------------------------------
@route("GET", "/v1/ping")
def ping(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    return Response(
        200, {"ok": True, "facility": app.wh.facility, "now": app.wh.state["clock"], "contract": "v1"}
    )


@route("PUT", "/v1/items/{sku}", mutates=True)
def put_item(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    item, created = app.wh.upsert_item(params["sku"], body)
    return Response(201 if created else 200, item)


@route("GET", "/v1/items/{sku}")
def get_item(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    item = app.wh.item(params["sku"])
    if item is None:
        raise not_found("item", params["sku"])
    return Response(200, item)


@route("POST", "/v1/orders", mutates=True)
def post_order(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    status, view = orders.create_order(app.wh, body)
    return Response(status, view)


@route("GET", "/v1/orders/{external_id}")
def get_order(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    return Response(200, orders.order_view(orders.get_order(app.wh, params["external_id"])))


@route("POST", "/v1/orders/{external_id}/cancel", mutates=True)
def cancel_order(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    return Response(200, orders.cancel_order(app.wh, params["external_id"], body))


@route("POST", "/v1/inbound-notices", mutates=True)
def post_notice(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    status, view = inbound.create_notice(app.wh, body)
    return Response(status, view)


@route("GET", "/v1/inbound-notices/{external_id}")
def get_notice(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    return Response(200, inbound.get_notice(app.wh, params["external_id"]))


@route("GET", "/v1/shipments/{shipment_id}")
def get_shipment(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    shipment = app.wh.state["shipments"].get(params["shipment_id"])
    if shipment is None:
        raise not_found("shipment", params["shipment_id"])
    return Response(200, shipment)


@route("GET", "/v1/inventory")
def get_inventory(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    granularity = query.get("granularity", "SKU")
    if granularity not in ("SKU", "SKU_LOT", "SKU_LOT_LOCATION"):
        raise bad_request("granularity must be SKU, SKU_LOT or SKU_LOT_LOCATION", "granularity")
    sku = query.get("sku") or None
    if sku is not None and app.wh.item(sku) is None:
        raise not_found("item", sku)
    rows = app.wh.balances(granularity, sku)
    return Response(200, {"granularity": granularity, "as_of": app.wh.state["clock"], "balances": rows})


@route("GET", "/v1/events")
def get_events(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    after = _int(query, "after", 0, 0, 2**62)
    limit = _int(query, "limit", 100, 1, 1000)
    bodies = app.wh.store.events_after(after, limit + 1)
    page = [json.loads(b) for b in bodies[:limit]]
    next_after = page[-1]["sequence"] if page else after
    return Response(200, {"events": page, "next_after": next_after, "has_more": len(bodies) > limit})


@route("POST", "/v1/webhooks", mutates=True)
def post_webhook(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    return Response(201, events.subscribe(app.wh, body))


@route("GET", "/v1/webhooks")
def list_webhooks(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    return Response(200, {"webhooks": [events.public_hook(h) for h in app.wh.state["webhooks"].values()]})


@route("DELETE", "/v1/webhooks/{hook_id}", mutates=True)
def delete_webhook(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    events.unsubscribe(app.wh, params["hook_id"])
    return Response(204, b"")


# --- control API ---------------------------------------------------------------------------------------
@route("POST", "/_sim/advance", mutates=True)
def sim_advance(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    minutes = (
        parse_decimal((body or {}).get("minutes"), "minutes", allow_zero=True)
        if isinstance(body, dict)
        else None
    )
    if minutes is None:
        raise bad_request("minutes is required", "minutes")
    if minutes > 60 * 24 * 366:
        raise bad_request("advance at most a year at a time", "minutes")
    return Response(200, operations.advance(app.wh, float(minutes)))


@route("POST", "/_sim/stock", mutates=True)
def sim_stock(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    """Seed bin stock: one row, or {"lines": [...]}. Every row is checked before any is applied."""
    many = isinstance(body, dict) and "lines" in body
    rows = body["lines"] if many else [body]
    if not isinstance(rows, list) or not rows:
        raise bad_request('send one stock row or {"lines": [...]}', "lines")
    checked = [_stock_row(app, row, f"lines[{i}]." if many else "") for i, row in enumerate(rows)]
    created = []
    for item, qty, location, lot, expiry, status, serials in checked:
        if item["tracking"]["serial"] == "both" and not serials:
            serials = [
                f"SN-{item['sku'][3:]}-{app.wh.next_id('serial:' + item['sku']):03d}" for _ in range(int(qty))
            ]
        created.append(app.wh.add_stock(item["sku"], qty, location, lot, expiry, status, serials))
    return Response(200, {"quants": created})


def _stock_row(app: WmsApp, row: Any, prefix: str) -> tuple:
    if not isinstance(row, dict):
        raise bad_request("a stock row must be an object", prefix.rstrip(".") or None)
    sku = str(req_str(row, "sku", f"{prefix}sku"))
    item = app.wh.known_item(sku, f"{prefix}sku")
    lot = req_str(row, "lot", f"{prefix}lot", required=False)
    location = req_str(row, "location", f"{prefix}location", required=False) or app.wh.putaway_bin(sku, lot)
    if location not in STORAGE_BINS and location not in SPECIAL_BINS:
        raise bad_request(f"unknown location {location!r}", f"{prefix}location")
    qty = app.wh.to_base(
        item, parse_decimal(row.get("qty"), f"{prefix}qty"), item["base_uom"], f"{prefix}qty"
    )
    expiry = parse_date(row.get("expiry"), f"{prefix}expiry")
    if item["tracking"]["lot"] == "required" and lot is None:
        raise bad_request(f"{sku} is lot-tracked: lot is required", f"{prefix}lot")
    if item["tracking"]["lot"] != "required" and (lot is not None or expiry is not None):
        raise bad_request(f"{sku} is not lot-tracked: send no lot or expiry", f"{prefix}lot")
    if item["tracking"]["expiry"] == "required" and expiry is None:
        raise bad_request(f"{sku} is expiry-tracked: expiry is required", f"{prefix}expiry")
    status = row.get("status")
    if status is not None and status not in STATUSES:
        raise bad_request(f"status must be one of {', '.join(STATUSES)}", f"{prefix}status")
    serials = req_list(row, "serials", f"{prefix}serials", required=False)
    if serials and (item["tracking"]["serial"] != "both" or len(serials) != qty):
        raise bad_request("serials are kept only for tracking.serial=both, one per unit", f"{prefix}serials")
    return item, qty, location, lot, expiry, status, serials


@route("POST", "/_sim/faults", mutates=True)
def sim_faults(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    result = faults.set_faults(app.wh, body)
    app.dispatcher.wake()
    return Response(200, {"faults": result})


@route("GET", "/_sim/faults")
def sim_get_faults(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    return Response(200, {"faults": app.wh.state["faults"]})


@route("POST", "/_sim/config", mutates=True)
def sim_config(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    tunable = WmsConfig.tunable()
    defaults = WmsConfig()
    for key, value in body.items():
        if key not in tunable:
            raise bad_request(f"{key!r} is not a tunable setting", key)
        kind = type(getattr(defaults, key))
        if isinstance(value, Decimal) and kind in (float, int):
            value = kind(value)
        if isinstance(value, bool) != (kind is bool) or not isinstance(value, int | float | bool):
            raise bad_request(f"{key} must be a {kind.__name__}", key)
        app.wh.state["config"][key] = kind(value)
    return Response(200, {"config": {k: v for k, v in app.wh.state["config"].items() if k != "api_key"}})


@route("POST", "/_sim/cycle-count", mutates=True)
def sim_cycle_count(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    body = body or {}
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    sku = req_str(body, "sku", "sku", required=False)
    if sku is not None and app.wh.item(sku) is None:
        raise not_found("item", sku)
    location = req_str(body, "location", "location", required=False)
    return Response(200, operations.cycle_count(app.wh, sku=sku, location=location))


@route("POST", "/_sim/adjust", mutates=True)
def sim_adjust(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    sku = str(req_str(body, "sku", "sku"))
    if app.wh.item(sku) is None:
        raise not_found("item", sku)
    location = str(req_str(body, "location", "location"))
    delta = parse_decimal(body.get("delta"), "delta", positive=False)
    code = req_str(body, "reason_code", "reason_code", max_len=4)
    if code not in ("CC", "DM", "EX", "FD", "LS", "QH"):
        raise bad_request("reason_code must be one of CC, DM, EX, FD, LS, QH", "reason_code")
    return Response(
        200,
        operations.adjust(
            app.wh, sku, location, req_str(body, "lot", "lot", required=False), delta, str(code)
        ),
    )


@route("POST", "/_sim/snapshot", mutates=True)
def sim_snapshot(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    return Response(200, {"snapshot_id": operations.take_snapshot(app.wh)})


@route("POST", "/_sim/webhooks/flush")
def sim_flush(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    """Waits (up to timeout_s) until no delivery is pending: lets tests and demos observe a settled state."""
    timeout = float((body or {}).get("timeout_s", 10)) if isinstance(body, dict) else 10.0
    deadline = time.monotonic() + timeout
    app.wh.lock.release()  # the dispatcher needs the lock to make progress
    try:
        app.dispatcher.wake()
        while not app.dispatcher.idle() and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        app.wh.lock.acquire()
    return Response(200, _delivery_summary(app))


def _delivery_summary(app: WmsApp) -> dict:
    deliveries = app.wh.state["deliveries"]
    return {
        "pending": sum(1 for d in deliveries if d["status"] in ("pending", "in_flight")),
        "failed": [d for d in deliveries if d["status"] == "failed"],
        "stats": app.wh.state["delivery_stats"],
    }


@route("GET", "/_sim/state")
def sim_state(app: WmsApp, params: dict, query: dict, body: Any) -> Response:
    state = app.wh.state
    return Response(
        200,
        {
            "now": state["clock"],
            "config": {k: v for k, v in state["config"].items() if k != "api_key"},
            "faults": state["faults"],
            "orders": [orders.order_view(o) for o in state["orders"].values()],
            "notices": [inbound.notice_view(n) for n in state["notices"].values()],
            "stock": app.wh.quants(),
            "tasks": sorted(state["tasks"], key=lambda t: (t["due"], t["id"])),
            "webhooks": [events.public_hook(h) for h in state["webhooks"].values()],
            "pending_webhooks": [d for d in state["deliveries"] if d["status"] in ("pending", "in_flight")],
            "deliveries": _delivery_summary(app),
            "event_counts": state["stats"],
            "metrics": state["metrics"],
            "last_sequence": state["next_seq"] - 1,
        },
    )
