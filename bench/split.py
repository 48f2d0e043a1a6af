"""The fixed split of our own data into a part rules are tuned on and a validation part that is not.

A project belongs to the validation part when the sha256 of its normalised name, read as a number,
is divisible by 5 (about one project in five). The split is by project, not by file: several
releases of one malware family, or the wheel and sdist of one popular project, fall on the same
side, so a rule fitted to one of them cannot borrow its score from a sibling in the other part.

Benchmarks list the cases behind their figures only for the tuning part; the validation part
reports counts alone (``--show-validation`` lists it too, for a final report, not for tuning).
"""

from __future__ import annotations

import hashlib

from packaging.utils import canonicalize_name

TUNING = "tuning"
VALIDATION = "validation"
PARTS = (TUNING, VALIDATION)


def part_of(project: str) -> str:
    """`validation` or `tuning`, from the project's name alone."""
    digest = hashlib.sha256(canonicalize_name(project).encode()).hexdigest()
    return VALIDATION if int(digest, 16) % 5 == 0 else TUNING
