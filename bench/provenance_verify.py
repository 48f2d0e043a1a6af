"""How long verifying one file's PEP 740 provenance takes, offline, on the recorded attestations.

    python bench/provenance_verify.py [--repeat 20]

For each recording in tests/data/provenance: its first verification (the first in the process
also places and loads sigstore's trust root), then the median of ``--repeat`` verifications
against the artifact's bytes and against its sha256 alone. Offline; no network at all.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
RECORDED = REPO / "tests" / "data" / "provenance"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args()
    started = time.perf_counter()
    from interlock.index.provenance import (
        ProvenanceStatus,
        parse_provenance,
        verify_provenance,
        verify_provenance_digest,
    )

    print(f"import interlock.index.provenance: {1000 * (time.perf_counter() - started):.0f} ms")
    recordings = sorted(p.name.removesuffix(".provenance") for p in RECORDED.glob("*.provenance"))
    for filename in recordings:
        provenance = parse_provenance((RECORDED / f"{filename}.provenance").read_bytes(), filename)
        data = (RECORDED / filename).read_bytes()
        first = _timed(partial(verify_provenance, provenance, data, filename))
        assert first[1].status is ProvenanceStatus.VERIFIED, first[1].reason
        by_bytes = [_timed(partial(verify_provenance, provenance, data, filename))[0] for _ in range(options.repeat)]
        sha256 = hashlib.sha256(data).hexdigest()
        by_digest = [
            _timed(partial(verify_provenance_digest, provenance, sha256, filename))[0] for _ in range(options.repeat)
        ]
        print(
            f"{filename} ({len(data) // 1024} KiB, {first[1].kind}): first {first[0]:.1f} ms, "
            f"median {statistics.median(by_bytes):.1f} ms with the bytes, "
            f"{statistics.median(by_digest):.1f} ms by sha256"
        )
    return 0


def _timed(call):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = call()
    return 1000 * (time.perf_counter() - started), result


if __name__ == "__main__":
    sys.exit(main())
