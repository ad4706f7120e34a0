"""What lesson 03 says about the frameworks, checked against the frameworks themselves: Keras'
ExponentialDecay with and without staircase against torch's ExponentialLR stepped per epoch, the
source article's Keras example, the article's LambdaLR that trains at a tenth of its rate, the
half-lives the lesson prints, and Paddle's NaturalExpDecay against torch's ExponentialLR."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import lrlessons
from lrlessons.torch_bridge import step_torch

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


def torch_per_epoch(gamma: float, epochs: int, batches: int, lr: float = 0.1) -> np.ndarray:
    """torch's ExponentialLR stepped once per epoch, the lr of every batch."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=gamma)
    return np.repeat(step_torch(optimizer, scheduler, epochs), batches)


def test_keras_staircase_is_torch_per_epoch_and_the_smooth_curve_lies_below(keras):
    exp = keras.optimizers.schedules.ExponentialDecay
    per_epoch = torch_per_epoch(0.95, 10, 12)
    stairs = lrlessons.keras_values(exp(0.1, 12, 0.95, staircase=True), 120)
    smooth = lrlessons.keras_values(exp(0.1, 12, 0.95), 120)
    np.testing.assert_allclose(stairs, per_epoch, rtol=1e-6)
    starts = np.arange(0, 120, 12)
    np.testing.assert_allclose(smooth[starts], per_epoch[starts], rtol=1e-6)
    inside = np.setdiff1d(np.arange(120), starts)
    assert np.all(smooth[inside] < per_epoch[inside])


def test_the_articles_keras_example_cuts_every_100_batches(keras):
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.96,
                                                           staircase=True)
    lr = lrlessons.keras_values(schedule, 301)
    np.testing.assert_allclose(lr[[0, 99, 100, 199, 200, 300]],
                               [0.1, 0.1, 0.096, 0.096, 0.09216, 0.0884736], rtol=1e-6)


def test_the_articles_lambda_trains_at_a_tenth_of_the_rate():
    def from_the_article(epoch):
        return 0.1 / (1 + 0.01 * epoch)

    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, from_the_article)
    used = step_torch(optimizer, scheduler, 50)
    intended = lrlessons.curve("InverseTimeDecay", 50, base_lr=0.1, gamma=0.01)
    np.testing.assert_allclose(used, intended / 10, rtol=1e-12)
    assert round(used[0], 4) == 0.01 and round(used[1], 4) == 0.0099  # the article's printout


@pytest.mark.parametrize("gamma, half_life", [(0.9, 6.6), (0.95, 13.5), (0.99, 69.0)])
def test_half_lives_the_lesson_prints(gamma, half_life):
    lr = lrlessons.torch_curve("ExponentialLR", 200, base_lr=1.0, gamma=gamma)
    first_below_half = int(np.flatnonzero(lr <= 0.5)[0])
    assert first_below_half == math.ceil(math.log(2) / -math.log(gamma))
    assert round(math.log(2) / -math.log(gamma), 1) == half_life


def test_paddle_natural_exp_decay_is_torch_exponential_lr(paddle):
    from lrlessons.paddle_bridge import paddle_curve

    paddle_lr = paddle_curve("NaturalExpDecay", 100, base_lr=0.1, gamma=0.05)
    torch_lr = lrlessons.torch_curve("ExponentialLR", 100, base_lr=0.1, gamma=math.exp(-0.05))
    np.testing.assert_allclose(paddle_lr, torch_lr, rtol=1e-12)
    to_copy = -math.log(0.95)  # the lesson's 0.0513: NaturalExpDecay copying gamma=0.95
    np.testing.assert_allclose(paddle_curve("NaturalExpDecay", 100, gamma=to_copy),
                               lrlessons.torch_curve("ExponentialLR", 100, gamma=0.95),
                               rtol=1e-12)
    assert round(to_copy, 4) == 0.0513


@pytest.mark.parametrize("by_epoch", [False, True])
def test_paddle_model_fit_steps_the_schedule_per_batch_unless_told(by_epoch):
    """Lesson 03's pitfall: paddle.Model.fit adds LRScheduler(by_step=True) when no LRScheduler
    callback is given (paddle/hapi/callbacks.py), so a per-epoch decay is stepped per batch;
    LRScheduler(by_step=False, by_epoch=True) steps it per epoch. Real Paddle, 2 epochs of 3
    batches."""
    paddle = pytest.importorskip("paddle", reason="PaddlePaddle is a test extra: pip install -e "
                                                 "'.[paddle]' (make test installs it)")
    paddle.seed(0)
    net = paddle.nn.Linear(2, 1)
    decay = paddle.optimizer.lr.ExponentialDecay(learning_rate=0.1, gamma=0.5)
    model = paddle.Model(net, inputs=[paddle.static.InputSpec([None, 2], "float32", "x")],
                         labels=[paddle.static.InputSpec([None, 1], "float32", "y")])
    model.prepare(paddle.optimizer.SGD(learning_rate=decay, parameters=net.parameters()),
                  paddle.nn.MSELoss())
    data = paddle.io.TensorDataset([paddle.rand([6, 2]), paddle.rand([6, 1])])
    callbacks = ([paddle.callbacks.LRScheduler(by_step=False, by_epoch=True)] if by_epoch
                 else None)
    model.fit(data, batch_size=2, epochs=2, verbose=0, callbacks=callbacks, save_dir=None)
    steps = 2 if by_epoch else 6  # epochs, or epochs x batches
    assert decay.last_epoch == steps
    assert decay.get_lr() == pytest.approx(0.1 * 0.5 ** steps, rel=1e-12)


def test_transformers_polynomial_schedule_with_no_warmup_is_paddles_polynomialdecay():
    """Lesson 03: transformers' get_polynomial_decay_schedule_with_warmup with 0 warm-up steps is
    Paddle's PolynomialDecay with cycle=False (decay_steps = num_training_steps, end_lr = lr_end),
    and its lr_end defaults to 1e-7, not 0. Stepped by torch past the end of the decay."""
    transformers = pytest.importorskip("transformers")
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = transformers.get_polynomial_decay_schedule_with_warmup(
        optimizer, num_warmup_steps=0, num_training_steps=20, lr_end=0.001, power=2.0)
    stepped = step_torch(optimizer, scheduler, 30)
    paddle_form = lrlessons.curve("PolynomialDecay", 30, base_lr=0.1, decay_steps=20, end_lr=0.001,
                                  power=2.0, cycle=False)
    np.testing.assert_allclose(stepped, paddle_form, rtol=1e-12)
    default = transformers.get_polynomial_decay_schedule_with_warmup(
        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1), 0, 20)
    assert default.lr_lambdas[0](20) * 0.1 == pytest.approx(1e-7, rel=1e-9)


def test_the_prediction_asks_for_a_guess_then_marks_each_step():
    from lrlessons.check.lesson_03 import reveal_lower

    assert "Set `guess = " in reveal_lower(...).data
    assert "Set `guess = " in reveal_lower({5: "cosine", 100: "ExponentialLR"}).data
    shown = reveal_lower({5: "InverseTimeDecay", 100: "InverseTimeDecay"}).data
    exp = lrlessons.curve("ExponentialLR", 101, gamma=0.95)
    inv = lrlessons.curve("InverseTimeDecay", 101, gamma=0.074)
    assert inv[5] < exp[5] and exp[100] < inv[100]  # the lesson's answer, from the curves
    assert "✅ step 5" in shown and "❌ step 100" in shown
