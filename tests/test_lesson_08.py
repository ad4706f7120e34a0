"""Lesson 08's deterministic demonstrations (float64, seeded, no training run) against torch and
against their closed forms: the effective-lr figure, the bowl sentence, the AdamW table."""

from __future__ import annotations

import numpy as np
import pytest

from lrlessons import optimizers as O


def _torch_effective_lr(name: str, grads: np.ndarray, lr: float) -> np.ndarray:
    """The effective lr of every step read from torch's own optimizer state, by the lesson's
    definitions: lr / (sqrt(sum) + eps) for Adagrad, lr / (sqrt(square_avg) + eps) for RMSprop,
    lr / (sqrt(exp_avg_sq / (1 - beta2**t)) + eps) for Adam."""
    import torch

    p = torch.zeros(grads.shape[1], dtype=torch.float64, requires_grad=True)
    opt = {"adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop,
           "adam": torch.optim.Adam}[name]([p], lr=lr)
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        state, group = opt.state[p], opt.param_groups[0]
        if name == "adagrad":
            out.append(lr / (state["sum"].sqrt().numpy() + group["eps"]))
        elif name == "rmsprop":
            out.append(lr / (state["square_avg"].sqrt().numpy() + group["eps"]))
        else:
            t = float(state["step"])
            v_hat = state["exp_avg_sq"].numpy() / (1 - group["betas"][1] ** t)
            out.append(lr / (np.sqrt(v_hat) + group["eps"]))
    return np.array(out)


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam"])
def test_the_effective_lr_figure_plots_what_torch_state_gives(name):
    # The figure's inputs exactly (plot_effective_lr's defaults), 200 steps of them.
    grads = O.random_gradients(200, size=2, seed=0, drift=0.0) * np.array([1.0, 0.1])
    ours = O.run(name, grads, np.zeros(2), 0.01).effective_lr
    assert np.allclose(ours, _torch_effective_lr(name, grads, 0.01), rtol=1e-12)


def test_rmsprop_first_step_is_ten_times_adams_and_adam_has_no_extra_bias_factor():
    grads = O.random_gradients(50, size=2, seed=0, drift=0.0) * np.array([1.0, 0.1])
    rms = O.run("rmsprop", grads, np.zeros(2), 0.01).effective_lr
    adam = O.run("adam", grads, np.zeros(2), 0.01)
    # v_1 = 0.01 g^2 for RMSprop, v_hat_1 = g^2 for Adam: a factor 1/sqrt(0.01) = 10.
    assert np.allclose(rms[0] / adam.effective_lr[0], 10.0, rtol=1e-6)
    # Adam's step is the effective lr times m_hat (not m): no hidden 1/(1 - beta1^t).
    m_hat = np.zeros(2)
    m = np.zeros(2)
    for t, g in enumerate(grads, start=1):
        m = 0.9 * m + 0.1 * g
        m_hat = m / (1 - 0.9 ** t)
        assert np.allclose(adam.steps[t - 1], -adam.effective_lr[t - 1] * m_hat, rtol=1e-9)


def test_bowl_sgd_zigzags_and_ends_second_best():
    s = O.SURFACES["quadratic"]
    above = {n: s.f(O.on_surface(n, "quadratic").w[-1]) - s.lowest
             for n in ("sgd", "momentum", "adagrad", "rmsprop", "adam")}
    ranked = sorted(above, key=above.get)
    assert ranked[:2] == ["adagrad", "sgd"] and ranked[-1] == "rmsprop", above
    assert 0.001 < above["sgd"] < 0.003 and 0.5 < above["rmsprop"] < 0.7, above
    # zigzag: across the valley (y) SGD's step changes sign at every step
    dy = np.diff(O.on_surface("sgd", "quadratic").w[:, 1])
    assert np.all(dy[1:] * dy[:-1] < 0)


def _adamw_table():
    """The lesson's section 5 table: mean final weight of 200 weights with gradient noise 10 and
    200 with noise 0.1, loss (w - 1)^2 / 2, lr 0.01, 4,000 steps, lambda 0.1."""
    noise = np.repeat([10.0, 0.1], 200)
    out = {}
    for label, name, wd in [("sgd", "sgd", 0.1), ("adam", "adam", 0.0),
                            ("adam_l2", "adam", 0.1), ("adamw", "adamw", 0.1)]:
        w = O.run(name, O.noisy_quadratic(noise, seed=0), np.ones(400), 0.01, steps=4000,
                  weight_decay=wd).w[-1]
        out[label] = (w[:200].mean(), w[200:].mean())
    return out


def test_adamw_decays_by_gradient_scale_where_adam_l2_matches_sgd_l2():
    ends = _adamw_table()
    l2 = 1 / 1.1  # the minimum of (w - 1)^2 / 2 + 0.1 w^2 / 2
    # Adam + L2 settles where SGD + L2 does, in both groups: the division by sqrt(v_hat) acts
    # on the loss' pull and on the decay alike. (SGD's noisy group: std of the mean ~0.05.)
    assert all(abs(x - l2) < 0.02 for x in ends["adam_l2"]), ends
    assert abs(ends["sgd"][0] - l2) < 0.2 and abs(ends["sgd"][1] - l2) < 0.02, ends
    # AdamW: lambda w against the normalised pull (1 - w) / sigma: w ~ 1 / (1 + lambda sigma)
    assert abs(ends["adamw"][0] - 0.5) < 0.05, ends   # sigma 10: 1 / (1 + 1)
    assert 0.98 < ends["adamw"][1] < 1.0, ends         # sigma 0.1: barely decayed
    assert all(abs(x - 1) < 0.05 for x in ends["adam"]), ends


def test_noisy_quadratic_refuses_negative_noise():
    with pytest.raises(ValueError, match="noise"):
        O.noisy_quadratic([1.0, -1.0])


def test_without_noise_adamw_shrink_fades_and_l2_lands_where_sgd_l2_does():
    # Section 5: on a smooth noiseless problem m_hat / sqrt(v_hat) -> +-1 and AdamW's shrink fades;
    # Adam + L2 and SGD + L2 share the minimum of loss + penalty (the old demonstration's point).
    curv = np.array([100.0, 0.01])
    grad = lambda w: curv * (w - 1.0)  # noqa: E731
    adamw = [O.run("adamw", grad, [0.0, 0.0], 0.01, steps=n, weight_decay=0.1).w[-1]
             for n in (3000, 10000)]
    shrink = [1 - w for w in adamw]
    assert np.all(shrink[1] < shrink[0]) and np.all(shrink[1] < 5e-4), shrink
    target = curv / (curv + 0.1)
    adam_l2 = O.run("adam", grad, [0.0, 0.0], 0.01, steps=20000, weight_decay=0.1).w[-1]
    assert np.allclose(adam_l2, target, rtol=1e-3), adam_l2


def test_bias_correction_prediction_waits_for_a_guess_then_reveals_the_closed_form():
    from lrlessons.optimizer_views import reveal_bias_correction, uncorrected_steps

    asked = reveal_bias_correction(...)
    assert "guess" in asked.data and not hasattr(asked, "savefig")
    k = np.arange(1, 61)
    closed = (1 - 0.9 ** k) / (np.sqrt(1 - 0.999 ** k) + 1e-8)
    assert np.allclose(uncorrected_steps(60), closed, rtol=1e-9)
    assert 3.1 < closed[0] < 3.2 and 6.5 < closed[9] < 6.7
    assert hasattr(reveal_bias_correction((3, 6.0)), "savefig")
