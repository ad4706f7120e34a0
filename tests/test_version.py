"""A version an instructor can name: pyproject, lrlessons.__version__ and the newest CHANGELOG
entry agree, and every entry names commits that exist."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

import lrlessons

REPO = Path(__file__).resolve().parent.parent


def _entries() -> list[tuple[str, str]]:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## (\d+\.\d+\.\d+)\n\n(Commit[^\n]*)", text, re.M)


def test_one_version_everywhere():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == lrlessons.__version__
    entries = _entries()
    assert entries and entries[0][0] == lrlessons.__version__
    versions = [tuple(map(int, v.split("."))) for v, _ in entries]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)


def test_every_entry_names_commits_that_exist():
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    for version, line in _entries():
        commits = re.findall(r"\b[0-9a-f]{7,40}\b", line)
        assert commits, version
        for commit in commits:
            assert subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=REPO,
                                  capture_output=True).returncode == 0, (version, commit)
