"""Policy files (interlock.toml, pyproject [tool.interlock]): reading, line-precise errors, finding
the file, applying a policy to real scan results, the cooldown, and `interlock policy` end to end."""

from __future__ import annotations

import os
import textwrap
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from interlock.analysis.verdict import decide
from interlock.cli import main
from interlock.model.decision import ReasonCode, Status
from interlock.model.findings import Finding, Severity
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.policy import (
    FailOn,
    IgnoreEntry,
    PackageEntry,
    Policy,
    PolicyError,
    Provenance,
    apply_policy,
    find_policy,
    load_policy,
    newest_passing,
)
from interlock.policy.duration import format_age, format_duration, parse_duration
from interlock.policy.load import MAX_POLICY_BYTES, parse_policy
from interlock.policy.positions import Position, Positions
from interlock.policy.show import format_policy
from tests.builders import scan_wheel
from tests.conftest import run

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()

FULL_POLICY = """\
# Interlock policy for the acme monorepo
fail-on = "malicious"
cooldown = "3d"

[cooldown-exceptions]
Acme_Internal = "0"
big-framework = "1w"

[[allow]]
package = "PyWin32"
reason = "reviewed post-install script"
expires = 2027-06-30

[[deny]]
package = "litellm"
version = "==1.82.8"
reason = "stolen publishing token"

[[ignore]]
rule = "network-access"
package = "requests"
version = "<3"
reason = "an HTTP client"

[[ignore]]
rule = "process-spawn"
reason = "we accept subprocess at call time"
expires = "2027-01-31"

[provenance]
default = "optional"
required = ["litellm", "Requests"]
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(text: str, name: str = "interlock.toml") -> list[str]:
    """Every problem message of a policy text, as `interlock policy check` prints them."""
    with pytest.raises(PolicyError) as caught:
        parse_policy(textwrap.dedent(text), Path(name))
    return [str(problem) for problem in caught.value.problems]


def only_problem(text: str, name: str = "interlock.toml") -> str:
    found = problems(text, name)
    assert len(found) == 1, found
    return found[0]


# -- reading valid policies ---------------------------------------------------------------------


def test_full_interlock_toml_reads_every_setting(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "interlock.toml", FULL_POLICY))
    assert policy.fail_on is FailOn.MALICIOUS
    assert policy.cooldown == timedelta(days=3)
    assert dict(policy.cooldown_exceptions) == {"acme-internal": timedelta(0), "big-framework": timedelta(weeks=1)}
    assert policy.allow == (
        PackageEntry("pywin32", SpecifierSet(), "reviewed post-install script", date(2027, 6, 30), "interlock.toml:9"),
    )
    assert policy.deny == (
        PackageEntry("litellm", SpecifierSet("==1.82.8"), "stolen publishing token", None, "interlock.toml:14"),
    )
    assert policy.ignore == (
        IgnoreEntry("network-access", "requests", SpecifierSet("<3"), "an HTTP client", None, "interlock.toml:19"),
        IgnoreEntry(
            "process-spawn",
            None,
            SpecifierSet(),
            "we accept subprocess at call time",
            date(2027, 1, 31),
            "interlock.toml:25",
        ),
    )
    assert policy.provenance_default is Provenance.OPTIONAL
    assert dict(policy.provenance) == {"litellm": Provenance.REQUIRED, "requests": Provenance.REQUIRED}
    assert policy.source == tmp_path / "interlock.toml"


def test_pyproject_tool_interlock_reads_the_same_policy_with_its_own_lines(tmp_path: Path) -> None:
    body = FULL_POLICY.replace("[cooldown-exceptions]", "[tool.interlock.cooldown-exceptions]")
    for table in ("allow", "deny", "ignore"):
        body = body.replace(f"[[{table}]]", f"[[tool.interlock.{table}]]")
    body = body.replace("[provenance]", "[tool.interlock.provenance]")
    pyproject = (
        '[project]\nname = "acme"\nversion = "1.0"\n\n[tool.black]\nline-length = 100\n\n[tool.interlock]\n' + body
    )
    policy = load_policy(write(tmp_path, "pyproject.toml", pyproject))
    reference = load_policy(write(tmp_path, "interlock.toml", FULL_POLICY))
    assert policy.fail_on is reference.fail_on and policy.cooldown == reference.cooldown
    assert [replace(e, origin="") for e in policy.allow + policy.deny] == [
        replace(e, origin="") for e in reference.allow + reference.deny
    ]
    assert [e.origin for e in policy.deny] == ["pyproject.toml:22"]  # 8 lines of [project]/[tool.black] come first
    assert dict(policy.provenance) == dict(reference.provenance)


def test_entries_may_be_written_as_inline_tables(tmp_path: Path) -> None:
    policy = load_policy(
        write(
            tmp_path,
            "interlock.toml",
            """\
            deny = [
                {package = "evil-pkg", reason = "typosquat"},
                {package = "Other.Pkg", version = ">=2", reason = "pulled"},
            ]
            """,
        )
    )
    assert [(e.package, str(e.specifier), e.origin) for e in policy.deny] == [
        ("evil-pkg", "", "interlock.toml:2"),
        ("other-pkg", ">=2", "interlock.toml:3"),
    ]


def test_empty_policy_is_the_defaults(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "interlock.toml", "# nothing yet\n"))
    assert replace(policy, source=None) == Policy()
    assert policy.fail_on is FailOn.SUSPICIOUS and policy.cooldown == timedelta(0)
    assert policy.cooldown_for("anything") == timedelta(0) and policy.provenance_for("anything") is Provenance.OPTIONAL


def test_per_package_lookups_canonicalise_the_name(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "interlock.toml", FULL_POLICY))
    assert policy.cooldown_for("ACME.internal") == timedelta(0)
    assert policy.cooldown_for("unrelated") == timedelta(days=3)
    assert policy.provenance_for("REQUESTS") is Provenance.REQUIRED
    assert policy.provenance_for("numpy") is Provenance.OPTIONAL


def test_the_documented_examples_are_valid_policies() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "policy.md").read_text(encoding="utf-8")
    example = docs.split("```toml\n", 1)[1].split("```", 1)[0]
    policy = parse_policy(example, Path("interlock.toml"))
    assert (len(policy.deny), len(policy.allow), len(policy.ignore)) == (2, 1, 2)
    assert (
        policy.deny[1].origin == "interlock.toml:32"
    )  # the second [[deny]] of the example, counted from its first line

    from interlock.cli import _POLICY_EPILOG

    epilog = _POLICY_EPILOG.split("example interlock.toml (docs/policy.md explains every key):\n", 1)[1].split(
        "\nexit status:", 1
    )[0]
    policy = parse_policy(textwrap.dedent(epilog), Path("interlock.toml"))
    assert (policy.cooldown, len(policy.deny), len(policy.allow), len(policy.ignore)) == (timedelta(days=3), 1, 1, 1)


# -- line-precise errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'fail-on = "high"\n',
            'interlock.toml:1: fail-on: expected one of "suspicious", "malicious", "never", got "high"',
        ),
        (
            '\n\ncooldown = "three days"\n',
            'interlock.toml:3: cooldown: expected a duration like "3d" or "12h", got "three days"',
        ),
        ("cooldown = 3\n", 'interlock.toml:1: cooldown: expected a duration like "3d" or "12h", got 3'),
        ('cooldown = "-1d"\n', 'interlock.toml:1: cooldown: expected a duration like "3d" or "12h", got "-1d"'),
        ('# c\nfail_on = "never"\n', 'interlock.toml:2: fail_on: unknown key; did you mean "fail-on"?'),
        ("colour = true\n", "interlock.toml:1: colour: unknown key"),
        (
            '[cooldown-exceptions]\nacme = "soon"\n',
            'interlock.toml:2: cooldown-exceptions.acme: expected a duration like "3d" or "12h", got "soon"',
        ),
        (
            '[cooldown-exceptions]\n"not a name!" = "1d"\n',
            'interlock.toml:2: cooldown-exceptions."not a name!": "not a name!" is not a valid project name',
        ),
        (
            '[allow]\npackage = "x"\n',
            "interlock.toml:1: allow: expected a list of entries ([[allow]] tables or [{...}, ...]), got a table",
        ),
        (
            '[[allow]]\npackage = "x"\nreson = "typo"\nreason = "r"\n',
            'interlock.toml:3: allow #1.reson: unknown key; did you mean "reason"?',
        ),
        (
            '[[deny]]\npackage = "x"\nreason = "r"\n\n[[deny]]\npackage = "y"\n',
            "interlock.toml:5: deny #2: missing 'reason' (say why, for whoever reads a decision it makes)",
        ),
        ('[[deny]]\nreason = "r"\n', "interlock.toml:1: deny #1: missing 'package'"),
        (
            '[[deny]]\npackage = "x"\nreason = "  "\n',
            'interlock.toml:3: deny #1.reason: expected a non-empty string saying why, got "  "',
        ),
        (
            '[[allow]]\npackage = "x"\nreason = "r"\nexpires = "next year"\n',
            'interlock.toml:4: allow #1.expires: expected a date like 2026-12-31, got "next year"',
        ),
        (
            '[[allow]]\npackage = "x"\nreason = "r"\nexpires = 2026-01-01T10:00:00\n',
            "interlock.toml:4: allow #1.expires: expected a date like 2026-12-31, got 2026-01-01T10:00:00",
        ),
        (
            '[[allow]]\npackage = "no spaces allowed"\nreason = "r"\n',
            'interlock.toml:2: allow #1.package: "no spaces allowed" is not a valid project name',
        ),
        (
            '[[deny]]\npackage = "x"\nversion = "1.2.3"\nreason = "r"\n',
            'interlock.toml:3: deny #1.version: expected a version specifier like ">=2.0" or "==1.82.7", got '
            '"1.2.3"; did you mean "==1.2.3"?',
        ),
        (
            '[[deny]]\npackage = "x"\nversion = "=>2"\nreason = "r"\n',
            'interlock.toml:3: deny #1.version: expected a version specifier like ">=2.0" or "==1.82.7", got "=>2"',
        ),
        (
            '[[ignore]]\nrule = "decoded-exek"\nreason = "r"\n',
            'interlock.toml:2: ignore #1.rule: unknown rule "decoded-exek"; did you mean "decoded-exec"?',
        ),
        (
            '[[ignore]]\nrule = "zzz"\nreason = "r"\n',
            "interlock.toml:2: ignore #1.rule: unknown rule \"zzz\"; 'interlock rules' lists them",
        ),
        (
            '[[ignore]]\nrule = "known-malicious"\nreason = "r"\n',
            "interlock.toml:2: ignore #1.rule: known-malicious cannot be ignored: a published advisory names the "
            "release",
        ),
        (
            '[[ignore]]\nrule = "beacon"\nversion = "<2"\nreason = "r"\n',
            "interlock.toml:3: ignore #1.version: needs a package (a version alone names nothing)",
        ),
        (
            '[provenance]\ndefault = "always"\n',
            'interlock.toml:2: provenance.default: expected "required" or "optional", got "always"',
        ),
        (
            '[provenance]\nrequired = ["a"]\noptional = ["b", "A"]\n',
            "interlock.toml:3: provenance.optional: a is also listed as required",
        ),
        (
            '[provenance]\nrequired = "litellm"\n',
            'interlock.toml:2: provenance.required: expected a list of package names, got "litellm"',
        ),
        (
            "deny = [\n  1,\n]\n",
            "interlock.toml:2: deny #1: expected a table like {package = ..., reason = ...}, got 1",
        ),
        (
            'deny = [\n  {package = "ok", reason = "r"},\n  {package = "bad name", reason = "r"},\n]\n',
            'interlock.toml:3: deny #2.package: "bad name" is not a valid project name',
        ),
    ],
)
def test_each_mistake_names_its_line(text: str, expected: str) -> None:
    assert only_problem(text) == expected


def test_toml_syntax_errors_carry_line_and_column() -> None:
    assert (
        only_problem('fail-on = "never"\ncooldown "3d"\n')
        == "interlock.toml:2:10: invalid TOML: Expected '=' after a key in a key/value pair"
    )
    assert (
        only_problem('[[deny]]\npackage = "x"\n[[deny]\n')
        == "interlock.toml:3:7: invalid TOML: Expected ']]' at the end of an array declaration"
    )
    assert (
        only_problem('cooldown = "3d')
        == "interlock.toml:1:15: invalid TOML: Unterminated string at the end of the file"
    )


def test_every_problem_is_reported_in_line_order() -> None:
    found = problems(
        """\
        fail-on = "sometimes"
        [[allow]]
        package = "x"
        expires = "soon"
        [[ignore]]
        rule = "nope"
        reason = "r"
        [provenance]
        defualt = "required"
        """
    )
    assert [line.split(": ", 1)[0] for line in found] == [
        "interlock.toml:1",
        "interlock.toml:2",  # allow #1 lacks a reason
        "interlock.toml:4",
        "interlock.toml:6",
        "interlock.toml:9",
    ]
    assert found[-1] == 'interlock.toml:9: provenance.defualt: unknown key; did you mean "default"?'


def test_pyproject_errors_name_the_pyproject_line() -> None:
    text = '[project]\nname = "acme"\n\n[tool.interlock]\ncooldown = "3 days"\n'
    assert (
        only_problem(text, "pyproject.toml")
        == 'pyproject.toml:5: cooldown: expected a duration like "3d" or "12h", got "3 days"'
    )


def test_pyproject_without_or_with_a_wrong_interlock_table() -> None:
    assert only_problem('[project]\nname = "acme"\n', "pyproject.toml") == "pyproject.toml: no [tool.interlock] table"
    assert (
        only_problem('[tool]\ninterlock = "strict"\n', "pyproject.toml")
        == "pyproject.toml:2: tool.interlock: expected a table"
    )


def test_expiry_written_as_a_string_is_an_iso_date() -> None:
    policy = parse_policy('[[allow]]\npackage = "x"\nreason = "r"\nexpires = "2027-02-28"\n', Path("interlock.toml"))
    assert policy.allow[0].expires == date(2027, 2, 28)
    assert only_problem('[[allow]]\npackage = "x"\nreason = "r"\nexpires = "2027-02-30"\n').startswith(
        "interlock.toml:4: allow #1.expires:"
    )


def test_unreadable_files_give_one_line_naming_the_file(tmp_path: Path) -> None:
    binary = tmp_path / "interlock.toml"
    binary.write_bytes(b'fail-on = "never"\ncooldown = "\xff\xfe"\n')
    with pytest.raises(PolicyError) as caught:
        load_policy(binary)
    assert str(caught.value) == f"{binary}:2: not UTF-8 text (TOML files must be UTF-8)"

    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"# " + b"x" * MAX_POLICY_BYTES + b"\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(huge)
    assert str(caught.value) == f"{huge}: larger than 1024 KiB: not a policy file"

    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path / "missing.toml")
    assert "missing.toml: cannot read: No such file or directory" in str(caught.value)

    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    with pytest.raises(PolicyError) as caught:
        load_policy(fifo)
    assert str(caught.value) == f"{fifo}: not a regular file"
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path)
    assert str(caught.value) == f"{tmp_path}: not a regular file"


def test_deeply_nested_toml_is_an_error_not_a_crash() -> None:
    depth = 100_000
    message = only_problem("cooldown = " + "[" * depth + "]" * depth + "\n")
    assert message.startswith("interlock.toml")
    assert "cooldown" in message or "nested too deeply" in message


def test_positions_count_columns_in_characters_and_find_array_table_elements() -> None:
    positions = Positions('t = {a = "héé", b = 1}\n[[a]]\nk = 1\n[[a]]\n[a.sub]\nk = "v"\n')
    assert (positions.key(("t", "b")), positions.value(("t", "b"))) == (Position(1, 17), Position(1, 21))
    assert positions.key(("a", 1)) == Position(4, 1)
    assert positions.value(("a", 1, "sub", "k")) == Position(6, 5)
    assert positions.nearest(("a", 1, "sub", "missing")) == Position(5, 1)


# -- finding the policy -------------------------------------------------------------------------


def test_find_policy_prefers_interlock_toml_then_pyproject_with_a_table(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    project = tmp_path / "services" / "api"
    write(project, "pyproject.toml", '[project]\nname = "api"\n')  # no [tool.interlock]: keep looking
    write(tmp_path / "services", "pyproject.toml", '[tool.interlock]\nfail-on = "never"\n')
    assert find_policy(project) == (tmp_path / "services" / "pyproject.toml").resolve()
    write(tmp_path / "services", "interlock.toml", "")
    assert find_policy(project) == (tmp_path / "services" / "interlock.toml").resolve()
    assert find_policy(project / "pyproject.toml") == (tmp_path / "services" / "interlock.toml").resolve()


def test_find_policy_stops_at_the_repository_root(tmp_path: Path) -> None:
    write(tmp_path, "interlock.toml", 'fail-on = "never"\n')  # outside the repository
    repository = tmp_path / "repo"
    (repository / "src").mkdir(parents=True)
    (repository / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git is a file
    assert find_policy(repository / "src") is None
    write(repository, "interlock.toml", "")
    assert find_policy(repository / "src") == (repository / "interlock.toml").resolve()


def test_find_policy_reports_a_broken_pyproject_only_if_it_mentions_interlock(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, "pyproject.toml", "[project\nname = 'x'\n")
    assert find_policy(tmp_path) is None
    write(tmp_path, "pyproject.toml", '[tool.interlock]\ncooldown = "3d\n')
    assert find_policy(tmp_path) == (tmp_path / "pyproject.toml").resolve()


# -- durations ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "duration", "shown"),
    [
        ("0", timedelta(0), "0"),
        ("0d", timedelta(0), "0"),
        ("3d", timedelta(days=3), "3d"),
        ("12h", timedelta(hours=12), "12h"),
        ("90m", timedelta(minutes=90), "1h30m"),
        ("1w", timedelta(weeks=1), "7d"),
        ("1d12h", timedelta(days=1, hours=12), "1d12h"),
        (" 2D ", timedelta(days=2), "2d"),
    ],
)
def test_durations_read_and_print_back(text: str, duration: timedelta, shown: str) -> None:
    assert parse_duration(text) == duration
    assert format_duration(duration) == shown
    assert parse_duration(shown) == duration


@pytest.mark.parametrize("text", ["", "3", "3 days", "1.5d", "-1d", "d", "3s", "1d 12h", "9999999d"])
def test_durations_refuse_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="expected a duration like"):
        parse_duration(text)


def test_ages_read_as_two_units() -> None:
    assert format_age(timedelta(seconds=30)) == "under a minute"
    assert format_age(timedelta(days=2, hours=23, minutes=59)) == "2d 23h"
    assert format_age(timedelta(hours=5, minutes=4)) == "5h 4m"


# -- applying a policy to real scan results -----------------------------------------------------


def policy_of(text: str) -> Policy:
    return parse_policy(textwrap.dedent(text), Path("interlock.toml"))


@pytest.fixture(scope="module")
def clean() -> ScanResult:
    result = scan_wheel({"demo/__init__.py": "x = 1\n"}, name="demo", version="1.0")
    assert result.verdict is Verdict.CLEAN
    return result


@pytest.fixture(scope="module")
def suspicious() -> ScanResult:
    result = scan_wheel({"sitecustomize.py": "import sys\n", "demo/__init__.py": ""}, name="demo", version="1.0")
    assert result.verdict is Verdict.SUSPICIOUS and {f.rule for f in result.findings} == {"startup-sitecustomize"}
    return result


@pytest.fixture(scope="module")
def malicious() -> ScanResult:
    source = (
        'import subprocess, urllib.request\nurllib.request.urlopen("http://127.0.0.1/x")\nsubprocess.run(["sh", "x"])\n'
    )
    result = scan_wheel({"demo/__init__.py": source}, name="demo", version="1.0")
    assert result.verdict is Verdict.MALICIOUS
    assert {"download-and-run", "network-access"} <= {f.rule for f in result.findings}
    return result


def decide_on(policy: Policy, result: ScanResult, **kwargs: object):  # type: ignore[no-untyped-def]
    return apply_policy(policy, result, now=NOW, **kwargs)  # type: ignore[arg-type]


def codes(decision) -> list[ReasonCode]:  # type: ignore[no-untyped-def]
    return [reason.code for reason in decision.reasons]


def test_default_policy_blocks_at_suspicious_and_passes_clean(clean: ScanResult, suspicious: ScanResult) -> None:
    assert decide_on(Policy(), clean).status is Status.PASS
    blocked = decide_on(Policy(), suspicious)
    assert blocked.status is Status.BLOCK and blocked.blocked
    assert blocked.reasons[0].message == "verdict suspicious is at or above fail-on suspicious"


def test_fail_on_levels(suspicious: ScanResult, malicious: ScanResult) -> None:
    assert decide_on(Policy(fail_on=FailOn.MALICIOUS), suspicious).status is Status.PASS
    assert decide_on(Policy(fail_on=FailOn.MALICIOUS), malicious).status is Status.BLOCK
    assert decide_on(Policy(fail_on=FailOn.NEVER), malicious).status is Status.PASS


def test_ignore_drops_that_rule_for_that_package_and_the_verdict_is_decided_again(suspicious: ScanResult) -> None:
    policy = policy_of(
        """\
        [[ignore]]
        rule = "startup-sitecustomize"
        package = "Demo"
        version = ">=1.0,<2"
        reason = "our own site hook"
        """
    )
    decision = decide_on(policy, suspicious)
    assert decision.status is Status.PASS
    assert (decision.verdict, decision.score, decision.findings) == (Verdict.CLEAN, 0, ())
    assert [r.message for r in decision.reasons] == [
        "1 finding of rule startup-sitecustomize for demo<2,>=1.0 ignored (interlock.toml:1): our own site hook"
    ]


def test_ignore_scoped_elsewhere_changes_nothing(suspicious: ScanResult) -> None:
    for scope in ('package = "other"', 'package = "demo"\nversion = ">=2"'):
        policy = policy_of(f'[[ignore]]\nrule = "startup-sitecustomize"\n{scope}\nreason = "r"\n')
        decision = decide_on(policy, suspicious)
        assert decision.status is Status.BLOCK and decision.verdict is Verdict.SUSPICIOUS
        assert ReasonCode.IGNORED not in codes(decision)


def test_ignoring_one_rule_keeps_the_others(malicious: ScanResult) -> None:
    policy = policy_of('[[ignore]]\nrule = "network-access"\nreason = "r"\n')
    decision = decide_on(policy, malicious)
    assert "network-access" not in {f.rule for f in decision.findings}
    assert "download-and-run" in {f.rule for f in decision.findings}
    assert (decision.verdict, decision.score) == decide([f for f in malicious.findings if f.rule != "network-access"])
    assert decision.status is Status.BLOCK


def test_expired_ignore_is_not_applied_and_says_so(suspicious: ScanResult) -> None:
    policy = policy_of('[[ignore]]\nrule = "startup-sitecustomize"\nreason = "r"\nexpires = 2026-11-30\n')
    decision = decide_on(policy, suspicious)
    assert decision.status is Status.BLOCK and decision.verdict is Verdict.SUSPICIOUS
    assert (
        decision.reasons[-1].message
        == "ignore entry for rule startup-sitecustomize (interlock.toml:1) expired on 2026-11-30: not applied"
    )
    # The last day of an entry still counts.
    still = policy_of('[[ignore]]\nrule = "startup-sitecustomize"\nreason = "r"\nexpires = 2026-12-01\n')
    assert decide_on(still, suspicious).status is Status.PASS


def test_deny_blocks_whatever_the_analysis_and_fail_on_say(clean: ScanResult) -> None:
    policy = policy_of('fail-on = "never"\n[[deny]]\npackage = "DEMO"\nreason = "not approved here"\n')
    decision = decide_on(policy, clean)
    assert decision.status is Status.BLOCK and decision.verdict is Verdict.CLEAN
    assert decision.reasons[0].message == "on the deny list (interlock.toml:2): not approved here"


def test_deny_by_version(clean: ScanResult) -> None:
    policy = policy_of('[[deny]]\npackage = "demo"\nversion = "==1.0"\nreason = "bad release"\n')
    assert decide_on(policy, clean).status is Status.BLOCK
    assert decide_on(policy, replace(clean, version="1.1")).status is Status.PASS
    # A version that cannot be read is covered by a deny entry (blocking errs on the safe side).
    assert decide_on(policy, replace(clean, version="not a version")).status is Status.BLOCK
    assert decide_on(policy, replace(clean, version=None)).status is Status.BLOCK


def test_allow_lifts_the_verdict_but_not_a_deny(suspicious: ScanResult) -> None:
    allowed = policy_of('[[allow]]\npackage = "demo"\nreason = "reviewed"\n')
    decision = decide_on(allowed, suspicious)
    assert decision.status is Status.PASS and decision.verdict is Verdict.SUSPICIOUS
    assert (
        decision.reasons[0].message
        == "on the allow list (interlock.toml:1): reviewed; verdict suspicious does not block"
    )
    both = policy_of(
        '[[allow]]\npackage = "demo"\nreason = "reviewed"\n[[deny]]\npackage = "demo"\nreason = "pulled"\n'
    )
    decision = decide_on(both, suspicious)
    assert decision.status is Status.BLOCK
    assert codes(decision)[:2] == [ReasonCode.DENIED, ReasonCode.VERDICT]


def test_allow_with_a_version_does_not_cover_an_unreadable_version(suspicious: ScanResult) -> None:
    allowed = policy_of('[[allow]]\npackage = "demo"\nversion = "==1.0"\nreason = "reviewed"\n')
    assert decide_on(allowed, suspicious).status is Status.PASS
    assert decide_on(allowed, replace(suspicious, version="garbage")).status is Status.BLOCK


def test_expired_allow_is_not_applied(suspicious: ScanResult) -> None:
    policy = policy_of('[[allow]]\npackage = "demo"\nreason = "reviewed"\nexpires = 2026-01-01\n')
    decision = decide_on(policy, suspicious)
    assert decision.status is Status.BLOCK
    assert codes(decision) == [ReasonCode.VERDICT, ReasonCode.EXPIRED]
    assert decision.reasons[1].message == "allow entry for demo (interlock.toml:1) expired on 2026-01-01: not applied"


def test_known_malicious_blocks_even_when_allowed_and_fail_on_is_never(clean: ScanResult) -> None:
    advisory = Finding(
        "known-malicious", Severity.CRITICAL, "", None, "named by advisory MAL-2026-1234", "MAL-2026-1234"
    )
    verdict, score = decide([advisory])
    flagged = replace(clean, findings=[advisory], verdict=verdict, score=score)
    policy = policy_of('fail-on = "never"\n[[allow]]\npackage = "demo"\nreason = "we trust it"\n')
    decision = decide_on(policy, flagged)
    assert decision.status is Status.BLOCK
    assert decision.reasons[0].message == "known malicious: named by advisory MAL-2026-1234"


def test_error_verdict_blocks_fail_closed_unless_allowed(clean: ScanResult) -> None:
    broken = replace(clean, verdict=Verdict.ERROR, score=0, error="not a zip file")
    decision = decide_on(Policy(fail_on=FailOn.NEVER), broken)
    assert decision.status is Status.BLOCK and decision.verdict is Verdict.ERROR
    assert decision.reasons[0].message == "could not be analysed: not a zip file"
    assert decide_on(policy_of('[[allow]]\npackage = "demo"\nreason = "vendored"\n'), broken).status is Status.PASS


def test_required_provenance(clean: ScanResult) -> None:
    policy = policy_of('[provenance]\nrequired = ["demo"]\n')
    assert decide_on(policy, clean, provenance_status="verified").status is Status.PASS
    for status, said in (
        ("none", "is none"),
        ("invalid", "is invalid"),
        ("unverifiable", "is unverifiable"),
        (None, "was not checked"),
    ):
        decision = decide_on(policy, clean, provenance_status=status)
        assert decision.status is Status.BLOCK
        assert decision.reasons[0].message == f"provenance is required for demo but {said}"
    # An allow entry does not waive a provenance requirement.
    allowed = policy_of('[[allow]]\npackage = "demo"\nreason = "r"\n[provenance]\nrequired = ["demo"]\n')
    assert decide_on(allowed, clean, provenance_status="none").status is Status.BLOCK


def test_provenance_default_and_per_package_exception(clean: ScanResult) -> None:
    policy = policy_of('[provenance]\ndefault = "required"\noptional = ["demo"]\n')
    assert decide_on(policy, clean, provenance_status="none").status is Status.PASS
    assert decide_on(policy, replace(clean, name="other"), provenance_status="none").status is Status.BLOCK


# -- the cooldown -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "status"),
    [
        (timedelta(days=3), Status.PASS),  # exactly the cooldown passes
        (timedelta(days=3, seconds=1), Status.PASS),
        (timedelta(days=3) - timedelta(seconds=1), Status.TOO_NEW),
        (timedelta(minutes=5), Status.TOO_NEW),
        (-timedelta(hours=1), Status.TOO_NEW),  # an upload time in the future (clock skew) is too new
    ],
)
def test_cooldown_boundary(clean: ScanResult, age: timedelta, status: Status) -> None:
    decision = decide_on(Policy(cooldown=timedelta(days=3)), clean, upload_time=NOW - age)
    assert decision.status is status
    assert decision.age == age
    assert decision.blocked is (status is not Status.PASS)


def test_too_new_says_how_old_and_when_it_passes(clean: ScanResult) -> None:
    decision = decide_on(Policy(cooldown=timedelta(days=3)), clean, upload_time=NOW - timedelta(hours=5, minutes=10))
    assert decision.status is Status.TOO_NEW
    assert decision.verdict is Verdict.CLEAN
    assert [r.message for r in decision.reasons] == [
        "too new (uploaded 5h 10m ago, cooldown 3d); passes after 2026-12-04 06:50 UTC"
    ]


def test_too_new_and_malicious_is_block_with_both_reasons(malicious: ScanResult) -> None:
    decision = decide_on(Policy(cooldown=timedelta(days=3)), malicious, upload_time=NOW - timedelta(minutes=30))
    assert decision.status is Status.BLOCK
    assert codes(decision) == [ReasonCode.VERDICT, ReasonCode.TOO_NEW]


def test_cooldown_exceptions_replace_the_default(clean: ScanResult) -> None:
    policy = policy_of('cooldown = "3d"\n[cooldown-exceptions]\ndemo = "0"\nslow = "10d"\n')
    fresh = NOW - timedelta(minutes=1)
    assert decide_on(policy, clean, upload_time=fresh).status is Status.PASS
    assert decide_on(policy, replace(clean, name="slow"), upload_time=NOW - timedelta(days=5)).status is Status.TOO_NEW
    assert decide_on(policy, replace(clean, name="other"), upload_time=NOW - timedelta(days=5)).status is Status.PASS


def test_allow_does_not_lift_the_cooldown(suspicious: ScanResult) -> None:
    policy = policy_of('cooldown = "1d"\n[[allow]]\npackage = "demo"\nreason = "reviewed"\n')
    assert decide_on(policy, suspicious, upload_time=NOW - timedelta(hours=1)).status is Status.TOO_NEW


def test_unknown_upload_time_is_a_warning_not_a_block(clean: ScanResult) -> None:
    decision = decide_on(Policy(cooldown=timedelta(days=3)), clean)
    assert decision.status is Status.PASS and decision.age is None
    assert [(r.code, r.blocks) for r in decision.reasons] == [(ReasonCode.COOLDOWN_UNCHECKED, False)]


def test_naive_times_are_utc(clean: ScanResult) -> None:
    naive_now = NOW.replace(tzinfo=None)
    decision = apply_policy(
        Policy(cooldown=timedelta(days=1)), clean, now=naive_now, upload_time=naive_now - timedelta(hours=2)
    )
    assert decision.status is Status.TOO_NEW and decision.age == timedelta(hours=2)


def test_newest_passing_picks_the_newest_old_enough_release() -> None:
    releases = [
        ("1.82.6", NOW - timedelta(days=30)),
        ("1.82.7", NOW - timedelta(days=3)),
        (Version("1.82.8"), NOW - timedelta(days=3) + timedelta(seconds=1)),
        ("1.83.0rc1", NOW - timedelta(days=40)),
        ("1.9.0", NOW - timedelta(days=90)),
        ("not-a-version!", NOW - timedelta(days=90)),
        ("2.0", None),
    ]
    assert newest_passing(releases, timedelta(days=3), NOW) == Version("1.82.7")
    assert newest_passing(releases, timedelta(days=3), NOW, prereleases=True) == Version("1.83.0rc1")
    assert newest_passing(releases, timedelta(0), NOW) == Version("2.0")  # no cooldown: age does not matter
    assert newest_passing(releases, timedelta(days=365), NOW) is None
    assert newest_passing([], timedelta(days=1), NOW) is None


# -- showing a policy ---------------------------------------------------------------------------


def test_show_writes_a_policy_that_reads_back_the_same(tmp_path: Path) -> None:
    original = load_policy(
        write(
            tmp_path,
            "interlock.toml",
            FULL_POLICY + '\n[[deny]]\npackage = "odd"\nreason = "quote \\" and tab\\t and del \\u007f"\n',
        )
    )
    shown = format_policy(original, today=TODAY)
    again = parse_policy(shown, Path("shown.toml"))
    assert replace(again, source=None, allow=(), deny=(), ignore=()) == replace(
        original, source=None, allow=(), deny=(), ignore=()
    )
    for kind in ("allow", "deny", "ignore"):
        assert [replace(e, origin="") for e in getattr(again, kind)] == [
            replace(e, origin="") for e in getattr(original, kind)
        ]
    assert "[[allow]]  # interlock.toml:9\n" in shown


# -- the command line ---------------------------------------------------------------------------


def test_cli_check_valid_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "interlock.toml", FULL_POLICY)
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "policy", "check")
    assert (status, err) == (0, "")
    assert (
        out == "ok: interlock.toml: fail-on malicious, cooldown 3d (2 exceptions), 1 allow, 1 deny, 2 ignore, 2 "
        "provenance entries (default optional)\n"
    )


def test_cli_check_invalid_policy_prints_every_problem_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "interlock.toml", 'fail-on = "never"\ncooldown = "three days"\n[[deny]]\npackage = "x"\n')
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "policy", "check", "interlock.toml")
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        'interlock: error: interlock.toml:2: cooldown: expected a duration like "3d" or "12h", got "three days"',
        "interlock: error: interlock.toml:3: deny #1: missing 'reason' (say why, for whoever reads a decision it "
        "makes)",
    ]


def test_cli_check_finds_pyproject_from_a_subdirectory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, "pyproject.toml", '[project]\nname = "acme"\n[tool.interlock]\nfail-on = "never"\n')
    (tmp_path / "src" / "acme").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "src" / "acme")
    status, out, _ = run(capsys, "policy", "check")
    assert status == 0
    assert out.startswith(f"ok: {(tmp_path / 'pyproject.toml').resolve()}: fail-on never,")
    status, out, _ = run(capsys, "policy", "check", str(tmp_path))
    assert status == 0 and "fail-on never" in out


def test_cli_check_without_a_policy_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "policy", "check")
    assert status == 2
    assert err.startswith("interlock: error: no policy found from ") and "interlock.toml" in err
    status, _, err = run(capsys, "policy", "check", "absent.toml")
    assert status == 2 and err.startswith("interlock: error: absent.toml: cannot read:")


def test_cli_check_warns_about_expired_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "interlock.toml", '[[allow]]\npackage = "old"\nreason = "r"\nexpires = 2020-01-01\n')
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "policy", "check")
    assert status == 0 and out.startswith("ok: interlock.toml:")
    assert err == "interlock: warning: interlock.toml:1: allow entry for old expired on 2020-01-01: no longer applied\n"


def test_cli_show_prints_the_effective_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "policy", "show")
    assert status == 0 and out.startswith("# no policy file: the defaults\n")
    assert replace(parse_policy(out, Path("x.toml")), source=None) == Policy()

    write(tmp_path, "interlock.toml", FULL_POLICY)
    status, out, _ = run(capsys, "policy", "show")
    assert status == 0
    assert 'cooldown = "3d"' in out and 'acme-internal = "0"' in out and 'required = ["litellm", "requests"]' in out
    write(tmp_path, "interlock.toml", 'cooldown = "x"\n')
    status, _, err = run(capsys, "policy", "show")
    assert status == 2 and err.startswith("interlock: error: interlock.toml:1: cooldown:")


def test_cli_policy_without_action_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "policy")
    assert status == 2 and "check" in err and "show" in err
    with pytest.raises(SystemExit) as exited:
        main(["policy", "check", "--help"])
    assert exited.value.code == 0
    help_text = capsys.readouterr().out
    assert (
        "interlock policy check interlock.toml" in help_text and "[[deny]]" in help_text and "expires = " in help_text
    )
