"""The install files agree: pyproject (ranges), constraints.txt (the exact versions the tests run
with), environment.yml (Binder: the same versions, CPU torch, no paddle), the Makefile (installs
with the constraints; paddle for `make test` only), apt.txt and postBuild."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests import pins

REPO = Path(__file__).resolve().parent.parent
TORCH = "torch==2.13.0"
CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"


def environment() -> dict:
    return yaml.safe_load((REPO / "environment.yml").read_text())


def conda_deps() -> list[str]:
    return [d for d in environment()["dependencies"] if isinstance(d, str)]


def pip_lines() -> list[str]:
    (section,) = [d["pip"] for d in environment()["dependencies"] if isinstance(d, dict)]
    return section


def binder_pins() -> dict[str, str]:
    return pins.read_pins(pip_lines())


def constraints() -> dict[str, str]:
    return pins.read_pins(pins.CONSTRAINTS.read_text().splitlines())


def make_dry_run(target: str) -> str:
    """The commands `make` would run for ``target`` from scratch (-B), without running them."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run(["make", "-n", "-B", "-C", str(REPO), target], env=env, check=True,
                          capture_output=True, text=True).stdout


def test_constraints_pin_exactly_what_the_tests_run_with():
    """Every package lrlessons[keras,dev,paddle] pulls in here is pinned at its installed version,
    and nothing else is (`make pins` rewrites the file; `make test` installs with it)."""
    installed = {name: pins.public(version)
                 for name, (_, version) in pins.closure(pins.TEST_EXTRAS).items()}
    assert "paddlepaddle" in installed, "paddle is not installed here: run `make test` (not pytest)"
    pinned = constraints()
    assert pinned == installed, (
        f"pinned, not installed: {sorted(pinned.keys() - installed.keys())}; installed, not pinned:"
        f" {sorted(installed.keys() - pinned.keys())}; other versions: "
        f"{sorted(n for n in pinned.keys() & installed.keys() if pinned[n] != installed[n])}"
        " (`make test` installs the pins; `make pins` rewrites them from the venv)")
    assert pinned["torch"] == "2.13.0" and pinned["paddlepaddle"] == "3.3.1"


def test_every_pin_satisfies_pyproject():
    pinned = constraints()
    for req in pins.project_requirements(pins.TEST_EXTRAS):
        assert req.specifier.contains(pinned[canonicalize_name(req.name)]), req


def test_binder_pins_what_learners_install_at_the_constraints_version():
    """environment.yml pins lrlessons[keras] and everything it pulls in, each at its version in
    constraints.txt: every runtime dependency, direct or not, and nothing the learners lack."""
    learners = set(pins.closure(pins.LEARNER_EXTRAS))
    binder = binder_pins()
    assert set(binder) == learners, (sorted(set(binder) - learners), sorted(learners - set(binder)))
    pinned = constraints()
    assert {n: v for n, v in binder.items() if pinned.get(n) != v} == {}
    runtime = pins.project_requirements(pins.LEARNER_EXTRAS)
    assert {"numpy", "torch", "matplotlib", "ipywidgets", "jupyterlab", "keras"} <= {
        canonicalize_name(r.name) for r in runtime}
    for req in runtime:
        assert canonicalize_name(req.name) in binder, req.name


def test_every_binder_line_is_an_exact_pin():
    for line in pip_lines():
        if line.startswith("--"):
            assert line == CPU_INDEX, line  # the only option: no other index, no -e, no -r
        else:
            req = Requirement(line)
            assert len(req.specifier) == 1 and next(iter(req.specifier)).operator == "==", line


def test_conda_provides_python_and_pip_only():
    # "python=3.11": a range such as ">=3.10" is not understood by repo2docker and becomes 3.10.
    # The pins (numpy 2.4, ipykernel 7, ...) need Python >= 3.11.
    assert conda_deps() == ["python=3.11", "pip"]
    assert environment()["channels"] == ["conda-forge"]


def test_no_cuda_torch_anywhere():
    """torch is pinned exactly everywhere, and Binder takes it from the CPU index."""
    lines = pip_lines()
    assert lines.index(CPU_INDEX) < lines.index(TORCH)
    assert [ln for ln in lines if re.match(r"(py)?torch\b", ln)] == [TORCH]
    assert not any(re.match(r"(py)?torch", d) for d in conda_deps())
    torch_reqs = [str(r) for r in pins.project_requirements(pins.TEST_EXTRAS)
                  if canonicalize_name(r.name) == "torch"]
    assert torch_reqs == [TORCH]
    assert constraints()["torch"] == "2.13.0"
    assert re.search(r"^TORCH := torch==2\.13\.0$", (REPO / "Makefile").read_text(), re.M)


def test_makefile_installs_with_the_constraints_and_paddle_for_tests_only():
    lab, test = make_dry_run("lab"), make_dry_run("test")
    for commands in (lab, test):
        installs = [ln for ln in commands.splitlines() if re.search(r"pip install(?! -q --upgrade pip)", ln)]
        assert installs and all("-c constraints.txt" in ln for ln in installs), installs
        assert installs[0].endswith(TORCH)  # torch first, pinned
    assert "paddle" not in lab
    assert '-e ".[keras,dev,paddle,site]"' in test  # site: tests/test_site.py builds the site


def test_no_paddle_on_binder():
    assert "paddlepaddle" not in binder_pins()
    assert "paddlepaddle" not in pins.closure(pins.LEARNER_EXTRAS)
    assert "paddle" not in (REPO / "postBuild").read_text()


def test_apt_txt_has_the_cjk_font():
    packages = (REPO / "apt.txt").read_text().split()
    assert "fonts-noto-cjk" in packages


def test_postbuild_installs_the_repo_without_resolving_torch():
    post = REPO / "postBuild"
    assert os.access(post, os.X_OK), "postBuild must be executable"
    text = post.read_text()
    installs = re.findall(r"^\s*pip install .*$", text, re.M)
    assert installs and all("--no-deps" in ln for ln in installs), installs
    assert re.search(r"pip install .*--no-deps .*-e \.|pip install .*-e \. .*--no-deps", text)
    assert "fontmanager" in text.lower()  # matplotlib's font cache, built with the CJK font
    assert not (REPO / "binder").exists()  # it would hide the root files from repo2docker
