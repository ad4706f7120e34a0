"""The pinned versions, written from this venv: constraints.txt (everything the tests run with:
lrlessons[keras,dev,paddle] and all it pulls in) and environment.yml's pip section (what Binder
installs: lrlessons[keras] and all it pulls in, never paddle). Shared by tests/test_binder.py,
which checks the three files agree, and `make pins`, which rewrites them:

    python -m tests.pins
"""

from __future__ import annotations

import platform
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
CONSTRAINTS = REPO / "constraints.txt"
ENVIRONMENT = REPO / "environment.yml"
LEARNER_EXTRAS = ("keras",)  # make lab and Binder
TEST_EXTRAS = ("keras", "dev", "paddle", "site")  # make test and CI
# environment.yml: every line after this one is written by `make pins`.
PINS_MARKER = "# `make pins` writes the lines below"


def project_requirements(extras: tuple[str, ...]) -> list[Requirement]:
    """lrlessons' own requirements, read from pyproject.toml (the installed metadata may be older)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += project["optional-dependencies"][extra]
    return [Requirement(r) for r in reqs]


def closure(extras: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """canonical name -> (distribution name, installed version) of every package that
    lrlessons[extras] pulls in here, markers evaluated on this Python; lrlessons itself excluded.
    A requirement not installed here is left out (the check in test_binder reports it)."""
    found: dict[str, tuple[str, str]] = {}
    todo = [(req, ()) for req in project_requirements(extras)]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    while todo:
        req, parent_extras = todo.pop()
        envs = [{"extra": e} for e in parent_extras] or [{"extra": ""}]
        if req.marker and not any(req.marker.evaluate(env) for env in envs):
            continue
        key = (canonicalize_name(req.name), tuple(sorted(req.extras)))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = distribution(req.name)
        except PackageNotFoundError:
            continue
        found[key[0]] = (dist.metadata["Name"], dist.version)
        todo += [(Requirement(r), key[1]) for r in dist.requires or []]
    return found


def public(version: str) -> str:
    """The version without its local label: torch's CPU wheel is 2.13.0+cpu, and the pin
    ==2.13.0 matches it (PEP 440: a specifier without a local label ignores the candidate's)."""
    return Version(version).public


def pin_lines(packages: dict[str, tuple[str, str]]) -> list[str]:
    return [f"{name}=={public(version)}"
            for name, version in sorted(packages.values(), key=lambda nv: nv[0].lower())]


def read_pins(lines: list[str]) -> dict[str, str]:
    """canonical name -> version of every `name==version` line (comments, options skipped)."""
    pins = {}
    for line in lines:
        text = line.split("#", 1)[0].strip().removeprefix("- ").strip()
        if "==" in text and not text.startswith("-"):
            name, version = text.split("==", 1)
            pins[canonicalize_name(name.split("[")[0])] = version.strip()
    return pins


def constraints_text() -> str:
    header = [
        "# Exact versions of everything `make test` installs (lrlessons[keras,dev,paddle,site] and all",
        "# it pulls in), so a new release cannot break a clean clone, a workshop or CI overnight. The",
        "# Makefile installs with `-c constraints.txt`; environment.yml (Binder) pins the same versions.",
        f"# Written by `make pins` on Python {platform.python_version()}, {sys.platform} "
        f"{platform.machine()}: needs Python >= 3.11.",
    ]
    return "\n".join(header + pin_lines(closure(TEST_EXTRAS))) + "\n"


def environment_text(current: str) -> str:
    """environment.yml with every line after PINS_MARKER replaced by the learners' pins."""
    lines = current.splitlines()
    marker = next(i for i, ln in enumerate(lines) if PINS_MARKER in ln)
    indent = lines[marker][: len(lines[marker]) - len(lines[marker].lstrip())]
    pins = [f"{indent}- {line}" for line in pin_lines(closure(LEARNER_EXTRAS))]
    return "\n".join(lines[: marker + 1] + pins) + "\n"


def main() -> None:
    CONSTRAINTS.write_text(constraints_text())
    ENVIRONMENT.write_text(environment_text(ENVIRONMENT.read_text()))
    print(f"wrote {CONSTRAINTS.name} ({len(closure(TEST_EXTRAS))} pins) and the pip section of "
          f"{ENVIRONMENT.name} ({len(closure(LEARNER_EXTRAS))} pins)")


if __name__ == "__main__":
    main()
