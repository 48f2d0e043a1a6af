"""Record real PEP 740 provenance objects and their artifacts for the provenance tests.

    python scripts/record_provenance.py [--out tests/data/provenance] [--index-url URL]

Uses the index pip is configured with (or ``--index-url``). For each recording below:

- the artifact is downloaded from that index, its listed sha256 verified; an artifact the
  index does not list (two test projects kept on a test index) is taken from the
  pypi-attestations sdist below;
- the provenance is what the index publishes for the file. An index that publishes none (a
  mirror or proxy without the integrity API) falls back to the provenance objects
  pypi-attestations' maintainers recorded from an index and ship in their sdist
  (``test/assets``), and for two files to an index-shaped provenance object assembled here
  around a real attestation they ship, with the Trusted Publisher read from its signing
  certificate.

Every recording must verify (offline trust root) before it is written. Writes, in ``--out``,
``FILENAME``, ``FILENAME.provenance`` and ``manifest.json`` saying where each came from.
Nothing is installed, built or imported from what is downloaded; no index host name is stored.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from packaging.utils import parse_sdist_filename, parse_wheel_filename  # noqa: E402
from packaging.version import Version  # noqa: E402
from pypi_attestations import Attestation  # noqa: E402
from sigstore.models import Bundle  # noqa: E402

from interlock.index import IndexClient, IndexProblem, ProjectNotFound  # noqa: E402
from interlock.index.provenance import ProvenanceStatus, fetch_provenance, parse_provenance, verify_provenance  # noqa: E402

# The sdist whose test/assets hold provenance and attestations recorded by its maintainers.
ASSETS_PROJECT = "pypi-attestations"
ASSETS_FILE = "pypi_attestations-0.0.30.tar.gz"
ASSETS_SHA256 = "14ff13c76bbef02a483c2b77532da02bfd746b5141b881f355e06b9807434423"
ASSETS_DIR = "pypi_attestations-0.0.30/test/assets/"
MEMBER_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class Recording:
    filename: str
    fallback: str
    """Member of the assets sdist used when the index publishes no provenance: ``.provenance``
    (recorded from the index), ``.sigstore`` (a sigstore bundle) or ``.publish.attestation``."""


RECORDINGS = (
    Recording("pypi_attestations-0.0.19.tar.gz", ".provenance"),  # GitHub trusted publisher
    Recording("pypi_attestation_models-0.0.4a2.tar.gz", ".sigstore"),  # GitHub, another repository
    Recording("gcb_attestation_test-0.0.0.tar.gz", ".provenance"),  # Google Cloud Build
    Recording("circleci_sign_publish_example-0.0.1.dev137-py3-none-any.whl", ".provenance"),  # CircleCI
    Recording("gitlab_oidc_project-0.0.3.tar.gz", ".publish.attestation"),  # GitLab
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "data" / "provenance")
    parser.add_argument("--index-url", help="index to record from (default: the one pip is configured with)")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    cache = options.out / ".download-cache"
    manifest = []
    with IndexClient.from_pip(options.index_url, cache_dir=cache) as client:
        assets = _assets_sdist(client)
        for recording in RECORDINGS:
            manifest.append(_record(client, assets, recording, options.out))
            print(f"recorded {recording.filename}: {manifest[-1]['publisher']}")
    (options.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for leftover in sorted(cache.rglob("*"), reverse=True):
        leftover.unlink() if leftover.is_file() else leftover.rmdir()
    cache.rmdir()
    return 0


def _assets_sdist(client: IndexClient) -> tarfile.TarFile:
    (file,) = [f for f in client.project_files(ASSETS_PROJECT) if f.filename == ASSETS_FILE]
    if file.sha256 != ASSETS_SHA256:
        raise SystemExit(f"{ASSETS_FILE}: the index lists sha256 {file.sha256}, expected {ASSETS_SHA256}")
    return tarfile.open(client.download(file))


def _member(assets: tarfile.TarFile, name: str) -> bytes:
    info = assets.getmember(ASSETS_DIR + name)
    handle = assets.extractfile(info)
    if handle is None or info.size > MEMBER_LIMIT:
        raise SystemExit(f"{name}: not a regular file of at most {MEMBER_LIMIT} bytes in {ASSETS_FILE}")
    return handle.read()


def _record(client: IndexClient, assets: tarfile.TarFile, recording: Recording, out: Path) -> dict[str, Any]:
    filename = recording.filename
    project, version = _name_and_version(filename)
    listed = None
    with contextlib.suppress(ProjectNotFound):
        listed = next((f for f in client.project_files(project) if f.filename == filename), None)
    if listed is not None:
        artifact = client.download(listed).read_bytes()
        artifact_source = "downloaded from the configured index, listed sha256 verified"
    else:
        artifact = _member(assets, filename)
        artifact_source = f"not on the configured index: {ASSETS_FILE} test/assets/{filename}"
    published = fetch_provenance(client, listed) if listed is not None else None
    if published is not None:
        body, provenance_source = published.body, "published by the configured index"
    elif recording.fallback == ".provenance":
        body = _member(assets, filename + ".provenance")
        provenance_source = (
            "an index's provenance object as recorded by pypi-attestations' maintainers: "
            f"{ASSETS_FILE} test/assets/{filename}.provenance"
        )
    else:
        body = _assembled(_member(assets, filename + recording.fallback), recording.fallback)
        provenance_source = (
            f"assembled here in the index's provenance format around the real attestation in {ASSETS_FILE} "
            f"test/assets/{filename}{recording.fallback}, publisher read from its signing certificate"
        )
    result = verify_provenance(parse_provenance(body, filename), artifact, filename)
    if result.status is not ProvenanceStatus.VERIFIED:
        raise SystemExit(f"{filename}: {result.status.value}: {result.reason}")
    (out / filename).write_bytes(artifact)
    (out / f"{filename}.provenance").write_bytes(body)
    return {
        "filename": filename,
        "project": project,
        "version": str(version),
        "sha256": hashlib.sha256(artifact).hexdigest(),
        "size": len(artifact),
        "publisher": result.publisher,
        "artifact": artifact_source,
        "provenance": provenance_source,
    }


def _name_and_version(filename: str) -> tuple[str, Version]:
    if filename.endswith(".whl"):
        name, version, _build, _tags = parse_wheel_filename(filename)
        return name, version
    return parse_sdist_filename(filename)


def _assembled(raw: bytes, kind: str) -> bytes:
    """A provenance object as the index serves it, around one real attestation."""
    if kind == ".sigstore":
        attestation = Attestation.from_bundle(Bundle.from_json(raw))
    else:
        attestation = Attestation.model_validate_json(raw)
    claims = attestation.certificate_claims
    issuer = claims["1.3.6.1.4.1.57264.1.8"]
    source = claims["1.3.6.1.4.1.57264.1.12"]  # Source Repository URI: https://FORGE/OWNER/NAME
    build_config = claims["1.3.6.1.4.1.57264.1.18"]  # Build Config URI: <source>/<path to workflow>@<ref>
    repository = source.split("://", 1)[1].split("/", 1)[1]
    workflow_path = build_config.removeprefix(source).lstrip("/").rsplit("@", 1)[0]
    if issuer == "https://token.actions.githubusercontent.com":
        publisher = {
            "environment": None,
            "kind": "GitHub",
            "repository": repository,
            "workflow": workflow_path.rsplit("/", 1)[-1],
        }
    elif issuer == "https://gitlab.com":
        publisher = {
            "environment": None,
            "kind": "GitLab",
            "repository": repository,
            "workflow_filepath": workflow_path,
        }
    else:
        raise SystemExit(f"cannot assemble a publisher for issuer {issuer}")
    document = {
        "attestation_bundles": [{"attestations": [attestation.model_dump(mode="json")], "publisher": publisher}],
        "version": 1,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode() + b"\n"


if __name__ == "__main__":
    try:
        sys.exit(main())
    except IndexProblem as exc:
        sys.exit(f"record_provenance: error: {exc}")
