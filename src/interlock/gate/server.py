"""Serving an ASGI app on loopback from a background thread, for as long as a `with` block lasts."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

_START_TIMEOUT = 10.0


class ServerError(RuntimeError):
    """The server could not be started."""


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 at a port the system picks; yields the base URL (`http://127.0.0.1:PORT`)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))  # bound before the thread starts, so the port is known at once
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, log_level="critical", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="interlock-gate", daemon=True)
    thread.start()
    try:
        if not _wait_started(server, thread):
            raise ServerError("the gate index did not start on 127.0.0.1")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=_START_TIMEOUT)
        listener.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> bool:
    deadline = time.monotonic() + _START_TIMEOUT
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    return server.started


@contextmanager
def refusing_port() -> Iterator[int]:
    """A loopback port that refuses every connection (bound, never listening), for as long as the block lasts.

    Installers are given it as their proxy: anything they try to fetch from somewhere other
    than the gate fails at once instead of reaching the network unjudged.
    """
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]
    finally:
        holder.close()
