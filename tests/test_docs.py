"""README and instructor guides: every relative link resolves, each language has its Binder badge
opening JupyterLab at its course index, and every lesson has its Colab links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LESSONS = sorted(p.name for p in (REPO / "notebooks" / "en").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_relative_links_resolve(doc):
    for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text()):
        if re.match(r"[a-z]+://|#", target):
            continue
        assert (doc.parent / target.split("#")[0]).exists(), f"{doc.name}: {target}"


def test_binder_badges_open_lab_at_each_index():
    readme = (REPO / "README.md").read_text()
    for lang in ("en", "zh", "zh-Hant"):
        assert f"?urlpath=lab/tree/notebooks/{lang}/index.ipynb" in readme


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_is_listed_with_colab_links(lesson):
    readme = (REPO / "README.md").read_text()
    for lang in ("en", "zh", "zh-Hant"):
        assert f"(notebooks/{lang}/{lesson})" in readme
        assert f"colab.research.google.com/github/lrlessons/lrlessons/blob/main/notebooks/{lang}/{lesson}" in readme


def test_instructor_guides_in_both_languages():
    names = {p.name for p in DOCS}
    assert {"instructor_guide.en.md", "instructor_guide.zh.md"} <= names
    zh = (REPO / "docs" / "instructor_guide.zh.md").read_text()
    for lesson in LESSONS:
        assert f"../notebooks/zh/{lesson}" in zh


# --- every code line a card shows runs as written, its imports included ---------------------------

CARD_LINE = re.compile(r"^(?:- )?(?P<label>[^:：]+)[:：](?P<rest>.*)$")


def card_examples():
    from lrlessons import SCHEDULES

    out = [(n, s.example_params) for n, s in SCHEDULES.items()]
    # values whose lines need an import (bisect, math) or another form
    out += [("PolynomialDecay", dict(decay_steps=20, end_lr=0.001, cycle=True)),
            ("WarmupStableDecay", dict(decay_type="1-sqrt", warmup_type="cosine",
                                       min_lr_ratio=0.1))]
    return out


@pytest.mark.parametrize("name, params", card_examples(),
                         ids=lambda x: x if isinstance(x, str) else "")
def test_every_card_line_runs_as_written_in_a_fresh_namespace(name, params, request):
    """The code spans of a card's line, copied in order into a namespace that holds only what a
    learner has (the framework module, ``optimizer``, ``steps_per_epoch``, their own functions):
    the imports the card shows run, then the line builds the framework's object."""
    import lrlessons
    from lrlessons.docs import framework_label, framework_lines
    from lrlessons.frameworks import FRAMEWORKS

    labels = {framework_label(k): k for k in FRAMEWORKS}
    learner = {k: v for k, v in params.items() if callable(v)}
    learner = {getattr(f, "__name__", k): f for k, f in learner.items()}
    for line in framework_lines(name, **params):
        m = CARD_LINE.match(line)
        spans = re.findall(r"`([^`]+)`", m["rest"])
        if not spans:  # no line for these values: the card says why instead
            continue
        framework = labels[m["label"]]
        if framework != "pytorch":
            request.getfixturevalue(framework)
        ns = dict(learner)
        if framework in ("pytorch", "transformers"):
            import torch

            ns.update(torch=torch, optimizer=lrlessons.make_optimizer(0.1))
            if framework == "transformers":
                import transformers

                ns["transformers"] = transformers
        elif framework == "keras":
            import keras

            ns.update(keras=keras, steps_per_epoch=3)
        else:
            import paddle

            ns["paddle"] = paddle
        *imports, expression = spans
        for statement in imports:
            assert statement.startswith("import "), line
            exec(statement, ns)
        assert eval(expression, ns) is not None, line
        needed = {mod for mod in ("math", "bisect") if re.search(rf"(?<![\w.]){mod}\.",
                                                                 expression)}
        assert needed == {s.split()[1] for s in imports}, line
