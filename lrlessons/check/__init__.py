"""Self-checks: a learner's own implementation against the reference, with a hint on failure.

Every check returns a ``Result``: true when passed, shown as one message in the learner's
language (what differs, and the hint of the known mistake it matches), and carrying the same as
data for graders (``Result.to_json()``, published in notebooks as the MIME type
``application/vnd.lrlessons.result+json``). An exercise not written yet (a function that raises
``NotImplementedError``, or a value left as ``...``, as the student notebooks have) is reported,
never a traceback.

One module per lesson (``lesson_00`` ... ``lesson_10``) declares its exercises and their tables
of known mistakes; ``core`` holds what they share. ``EXERCISES`` lists every exercise in order.

>>> import lrlessons
>>> lrlessons.check.schedule(lambda t: 0.1 * 0.5 ** (t // 10), "StepLR", steps=40,
...                          step_size=10, gamma=0.5)
✅ All 40 steps match StepLR(step_size=10, gamma=0.5).
"""

from __future__ import annotations

from . import (
    lesson_00,
    lesson_01,
    lesson_02,
    lesson_03,
    lesson_04,
    lesson_05,
    lesson_06,
    lesson_07,
    lesson_08,
    lesson_09,
    lesson_10,
)
from .core import MIME, Exercise, Mistake, Result
from .lesson_00 import BOWLS, fastest_lr, loop
from .lesson_01 import first_drop, keras_callback
from .lesson_02 import restarts, schedule
from .lesson_03 import HALF_LIVES, half_life_gamma, same_end
from .lesson_04 import noam, warmup_factor
from .lesson_05 import range_reading, triangular
from .lesson_06 import plateau_drops, plateau_patience
from .lesson_07 import keras_schedule, scheduler_class
from .lesson_08 import ADAGRAD_CASES, ADAMW_CASES, adagrad_effective_lr, adamw_settles
from .lesson_09 import accumulation_loop, resume
from .lesson_10 import half_budget

LESSONS = (lesson_00, lesson_01, lesson_02, lesson_03, lesson_04, lesson_05, lesson_06,
           lesson_07, lesson_08, lesson_09, lesson_10)
EXERCISES: tuple[Exercise, ...] = tuple(ex for module in LESSONS for ex in module.EXERCISES)


def exercise(exercise_id: str) -> Exercise:
    """The exercise declared under ``exercise_id`` (``"03.1"``)."""
    for ex in EXERCISES:
        if ex.id == exercise_id:
            return ex
    raise KeyError(exercise_id)


__all__ = ["ADAGRAD_CASES", "ADAMW_CASES", "BOWLS", "EXERCISES", "HALF_LIVES", "MIME", "Exercise", "Mistake", "Result", "exercise",
           "accumulation_loop", "adagrad_effective_lr", "adamw_settles",
           "fastest_lr", "first_drop", "half_budget", "half_life_gamma", "keras_callback",
           "keras_schedule", "loop", "noam", "plateau_drops", "plateau_patience",
           "range_reading", "restarts", "resume", "same_end", "schedule",
           "scheduler_class", "triangular", "warmup_factor"]
