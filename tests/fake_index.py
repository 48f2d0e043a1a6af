"""A package index played by a real HTTP server on 127.0.0.1, for tests that need one.

Each route answers with canned replies (status, headers, a body cut short, a delay), so tests
exercise the client's real HTTP path, including its failures. The ``index`` and ``client``
fixtures in conftest.py start one per test.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


@dataclass
class Reply:
    """One canned response."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "application/octet-stream"
    headers: dict[str, str] = field(default_factory=dict)
    send_only: int | None = None
    """Announce the full Content-Length but send only this many bytes, then hang up."""
    no_length: bool = False
    """Send no Content-Length: the body ends when the connection closes."""
    delay: float = 0.0
    trickle: float = 0.0
    """Send the body `trickle_bytes` at a time, this many seconds apart (an index that serves slowly)."""
    trickle_bytes: int = 4096


def _not_modified(reply: Reply, request: Mapping[str, str]) -> bool:
    """Whether a real server would answer 304: the client's validator matches the reply's (RFC 9110 §13)."""
    if reply.status != 200:
        return False
    headers = {k.lower(): v for k, v in reply.headers.items()}
    if "if-none-match" in request:
        return "etag" in headers and request["if-none-match"] == headers["etag"]
    return "last-modified" in headers and request.get("if-modified-since") == headers["last-modified"]


class FakeIndex:
    """Routes path -> replies; a list is served in order and its last reply repeats.

    Like a real server, a reply with an ``ETag`` or ``Last-Modified`` header answers a request
    whose ``If-None-Match`` or ``If-Modified-Since`` matches it with a bodiless 304.
    """

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        """The most requests the server was answering at once."""
        self.lock = threading.Lock()
        index = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self) -> None:
                self.do_GET(body=False)

            def do_GET(self, body: bool = True) -> None:
                path = self.path.split("?", 1)[0]
                request = {k.lower(): v for k, v in self.headers.items()}
                with index.lock:
                    index.requests.append((path, request))
                    replies = index.routes.get(path)
                    reply = (
                        (replies.pop(0) if len(replies) > 1 else replies[0])
                        if replies
                        else Reply(b"not found", 404, "text/plain")
                    )
                    index.in_flight += 1
                    index.most_in_flight = max(index.most_in_flight, index.in_flight)
                try:
                    time.sleep(reply.delay)
                finally:
                    # Counted until the answer starts: a client cannot have sent its next request before then.
                    with index.lock:
                        index.in_flight -= 1
                self._answer(reply if not _not_modified(reply, request) else Reply(b"", 304, None, reply.headers), body)

            def _answer(self, reply: Reply, body: bool) -> None:
                self.send_response(reply.status)
                if reply.content_type:
                    self.send_header("Content-Type", reply.content_type)
                if not reply.no_length:
                    self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                data = reply.body if reply.send_only is None else reply.body[: reply.send_only]
                if body and reply.trickle:
                    for start in range(0, len(data), reply.trickle_bytes):
                        self.wfile.write(data[start : start + reply.trickle_bytes])
                        self.wfile.flush()
                        time.sleep(reply.trickle)
                elif body:
                    self.wfile.write(data)
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients that gave up (timeout tests) are expected

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def simple(self) -> str:
        return f"{self.root}/simple"

    def route(self, path: str, *replies: Reply) -> None:
        with self.lock:
            self.routes[path] = list(replies)

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)

    def add_files(self, files: dict[str, bytes]) -> dict[str, str]:
        """Serve each file under /files/; returns filename -> sha256."""
        digests = {}
        for filename, data in files.items():
            self.route(f"/files/{filename}", Reply(data))
            digests[filename] = hashlib.sha256(data).hexdigest()
        return digests

    def json_project(
        self,
        name: str,
        files: dict[str, bytes],
        page_headers: dict[str, str] | None = None,
        **per_file: Mapping[str, object],
    ) -> None:
        digests = self.add_files(files)
        entries = []
        for filename, data in files.items():
            entry: dict[str, object] = {
                "filename": filename,
                "url": f"../../files/{filename}",  # relative: must resolve against the page URL
                "hashes": {"sha256": digests[filename]},
                "size": len(data),
                "upload-time": "2026-03-24T10:00:00Z",
            }
            entry.update(per_file.get(filename, {}))
            entries.append(entry)
        page = {"meta": {"api-version": "1.1"}, "name": name, "files": entries}
        self.route(
            f"/simple/{name}/",
            Reply(json.dumps(page).encode(), content_type=JSON_TYPE, headers=dict(page_headers or {})),
        )

    def html_project(self, name: str, files: dict[str, bytes], attributes: dict[str, str] | None = None) -> None:
        digests = self.add_files(files)
        anchors = "".join(
            f'<a href="../../files/{fn}#sha256={digests[fn]}" {(attributes or {}).get(fn, "")}>{fn}</a><br/>\n'
            for fn in files
        )
        page = f"<!DOCTYPE html><html><body><h1>Links for {name}</h1>\n{anchors}</body></html>"
        self.route(f"/simple/{name}/", Reply(page.encode(), content_type="text/html"))
