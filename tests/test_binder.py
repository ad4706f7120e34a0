"""Binder (repo2docker) files agree with pyproject: every runtime dependency, the exact Python
pin, the CJK font, and a postBuild that installs the repository itself without touching torch."""

from __future__ import annotations

import os
import re
from pathlib import Path

import tomllib

REPO = Path(__file__).resolve().parent.parent
# pip name -> conda-forge name where they differ
CONDA_NAME = {"torch": "pytorch-cpu"}


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~\[;]", requirement.strip(), maxsplit=1)[0].lower()


def pyproject():
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def environment() -> list[str]:
    lines = (REPO / "environment.yml").read_text().splitlines()
    start = lines.index("dependencies:")
    return [ln.strip()[2:].strip() for ln in lines[start + 1:] if ln.strip().startswith("- ")]


def test_every_runtime_dependency_is_in_environment_yml():
    conda = {_name(d) for d in environment()}
    project = pyproject()["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["keras"]]
    for req in wanted:
        name = _name(req)
        assert CONDA_NAME.get(name, name) in conda, name


def test_python_is_pinned_exactly():
    pins = [d for d in environment() if _name(d) == "python"]
    # "python=3.11": a range such as ">=3.10" is not understood by repo2docker and becomes 3.10
    assert pins == ["python=3.11"], pins
    assert "conda-forge" in (REPO / "environment.yml").read_text()


def test_no_cuda_torch_anywhere():
    deps = environment()
    assert "pytorch-cpu" in deps
    assert not any(_name(d) in ("pytorch", "torch") for d in deps)
    torch_reqs = [d for d in pyproject()["project"]["dependencies"] if _name(d) == "torch"]
    assert torch_reqs == ["torch==2.13.0"]


def test_apt_txt_has_the_cjk_font():
    packages = (REPO / "apt.txt").read_text().split()
    assert "fonts-noto-cjk" in packages


def test_postbuild_installs_the_repo_without_resolving_torch():
    post = REPO / "postBuild"
    assert os.access(post, os.X_OK), "postBuild must be executable"
    text = post.read_text()
    assert re.search(r"pip install .*--no-deps .*-e \.|pip install .*-e \. .*--no-deps", text)
    assert "fontmanager" in text.lower()  # matplotlib's font cache, built with the CJK font
    assert not (REPO / "binder").exists()  # it would hide the root files from repo2docker
