"""PEP 740 provenance: fetched from a loopback index, verified offline, judged for publisher continuity.

The attestations are real (tests/data/provenance/README.md says where each came from); the
sigstore trust root is the copy the installed sigstore ships. Every test here runs with network
connections outside 127.0.0.1 refused, so verification is shown to need nothing but the index.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from interlock.analysis.rules import FILE_RULES
from interlock.index import BadIndexResponse, BadProvenance, IndexClient, TrustRootUnavailable
from interlock.index.provenance import (
    ProvenanceResult,
    ProvenanceStatus,
    check_continuity,
    fetch_provenance,
    file_provenance,
    parse_provenance,
    provenance_findings,
    publisher_history,
    verify_provenance,
    verify_provenance_digest,
)
from interlock.index.provenance import document as document_module
from interlock.model.findings import Severity
from interlock.model.rules import Stage
from interlock.ruleset import ALL_RULES
from tests.fake_index import FakeIndex, Reply
from tests.test_index_client import make_sdist, make_wheel

RECORDED = Path(__file__).parent / "data" / "provenance"
MANIFEST = json.loads((RECORDED / "manifest.json").read_text())
INTEGRITY_TYPE = "application/vnd.pypi.integrity.v1+json"

PYPI_ATTESTATIONS = "pypi_attestations-0.0.19.tar.gz"
PYPI_ATTESTATIONS_PIN = "pypi-attestations==0.0.19"
MODELS = "pypi_attestation_models-0.0.4a2.tar.gz"
GOOGLE = "gcb_attestation_test-0.0.0.tar.gz"
CIRCLECI = "circleci_sign_publish_example-0.0.1.dev137-py3-none-any.whl"
GITLAB = "gitlab_oidc_project-0.0.3.tar.gz"

# What each recording must verify as: (kind, repository, workflow).
PUBLISHERS = {
    PYPI_ATTESTATIONS: ("GitHub", "trailofbits/pypi-attestations", "release.yml"),
    MODELS: ("GitHub", "trailofbits/pypi-attestation-models", "release.yml"),
    GOOGLE: ("Google", "919436158236-compute@developer.gserviceaccount.com", None),
    CIRCLECI: (
        "CircleCI",
        "github.com/CircleCI-Public/sign-and-publish-examples",
        "8e4f8ab2-8d7c-4827-9f15-de076d6d647f",
    ),
    GITLAB: ("GitLab", "facutuesca/gitlab-oidc-project", ".gitlab-ci.yml"),
}


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Refuse any connection or name lookup beyond 127.0.0.1; keep sigstore's data dir out of $HOME."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and address[0] not in {"127.0.0.1", "::1"}:
            raise OSError(f"test tried to reach {address[0]}: only loopback is allowed")
        return real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in {"127.0.0.1", "::1", "localhost", None}:
            raise OSError(f"test tried to resolve {host}: only loopback is allowed")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def artifact(filename: str) -> bytes:
    return (RECORDED / filename).read_bytes()


def provenance_body(filename: str) -> bytes:
    return (RECORDED / f"{filename}.provenance").read_bytes()


def provenance_json(filename: str) -> dict[str, Any]:
    return json.loads(provenance_body(filename))


def serve(
    index: FakeIndex, project: str, files: dict[str, bytes], provenance: dict[str, bytes], *, html: bool = False
) -> None:
    """List ``files`` for ``project``; each file in ``provenance`` gets that body at its own provenance URL."""
    urls = {filename: f"/integrity/{project}/{filename}/provenance" for filename in provenance}
    for filename, body in provenance.items():
        index.route(urls[filename], Reply(body, content_type=INTEGRITY_TYPE))
    if html:
        index.html_project(project, files, {filename: f'data-provenance="{url}"' for filename, url in urls.items()})
    else:
        index.json_project(project, files, **{filename: {"provenance": url} for filename, url in urls.items()})


def verified(filename: str) -> ProvenanceResult:
    result = verify_provenance(parse_provenance(provenance_body(filename), filename), artifact(filename), filename)
    assert result.status is ProvenanceStatus.VERIFIED, result.reason
    return result


# --- the recordings ------------------------------------------------------------------------


def test_recorded_files_are_the_ones_the_manifest_names() -> None:
    assert {entry["filename"] for entry in MANIFEST} == set(PUBLISHERS)
    for entry in MANIFEST:
        assert hashlib.sha256(artifact(entry["filename"])).hexdigest() == entry["sha256"]
        assert parse_provenance(provenance_body(entry["filename"]), entry["filename"]).bundles


# --- verified, from the index --------------------------------------------------------------


@pytest.mark.parametrize("filename", sorted(PUBLISHERS))
def test_provenance_served_by_the_index_verifies_with_its_publisher(
    index: FakeIndex, client: IndexClient, filename: str
) -> None:
    project = next(entry["project"] for entry in MANIFEST if entry["filename"] == filename)
    serve(index, project, {filename: artifact(filename)}, {filename: provenance_body(filename)})
    (file,) = client.project_files(project)
    result, findings = provenance_findings(client, file, client.download(file))
    assert result.status is ProvenanceStatus.VERIFIED, result.reason
    assert (result.kind, result.repository, result.workflow) == PUBLISHERS[filename]
    assert result.attestations == 1 and filename in result.reason
    assert findings == []
    kind, repository, workflow = PUBLISHERS[filename]
    assert result.to_json() == {
        "status": "verified",
        "reason": result.reason,
        "kind": kind,
        "repository": repository,
        "workflow": workflow,
        "environment": None,
        "attestations": 1,
    }


def test_html_page_data_provenance_is_followed(index: FakeIndex, client: IndexClient) -> None:
    serve(
        index,
        "pypi-attestations",
        {PYPI_ATTESTATIONS: artifact(PYPI_ATTESTATIONS)},
        {PYPI_ATTESTATIONS: provenance_body(PYPI_ATTESTATIONS)},
        html=True,
    )
    (file,) = client.project_files("pypi-attestations")
    provenance = fetch_provenance(client, file)
    assert provenance is not None and provenance.body == provenance_body(PYPI_ATTESTATIONS)
    assert provenance.url == f"{index.root}/integrity/pypi-attestations/{PYPI_ATTESTATIONS}/provenance"
    assert file_provenance(client, file, client.download(file)).repository == "trailofbits/pypi-attestations"


def test_verifying_against_the_listed_digest_needs_no_download(index: FakeIndex, client: IndexClient) -> None:
    serve(
        index,
        "pypi-attestations",
        {PYPI_ATTESTATIONS: artifact(PYPI_ATTESTATIONS)},
        {PYPI_ATTESTATIONS: provenance_body(PYPI_ATTESTATIONS)},
    )
    (file,) = client.project_files("pypi-attestations")
    assert file_provenance(client, file).status is ProvenanceStatus.VERIFIED
    assert index.hits(f"/files/{PYPI_ATTESTATIONS}") == 0


# --- invalid --------------------------------------------------------------------------------


def test_tampered_artifact_is_invalid_and_critical(index: FakeIndex, client: IndexClient) -> None:
    tampered = bytearray(artifact(PYPI_ATTESTATIONS))
    tampered[len(tampered) // 2] ^= 0x01
    # The index lists the tampered file's own sha256: the download succeeds, the attestation must not.
    serve(
        index,
        "pypi-attestations",
        {PYPI_ATTESTATIONS: bytes(tampered)},
        {PYPI_ATTESTATIONS: provenance_body(PYPI_ATTESTATIONS)},
    )
    (file,) = client.project_files("pypi-attestations")
    result, findings = provenance_findings(client, file, client.download(file))
    assert result.status is ProvenanceStatus.INVALID
    assert "does not match distribution digest" in result.reason
    assert result.repository == "trailofbits/pypi-attestations"  # the claim is kept as evidence
    (finding,) = findings
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "provenance-invalid",
        Severity.CRITICAL,
        "",
        None,
    )
    assert "GitHub trailofbits/pypi-attestations" in finding.evidence and "digest" in finding.evidence


def test_attestation_for_another_filename_is_invalid() -> None:
    renamed = "pypi_attestations-0.0.20.tar.gz"
    result = verify_provenance(
        parse_provenance(provenance_body(PYPI_ATTESTATIONS), renamed), artifact(PYPI_ATTESTATIONS), renamed
    )
    assert result.status is ProvenanceStatus.INVALID and "does not match distribution name" in result.reason


def test_forged_signature_is_invalid() -> None:
    document = provenance_json(GOOGLE)
    envelope = document["attestation_bundles"][0]["attestations"][0]["envelope"]
    signature = bytearray(base64.b64decode(envelope["signature"]))
    signature[-1] ^= 0x01
    envelope["signature"] = base64.b64encode(bytes(signature)).decode()
    result = verify_provenance(parse_provenance(json.dumps(document).encode(), GOOGLE), artifact(GOOGLE), GOOGLE)
    assert result.status is ProvenanceStatus.INVALID and result.attestations == 0


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (
            "workflow",
            "evil.yml",
            "(https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19) does "
            "not match expected Trusted Publisher (evil.yml",
        ),
        (
            "repository",
            "attacker/pypi-attestations",
            "got https://github.com/trailofbits/pypi-attestations, expected "
            "https://github.com/attacker/pypi-attestations",
        ),
    ],
)
def test_publisher_claim_the_certificate_does_not_back_is_invalid(field: str, value: str, expected: str) -> None:
    document = provenance_json(PYPI_ATTESTATIONS)
    document["attestation_bundles"][0]["publisher"][field] = value
    result = verify_provenance(
        parse_provenance(json.dumps(document).encode(), PYPI_ATTESTATIONS),
        artifact(PYPI_ATTESTATIONS),
        PYPI_ATTESTATIONS,
    )
    assert result.status is ProvenanceStatus.INVALID and expected in result.reason
    assert getattr(result, field) == value


def test_one_bad_attestation_among_good_ones_makes_it_invalid() -> None:
    document = provenance_json(PYPI_ATTESTATIONS)
    good = document["attestation_bundles"][0]["attestations"][0]
    document["attestation_bundles"][0]["attestations"] = [
        good,
        provenance_json(MODELS)["attestation_bundles"][0]["attestations"][0],
    ]
    result = verify_provenance(
        parse_provenance(json.dumps(document).encode(), PYPI_ATTESTATIONS),
        artifact(PYPI_ATTESTATIONS),
        PYPI_ATTESTATIONS,
    )
    assert result.status is ProvenanceStatus.INVALID
    assert result.reason.startswith("attestation 2 of bundle 1 does not verify") and result.attestations == 1


def test_malformed_attestation_inside_a_well_formed_document_is_invalid() -> None:
    document = provenance_json(GOOGLE)
    document["attestation_bundles"][0]["attestations"] = [{"version": 1, "envelope": "no"}]
    result = verify_provenance(parse_provenance(json.dumps(document).encode(), GOOGLE), artifact(GOOGLE), GOOGLE)
    assert result.status is ProvenanceStatus.INVALID and "malformed attestation" in result.reason


def test_unknown_publisher_kind_is_unverifiable_not_invalid() -> None:
    document = provenance_json(GOOGLE)
    document["attestation_bundles"][0]["publisher"] = {
        "kind": "Buildkite",
        "repository": "acme/tool",
        "workflow": "release",
    }
    result = verify_provenance(parse_provenance(json.dumps(document).encode(), GOOGLE), artifact(GOOGLE), GOOGLE)
    assert result.status is ProvenanceStatus.UNVERIFIABLE and "Buildkite" in result.reason
    assert (result.kind, result.repository, result.workflow) == ("Buildkite", "acme/tool", "release")


def test_digest_and_bytes_and_path_verify_alike(tmp_path: Path) -> None:
    provenance = parse_provenance(provenance_body(GITLAB), GITLAB)
    path = tmp_path / GITLAB
    path.write_bytes(artifact(GITLAB))
    by_path = verify_provenance(provenance, path)
    assert by_path == verify_provenance(provenance, artifact(GITLAB), GITLAB)
    assert by_path == verify_provenance_digest(provenance, hashlib.sha256(artifact(GITLAB)).hexdigest().upper(), GITLAB)
    assert by_path.status is ProvenanceStatus.VERIFIED


def test_refreshing_the_trust_root_without_network_is_an_error_not_a_verdict() -> None:
    provenance = parse_provenance(provenance_body(GOOGLE), GOOGLE)
    with pytest.raises(TrustRootUnavailable, match="sigstore's TUF repository"):
        verify_provenance(provenance, artifact(GOOGLE), GOOGLE, offline=False)
    assert verify_provenance(provenance, artifact(GOOGLE), GOOGLE).status is ProvenanceStatus.VERIFIED


def test_offline_verification_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    verified(GITLAB)
    assert capfd.readouterr() == ("", "")  # sigstore's "offline mode" warning is not news to the user


def test_unusable_trust_root_is_an_error_not_a_verdict(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    not_a_directory = tmp_path / "cache-is-a-file"
    not_a_directory.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_directory))  # sigstore cannot place its trust root
    with pytest.raises(TrustRootUnavailable, match="trust root"):
        verify_provenance(parse_provenance(provenance_body(GOOGLE), GOOGLE), artifact(GOOGLE), GOOGLE)


# --- none -----------------------------------------------------------------------------------


def test_index_that_publishes_no_provenance_yields_none(index: FakeIndex, client: IndexClient) -> None:
    serve(index, "pypi-attestations", {PYPI_ATTESTATIONS: artifact(PYPI_ATTESTATIONS)}, {})
    (file,) = client.project_files("pypi-attestations")
    assert file.provenance_url is None and fetch_provenance(client, file) is None
    result, findings = provenance_findings(client, file, client.download(file))
    assert (result.status, result.kind, findings) == (ProvenanceStatus.NONE, None, [])
    assert result.reason == f"the index publishes no provenance for {PYPI_ATTESTATIONS}"


@pytest.mark.parametrize("status", [404, 410])
def test_provenance_url_that_is_gone_yields_none(index: FakeIndex, client: IndexClient, status: int) -> None:
    serve(index, "pypi-attestations", {PYPI_ATTESTATIONS: artifact(PYPI_ATTESTATIONS)}, {PYPI_ATTESTATIONS: b""})
    index.route(f"/integrity/pypi-attestations/{PYPI_ATTESTATIONS}/provenance", Reply(b"gone", status, "text/plain"))
    (file,) = client.project_files("pypi-attestations")
    assert fetch_provenance(client, file) is None


# --- garbage ----------------------------------------------------------------------------------


def _document(**changes: object) -> bytes:
    document = provenance_json(GOOGLE)
    document.update(changes)
    return json.dumps(document).encode()


def _bundle(**changes: object) -> bytes:
    document = provenance_json(GOOGLE)
    document["attestation_bundles"][0].update(changes)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<!DOCTYPE html><html>Sign in</html>", "not JSON"),
        (provenance_body(GOOGLE)[:100], "not JSON"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
        (b"[]", "not a JSON object"),
        (_document(version=2), "version 2 is not 1"),
        (_document(attestation_bundles=[]), "'attestation_bundles' is not a non-empty list"),
        (_document(attestation_bundles={"a": 1}), "'attestation_bundles' is not a non-empty list"),
        (_document(attestation_bundles=["x"]), r"attestation_bundles\[0\] is not an object"),
        (_bundle(publisher={"repository": "x"}), "'publisher' is not an object with a 'kind'"),
        (_bundle(attestations=[]), "'attestations' is not a non-empty list"),
        (_bundle(attestations=[1]), "an attestation is not an object"),
        (_bundle(attestations=[{}] * 17), "17 attestations"),
        (
            _document(attestation_bundles=[{"publisher": {"kind": "GitHub"}, "attestations": [{}]}] * 9),
            "9 attestation bundles",
        ),
    ],
    ids=[
        "html",
        "cut-short",
        "not-utf8",
        "nested-too-deep",
        "array",
        "version-2",
        "no-bundles",
        "bundles-not-list",
        "bundle-not-object",
        "publisher-without-kind",
        "no-attestations",
        "attestation-not-object",
        "too-many-attestations",
        "too-many-bundles",
    ],
)
def test_garbage_provenance_is_a_clear_error_naming_the_file(
    index: FakeIndex, client: IndexClient, body: bytes, expected: str
) -> None:
    serve(index, "gcb-attestation-test", {GOOGLE: artifact(GOOGLE)}, {GOOGLE: body})
    (file,) = client.project_files("gcb-attestation-test")
    with pytest.raises(BadProvenance, match=expected) as caught:
        fetch_provenance(client, file)
    message = str(caught.value)
    assert message.startswith(f"{GOOGLE}: provenance at {index.root}/integrity/") and "\n" not in message
    result, findings = provenance_findings(client, file, client.download(file))
    assert (result.status, result.reason) == (ProvenanceStatus.INVALID, message)
    assert [f.rule for f in findings] == ["provenance-invalid"]


def test_oversized_provenance_is_refused_while_reading(
    index: FakeIndex, client: IndexClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(document_module, "PROVENANCE_LIMIT", 4096)
    serve(index, "gcb-attestation-test", {GOOGLE: artifact(GOOGLE)}, {GOOGLE: provenance_body(GOOGLE)})
    (file,) = client.project_files("gcb-attestation-test")
    with pytest.raises(BadIndexResponse, match="larger than"):
        fetch_provenance(client, file)


def test_provenance_url_answering_an_error_status_is_bad_index_response(index: FakeIndex, client: IndexClient) -> None:
    serve(index, "gcb-attestation-test", {GOOGLE: artifact(GOOGLE)}, {GOOGLE: b""})
    index.route(f"/integrity/gcb-attestation-test/{GOOGLE}/provenance", Reply(b"no", 403, "text/plain"))
    (file,) = client.project_files("gcb-attestation-test")
    with pytest.raises(BadIndexResponse, match=f"{GOOGLE}: HTTP 403 for its provenance"):
        fetch_provenance(client, file)


# --- continuity --------------------------------------------------------------------------------


@pytest.fixture
def attested_then_not(index: FakeIndex, client: IndexClient) -> IndexClient:
    """pypi-attestations: 0.0.17 and 0.0.18 without provenance, 0.0.19 the real attested release
    (a wheel without, the sdist with), 0.0.20rc1 a pre-release, 0.0.20 without provenance."""
    files = dict([make_sdist("pypi-attestations", "0.0.17"), make_sdist("pypi-attestations", "0.0.18")])
    files.update([make_wheel("pypi-attestations", "0.0.19"), make_sdist("pypi-attestations", "0.0.20rc1")])
    files[PYPI_ATTESTATIONS] = artifact(PYPI_ATTESTATIONS)
    files.update([make_sdist("pypi-attestations", "0.0.20")])
    serve(index, "pypi-attestations", files, {PYPI_ATTESTATIONS: provenance_body(PYPI_ATTESTATIONS)})
    return client


def test_release_without_provenance_after_an_attested_one_is_high(
    index: FakeIndex, attested_then_not: IndexClient
) -> None:
    client = attested_then_not
    current = client.resolve("pypi-attestations==0.0.20")
    result, findings = provenance_findings(client, current, client.download(current))
    assert result.status is ProvenanceStatus.NONE
    (finding,) = findings
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "provenance-missing",
        Severity.HIGH,
        "",
        None,
    )
    assert "1 of the 3 previous releases" in finding.message and "latest: 0.0.19" in finding.message
    assert finding.evidence == (
        "0.0.19: verified, GitHub trailofbits/pypi-attestations, workflow release.yml; 0.0.18: none; 0.0.17: none"
    )
    assert index.hits(f"/files/{PYPI_ATTESTATIONS}") == 0  # earlier releases are checked by their listed sha256


def test_publisher_history_is_newest_first_final_releases_only(attested_then_not: IndexClient) -> None:
    history = publisher_history(attested_then_not, "pypi-attestations", Version("0.0.20"), count=2)
    assert [(str(v), r.status) for v, r in history] == [
        ("0.0.19", ProvenanceStatus.VERIFIED),
        ("0.0.18", ProvenanceStatus.NONE),
    ]
    assert publisher_history(attested_then_not, "pypi-attestations", Version("0.0.17")) == []
    assert publisher_history(attested_then_not, "pypi-attestations", Version("0.0.20"), count=0) == []


def test_an_attested_release_with_no_attested_history_has_no_finding(attested_then_not: IndexClient) -> None:
    current = next(f for f in attested_then_not.project_files("pypi-attestations") if f.filename == PYPI_ATTESTATIONS)
    result, findings = provenance_findings(attested_then_not, current, attested_then_not.download(current))
    assert result.status is ProvenanceStatus.VERIFIED and findings == []


def test_repository_change_between_releases_is_high() -> None:
    before, now = verified(PYPI_ATTESTATIONS), verified(MODELS)
    (finding,) = check_continuity(now, [(Version("0.0.19"), before)])
    assert (finding.rule, finding.severity) == ("publisher-changed", Severity.HIGH)
    assert (
        "trailofbits/pypi-attestation-models" in finding.message
        and "0.0.19 was published by GitHub trailofbits/pypi-attestations" in finding.message
    )
    assert (
        "trailofbits/pypi-attestations," in finding.evidence
        and "trailofbits/pypi-attestation-models," in finding.evidence
    )


def test_publisher_kind_change_is_high() -> None:
    (finding,) = check_continuity(verified(GOOGLE), [(Version("1.0"), verified(PYPI_ATTESTATIONS))])
    assert finding.rule == "publisher-changed" and "Google" in finding.message and "GitHub" in finding.message


def test_newest_attested_release_is_the_reference() -> None:
    old_home, new_home = verified(MODELS), verified(PYPI_ATTESTATIONS)
    history = [
        (Version("0.0.18"), old_home),
        (Version("0.0.19"), new_home),
        (Version("0.0.19.1"), ProvenanceResult(ProvenanceStatus.NONE, "none")),
    ]
    assert check_continuity(new_home, history) == []
    (finding,) = check_continuity(old_home, history)
    assert "0.0.19 was published by" in finding.message


def test_same_publisher_compares_names_case_insensitively() -> None:
    before = verified(PYPI_ATTESTATIONS)
    shouting = ProvenanceResult(
        ProvenanceStatus.VERIFIED, "ok", "GitHub", "TrailOfBits/PyPI-Attestations", "release.yml"
    )
    assert check_continuity(shouting, [(Version("0.0.19"), before)]) == []


def test_unverifiable_provenance_from_a_new_kind_is_still_a_publisher_change() -> None:
    odd = ProvenanceResult(ProvenanceStatus.UNVERIFIABLE, "kind unknown", "Buildkite", "attacker/tool", "release")
    (finding,) = check_continuity(odd, [(Version("0.0.19"), verified(PYPI_ATTESTATIONS))])
    assert finding.rule == "publisher-changed" and "this release: unverifiable" in finding.evidence


def test_invalid_is_critical_whatever_came_before_and_none_without_history_is_fine() -> None:
    invalid = ProvenanceResult(
        ProvenanceStatus.INVALID, "subject does not match distribution digest", "GitHub", "a/b", "release.yml"
    )
    (finding,) = check_continuity(invalid, [])
    assert (finding.rule, finding.severity) == ("provenance-invalid", Severity.CRITICAL)
    none = ProvenanceResult(ProvenanceStatus.NONE, "none")
    assert check_continuity(none, []) == []
    assert check_continuity(none, [(Version("1.0"), none)]) == []


def test_rules_are_documented_and_raised_only_from_index_signals() -> None:
    provenance = [rule for rule in ALL_RULES if rule.stage is Stage.PROVENANCE]
    assert {(rule.id, rule.severities) for rule in provenance} == {
        ("provenance-invalid", (Severity.HIGH, Severity.CRITICAL)),
        ("provenance-missing", (Severity.HIGH,)),
        ("publisher-changed", (Severity.HIGH,)),
    }
    for rule in provenance:
        assert rule.summary and len(rule.description) > 100
    # Raised from index signals only: the file analysis has no check for them.
    assert not {rule.id for rule in provenance} & {rule.id for rule in FILE_RULES}


def test_scan_by_name_reports_provenance_that_went_missing(
    index: FakeIndex, attested_then_not: IndexClient, capsys: pytest.CaptureFixture[str]
) -> None:
    from interlock.cli import main

    status = main(
        [
            "scan",
            "--no-history",
            "--index-url",
            index.simple,
            "--format",
            "json",
            "pypi-attestations==0.0.20",
            PYPI_ATTESTATIONS_PIN,
        ]
    )
    missing, attested = json.loads(capsys.readouterr().out)["results"]
    assert status == 1
    assert missing["verdict"] == "suspicious" and [f["rule"] for f in missing["findings"]] == ["provenance-missing"]
    assert attested["verdict"] == "clean" and attested["findings"] == []
