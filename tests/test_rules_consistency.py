"""Cases for the consistency rules (interlock.analysis.rules.consistency).

For each rule, a release that must trigger it and the closest benign look-alike that must not.
How a case runs is in tests/rule_cases.py; the checks over every rule are in tests/test_rules.py.
"""

# ruff: noqa: E501 - the case tables are laid out by hand (`# fmt: skip`), a case to a block, sources as written

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from interlock.artifact.model import Artifact
from interlock.demo.wheel import wheel_bytes, wheel_filename
from tests.builders import (
    zip_artifact,
)
from tests.rule_cases import H, Negative, Positive, case_tests

# -- sample material ----------------------------------------------------------------------------


def _wheel_then(change: Callable[[dict[str, bytes]], None], name: str = "demo", version: str = "1.0") -> Artifact:
    """A well-built wheel, opened and changed the way a hand-made trojan is."""
    with zipfile.ZipFile(io.BytesIO(wheel_bytes(name, version, {"demo/__init__.py": "VALUE = 1\n"}))) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    change(members)
    return zip_artifact(list(members.items()), filename=wheel_filename(name, version))


# -- positive cases -----------------------------------------------------------------------------

POSITIVE: dict[str, Positive] = {
    "record-mismatch/module-added-after-the-build": Positive(
        "record-mismatch", H, lambda: _wheel_then(lambda m: m.update({"demo/_hook.py": b"import os\n"})), "demo/_hook.py", None, None
    ),
    "record-mismatch/module-edited-after-the-build": Positive(
        "record-mismatch", H,
        lambda: _wheel_then(lambda m: m.update({"demo/__init__.py": b"VALUE = 2\n"})), "demo/__init__.py", None, None,
    ),
    "metadata-mismatch/another-project-in-metadata": Positive(
        "metadata-mismatch", H,
        lambda: _wheel_then(lambda m: m.update({"demo-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: requests\nVersion: 1.0\n"})),
        "demo-1.0.dist-info/METADATA", None, None,
    ),
}  # fmt: skip


# -- negative cases: the closest benign look-alikes ---------------------------------------------

NEGATIVE: dict[str, Negative] = {
    "record-mismatch/wheel-as-built": Negative("record-mismatch", lambda: _wheel_then(lambda m: None)),
    "metadata-mismatch/normalised-name-and-version": Negative(
        "metadata-mismatch",
        lambda: _wheel_then(lambda m: m.update({"demo-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: Demo\nVersion: 1.0.0\n"})),
    ),
}  # fmt: skip


# -- the tests ----------------------------------------------------------------------------------

test_positive, test_negative, test_positive_severity_is_one_the_rule_declares = case_tests(POSITIVE, NEGATIVE)
