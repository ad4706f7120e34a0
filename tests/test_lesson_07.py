"""Lesson 07's code, taken from the committed notebook cells, against the frameworks: the
LRScheduler subclass (both forms, resuming), the Keras LearningRateSchedule (values, saving), the
oscillation rule, and the Keras training claims over seeds on every CPU kernel set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

import lrlessons
from tests.claims import TEST_SEEDS, fact, machines, mean
from tests.notebook_code import cell_source, definitions

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "07_custom.ipynb"
StepWithFloor = definitions(NOTEBOOK, "class StepWithFloor(")["StepWithFloor"]
calm_down = definitions(NOTEBOOK, "def calm_down(", {"np": np})["calm_down"]
CASES = [(10, 0.5, 0.01), (30, 0.1, 0.0), (7, 0.3, 0.02), (1, 0.9, 0.05)]


def make(step_size, gamma, min_lr, base_lr=0.1):
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base_lr)
    return optimizer, StepWithFloor(optimizer, step_size=step_size, gamma=gamma, min_lr=min_lr)


@pytest.mark.parametrize("step_size, gamma, min_lr", CASES)
def test_the_subclass_is_steplr_with_a_floor_in_both_forms(step_size, gamma, min_lr):
    optimizer, scheduler = make(step_size, gamma, min_lr)
    used = lrlessons.step_torch(optimizer, scheduler, 100)
    expected = np.maximum(lrlessons.curve("StepLR", 100, step_size=step_size, gamma=gamma),
                          min_lr)
    assert np.allclose(used, expected, rtol=1e-12)
    optimizer, scheduler = make(step_size, gamma, min_lr)
    for _ in range(100):  # the closed form agrees with the chainable form at every step
        assert np.isclose(scheduler._get_closed_form_lr()[0], optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()


def test_step_with_an_epoch_uses_the_closed_form():
    optimizer, scheduler = make(10, 0.5, 0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch deprecates step(epoch)
        for epoch in (35, 3, 70):
            optimizer.step()
            scheduler.step(epoch)
            assert np.isclose(optimizer.param_groups[0]["lr"], max(0.1 * 0.5 ** (epoch // 10),
                                                                   0.01))


@pytest.mark.parametrize("at", [1, 9, 10, 25, 44])
def test_resuming_from_both_state_dicts_continues_exactly(at):
    optimizer, scheduler = make(10, 0.5, 0.01)
    whole = lrlessons.step_torch(optimizer, scheduler, 60)
    optimizer, scheduler = make(10, 0.5, 0.01)
    first = lrlessons.step_torch(optimizer, scheduler, at + 1)[:at]
    saved = (optimizer.state_dict(), scheduler.state_dict())
    assert {"step_size", "gamma", "min_lr", "last_epoch"} <= set(saved[1])
    optimizer, scheduler = make(10, 0.5, 0.01)
    optimizer.load_state_dict(saved[0])
    scheduler.load_state_dict(saved[1])
    resumed = np.concatenate([first, lrlessons.step_torch(optimizer, scheduler, 60 - at)])
    assert np.array_equal(resumed, whole)


def test_scheduler_state_alone_restarts_the_staircase_as_the_lesson_says():
    optimizer, scheduler = make(10, 0.5, 0.01)
    lrlessons.step_torch(optimizer, scheduler, 26)
    saved = scheduler.state_dict()
    optimizer, scheduler = make(10, 0.5, 0.01)
    scheduler.load_state_dict(saved)
    after = lrlessons.step_torch(optimizer, scheduler, 35)
    assert after[0] == 0.1 and after[5] == 0.05 and after[-1] == 0.0125


def test_a_closed_form_resumed_alone_is_wrong_for_one_epoch_then_right():
    # The lesson: a scheduler that computes from base_lrs and last_epoch is right again from its
    # next step(), but the first epoch after the restart trains at the fresh optimizer's lr.
    class ClosedForm(StepWithFloor):
        def get_lr(self):
            return self._get_closed_form_lr()

    def closed(base_lr=0.1):
        optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base_lr)
        return optimizer, ClosedForm(optimizer, step_size=10, gamma=0.5, min_lr=0.01)

    whole = lrlessons.step_torch(*closed(), 60)
    optimizer, scheduler = closed()
    lrlessons.step_torch(optimizer, scheduler, 26)
    saved = scheduler.state_dict()
    optimizer, scheduler = closed()
    scheduler.load_state_dict(saved)
    after = lrlessons.step_torch(optimizer, scheduler, 35)  # epochs 25-59, as in the lesson
    assert after[0] == 0.1 != whole[25]  # the fresh optimizer's lr, for one epoch
    assert np.array_equal(after[1:], whole[26:])


def test_the_keras_schedule_equals_the_catalogue_and_survives_saving(keras, tmp_path):
    names = definitions(NOTEBOOK, "class WarmupCosine(")
    schedule = names["WarmupCosine"](0.5, 60, 660)
    expected = lrlessons.curve("WarmupCosine", 720, base_lr=0.5, num_warmup_steps=60,
                               num_training_steps=720)
    assert np.allclose(lrlessons.keras_values(schedule, 720), expected, rtol=1e-5, atol=1e-7)
    model = lrlessons.keras_model()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule),
                  loss="sparse_categorical_crossentropy")
    model.save(tmp_path / "m.keras")
    reloaded = keras.saving.load_model(tmp_path / "m.keras")
    assert type(reloaded.optimizer._learning_rate).__name__ == "WarmupCosine"
    assert np.allclose(lrlessons.keras_values(reloaded.optimizer, 720), expected, rtol=1e-5,
                       atol=1e-7)


def test_the_articles_warmup_cosine_slip_is_real(keras):
    # The lesson says an article evaluated its cosine at `step`, not `step - warmup_steps`, so its
    # decay began during the warm-up: at the end of the warm-up it is below the peak.
    decay = keras.optimizers.schedules.CosineDecay(0.5, 660)
    at_end_of_warmup = float(keras.ops.convert_to_numpy(decay(60)))
    assert at_end_of_warmup < 0.5 * 0.99


def test_calm_down_halves_on_oscillation_holds_when_steady_and_waits_after_a_change():
    steady = [1.0, 0.9, 0.8, 0.7, 0.6]
    jitter = [1.0, 0.9, 1.0, 0.8, 0.85]
    assert calm_down(steady[:4], [0.5] * 4) is None  # too early
    assert calm_down(steady, [0.5] * 5) is None  # falling: hold
    assert calm_down(jitter, [0.5] * 5) == 0.25  # up twice within five epochs
    assert calm_down([1.0, 0.9, 1.0, 0.8, 0.7], [0.5] * 5) is None  # up once only
    assert calm_down(jitter, [0.5, 0.5, 0.25, 0.25, 0.25]) is None  # changed lately: wait


def test_calm_down_fires_on_pure_noise_at_the_rate_the_lesson_prints():
    # Independent truth: a window of 5 i.i.d. values has 4 consecutive changes; "at most one
    # rise" is the permutations with at most one ascent, Eulerian numbers A(5,0) + A(5,1) = 1 + 26
    # of 5! = 120. So the rule fires on 93 of 120 orders (77.5 %), which the lesson prints.
    import itertools

    orders = list(itertools.permutations(range(5)))
    fires = sum(calm_down(list(o), [0.5] * 5) is not None for o in orders)
    assert (fires, len(orders)) == (120 - 1 - 26, 120)
    out = lrlessons_cell_output("import itertools")
    assert out.strip() == "(93, 120, 0.775)"


def lrlessons_cell_output(marker: str) -> str:
    """The committed text output of the English notebook's cell that contains ``marker``."""
    nb = json.loads((Path(__file__).parents[1] / "notebooks" / "en" / NOTEBOOK).read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and marker in "".join(c["source"]))
    return "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                   for o in cell.get("outputs", []))


