"""Typosquat detection: each technique on real popular names, what must not match, hostile names."""

from __future__ import annotations

import pytest

from interlock.analysis.rules.typosquat import squat_finding
from interlock.intel.popular import PopularNames, RankedName, shipped_popular_names
from interlock.intel.typosquat import (
    ESTABLISHED_TOP,
    MAX_NAME_LENGTH,
    POPULAR_SQUAT_RANK_RATIO,
    Technique,
    find_squat,
    near_misses,
)
from interlock.model.findings import Severity


def popular_of(*names: str, start: int = 1) -> PopularNames:
    return PopularNames.from_ranked(RankedName(name, rank) for rank, name in enumerate(names, start=start))


# --- one positive per technique, on real popular names ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "imitates", "technique"),
    [
        ("py-yaml", "pyyaml", Technique.SEPARATOR),
        ("pythondateutil", "python-dateutil", Technique.SEPARATOR),
        ("rеquests", "requests", Technique.HOMOGLYPH),  # Cyrillic е
        ("сolorama", "colorama", Technique.HOMOGLYPH),  # Cyrillic с
        ("ｎｕｍｐｙ", "numpy", Technique.HOMOGLYPH),  # fullwidth, folded by NFKC
        ("c0lorama", "colorama", Technique.HOMOGLYPH),
        ("pi11ow", "pillow", Technique.HOMOGLYPH),
        ("rnatplotlib", "matplotlib", Technique.HOMOGLYPH),
        ("vvebsockets", "websockets", Technique.HOMOGLYPH),
        ("python-requests", "requests", Technique.PADDING),
        ("pyrequests", "requests", Technique.PADDING),
        ("py-numpy", "numpy", Technique.PADDING),
        ("numpy-python", "numpy", Technique.PADDING),
        ("pandas-py", "pandas", Technique.PADDING),
        ("numpy-dev", "numpy", Technique.PADDING),
        ("boto3-sdk", "boto3", Technique.PADDING),
        ("cryptographylib", "cryptography", Technique.PADDING),
        ("requests-api", "requests", Technique.PADDING),
        ("pandas3", "pandas", Technique.PADDING),
        ("torchvision2", "torchvision", Technique.PADDING),
        ("reqeusts", "requests", Technique.SWAPPED),
        ("sckiit-learn", "scikit-learn", Technique.SWAPPED),
        ("mokc", "mock", Technique.SWAPPED),
        ("reequests", "requests", Technique.DOUBLED),
        ("selleniumm", "selenium", Technique.DOUBLED),
        ("reqests", "requests", Technique.DROPPED),
        ("urlib3", "urllib3", Technique.DROPPED),
        ("reqvests", "requests", Technique.ONE_EDIT),
        ("djangorestframeworks", "djangorestframework", Technique.ONE_EDIT),
        ("pydynantic", "pydantic", Technique.TWO_EDITS),
        ("requet", "requests", Technique.TWO_EDITS),
    ],
)
def test_each_technique_names_the_imitated_project(name: str, imitates: str, technique: Technique) -> None:
    match = find_squat(name)
    assert match is not None, name
    assert (match.imitates, match.technique) == (imitates, technique)
    assert match.rank == shipped_popular_names().rank(imitates)
    assert repr(imitates) in match.explanation and f"rank {match.rank}" in match.explanation


def test_explanations_say_what_changed() -> None:
    assert "'ue' swapped to 'eu'" in find_squat("reqeusts").explanation
    assert "padded with 'python-'" in find_squat("python-requests").explanation
    assert "U+0435" in find_squat("rеquests").explanation
    assert "different separators" in find_squat("py-yaml").explanation


def test_namespace_words_measure_only_what_differs() -> None:
    # `django-` begins many popular names: `django-filters` is one letter from `django-filter`.
    assert find_squat("django-filters").imitates == "django-filter"
    assert find_squat("requests-toolbet").imitates == "requests-toolbelt"
    # A misspelt popular name followed by another word still imitates it.
    assert find_squat("matplatlib-plus").imitates == "matplotlib"


