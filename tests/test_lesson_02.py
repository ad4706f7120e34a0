"""What lesson 02 says about PyTorch's CosineAnnealingLR in a chain, checked against torch: its
get_lr is the chainable (recursive) form, so a ChainedScheduler with a LinearLR warm-up gives the
product of the two factors when eta_min is 0, and stays close to it without equalling it when
eta_min is above 0."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import lrlessons
from lrlessons.torch_bridge import step_torch

sched = torch.optim.lr_scheduler


def chained(eta_min: float, steps: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """torch's ChainedScheduler(LinearLR 0.1 -> 1 over 10, CosineAnnealingLR(T_max=90)), stepped,
    and the product of the two closed forms."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    chain = sched.ChainedScheduler([
        sched.LinearLR(optimizer, start_factor=0.1, total_iters=10),
        sched.CosineAnnealingLR(optimizer, T_max=90, eta_min=eta_min)])
    warm = lrlessons.curve("LinearLR", steps, base_lr=1.0, start_factor=0.1, total_iters=10)
    cosine = lrlessons.curve("CosineAnnealingLR", steps, base_lr=0.1, T_max=90, eta_min=eta_min)
    return step_torch(optimizer, chain, steps), warm * cosine


def test_a_chained_cosine_is_the_product_of_the_factors():
    got, product = chained(0.0)
    assert np.abs(got - product).max() < 1e-15


@pytest.mark.parametrize("eta_min", [0.001])
def test_with_a_floor_the_chain_is_close_to_the_product_but_not_equal(eta_min):
    got, product = chained(eta_min)
    relative = np.abs(got - product) / product
    assert 1e-6 < relative.max() < 2e-4  # the lesson: "within 0.02%", "no longer equal"


def test_the_prediction_asks_for_a_guess_then_reads_the_answer_off_torchs_curve():
    from lrlessons.check.lesson_02 import reveal_after_t_max

    assert "Set `guess` first" in reveal_after_t_max(...).data
    assert "Set `guess` first" in reveal_after_t_max(["climbs"]).data
    stepped = lrlessons.torch_curve("CosineAnnealingLR", 101, base_lr=0.1, T_max=50,
                                    eta_min=0.001)
    assert np.all(np.diff(stepped[51:101]) > 0)  # torch climbs back: "climbs" is the answer
    shown = []
    from unittest import mock
    with mock.patch("IPython.display.display", shown.append):
        reveal_after_t_max("climbs")
        reveal_after_t_max("stays")
    assert shown[0].data.startswith("✅") and shown[1].data.startswith("❌")
