"""The HTTP server: stdlib ThreadingHTTPServer on loopback, startable in-process or from the CLI."""

from __future__ import annotations

import contextlib
import threading
import time
from http.server import ThreadingHTTPServer

from ..http import QuietHandler, check_loopback
from . import operations
from .api import WmsApp
from .events import Dispatcher
from .seed import seed_catalogue
from .store import Store
from .warehouse import Warehouse, WmsConfig


class _Handler(QuietHandler):
    server: _HTTPServer

    def _serve(self) -> None:
        body = self.read_body()
        response = self.server.app.handle(self.command, self.path, self.headers, body)
        if response.hang_ms:
            time.sleep(response.hang_ms / 1000)  # the work is done; only the answer is late
        payload = response.encoded()
        self.send_response(response.status)
        if response.status != 204:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout fault)
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve  # noqa: N815 - http.server naming


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    app: WmsApp
    verbose: bool = False


class WmsServer:
    """`with WmsServer(config=WmsConfig(seed=7)) as wms: wms.url` — serves on a background thread.

    `db` is a SQLite file (state survives a restart) or ":memory:".
    """

    def __init__(
        self,
        db: str = ":memory:",
        config: WmsConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
    ) -> None:
        check_loopback(host, "WMS emulator")
        self.config = config or WmsConfig()
        self.store = Store(db)
        self.warehouse = Warehouse(self.store, self.config)
        with self.warehouse.lock:
            if self.warehouse.fresh:
                if self.config.seed_catalogue:
                    seed_catalogue(self.warehouse)
                operations.init_schedule(self.warehouse)
            self.warehouse.commit()
        self.dispatcher = Dispatcher(self.warehouse)
        self.warehouse.on_commit = self.dispatcher.wake
        self.app = WmsApp(self.warehouse, self.dispatcher)
        self.httpd = _HTTPServer((host, port), _Handler)
        self.httpd.app = self.app
        self.httpd.verbose = verbose
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    @property
    def host(self) -> str:
        return str(self.httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_key(self) -> str:
        return self.config.api_key

    def start(self) -> WmsServer:
        self.dispatcher.start()
        http = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="wms-sim-http", daemon=True
        )
        http.start()
        self._threads.append(http)
        ticker = threading.Thread(target=self._tick, name="wms-sim-clock", daemon=True)
        ticker.start()
        self._threads.append(ticker)
        return self

    def _tick(self) -> None:
        """With a configured speed, simulated time follows the wall clock (speed minutes per second)."""
        while not self._stopping.wait(1.0):
            wh = self.warehouse
            with wh.lock:
                speed = wh.cfg("speed")
                if speed > 0:
                    operations.advance(wh, speed)
                    wh.commit()

    def serve_forever(self) -> None:
        self.dispatcher.start()
        ticker = threading.Thread(target=self._tick, name="wms-sim-clock", daemon=True)
        ticker.start()
        self._threads.append(ticker)
        self.httpd.serve_forever()

    def stop(self) -> None:
        self._stopping.set()
        if self._threads:  # shutdown() would wait forever for a loop that never started
            self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self.dispatcher.stop()
        with self.warehouse.lock:
            self.store.close()

    def __enter__(self) -> WmsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