def test_lambdalr_saves_a_callable_objects_attributes_and_nothing_of_a_function():
    # Lesson 07 section 3: for a lambda or a plain function state_dict holds None; for an
    # instance of a class with __call__ it holds the object's __dict__, loaded back into it.
    class Warm:
        def __init__(self, n):
            self.n = n

        def __call__(self, t):
            return min(1.0, (t + 1) / self.n)

    def plain(t):
        return 1.0

    opt = lrlessons.make_optimizer(0.1)
    saved = torch.optim.lr_scheduler.LambdaLR(opt, [Warm(7)]).state_dict()
    assert saved["lr_lambdas"] == [{"n": 7}]
    for fn in (plain, lambda t: 1.0):
        assert torch.optim.lr_scheduler.LambdaLR(opt, fn).state_dict()["lr_lambdas"] == [None]
    fresh = Warm(3)
    torch.optim.lr_scheduler.LambdaLR(lrlessons.make_optimizer(0.1), fresh).load_state_dict(saved)
    assert fresh.n == 7


def test_the_state_keys_the_lesson_explains_are_the_ones_saved():
    optimizer = lrlessons.make_optimizer(0.1)
    floor = StepWithFloor(optimizer, step_size=10, gamma=0.5, min_lr=0.01)
    lrlessons.step_torch(optimizer, floor, 3)
    state = floor.state_dict()
    assert set(state) == {"_get_lr_called_within_step", "_is_initial", "_last_lr", "_step_count",
                          "base_lrs", "gamma", "last_epoch", "min_lr", "step_size"}
    assert state["_is_initial"] is False and state["_get_lr_called_within_step"] is False
    assert "lr" in optimizer.state_dict()["param_groups"][0]