def test_near_misses_lists_every_popular_neighbour_best_first() -> None:
    popular = popular_of("requests", "request", "grequests")
    matches = near_misses("requets", popular)
    # the more precise technique first, whatever the rank
    assert [(match.imitates, match.technique) for match in matches] == [
        ("request", Technique.SWAPPED),
        ("requests", Technique.DROPPED),
    ]
    assert find_squat("requets", popular) == matches[0]


# --- what must not match ------------------------------------------------------------------------------


def test_popular_names_never_flag_themselves_in_any_spelling() -> None:
    popular = shipped_popular_names()
    for entry in popular.by_rank()[:300]:
        assert find_squat(entry.name, popular) is None, entry.name
    for spelling in ("Requests", "typing_extensions", "Python.Dateutil", "scikit_learn"):
        assert find_squat(spelling) is None, spelling


@pytest.mark.parametrize(
    "name",
    [
        # plugins named <popular>-<word> are normal
        "requests-oauthlib",
        "requests-utils",
        "requests-extras",
        "django-redis",
        "django-my-widgets",
        "pytest-mylib",
        "flask-widgets",
        "flask-admin-tools",
        "pandas-helpers",
        "pandas-extras",
        # unrelated names, short names with many innocent neighbours
        "interlock",
        "zyxwvut",
        "my-internal-tool",
        "abc",
        "tqdn",
        "x",
        # namespace siblings that differ in a short word
        "mypy-boto3-ec3",
    ],
)
def test_legitimate_names_are_not_flagged(name: str) -> None:
    assert find_squat(name) is None


def test_a_popular_project_is_never_a_squat_of_a_less_popular_one() -> None:
    popular = popular_of("gitpython", *(f"filler{i}" for i in range(5000)), "git-python")
    assert find_squat("gitpython", popular) is None  # the better ranked one
    assert find_squat("git-python", popular).imitates == "gitpython"


def test_a_far_less_popular_popular_name_is_flagged_only_by_precise_techniques() -> None:
    far = POPULAR_SQUAT_RANK_RATIO * 3
    filler = [f"filler{i}" for i in range(ESTABLISHED_TOP + far)]
    popular = popular_of("requests", "numpy", *filler, "reqeusts", "numpy-dev", "python-requests")
    assert find_squat("reqeusts", popular).technique is Technique.SWAPPED
    # padding among popular names is how genuine companions are named (`pyyaml`/`pyaml`, `nose2`)
    assert find_squat("numpy-dev", popular) is None
    assert find_squat("python-requests", popular) is None


def test_established_projects_and_close_ranks_are_never_flagged() -> None:
    popular = popular_of("requests", "reqeusts")  # both in the established top
    assert find_squat("reqeusts", popular) is None
    close = popular_of(*(f"filler{i}" for i in range(ESTABLISHED_TOP)), "requests", "reqeusts")
    assert find_squat("reqeusts", close) is None  # not POPULAR_SQUAT_RANK_RATIO times less downloaded


# --- hostile input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["", "-", "a b", "requests\u200b", "💣", "../../etc", "名前", "a" * (MAX_NAME_LENGTH + 1)]
)
def test_names_that_are_no_project_name_raise_a_clear_value_error(name: str) -> None:
    with pytest.raises(ValueError, match="project name"):
        find_squat(name)


def test_huge_and_odd_valid_names_are_simply_not_squats() -> None:
    assert find_squat("a" * MAX_NAME_LENGTH) is None
    assert find_squat("x" + "-y" * 400) is None
    assert find_squat("0") is None
    assert find_squat("requests" * 100) is None


def test_an_empty_popular_list_matches_nothing() -> None:
    assert find_squat("reqeusts", PopularNames.from_ranked([])) is None


# --- the finding and the rule -------------------------------------------------------------------------


def test_the_finding_names_both_projects() -> None:
    finding = squat_finding(find_squat("reqeusts"))
    assert (finding.rule, finding.severity, finding.path, finding.line) == ("typosquat", Severity.HIGH, "", None)
    assert finding.evidence == "reqeusts ~ requests"
    assert "swapped letters" in finding.message and "'requests'" in finding.message
    assert finding.to_json()["severity"] == "high"
