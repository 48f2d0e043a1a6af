"""How long reading a lockfile takes: the reader's share of an audit's time budget.

    python bench/lockfiles.py [--packages 200,2000] [--runs 20]

Writes synthetic lockfiles (each package with an sdist and four wheels, sha256 hashes, a loopback
index) in every format to a temporary directory and prints the median read time per format and
size, then the time to list this interpreter's environment in process and via ``python -I -S``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from interlock.lockfiles import read_environment, read_lockfile  # noqa: E402

INDEX = "http://127.0.0.1:8080/simple"
FILES = "http://127.0.0.1:8080/files"
TAGS = (
    "py3-none-any",
    "cp311-cp311-manylinux_2_17_x86_64",
    "cp312-cp312-manylinux_2_17_x86_64",
    "cp311-cp311-win_amd64",
)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _packages(count: int) -> list[tuple[str, str]]:
    return [(f"package-{number}", f"1.{number % 50}.{number % 7}") for number in range(count)]


def uv_lock(count: int) -> str:
    parts = ['version = 1\nrequires-python = ">=3.11"\n']
    for name, version in _packages(count):
        module = name.replace("-", "_")
        wheels = ",\n".join(
            f'    {{ url = "{FILES}/{module}-{version}-{tag}.whl", hash = "sha256:{_sha(name + tag)}", size = 1000 }}'
            for tag in TAGS
        )
        parts.append(
            f'[[package]]\nname = "{name}"\nversion = "{version}"\nsource = {{ registry = "{INDEX}" }}\n'
            f'sdist = {{ url = "{FILES}/{module}-{version}.tar.gz", hash = "sha256:{_sha(name)}", size = 2000 }}\n'
            f"wheels = [\n{wheels},\n]\n"
        )
    return "\n".join(parts)


def requirements(count: int) -> str:
    lines = [f"--index-url {INDEX}"]
    for name, version in _packages(count):
        hashes = " ".join(f"\\\n    --hash=sha256:{_sha(name + tag)}" for tag in ("", *TAGS))
        lines.append(f"{name}=={version} {hashes}")
    return "\n".join(lines) + "\n"


def poetry_lock(count: int) -> str:
    parts = []
    for name, version in _packages(count):
        module = name.replace("-", "_")
        files = ",\n".join(
            f'    {{file = "{module}-{version}-{tag}.whl", hash = "sha256:{_sha(name + tag)}"}}' for tag in TAGS
        )
        parts.append(
            f'[[package]]\nname = "{name}"\nversion = "{version}"\ndescription = ""\n'
            f'optional = false\npython-versions = "*"\nfiles = [\n{files},\n]\n'
        )
    parts.append('[metadata]\nlock-version = "2.1"\npython-versions = "^3.11"\ncontent-hash = "x"\n')
    return "\n".join(parts)


def pylock(count: int) -> str:
    parts = ['lock-version = "1.0"\ncreated-by = "bench"\n']
    for name, version in _packages(count):
        module = name.replace("-", "_")
        wheels = ",\n".join(
            f'    {{ url = "{FILES}/{module}-{version}-{tag}.whl", hashes = {{ sha256 = "{_sha(name + tag)}" }} }}'
            for tag in TAGS
        )
        parts.append(
            f'[[packages]]\nname = "{name}"\nversion = "{version}"\nindex = "{INDEX}"\nwheels = [\n{wheels},\n]\n'
        )
    return "\n".join(parts)


def pipfile_lock(count: int) -> str:
    default = {
        name: {"hashes": [f"sha256:{_sha(name + tag)}" for tag in TAGS], "index": "local", "version": f"=={version}"}
        for name, version in _packages(count)
    }
    return json.dumps(
        {
            "_meta": {"sources": [{"name": "local", "url": INDEX, "verify_ssl": True}]},
            "default": default,
            "develop": {},
        },
        indent=4,
    )


WRITERS: dict[str, Callable[[int], str]] = {
    "requirements.txt": requirements,
    "uv.lock": uv_lock,
    "poetry.lock": poetry_lock,
    "pylock.toml": pylock,
    "Pipfile.lock": pipfile_lock,
}


def median_ms(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packages", default="200,2000", help="comma-separated package counts")
    parser.add_argument("--runs", type=int, default=20)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        print(f"{'format':<18}{'packages':>9}{'size':>10}{'median ms':>11}")
        for count in (int(c) for c in arguments.packages.split(",")):
            for name, writer in WRITERS.items():
                path = Path(directory) / str(count) / name
                path.parent.mkdir(exist_ok=True)
                path.write_text(writer(count), encoding="utf-8")
                assert len(read_lockfile(path).packages) == count
                size = f"{path.stat().st_size / 1024:.0f} KiB"
                print(f"{name:<18}{count:>9}{size:>10}{median_ms(partial(read_lockfile, path), arguments.runs):>11.1f}")
    found = len(read_environment().packages)
    print(f"environment, in process ({found} distributions): {median_ms(read_environment, arguments.runs):.1f} ms")
    other = Path(sys.executable)
    print(f"environment, python -I -S ({found} distributions): {median_ms(lambda: read_environment(other), 5):.1f} ms")


if __name__ == "__main__":
    main()
