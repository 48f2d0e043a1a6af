"""The gate index: a simple-API index (PEP 691 JSON, PEP 503 HTML) that serves only judged files.

Project pages are the upstream index's, with every file link pointing back at the gate. A file is
served only after `Judge` has judged it and let it through; a refused file is HTTP 403 with the
reason. Nothing else is offered: no PEP 658 metadata (an installer would read dependencies from
an unjudged file) and no links elsewhere, so every byte an installer gets has been judged — the
sdists a resolver would build to read their metadata included.

The app is a plain Starlette application, reusable behind any ASGI server.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
from urllib.parse import quote

from packaging.utils import canonicalize_name
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from interlock.gate.judge import Judge
from interlock.index.client import IndexClient
from interlock.index.errors import IndexProblem, ProjectNotFound
from interlock.index.models import IndexFile
from interlock.index.simple_api import HTML_TYPE, JSON_TYPE


class FileRegistry:
    """The files the gate has listed, by the key in their gate URL (their sha256 when known)."""

    def __init__(self) -> None:
        self._files: dict[str, IndexFile] = {}
        self._lock = threading.Lock()

    def add(self, file: IndexFile) -> str:
        # A file the index gave no sha256 still gets a link, so its refusal is explained, not hidden.
        key = file.sha256 or "nohash-" + hashlib.sha256(file.url.encode()).hexdigest()[:40]
        with self._lock:
            self._files[key] = file
        return key

    def get(self, key: str) -> IndexFile | None:
        with self._lock:
            return self._files.get(key)


def gate_app(upstream: IndexClient, judge: Judge) -> Starlette:
    """The gate as an ASGI app: `/simple/<project>/` pages and `/files/<key>/<filename>` downloads."""
    registry = FileRegistry()
    failed: dict[str, Response] = {}  # an installer retrying a failed page must not wait on the index again

    def project_page(request: Request) -> Response:
        project = canonicalize_name(request.path_params["project"])
        if project in failed:
            return failed[project]
        try:
            files = upstream.project_files(project)
        except ProjectNotFound:
            judge.note_problem(f"{project}: not on the index")
            failed[project] = PlainTextResponse(f"{project}: not on the index\n", status_code=404)
            return failed[project]
        except IndexProblem as exc:
            judge.note_problem(f"{project}: {exc}")
            failed[project] = PlainTextResponse(f"interlock: the index could not be read: {exc}\n", status_code=502)
            return failed[project]
        links = [(file, f"/files/{registry.add(file)}/{quote(file.filename)}") for file in files]
        if JSON_TYPE in request.headers.get("accept", ""):
            return Response(json_page(project, links), media_type=JSON_TYPE)
        return HTMLResponse(html_page(project, links), media_type=HTML_TYPE)

    def download(request: Request) -> Response:
        file = registry.get(request.path_params["key"])
        if file is None or file.filename != request.path_params["filename"]:
            return PlainTextResponse("not a file the gate listed\n", status_code=404)
        decision = judge.decide(request.path_params["key"], file)
        if not decision.allowed or decision.path is None:
            return PlainTextResponse(f"interlock refused {file.filename}: {decision.reason}\n", status_code=403)
        return FileResponse(decision.path, media_type="application/octet-stream")

    def failure(request: Request, exc: Exception) -> Response:
        # Recorded for the report; the installer sees a 500 and stops, so the gate fails closed.
        judge.note_problem(f"the gate failed on {request.url.path}: {type(exc).__name__}: {exc}")
        return PlainTextResponse("interlock: internal error\n", status_code=500)

    # Plain functions: Starlette runs them in its thread pool, so a long judgement blocks no one else.
    routes = [
        Route("/simple/{project}/", project_page),
        Route("/files/{key}/{filename}", download),
    ]
    return Starlette(routes=routes, exception_handlers={Exception: failure})


def json_page(project: str, links: list[tuple[IndexFile, str]]) -> bytes:
    """PEP 691 (with PEP 700's sizes, upload times and versions when the upstream gave every size)."""
    every_size = all(file.size is not None for file, _ in links)
    entries = []
    for file, url in links:
        entry: dict[str, object] = {
            "filename": file.filename,
            "url": url,
            "hashes": {"sha256": file.sha256} if file.sha256 else {},
        }
        if file.requires_python:
            entry["requires-python"] = file.requires_python
        if file.yanked:
            entry["yanked"] = file.yanked_reason or True
        if file.upload_time:
            entry["upload-time"] = file.upload_time
        if file.size is not None:
            entry["size"] = file.size
        entries.append(entry)
    page: dict[str, object] = {
        "meta": {"api-version": "1.1" if every_size else "1.0"},
        "name": project,
        "files": entries,
    }
    if every_size:
        page["versions"] = sorted({str(file.version) for file, _ in links})
    return json.dumps(page).encode()


def html_page(project: str, links: list[tuple[IndexFile, str]]) -> str:
    """PEP 503 anchors with PEP 592 yanking and requires-python."""
    anchors = []
    for file, url in links:
        href = url + (f"#sha256={file.sha256}" if file.sha256 else "")
        attributes = f' href="{html.escape(href)}"'
        if file.requires_python:
            attributes += f' data-requires-python="{html.escape(file.requires_python)}"'
        if file.yanked:
            attributes += f' data-yanked="{html.escape(file.yanked_reason or "")}"'
        anchors.append(f"<a{attributes}>{html.escape(file.filename)}</a><br/>")
    body = "\n".join(anchors)
    title = f"Links for {html.escape(project)}"
    return f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n<body>\n{body}\n</body></html>\n"
