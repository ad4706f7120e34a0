"""One error type: what lrlessons raises for bad input is an ``LRLessonsError`` in every language,
still the ValueError / TypeError learners' code catches; the widgets catch only that, so a bug
in lrlessons, numpy or torch stays a traceback instead of a red learner message."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest

import lrlessons
from lrlessons import i18n
from lrlessons.i18n import LRLessonsError, use_language
from tests.test_validation import BAD

CJK = re.compile(r"[\u4e00-\u9fff]")
LIBRARY = Path(lrlessons.__file__).parent


@pytest.fixture(autouse=True)
def english():
    use_language("en")
    yield
    use_language("en")


@pytest.mark.parametrize("case", BAD, ids=[f"{i}-{c[0]}" for i, c in enumerate(BAD)])
@pytest.mark.parametrize("where", ["curve", "torch_curve"])
def test_bad_input_is_an_lrlessons_error_of_the_same_builtin_type(case, where):
    name, steps, base_lr, params, kind, _ = case
    with pytest.raises(kind) as err:
        getattr(lrlessons, where)(name, steps, base_lr=base_lr, **params)
    assert isinstance(err.value, LRLessonsError)
    assert not isinstance(err.value, {ValueError: TypeError, TypeError: ValueError}[kind])


@pytest.mark.parametrize("call, kind", [
    (lambda: lrlessons.curve("CosineAnnealing", 10), ValueError),  # unknown name
    (lambda: lrlessons.torch_scheduler("StepLR", object(), step_size=2), TypeError),
    (lambda: use_language("fr"), ValueError),
    (lambda: lrlessons.explore("StepLR", gamma=2.0), ValueError),
], ids=["unknown-name", "not-an-optimizer", "language", "explorer-start"])
def test_other_boundaries_raise_it_too(call, kind):
    with pytest.raises(kind) as err:
        call()
    assert isinstance(err.value, LRLessonsError)


def test_it_carries_every_language_and_str_stays_bilingual():
    with pytest.raises(LRLessonsError) as err:
        lrlessons.curve("StepLR", 10, step_size=0)
    exc = err.value
    assert str(exc) == f"{exc.en} / {exc.zh}" and CJK.search(exc.zh) and not CJK.search(exc.en)
    assert exc.text("en") == exc.en and exc.text("zh") == exc.zh
    assert exc.text("zh-Hant") == i18n.to_hant(exc.zh) != exc.zh  # 必须 -> 必須
    for lang, want in (("en", exc.en), ("zh", exc.zh), ("zh-Hant", i18n.to_hant(exc.zh))):
        use_language(lang)
        assert exc.text() == i18n.message(exc) == want
        assert str(exc) == f"{exc.en} / {exc.zh}"  # a pasted traceback reads in both


def test_it_survives_pickling_with_both_halves():
    with pytest.raises(LRLessonsError) as err:
        lrlessons.curve("StepLR", 10, gamma=1.5)
    back = pickle.loads(pickle.dumps(err.value))
    assert type(back) is type(err.value) and isinstance(back, ValueError)
    assert (back.en, back.zh, str(back)) == (err.value.en, err.value.zh, str(err.value))


def test_it_is_exported_lazily():
    assert lrlessons.LRLessonsError is LRLessonsError and "LRLessonsError" in lrlessons.__all__


# Raises of a builtin error in lrlessons that are not bad input from a learner: authoring and
# grading tools (the author's files, the sandbox protocol) and internal invariants (a bug).
NOT_LEARNER_INPUT = {
    "authoring.py", "nbgrader_course.py", "check/guide.py", "grading.py",
    "frameworks.py",  # plain(): a value with no literal, after validation: a bug
}


def test_every_learner_facing_raise_goes_through_the_error_type():
    """A ``raise ValueError(...)`` written straight into a learner-facing module would skip the
    second language and the widgets' ``except LRLessonsError``: raise ``fail``/``error`` instead."""
    found = []
    for path in sorted(LIBRARY.rglob("*.py")):
        rel = path.relative_to(LIBRARY).as_posix()
        if rel in NOT_LEARNER_INPUT:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and \
                    getattr(node.exc.func, "id", None) in ("ValueError", "TypeError",
                                                           "RuntimeError"):
                found.append(f"{rel}:{node.lineno}")
    assert not found, found


# --- the widgets: a refusal is a message, a bug is a traceback ------------------------------------

def test_schedule_explorer_shows_a_refusal_and_reraises_a_bug(monkeypatch):
    from lrlessons import explorers

    ex = explorers.explore("StepLR")
    ex.entry.controls["step_size"].value = 7
    assert ex.update() is not None
    monkeypatch.setattr(explorers, "curve", lambda *a, **k: lrlessons.curve("StepLR", 10, gamma=2))
    assert ex.update() is None and "gamma must be in" in ex.readout.value
    bug = ValueError("operands could not be broadcast together")  # as numpy says it

    def broken(*args, **kwargs):
        raise bug

    monkeypatch.setattr(explorers, "curve", broken)
    with pytest.raises(ValueError) as err:
        ex.update()
    assert err.value is bug and "broadcast" not in ex.readout.value


def test_compare_reraises_a_bug(monkeypatch):
    from lrlessons import explorers

    ex = explorers.compare(["StepLR", "CosineAnnealingLR"], steps=50)

    def broken(*args, **kwargs):
        raise TypeError("unsupported operand type(s) for *: 'NoneType' and 'float'")

    monkeypatch.setattr(explorers, "curve", broken)
    with pytest.raises(TypeError, match="NoneType"):
        ex.update()


def test_training_explorer_reraises_a_bug(monkeypatch):
    ex = lrlessons.train_explorer(schedules=[None, "StepLR"], schedule="StepLR")

    def broken(*args, **kwargs):
        raise ValueError("Expected input batch_size (32) to match target batch_size (16).")

    monkeypatch.setattr(ex.pg, "train", broken)  # the playground is shared: undone after
    with pytest.raises(ValueError, match="batch_size"):
        ex.train()


def test_plateau_explorer_reraises_a_bug(monkeypatch):
    from lrlessons import plateau_views

    ex = plateau_views.explore_plateau("noisy plateau", factor=0.5, patience=2)

    def broken(*args, **kwargs):
        raise ValueError("setting an array element with a sequence.")

    monkeypatch.setattr(plateau_views, "plateau_curve", broken)
    with pytest.raises(ValueError, match="array element"):
        ex.update()


def test_range_test_explorer_reraises_a_bug(monkeypatch):
    from lrlessons import lr_range_views

    ex = lr_range_views.explore_range_test(start_lr=1e-3, end_lr=30.0, steps=60)

    def broken(*args, **kwargs):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied (32x2 and 3x16)")

    monkeypatch.setattr(lr_range_views, "range_test", broken)
    with pytest.raises(RuntimeError, match="mat1"):
        ex.run()


def test_hints_and_the_grader_name_the_builtin_type():
    with pytest.raises(LRLessonsError) as err:
        lrlessons.curve("StepLR", 10, step_size=2.5)
    assert type(err.value).__name__ == "LRLessonsTypeError" and i18n.kind_name(err.value) == "TypeError"
    assert i18n.kind_name(KeyError("x")) == "KeyError"
