"""One HTTP server carrying every transport; startable in-process (context manager) or from the CLI."""

from __future__ import annotations

import threading
from http.cookies import SimpleCookie
from http.server import ThreadingHTTPServer

from ..http import QuietHandler, check_loopback
from . import json2, rpc_json, rpc_xml
from .orm import Database
from .service import Service


class _Handler(QuietHandler):
    server: _HTTPServer

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _not_found(self) -> None:
        self._send(404, b"<html><body><h1>Not Found</h1></body></html>", "text/html; charset=utf-8")

    def _session_id(self) -> str | None:
        cookie = SimpleCookie(self.headers.get("Cookie") or "")
        morsel = cookie.get("session_id")
        return morsel.value if morsel else None

    def _route(self, http_method: str) -> None:
        service = self.server.service
        path = self.path.split("?", 1)[0]
        body = self.read_body() if http_method == "POST" else b""
        major = service.db.p.major
        if path.startswith("/xmlrpc/") and http_method == "POST":
            parts = path.strip("/").split("/")
            legacy = len(parts) == 2
            name = parts[-1]
            if (legacy or parts[1] == "2") and len(parts) in (2, 3):
                self._send(200, rpc_xml.handle(service, name, body, legacy), "text/xml; charset=utf-8")
                return
        elif path.startswith("/json/2") and major >= 19:
            res = json2.handle(service, http_method, path, self.headers, body)
            self._send(res.status, res.body, res.content_type, res.headers)
            return
        elif path.startswith("/doc-bearer/") and major >= 19 and http_method == "GET":
            res = json2.doc(service, path, self.headers)
            self._send(res.status, res.body, res.content_type, res.headers)
            return
        elif path in ("/web/version", "/json/version") and major >= 19:
            body = rpc_json.dumps(
                {"version_info": service.db.p.version_info(), "version": service.db.p.series}
            )
            self._send(200, body, "application/json")
            return
        elif http_method == "POST" and (
            path in ("/jsonrpc", "/web/webclient/version_info")
            or path.startswith("/web/session/")
            or path.startswith("/web/dataset/")
        ):
            res = rpc_json.handle(
                service, path, self.headers.get("Content-Type") or "", body, self._session_id()
            )
            self._send(res.status, res.body, res.content_type, res.headers)
            return
        self._not_found()

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        self._route("POST")

    def do_GET(self) -> None:  # noqa: N802
        self._route("GET")

    def do_PUT(self) -> None:  # noqa: N802
        self._route("PUT")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    service: Service
    verbose: bool = False


class OdooServer:
    """`with OdooServer(db, port=0) as srv: srv.url` — serves in a background thread."""

    def __init__(self, db: Database, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> None:
        check_loopback(host, "Odoo emulator")
        self.db = db
        self.service = Service(db)
        self.httpd = _HTTPServer((host, port), _Handler)
        self.httpd.service = self.service
        self.httpd.verbose = verbose
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return self.httpd.server_address[0]

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> OdooServer:
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="odoo-sim", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> OdooServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
