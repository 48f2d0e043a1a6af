"""The gate index as an installer sees it: upstream pages re-served with links to itself, and file
bytes only after a judgement lets them through. The upstream is a real index on loopback."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator

import httpx
import pytest

from interlock.gate.app import gate_app
from interlock.gate.judge import Judge
from interlock.gate.server import serve
from interlock.index.simple_api import JSON_TYPE
from interlock.model.verdict import Verdict
from interlock.scanner import Scanner, ScanOptions
from tests.fake_index import FakeIndex, Reply
from tests.gate_packages import projects

CLOCK = projects()["acme-clock"]
GENUINE, TROJANED = sorted(CLOCK)


@pytest.fixture
def judge(index: FakeIndex) -> Judge:
    index.json_project(
        "acme-clock",
        CLOCK,
        **{
            GENUINE: {"requires-python": ">=3.8", "core-metadata": {"sha256": "0" * 64}},
            TROJANED: {"yanked": "stolen token"},
        },
    )
    return Judge(Scanner(ScanOptions(index_url=index.simple)))


@pytest.fixture
def gate(judge: Judge) -> Iterator[httpx.Client]:
    with serve(gate_app(judge.scanner.client(), judge)) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def json_page(gate: httpx.Client, project: str = "acme-clock") -> dict:
    response = gate.get(f"/simple/{project}/", headers={"Accept": JSON_TYPE})
    assert response.status_code == 200 and response.headers["content-type"] == JSON_TYPE
    return response.json()


def test_the_json_page_keeps_what_resolvers_need_and_links_only_to_the_gate(gate: httpx.Client) -> None:
    page = json_page(gate, "Acme_Clock")  # any spelling: the page is the canonical project's
    files = {entry["filename"]: entry for entry in page["files"]}
    assert page["name"] == "acme-clock" and page["versions"] == ["1.0.0", "1.0.1"]
    assert files[GENUINE]["requires-python"] == ">=3.8" and files[TROJANED]["yanked"] == "stolen token"
    for filename, entry in files.items():
        digest = hashlib.sha256(CLOCK[filename]).hexdigest()
        assert entry["hashes"] == {"sha256": digest}
        assert entry["url"] == f"/files/{digest}/{filename}"
        assert entry["size"] == len(CLOCK[filename]) and entry["upload-time"] == "2026-03-24T10:00:00Z"
        # No PEP 658 metadata: dependencies are read from a file only after the file is judged.
        assert "core-metadata" not in entry and "dist-info-metadata" not in entry


def test_the_html_page_for_installers_that_ask_for_html(gate: httpx.Client) -> None:
    response = gate.get("/simple/acme-clock/", headers={"Accept": "text/html"})
    digest = hashlib.sha256(CLOCK[GENUINE]).hexdigest()
    assert response.status_code == 200
    assert f'href="/files/{digest}/{GENUINE}#sha256={digest}" data-requires-python="&gt;=3.8"' in response.text
    assert 'data-yanked="stolen token"' in response.text and "metadata" not in response.text


def test_a_clean_file_is_served_whole_or_by_range_only_after_it_is_judged(gate: httpx.Client, judge: Judge) -> None:
    url = json_page(gate)["files"][0]["url"]
    assert judge.decisions == []
    response = gate.get(url)
    assert response.status_code == 200 and response.content == CLOCK[GENUINE]
    (decision,) = judge.decisions
    assert decision.allowed and decision.result.verdict is Verdict.CLEAN
    partial = gate.get(url, headers={"Range": "bytes=0-9"})
    assert partial.status_code == 206 and partial.content == CLOCK[GENUINE][:10]


def test_a_trojaned_file_is_refused_with_the_reason_and_judged_once(
    gate: httpx.Client, judge: Judge, index: FakeIndex
) -> None:
    url = next(entry["url"] for entry in json_page(gate)["files"] if entry["filename"] == TROJANED)
    for headers in ({}, {"Range": "bytes=0-9"}):
        response = gate.get(url, headers=headers)
        assert response.status_code == 403
        assert response.text.startswith(
            f"interlock refused {TROJANED}: malicious: decoded-exec at acme_clock_init.pth:1"
        )
        assert CLOCK[TROJANED][:4] not in response.content
    (decision,) = judge.refusals()
    assert decision.file.filename == TROJANED and index.hits(f"/files/{TROJANED}") == 1


def test_concurrent_requests_for_one_file_wait_for_one_judgement(
    gate: httpx.Client, judge: Judge, index: FakeIndex
) -> None:
    url = json_page(gate)["files"][0]["url"]
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(gate.get(url).status_code)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 6
    assert len(judge.decisions) == 1 and index.hits(f"/files/{GENUINE}") == 1


def test_only_files_the_gate_listed_are_served(gate: httpx.Client) -> None:
    entry = json_page(gate)["files"][0]
    assert gate.get(f"/files/{'0' * 64}/{entry['filename']}").status_code == 404
    assert gate.get(entry["url"].rsplit("/", 1)[0] + "/other-1.0-py3-none-any.whl").status_code == 404
    assert gate.get("/simple/acme-clock/1.0.0/").status_code == 404


def test_a_file_without_a_published_hash_is_listed_but_refused(
    gate: httpx.Client, judge: Judge, index: FakeIndex
) -> None:
    index.json_project(
        "acme-bare", {"acme_bare-1.0-py3-none-any.whl": b"PK"}, **{"acme_bare-1.0-py3-none-any.whl": {"hashes": {}}}
    )
    (entry,) = json_page(gate, "acme-bare")["files"]
    assert entry["hashes"] == {}
    response = gate.get(entry["url"])
    assert response.status_code == 403 and "no sha256" in response.text
    assert judge.refusals()[0].result.verdict is Verdict.ERROR


@pytest.mark.parametrize(
    ("reply", "status", "problem"),
    [
        (Reply(b"gone", 404, "text/plain"), 404, "acme-gone: not on the index"),
        (Reply(b"{not json", 200, JSON_TYPE), 502, "not valid JSON"),
        (Reply(json.dumps({"meta": {"api-version": "9.0"}, "files": []}).encode(), 200, JSON_TYPE), 502, "version 9.0"),
    ],
)
def test_an_upstream_page_that_fails_is_an_answer_and_a_recorded_problem_never_a_crash(
    gate: httpx.Client, judge: Judge, index: FakeIndex, reply: Reply, status: int, problem: str
) -> None:
    index.route("/simple/acme-gone/", reply)
    response = gate.get("/simple/acme-gone/", headers={"Accept": JSON_TYPE})
    assert response.status_code == status
    assert any(problem in recorded for recorded in judge.problems)
