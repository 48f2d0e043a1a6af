"""Cases for the typosquatting rules (interlock.analysis.rules.typosquat).

For each rule, a release that must trigger it and the closest benign look-alike that must not.
How a case runs is in tests/rule_cases.py; the checks over every rule are in tests/test_rules.py.
"""

# ruff: noqa: E501 - the case tables are laid out by hand (`# fmt: skip`), a case to a block, sources as written

from __future__ import annotations

from tests.rule_cases import H, Negative, Positive, S, W, case_tests

# -- positive cases -----------------------------------------------------------------------------

POSITIVE: dict[str, Positive] = {
    "typosquat/swapped-letters-of-a-popular-name": Positive(
        "typosquat", H, W({"reqeusts/__init__.py": ""}, name="reqeusts"), "", None, None
    ),
    "typosquat-dependency/egg-info-requires-an-imitation": Positive(
        "typosquat-dependency", H,
        S({"demo.egg-info/requires.txt": "urllib3>=2\nreqeusts>=2.0\n", "demo/__init__.py": ""}),
        "demo.egg-info/requires.txt", 2, None,
    ),
    "too-many-dependencies/over-the-cap": Positive(
        "too-many-dependencies", H,
        S({"demo.egg-info/requires.txt": "".join(f"dependency-{n}\n" for n in range(600)), "demo/__init__.py": ""}),
        "demo.egg-info/requires.txt", 501, None,
    ),
}  # fmt: skip


# -- negative cases: the closest benign look-alikes ---------------------------------------------

NEGATIVE: dict[str, Negative] = {
    "typosquat/the-popular-project-itself": Negative("typosquat", W({"requests/__init__.py": ""}, name="requests")),
    "typosquat-dependency/genuine-projects-an-edit-or-affix-from-popular-ones": Negative(
        "typosquat-dependency", S({"demo.egg-info/requires.txt": "deepdish\ndython\nhttpx2\n", "demo/__init__.py": ""})
    ),
    "typosquat-dependency/popular-dependencies": Negative(
        "typosquat-dependency", S({"demo.egg-info/requires.txt": "requests>=2\n[socks]\nPySocks>=1.5\n", "demo/__init__.py": ""})
    ),
    "too-many-dependencies/one-dependency-for-each-of-many-extras": Negative(
        "too-many-dependencies",
        S({"demo.egg-info/requires.txt": "".join(f"[extra{n}]\nrequests>=2\n" for n in range(600)), "demo/__init__.py": ""}),
    ),
}  # fmt: skip


# -- the tests ----------------------------------------------------------------------------------

test_positive, test_negative, test_positive_severity_is_one_the_rule_declares = case_tests(POSITIVE, NEGATIVE)
