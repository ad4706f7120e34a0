"""Generated files are what their sources generate: every notebook from lessons/*.md, the course
tables of README, both index notebooks and the instructor guides from lessons/manifest.toml.
A stale or hand-edited one fails here. docs/adding_a_lesson.md is followed once, end to end, in
a scratch copy of the repository."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lrlessons import sources
from lrlessons.authoring import code_only

REPO = Path(__file__).resolve().parent.parent


def test_every_generated_file_is_up_to_date():
    assert sources.stale(REPO) == []


def test_titles_are_typed_once():
    """A lesson's title lives in the manifest only: the sources use {{ title }} / {{ link NN }}."""
    for entry in sources.read_manifest(REPO):
        for lang in sources.WRITTEN:
            title = sources.text(entry, lang, "title")
            for path in [*(REPO / "lessons").glob("*.md"), REPO / "README.md",
                         *(REPO / "docs").glob("instructor_guide.*.md")]:
                doc = path.read_text(encoding="utf-8")
                outside = re.sub(re.escape(sources.BEGIN_MARK) + ".*?" +
                                 re.escape(sources.END_MARK), "", doc, flags=re.S)
                assert f"{entry['number']} · {title}" not in outside, (path.name, title)


def test_the_code_is_one_code_in_every_language():
    """By construction: only comment tokens and the language line differ between languages."""
    lessons = sources.read_manifest(REPO)
    entries = {e["stem"]: e for e in lessons}
    for path in sorted((REPO / "lessons").glob("*.md")):
        src = sources.read_source(path)
        code = set()
        for lang in sources.BY_CODE:
            nb = sources.generate(src, lang, entries.get(path.stem), lessons, path.name)
            code.add(tuple(code_only(c.source.replace(sources.language_line(lang), ""))
                           for c in nb.cells if c.cell_type == "code"))
        assert len(code) == 1, path.name


def test_comments_are_translated_token_by_token():
    cell = 'x = "# not a comment"  # a comment\n# a comment\ny = 1  # another'
    out = sources.translate_comments(cell, {"a comment": "注释"})
    assert out == 'x = "# not a comment"  # 注释\n# 注释\ny = 1  # another'
    with pytest.raises(sources.SourceError, match="gone"):
        sources.translate_comments(cell, {"gone": "没了"})


def test_a_derived_language_is_converted_from_its_base(monkeypatch):
    """A third language is one more entry: its prose and comments are its base's, converted."""
    def s2t(text):  # a two-character stand-in for OpenCC's s2tw
        return text.replace("学", "學").replace("从", "從")

    derived = sources.Language("zh-X", "X", "X", "{n} min", base="zh", convert=s2t)
    monkeypatch.setattr(sources, "BY_CODE", {**sources.BY_CODE, "zh-X": derived})
    lessons = sources.read_manifest(REPO)
    src = sources.read_source(REPO / "lessons" / "07_custom.md")
    zh = sources.generate(src, "zh", lessons[7], lessons)
    out = sources.generate(src, "zh-X", lessons[7], lessons)
    assert [c.cell_type for c in out.cells] == [c.cell_type for c in zh.cells]
    for a, b in zip(zh.cells, out.cells):
        expected = s2t(a.source).replace('use_language("zh")', 'use_language("zh-X")')
        assert b.source == expected  # prose, titles, links and comments alike
    assert out.cells[0].source.startswith("# 07 · 自己写學习率调度")
    assert "# 從 0 线性预热到 peak_lr" in "\n".join(c.source for c in out.cells)


# --- docs/adding_a_lesson.md, end to end in a scratch copy -----------------------------------

LESSON_MD = '''\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---

+++ {"lang": "en"}

# 11 · {{ title }}

**In this lesson you will** see a step decay once more. *About {{ minutes }} minutes.
Prerequisite: {{ link 01 }}.*

+++ {"lang": "zh"}

# 11 · {{ title }}

**学习目标**：再看一次阶梯衰减。*约 {{ minutes }} 分钟。前置课程：{{ link 01 }}。*

```{code-cell} ipython3
:tags: [setup]

import lrlessons
lrlessons.use_language("en")
```

+++ {"lang": "en"}

A figure, then a run.

+++ {"lang": "zh"}

先看图，再训练。

```{code-cell} ipython3
---
comments:
  zh:
    one run, one seed: 一次训练，一个种子
---
run = lrlessons.train("StepLR", step_size=20, epochs=3)  # one run, one seed
lrlessons.plot_curve([("StepLR", dict(step_size=30))], 100)
```

+++ {"lang": "en"}

**Exercise 1.** Write `my_step(t)`.

+++ {"lang": "zh"}

**练习 1.** 写出 `my_step(t)`。

```{code-cell} ipython3
:tags: [solution]

def my_step(t):
    ### BEGIN SOLUTION
    return 0.1 * 0.1 ** (t // 30)
    ### END SOLUTION
```

```{code-cell} ipython3
:tags: [check]

lrlessons.check.schedule(my_step, "StepLR", steps=100, step_size=30)
```

+++ {"lang": "en"}

## Summary

A staircase.

+++ {"lang": "zh"}

## 小结

阶梯。
'''

MANIFEST_ROW = '''
[[lesson]]
stem = '11_scratch'
minutes = 5

[lesson.en]
title = 'A throw-away lesson'
summary = 'nothing new'
prerequisites = 'lesson 01'
goals = 'that the tooling works'

[lesson.zh]
title = '一课用完即弃的课'
summary = '没有新内容'
prerequisites = '第 01 课'
goals = '工具链能用'
'''


