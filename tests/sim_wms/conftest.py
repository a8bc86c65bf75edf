"""Fixtures: a WMS emulator on loopback, an authenticated httpx client, a recording webhook receiver."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from crossdock.sim.wms import WmsConfig, WmsServer

KEY = "test-key-123"


def quiet_config(**overrides) -> WmsConfig:
    """No random disturbances unless a test asks for them: every quantity is then exact."""
    base = dict(
        seed=7,
        api_key=KEY,
        cycle_count_bins_per_day=0,
        webhook_retry_base_s=0.02,
        webhook_timeout_s=1.0,
        webhook_max_attempts=5,
    )
    return WmsConfig.undisturbed(**{**base, **overrides})


def _control_calls_must_succeed(response: httpx.Response) -> None:
    # tests drive the warehouse through /_sim; a refused control call would make them pass vacuously
    if response.request.url.path.startswith("/_sim/") and response.status_code >= 400:
        response.read()
        raise AssertionError(f"control call failed: {response.status_code} {response.text}")


def client_for(server: WmsServer, **kwargs) -> httpx.Client:
    return httpx.Client(
        base_url=server.url,
        headers={"Authorization": f"Bearer {server.api_key}"},
        event_hooks={"response": [_control_calls_must_succeed]},
        **kwargs,
    )


@pytest.fixture
def wms():
    with WmsServer(config=quiet_config()) as server:
        yield server


@pytest.fixture
def api(wms):
    with client_for(wms) as client:
        yield client


class Receiver:
    """A webhook subscriber: records every POST; answers 500 to the first `fail_first` requests."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # noqa: ANN002
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    failing = receiver.fail_first > 0
                    receiver.fail_first -= 1 if failing else 0
                self.send_response(500 if failing else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def events(self) -> list[dict]:
        with self.lock:
            return [json.loads(body) for _, body in self.requests]

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    with Receiver() as rec:
        yield rec


SHIP_TO = {
    "name": "Acme Retail",
    "street": "1 Main St",
    "city": "Ghent",
    "state": None,
    "zip": "9000",
    "country": "BE",
}


def order_body(external_id: str, lines: list[dict], **extra) -> dict:
    body = {
        "external_id": external_id,
        "order_number": external_id,
        "facility": "WH1",
        "ship_to": SHIP_TO,
        "carrier": {"code": "UPS", "service": "GROUND"},
        "lines": lines,
    }
    body.update(extra)
    return body


def events_of(api: httpx.Client, event_type: str | None = None) -> list[dict]:
    page = api.get("/v1/events", params={"after": 0, "limit": 1000}).json()["events"]
    return [e for e in page if event_type is None or e["event_type"] == event_type]


def advance(api: httpx.Client, minutes: int) -> dict:
    response = api.post("/_sim/advance", json={"minutes": minutes})
    assert response.status_code == 200, response.text
    return response.json()