def test_exercise_1s_solution_is_chainable():
    # The solution cell's class, stepped in a ChainedScheduler with MultiplicativeLR, gives the
    # product of both factors; the check rejects the closed form (tests/test_check.py).
    names = definitions(NOTEBOOK, "class WarmupThenStep(", {"torch": torch})
    assert lrlessons.check.scheduler_class(
        names["WarmupThenStep"], "SequentialLR", steps=40, base_lr=0.1, milestones=[5],
        schedulers=[("LinearLR", dict(start_factor=0.1, total_iters=5)),
                    ("StepLR", dict(step_size=10, gamma=0.5))])


def test_the_lessons_cells_share_the_rule():
    # The Keras callback and the PyTorch run both call the one calm_down.
    assert "self.rule(self.losses, self.lrs)" in cell_source(NOTEBOOK, "class CalmDown(")
    assert "on_epoch_end=calm_down" in cell_source(NOTEBOOK, 'lrlessons.train("CosineAnnealingLR"')


# --- the Keras training claims, over seeds, on every kernel set -------------------------------

KERAS_PROBE = """
import json, sys
import numpy as np
import lrlessons
from tests.notebook_code import definitions
names = definitions("07_custom.ipynb", "def calm_down(", {"np": np})
names = definitions("07_custom.ipynb", "class CalmDown(", {**names, "keras": __import__("keras")})
seeds = json.loads(sys.argv[1])
const = lrlessons.keras_train(epochs=20, base_lr=0.8, seed=seeds)
rule = lrlessons.keras_train(lambda: [names["CalmDown"](names["calm_down"])], epochs=20,
                             base_lr=0.8, seed=seeds)
def record(rs):
    return [dict(loss=list(map(float, r.loss)), acc=float(r.final_accuracy),
                 lrs=list(map(float, r.lrs[::r.batches_per_epoch]))) for r in rs.runs]
import torch
print(json.dumps({"kernel_set": torch.backends.cpu.get_cpu_capability().lower(),
                  "const": record(const), "rule": record(rule)}))
"""


