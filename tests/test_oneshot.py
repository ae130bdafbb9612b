"""The one-shot console command (:mod:`dprk_ld.oneshot`). It leaves kept stores to the OS: the process ends with
``os._exit`` after flushing. Its output, exit status and files must be the same as a normal exit's. Each case
runs in a process of its own, because ``os._exit`` would end pytest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from dprk_ld import oneshot
from dprk_ld.cli import main

from .conftest import MINI

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=SRC)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                          env=env, timeout=120)


FAKE = """
    import atexit, sys
    from dprk_ld import oneshot
    atexit.register(lambda: print("teardown ran", file=sys.stderr))
    def main():
        if sys.argv[1] == "keep":
            oneshot.keep(object())
        sys.stdout.write("x" * 200_000 + "\\nend\\n")  # more than any pipe buffer: all of it must arrive
        code = sys.argv[2]
        sys.exit(None if code == "none" else int(code) if code.isdigit() else code)
    oneshot.run(main)
"""


@pytest.mark.parametrize(("code", "status"), [("none", 0), ("0", 0), ("1", 1), ("2", 2), ("a message", 1)])
@pytest.mark.parametrize("kept", ["keep", "nothing"])
def test_the_status_and_output_are_a_normal_exits(code, status, kept):
    p = _python(FAKE, kept, code)
    assert p.returncode == status
    assert p.stdout == "x" * 200_000 + "\nend\n"
    if code == "a message":
        assert "a message" in p.stderr
    # with something kept, the interpreter's teardown is skipped (that is the point); without, it runs
    assert ("teardown ran" in p.stderr) == (kept == "nothing")


def test_an_exception_is_raised_as_usual():
    p = _python("""
        from dprk_ld import oneshot
        def main():
            oneshot.keep(object())
            raise RuntimeError("boom")
        oneshot.run(main)
    """)
    assert p.returncode == 1 and "RuntimeError: boom" in p.stderr


def test_keep_does_nothing_outside_the_console_command():
    assert oneshot._kept is None
    oneshot.keep(object())
    assert oneshot._kept is None


@pytest.mark.parametrize("to_file", [False, True])
def test_the_validate_command_reports_as_in_process(tmp_path, to_file):
    """``python -m dprk_ld validate --check shacl`` keeps its merged store. Its report, whether on stdout or
    in a file, and its exit code are the ones the same command gives in-process."""
    args = ["validate", "--project", str(MINI), "--check", "shacl", "--format", "json"]
    inproc = CliRunner().invoke(main, args)
    assert inproc.exit_code in (0, 1), inproc.output
    out = tmp_path / "report.json"
    env = dict(os.environ, PYTHONPATH=SRC)
    p = subprocess.run([sys.executable, "-m", "dprk_ld", *args, *(["-o", str(out)] if to_file else [])],
                       capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == inproc.exit_code, p.stderr
    got = json.loads(out.read_text(encoding="utf-8") if to_file else p.stdout)
    want = json.loads(inproc.stdout)
    for report in (got, want):
        for run in report["checks"]:
            run.pop("seconds", None)
    assert got == want
