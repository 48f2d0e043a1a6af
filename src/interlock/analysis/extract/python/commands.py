"""What a command line a process call runs is: a build step, one program from PATH, a Python."""

from __future__ import annotations

import ast
import re

from interlock.analysis.extract import patterns

PYTHON_C = re.compile(r"^(python[\d.]*|sys\.executable)$")


# A program named bare, to be found on PATH (`db2cli`, `pg_config`): not a path, not a file name
# with an extension (Windows would look for `x.exe` in the current directory first).
_PLAIN_PROGRAM = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]*$")


_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")


# Programs that run whatever they are given: naming one of them bare says nothing about what runs.
_LAUNCHERS = frozenset(
    [
        "sh",
        "bash",
        "zsh",
        "dash",
        "ksh",
        "csh",
        "tcsh",
        "fish",
        "ash",
        "busybox",
        "cmd",
        "powershell",
        "pwsh",
        "py",
        "node",
        "nodejs",
        "deno",
        "bun",
        "perl",
        "ruby",
        "php",
        "lua",
        "java",
        "javaw",
        "wscript",
        "cscript",
        "mshta",
        "rundll32",
        "regsvr32",
        "msiexec",
        "start",
        "open",
        "xdg-open",
        "nohup",
        "setsid",
        "env",
        "sudo",
        "su",
        "doas",
        "runas",
        "nice",
        "ionice",
        "timeout",
        "xargs",
        "watch",
        "exec",
        "eval",
        "source",
        "osascript",
        "launchctl",
        "systemctl",
        "crontab",
        "at",
        "schtasks",
        "sc",
        "reg",
        "bitsadmin",
        "certutil",
        "curl",
        "wget",
        "chmod",
        "screen",
        "tmux",
        "installutil",
        "regasm",
        "regsvcs",
        "msbuild",
        "cmstp",
        "wmic",
        "forfiles",
        "pcalua",
        "explorer",
    ]
)


_INTERPRETER = re.compile(r"^(python|pypy|jython|ipython)\d*$")


_SHELL_SYNTAX = re.compile(r"[;&|`$<>()\n]")


def runs_program_from_path(words: list[str]) -> bool:
    """`db2cli validate`, `['chtag', '-tc', '1047', f]`: one program named bare, that runs nothing it is handed."""
    program = words[0]
    return (
        bool(_PLAIN_PROGRAM.match(program))
        and program.lower() not in _LAUNCHERS
        and not _INTERPRETER.match(program.lower())
        and not any(_SHELL_SYNTAX.search(word) for word in words)
    )


def is_build_step(program: str, words: list[str]) -> bool:
    if program in patterns.BUILD_TOOLS:
        return True
    # pkg-config's kin (mecab-config, llvm-config, pg_config) report where a library is installed.
    if _PLAIN_PROGRAM.match(program) and program.endswith(("-config", "_config")) and words[0] == program:
        return True
    # `nvcc -V`, `[compiler, "--version"]`: asking a tool its version runs nothing it was handed.
    if len(words) == 2 and words[1] in _VERSION_FLAGS:
        return True
    # `rm -rf build dist` in a release helper; removing anything under / or ~ is not a build step.
    return program == "rm" and all(not w.startswith(("/", "~", "$", "…")) for w in words[1:])


_VERSION_FLAGS = frozenset({"-V", "--version", "-version", "-dumpversion"})


def literal_parts(node: ast.expr) -> str:
    """The constant text of an f-string, concatenation or `str.format` template whose variable
    parts are unknown ('…')."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _FORMAT_FIELD.sub("…", literal_parts(node.func.value))
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "…" for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return literal_parts(node.left) + literal_parts(node.right)
    return "…"