def _scratch(tmp_path: Path) -> Path:
    """The tracked files generation and the shape tests read, copied (a scratch repository)."""
    paths = ["lessons", "lrlessons", "notebooks", "docs", "README.md", "pyproject.toml",
             "tests/__init__.py", "tests/conftest.py", "tests/test_notebooks.py",
             "tests/test_generated.py"]
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                             *paths], cwd=REPO, capture_output=True, text=True)
    if listed.returncode == 0:
        files = listed.stdout.split()
    else:  # not a git checkout (an exported tree): the same paths, caches aside
        files = [str(f.relative_to(REPO)) for p in paths for f in
                 ([REPO / p] if (REPO / p).is_file() else (REPO / p).rglob("*"))
                 if f.is_file() and "__pycache__" not in f.parts]
    for name in files:  # tracked and new files, as this working tree has them
        if (REPO / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, tmp_path / name)
    return tmp_path


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    # cwd=root puts the scratch copy's lrlessons first on sys.path (python -m).
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True)


@pytest.mark.slow
def test_adding_a_lesson_end_to_end(tmp_path):
    """The steps of docs/adding_a_lesson.md on a throw-away lesson 11: its source and its manifest
    row (no claims, no check module of its own: it says nothing about a run and reuses
    check.schedule); `make generate` writes both notebooks, the index rows, README's and the
    guides' rows; the lesson executes; the shape and staleness tests pass on it; then a hand
    edit of a generated notebook, and of README's table, is caught."""
    doc = (REPO / "docs" / "adding_a_lesson.md").read_text(encoding="utf-8")
    for named in ("lessons/NN_", "lessons/manifest.toml", "tests/claims_lesson_NN.py",
                  "lrlessons/check/lesson_NN.py", "make generate", "make notebooks LESSON=NN"):
        assert named in doc, named
    root = _scratch(tmp_path)
    (root / "lessons" / "11_scratch.md").write_text(LESSON_MD, encoding="utf-8")
    manifest = root / "lessons" / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + MANIFEST_ROW, encoding="utf-8")

    assert _run(root, "-m", "lrlessons.sources", "generate", "--check").returncode == 1
    gen = _run(root, "-m", "lrlessons.sources", "generate")
    assert gen.returncode == 0, gen.stderr
    written = set(gen.stdout.split())
    assert {"notebooks/en/11_scratch.ipynb", "notebooks/zh/11_scratch.ipynb",
            "notebooks/en/index.ipynb", "notebooks/zh/index.ipynb", "README.md",
            "docs/instructor_guide.en.md", "docs/instructor_guide.zh.md"} <= written, gen.stdout
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "[一课用完即弃的课](notebooks/zh/11_scratch.ipynb)：没有新内容" in readme
    zh = nbformat.read(root / "notebooks" / "zh" / "11_scratch.ipynb", as_version=4)
    assert zh.cells[0].source.startswith("# 11 · 一课用完即弃的课")
    assert "[01 · 阶梯衰减](01_step_decay.ipynb)" in zh.cells[0].source
    assert "# 一次训练，一个种子" in zh.cells[3].source
    assert zh.cells[1].source.endswith('lrlessons.use_language("zh")')

    for lang in ("en", "zh"):  # make notebooks LESSON=11, without make
        run = _run(root, "-m", "lrlessons.authoring", "execute",
                   f"notebooks/{lang}/11_scratch.ipynb")
        assert run.returncode == 0, run.stderr[-2000:]
    tests = _run(root, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                 "tests/test_notebooks.py", "-k", "11_scratch or index",
                 "tests/test_generated.py::test_every_generated_file_is_up_to_date",
                 "tests/test_generated.py::test_titles_are_typed_once")
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert re.search(r"\b(2\d|[3-9]\d) passed", tests.stdout), tests.stdout[-500:]

    path = root / "notebooks" / "en" / "11_scratch.ipynb"
    executed = nbformat.read(path, as_version=4)
    source = root / "lessons" / "11_scratch.md"
    source.write_text(LESSON_MD.replace("A figure, then a run.", "A figure, then one run."),
                      encoding="utf-8")
    assert _run(root, "-m", "lrlessons.sources", "generate").returncode == 0
    nb = nbformat.read(path, as_version=4)  # a prose edit: every output kept
    assert nb.cells[2].source == "A figure, then one run."
    assert [c.get("outputs") for c in nb.cells] == [c.get("outputs") for c in executed.cells]
    assert _run(root, "-m", "lrlessons.sources", "generate", "--check").returncode == 0
    source.write_text(LESSON_MD.replace("step_size=30))], 100)", "step_size=40))], 100)"),
                      encoding="utf-8")
    assert _run(root, "-m", "lrlessons.sources", "generate").returncode == 0
    nb = nbformat.read(path, as_version=4)  # a code edit: that cell waits for execution
    assert nb.cells[3].outputs == [] and nb.cells[3].execution_count is None
    assert nb.cells[6].outputs == executed.cells[6].outputs and nb.cells[6].outputs  # the check
    assert nb.cells[6].execution_count == executed.cells[6].execution_count
    assert [c.id for c in nb.cells] == [c.id for c in executed.cells]

    nb.cells[3].source = nb.cells[3].source.replace("step_size=40", "step_size=41")
    nbformat.write(nb, path)
    (root / "README.md").write_text(readme.replace("nothing new", "nothing at all"),
                                    encoding="utf-8")
    check = _run(root, "-m", "lrlessons.sources", "generate", "--check")
    assert check.returncode == 1
    assert "notebooks/en/11_scratch.ipynb: cell 4 differs" in check.stdout, check.stdout
    assert "README.md: stale or edited by hand" in check.stdout, check.stdout
