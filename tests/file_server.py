"""A real HTTP server in a thread (http.server) that serves files with Range support and can misbehave.

It stands in for download.tensorflow.org: the client under test speaks real HTTP to it over a socket.
``drops``: one entry per coming GET response: it announces the full length but closes the connection
after that many body bytes (a dropped connection); requests after the list is used up are served whole. ``ignore_range``: answer 200 with the whole file to range
requests. ``fail_status``: answer every request with that status.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

_RANGE = re.compile(r"bytes=(\d+)-$")


@dataclass
class ServerState:
    files: dict[str, bytes] = field(default_factory=dict)
    drops: list[int] = field(default_factory=list)
    ignore_range: bool = False
    fail_status: Optional[int] = None
    requests: list[tuple[str, Optional[str]]] = field(default_factory=list)  # (path, Range header)


class _Handler(BaseHTTPRequestHandler):
    state: ServerState

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        state = self.server.state  # type: ignore[attr-defined]
        state.requests.append((self.path, self.headers.get("Range")))
        if state.fail_status:
            self.send_error(state.fail_status)
            return
        data = state.files.get(self.path)
        if data is None:
            self.send_error(404)
            return
        start = 0
        match = _RANGE.match(self.headers.get("Range", "") or "")
        if match and not state.ignore_range:
            start = int(match.group(1))
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if state.drops:
            self.wfile.write(body[:state.drops.pop(0)])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


class FileServer:
    """``with FileServer() as server: server.url("/x")``; ``server.state`` controls and records."""

    def __init__(self) -> None:
        self.state = ServerState()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.state = self.state  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def __enter__(self) -> "FileServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
