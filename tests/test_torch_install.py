"""Every install path of the Makefile takes torch's CPU build, as environment.yml does.

Read from what make would run (`make -n -B`), not from the Makefile's text: the first pip line
that installs torch must name the PyTorch CPU index as an *extra* index (never --index-url, which
would hide PyPI and the machine's own indexes), and the same index environment.yml gives Binder.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import pytest

from tests import browser_support as bs

REPO = bs.REPO
TORCH = "torch==2.13.0"


def binder_index() -> str:
    lines = [ln.strip() for ln in (REPO / "environment.yml").read_text().splitlines()]
    (url,) = [ln.split()[-1] for ln in lines if ln.startswith("- --extra-index-url")]
    return url


def pip_lines(*goal: str) -> list[list[str]]:
    """The pip commands `make -n -B GOAL` prints, split like the shell would."""
    if not shutil.which("make"):
        pytest.skip("no make on this machine")
    out = subprocess.run(["make", "-n", "-B", *goal], cwd=REPO, text=True,
                         capture_output=True, check=True).stdout.replace("\\\n", " ")
    return [split(ln) for ln in out.splitlines() if re.search(r"\bpip\b.*\binstall\b", ln)]


def split(line: str) -> list[str]:
    """Shell words; a command with nested $(...) quoting falls back to whitespace."""
    try:
        return shlex.split(line)
    except ValueError:
        return line.split()


@pytest.mark.parametrize("goal", [("lab", "COURSE=en"), ("test",), ("venv",),
                                  ("venv", "CONSTRAINTS=")],
                         ids=["lab", "test", "venv", "unpinned"])
def test_torch_comes_from_the_cpu_index(goal):
    lines = pip_lines(*goal)
    torch_lines = [i for i, argv in enumerate(lines) if TORCH in argv]
    assert torch_lines, lines
    first = lines[torch_lines[0]]
    # The extra index, exactly as environment.yml names it, on the line that fetches torch.
    assert first[first.index("--extra-index-url") + 1] == binder_index(), first
    assert "--no-deps" in first, first  # only torch is looked up on the CPU index
    # No earlier line installs anything but pip itself, so nothing resolved torch before it.
    for argv in lines[:torch_lines[0]]:
        assert argv[-1] == "pip", argv
    for argv in lines:
        assert "--index-url" not in argv and "-i" not in argv, argv


def test_binder_and_makefile_name_the_same_cpu_index():
    assert binder_index() == "https://download.pytorch.org/whl/cpu"