def keras_claims(runs: dict) -> list:
    """The lesson's sentences about its Keras runs, as bounds (tests/claims.py's rule: each >= 3
    noise units from what seeds 0-9 gave on default, avx2 + MKL_CBWR=COMPATIBLE and avx512:
    loss ratio 0.48-0.75, accuracy 0.913-0.947, first cut at epochs 5-15, one or two cuts)."""
    ratio, first, acc = [], [], []
    for c, r in zip(runs["const"], runs["rule"]):
        ratio.append(np.mean(r["loss"][-5:]) / np.mean(c["loss"][-5:]))
        cuts = np.flatnonzero(np.diff(r["lrs"]) < 0)
        first.append(cuts[0] + 1 if len(cuts) else 0)
        acc.append(r["acc"])
    return [fact("every run with the callback cuts the lr", min(first) > 0),
            # the rule needs five epochs of history: a structural bound, not a measured one
            fact("no cut before epoch 5", all(f >= 5 for f in first if f)),
            mean("last-5-epoch training loss with / without the callback", ratio, low=0.45,
                 high=0.85, fmt=".2f", log=True),
            mean("final validation accuracy with the callback", acc, low=0.9)]


@pytest.mark.slow
@pytest.mark.parametrize("machine", list(machines()))
def test_keras_callback_claims_hold_over_seeds(machine, keras):
    # Seeds the lesson does not quote, on every simulated machine (tests/claims.py).
    kernel_set, extra = machines()[machine]
    env = dict(os.environ, ATEN_CPU_CAPABILITY=kernel_set, OMP_NUM_THREADS="1",
               MPLBACKEND="Agg", KERAS_BACKEND="torch", **extra)
    done = subprocess.run([sys.executable, "-c", KERAS_PROBE, json.dumps(TEST_SEEDS)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    runs = json.loads(done.stdout.splitlines()[-1])
    assert runs["kernel_set"] == kernel_set
    failed = [b.describe() for b in keras_claims(runs) if not b.ok()]
    assert not failed, failed


def test_the_epoch_0_prediction_waits_for_a_guess_then_marks_it_against_torch():
    """Section 1: the reveal asks until a number is set, then marks it against the lr torch's
    LambdaLR sets at epoch 0 with the lesson's tutorial_lambda on SGD(lr=0.1)."""
    tutorial = definitions(NOTEBOOK, "def tutorial_lambda(")["tutorial_lambda"]
    reveal = lrlessons.check.lesson_07.reveal_epoch_0_lr
    for unset in (..., "0.01", None, -0.01):
        assert "guess_epoch_0_lr" in reveal(unset, tutorial).data
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    torch.optim.lr_scheduler.LambdaLR(optimizer, tutorial)
    truth = optimizer.param_groups[0]["lr"]
    assert truth == pytest.approx(0.01)
    for right in (truth, np.float32(truth), torch.tensor(truth)):
        assert reveal(right, tutorial).data.startswith("✅")
    assert reveal(0.1, tutorial).data.startswith("❌")  # the tutorial's intention
    assert "| 0 | 0.1 | 0.01 |" in reveal(0.01, tutorial).data


def test_the_compounding_prediction_marks_both_guesses_against_torch():
    """Section 2: LambdaLR(0.95) is 0.095 at epoch 59, MultiplicativeLR(0.95) 0.1 * 0.95**59
    (torch stepped 59 times); 0.1 and an uncompounded guess are marked wrong."""
    reveal = lrlessons.check.lesson_07.reveal_compounding
    assert "guess_lambda_lr" in reveal(0.095, ...).data
    assert "guess_multiplicative_lr" in reveal(..., 0.005).data
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = torch.optim.lr_scheduler.MultiplicativeLR(optimizer, lambda t: 0.95)
    for _ in range(59):
        optimizer.step()
        scheduler.step()
    compounded = optimizer.param_groups[0]["lr"]
    assert compounded == pytest.approx(0.1 * 0.95 ** 59)
    lines = reveal(0.095, compounded).data.splitlines()
    assert lines[0].startswith("✅") and lines[1].startswith("✅")
    lines = reveal(0.1, 0.095).data.splitlines()
    assert lines[0].startswith("❌") and lines[1].startswith("❌")
    assert reveal(0.095, 0.005).data.splitlines()[1].startswith("✅")  # an estimate will do
