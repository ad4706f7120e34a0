"""lrlessons.lr_find / lr_find_keras: the range test on a learner's own model.

The reading rules on curves whose answer is worked out by hand from fastai's documented rules;
the sweep on least squares, where plain gradient descent diverges exactly above lr = 2 / L (L the
largest eigenvalue of the loss's Hessian, computed here by torch.linalg); a model the course does
not use (a small CNN with BatchNorm and dropout) left exactly as it was, also after NaN, an error
or Ctrl-C; the Keras counterpart against the same least squares and for its own restore. No test
reads a chaotic run's digits: least squares below 2 / L is a contraction, and the bounds on the
stop have margins."""

from __future__ import annotations

import copy
import math
import random

import numpy as np
import pytest
import torch
from torch import nn

import lrlessons
from lrlessons import lr_finder as F
from lrlessons.i18n import use_language
from tests.assertions import assert_bilingual

# --- the smoothing and the rules on known curves -------------------------------------------------


def test_ema_is_the_debiased_weighted_mean_of_the_past():
    """s_i = sum_j (1 - b) b^(i-j) loss_j / (1 - b^i): computed here as one weighted mean."""
    losses = np.random.default_rng(0).uniform(0.5, 2.0, 40)
    for beta in (0.0, 0.5, 0.98):
        expected = []
        for i in range(1, len(losses) + 1):
            w = (1 - beta) * beta ** np.arange(i - 1, -1, -1.0)
            expected.append(float(np.dot(w, losses[:i]) / w.sum()))
        np.testing.assert_allclose(F.ema(losses, beta), expected, rtol=1e-12)
    np.testing.assert_allclose(F.ema(np.full(20, 0.3), 0.98), 0.3)  # debiased: no pull to 0
    np.testing.assert_array_equal(F.ema(losses, 0.0), losses)


def test_the_sweep_goes_from_start_to_end():
    exp = F.sweep_lrs(1e-5, 1.0, 11)
    np.testing.assert_allclose(exp, np.geomspace(1e-5, 1.0, 11), rtol=1e-12)
    np.testing.assert_allclose(F.sweep_lrs(0.1, 2.0, 20, "linear"), np.linspace(0.1, 2.0, 20))


LRS = np.geomspace(1e-4, 1.0, 41)  # 10 points a decade


def test_steep_is_the_left_end_of_the_steepest_segment():
    # Slopes against ln(lr): -1 between points 10 and 20, -3 between 20 and 25, then flat.
    x = np.log(LRS)
    loss = np.full(41, 5.0)
    loss[10:21] = 5.0 - (x[10:21] - x[10])
    loss[20:26] = loss[20] - 3 * (x[20:26] - x[20])
    loss[26:] = loss[25]
    lr, i = F.steep(LRS, loss)
    assert i == 20 and lr == LRS[20]


def test_minimum_is_a_tenth_of_the_lowest_loss_lr():
    loss = 1.0 + (np.log10(LRS) + 2.0) ** 2  # lowest at lr 1e-2, point 20
    lr, i = F.minimum(LRS, loss)
    assert i == 20 and lr == pytest.approx(1e-3, rel=1e-12)


def test_valley_half_way_down_the_longest_descent():
    # Flat at 1.0 for points 0-9, strictly down from 1.0 (point 10) to 0.1 (point 40)... with 41
    # points the descent is points 10-40: 31 points. No flat point is above 1.0, so the longest
    # decreasing run has m = 31 and ends at e = 40: b = 9, p = 31 / 3, index 9 + 10 + 5 = 24.
    loss = np.concatenate([np.ones(10), np.linspace(1.0, 0.1, 31)])
    lr, i = F.valley(LRS, loss)
    assert i == 24 and lr == LRS[24]
    # The same descent, then a rise: the rise's points end shorter runs, the answer stays.
    rising = np.concatenate([loss, np.linspace(0.2, 3.0, 10)])
    assert F.valley(np.geomspace(1e-4, 10.0, 51), rising)[1] == 24


def test_valley_skips_a_bump_inside_the_descent():
    # Down from 1.0 over points 0-29 with point 12 bumped above its neighbours: the longest
    # strictly decreasing subsequence skips it (m = 29, e = 29): b = 0, p = 29 / 3, index
    # 0 + 9 + 4 = 13. A contiguous run would have stopped at the bump.
    loss = np.linspace(1.0, 0.1, 30)
    loss[12] = loss[10] + 0.001
    lrs = np.geomspace(1e-3, 1.0, 30)
    assert F.valley(lrs, loss)[1] == 13


def test_valley_of_a_descent_from_the_first_point():
    # Strictly decreasing from point 0 to 11: m = 12, e = 11, b = -1, p = 4: index -1 + 4 + 2.
    loss = np.linspace(1.0, 0.5, 12)
    assert F.valley(np.geomspace(1e-3, 1.0, 12), loss)[1] == 5


def test_the_rules_read_the_trimmed_curve():
    lrs = np.geomspace(1e-4, 1.0, 100)
    smoothed = np.linspace(2.0, 1.0, 100)
    smoothed[60] = np.nan
    kept_lrs, kept = F.readable(lrs, smoothed, num_steps=100)
    np.testing.assert_array_equal(kept_lrs, lrs[10:60])  # first 100 // 10 dropped, cut at NaN
    smoothed[60] = 0.9
    assert len(F.readable(lrs, smoothed, num_steps=100)[0]) == 85  # and the last 5 dropped
    s = F.suggestions(lrs, smoothed, num_steps=100)
    assert set(s) == {"valley", "steep", "minimum"}
    assert s["minimum"] == pytest.approx(lrs[60] / 10)  # the lowest of the kept points


def test_too_short_a_curve_is_a_clear_error():
    with pytest.raises(ValueError) as info:
        F.suggestions(np.geomspace(1e-3, 1.0, 8), np.linspace(1, 0, 8), num_steps=100)
    assert_bilingual(info, "too short to read", "lower start_lr", "扫描太短")


# --- least squares: gradient descent diverges above lr = 2 / L ------------------------------------


def least_squares(seed: int = 0, n: int = 64, d: int = 8):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g)
    y = x @ torch.randn(d, 1, generator=g)
    # Hessian of mean((xw - y)^2): 2 x^T x / n. Plain GD diverges iff lr > 2 / its largest
    # eigenvalue.
    top = 2 * torch.linalg.eigvalsh(x.T @ x / n).max().item()
    torch.manual_seed(seed)
    model = nn.Linear(d, 1, bias=False)
    return model, x, y, 2 / top


def test_each_lr_is_paired_with_the_loss_after_its_step():
    """The first steps by hand: w <- w - lr * grad with the sweep's lrs, the loss after each."""
    model, x, y, _ = least_squares()
    w = model.weight.detach().clone().T
    result = lrlessons.lr_find(model, torch.optim.SGD(model.parameters()),
                               nn.functional.mse_loss, [(x, y)], start_lr=1e-3, end_lr=1.0,
                               num_steps=50)
    mine = []
    for lr in result.lrs[:6]:
        grad = 2 * x.T @ (x @ w - y) / len(x)
        w = w - lr * grad
        mine.append(float(((x @ w - y) ** 2).mean()))
    np.testing.assert_allclose(result.losses[:6], mine, rtol=1e-5)
    assert result.start_loss == pytest.approx(nn.functional.mse_loss(model(x), y).item())


@pytest.mark.parametrize("beta, most", [(0.0, 2.0), (0.98, 4.0)])
def test_the_sweep_stops_just_above_two_over_l(beta, most):
    """Below 2 / L every step shrinks the loss (and so its moving average): the sweep cannot stop
    there. Above it the loss grows geometrically; it stops within a factor 2 (raw loss; measured
    1.43) or 4 (fastai's smoothing, which lags; measured 3.2). Every rule suggests less than 2/L."""
    model, x, y, limit = least_squares()
    result = lrlessons.lr_find(model, torch.optim.SGD(model.parameters()),
                               nn.functional.mse_loss, [(x, y)], start_lr=1e-4, end_lr=10.0,
                               num_steps=200, beta=beta)
    assert result.stopped
    assert limit < result.lrs[-1] < most * limit
    assert result.smoothed[-1] > 4 * np.min(result.smoothed[:-1])
    assert np.all(np.diff(result.smoothed[result.lrs < limit]) <= 0)
    assert all(lr < limit for lr in result.suggestions.values()), result.suggestions
    assert result.suggestion == result.suggestions["minimum"]
    assert result.suggested == float(f"{result.suggestion:.1g}")


def test_a_linear_sweep_stops_there_too():
    model, x, y, limit = least_squares()
    result = lrlessons.lr_find(model, torch.optim.SGD(model.parameters()),
                               nn.functional.mse_loss, [(x, y)], start_lr=0.01, end_lr=2.0,
                               num_steps=200, mode="linear", beta=0.0)
    np.testing.assert_allclose(np.diff(result.lrs), (2.0 - 0.01) / 199)
    assert result.stopped and limit < result.lrs[-1] < 2 * limit


def test_without_a_stop_factor_only_a_non_finite_loss_ends_it():
    """A loss that explodes: lr up to 1e12 on least squares overflows float32; the sweep ends at
    the first infinite or NaN loss, the curve keeps it, the model comes back untouched."""
    model, x, y, limit = least_squares()
    before = model.weight.detach().clone()
    result = lrlessons.lr_find(model, torch.optim.SGD(model.parameters()),
                               nn.functional.mse_loss, [(x, y)], start_lr=1e-4, end_lr=1e12,
                               num_steps=400, diverge_factor=None)
    assert result.stopped and not np.isfinite(result.losses[-1])
    assert np.all(np.isfinite(result.losses[:-1])) and result.lrs[-1] > limit
    assert torch.equal(model.weight, before)
    assert all(lr < limit for lr in result.suggestions.values())


# --- a model the course does not use: state restored exactly -------------------------------------


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(4 * 8 * 8, 3)

    def forward(self, x):
        return self.head(self.drop(torch.relu(self.bn(self.conv(x)))).flatten(1))


def cnn_setup(optimizer: str = "adam"):
    torch.manual_seed(1)
    model = SmallCNN()
    data = torch.utils.data.TensorDataset(torch.randn(40, 1, 8, 8), torch.randint(0, 3, (40,)))
    loader = torch.utils.data.DataLoader(data, batch_size=10, shuffle=True)  # 4 batches
    opt = torch.optim.Adam(model.parameters(), lr=3e-3) if optimizer == "adam" else \
        torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    for xb, yb in loader:  # some optimizer state and BatchNorm statistics to restore
        opt.zero_grad()
        nn.functional.cross_entropy(model(xb), yb).backward()
        opt.step()
    nn.functional.cross_entropy(model(xb), yb).backward()  # gradients left in .grad
    model.eval()  # a mode to restore
    return model, opt, loader


def state(model, opt):
    return (copy.deepcopy(model.state_dict()),
            {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()},
            [m.training for m in model.modules()], copy.deepcopy(opt.state_dict()))


def assert_same(a, b):
    """Equal bitwise, tensors anywhere inside dicts and lists."""
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and torch.equal(a, b), (a, b)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for u, v in zip(a, b):
            assert_same(u, v)
    else:
        assert a == b, (a, b)


def random_draws():
    return torch.rand(4), np.random.rand(4), random.random()


def assert_restored(model, opt, before, rng_after) -> None:
    assert_same(state(model, opt), before)
    torch_draw, np_draw, py_draw = random_draws()
    assert torch.equal(torch_draw, rng_after[0])
    assert np.array_equal(np_draw, rng_after[1]) and py_draw == rng_after[2]


def expected_draws():
    """The next draws of the three generators, leaving them where they were."""
    states = torch.get_rng_state(), np.random.get_state(), random.getstate()
    draws = random_draws()
    torch.set_rng_state(states[0])
    np.random.set_state(states[1])
    random.setstate(states[2])
    return draws


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_a_cnn_with_batchnorm_comes_back_exactly(optimizer):
    model, opt, loader = cnn_setup(optimizer)
    twin_model = copy.deepcopy(model)
    twin_opt = type(opt)(twin_model.parameters())
    twin_opt.load_state_dict(copy.deepcopy(opt.state_dict()))  # Adam updates its state in place
    before, draws = state(model, opt), expected_draws()
    calls = []

    def loss_fn(out, yb):  # one that draws from numpy's and Python's generators too
        calls.append(1)
        return nn.functional.cross_entropy(out, yb) * (1 + 0 * np.random.rand() * random.random())

    result = lrlessons.lr_find(model, opt, loss_fn, loader, start_lr=1e-5, end_lr=1e-2,
                               num_steps=30, diverge_factor=None)
    assert len(calls) == 31 and len(result.lrs) == 30  # 4 batches a pass, cycled: 30 steps + 1
    assert_restored(model, opt, before, draws)
    # And it trains on as the untouched twin does: the optimizer's state was all there.
    for m, o in ((model, opt), (twin_model, twin_opt)):
        m.train()
        torch.manual_seed(5)
        for xb, yb in loader:
            o.zero_grad()
            nn.functional.cross_entropy(m(xb), yb).backward()
            o.step()
    assert_same(model.state_dict(), twin_model.state_dict())


def test_a_dataloaders_own_generator_is_restored():
    model, opt, _ = cnn_setup("sgd")
    data = torch.utils.data.TensorDataset(torch.randn(40, 1, 8, 8), torch.randint(0, 3, (40,)))
    gen = torch.Generator().manual_seed(3)
    loader = torch.utils.data.DataLoader(data, batch_size=10, shuffle=True, generator=gen)
    saved = gen.get_state()
    lrlessons.lr_find(model, opt, nn.functional.cross_entropy, loader, num_steps=12)
    assert torch.equal(gen.get_state(), saved)


def failing_loss(at: int, how):
    calls = []

    def loss_fn(out, yb):
        calls.append(1)
        loss = nn.functional.cross_entropy(out, yb)
        if len(calls) == at:
            if how == "nan":
                return loss * float("nan")
            raise how("stopped by the test")
        return loss

    return loss_fn


def test_a_nan_mid_sweep_ends_it_and_restores():
    model, opt, loader = cnn_setup()
    before, draws = state(model, opt), expected_draws()
    result = lrlessons.lr_find(model, opt, failing_loss(7, "nan"), loader, start_lr=1e-5,
                               end_lr=1e-2, num_steps=40)
    assert result.stopped and len(result.losses) == 6 and math.isnan(result.losses[-1])
    assert_restored(model, opt, before, draws)


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_an_error_or_ctrl_c_mid_sweep_restores(error):
    model, opt, loader = cnn_setup()
    before, draws = state(model, opt), expected_draws()
    with pytest.raises(error, match="stopped by the test"):
        lrlessons.lr_find(model, opt, failing_loss(9, error), loader, num_steps=40)
    assert_restored(model, opt, before, draws)


def test_a_generator_is_replayed_when_it_runs_out():
    model, x, y, _ = least_squares()
    seen = []

    def loss_fn(out, yb):
        seen.append(int(yb[0, 0] * 1e4))
        return nn.functional.mse_loss(out, yb)

    parts = [(x[i::3], y[i::3]) for i in range(3)]
    lrlessons.lr_find(model, torch.optim.SGD(model.parameters()), loss_fn,
                      (p for p in parts), start_lr=1e-4, end_lr=1e-2, num_steps=10)
    first = [int(p[1][0, 0] * 1e4) for p in parts]
    assert seen == (first * 4)[:11]


# --- bad input -------------------------------------------------------------------------------------


def sgd_model():
    model = nn.Linear(2, 1)
    return model, torch.optim.SGD(model.parameters(), lr=0.1)


XY = [(torch.zeros(4, 2), torch.zeros(4, 1))]


@pytest.mark.parametrize("kwargs, fragments", [
    (dict(start_lr=1.0, end_lr=0.1), ["end_lr must be greater than start_lr", "start_lr=1",
                                      "end_lr 必须大于"]),
    (dict(start_lr=0.0), ["start_lr must be in (0, inf), got 0", "start_lr 必须在"]),
    (dict(num_steps=1), ["num_steps must be in [10, 10000], got 1", "num_steps 必须在"]),
    (dict(mode="cosine"), ["mode must be one of {'exp', 'linear'}, got 'cosine'", "mode 必须是"]),
    (dict(beta=1.0), ["beta must be in [0, 1), got 1", "beta 必须在"]),
    (dict(diverge_factor=1.0), ["diverge_factor must be in (1, inf), got 1"]),
])
def test_bad_settings_are_refused_in_both_languages(kwargs, fragments):
    model, opt = sgd_model()
    with pytest.raises(ValueError) as info:
        lrlessons.lr_find(model, opt, nn.functional.mse_loss, XY, **kwargs)
    assert_bilingual(info, *fragments)


@pytest.mark.parametrize("batches", [[], torch.utils.data.DataLoader([]), iter([])],
                         ids=["list", "DataLoader", "generator"])
def test_empty_batches_are_refused(batches):
    model, opt = sgd_model()
    with pytest.raises(ValueError) as info:
        lrlessons.lr_find(model, opt, nn.functional.mse_loss, batches)
    assert_bilingual(info, "batches must hold at least 1 (x, y) batch", "是空的")


def test_a_non_finite_start_is_refused_and_nothing_changes():
    model, opt = sgd_model()
    before, draws = state(model, opt), expected_draws()
    bad = [(torch.full((4, 2), float("nan")), torch.zeros(4, 1))]
    with pytest.raises(ValueError) as info:
        lrlessons.lr_find(model, opt, nn.functional.mse_loss, bad)
    assert_bilingual(info, "on the first batch, before any step, gave nan", "必须是有限的数")
    assert_restored(model, opt, before, draws)


@pytest.mark.parametrize("call, fragments", [
    (lambda m, o: lrlessons.lr_find("model", o, nn.functional.mse_loss, XY),
     ["model must be a torch.nn.Module, got str"]),
    (lambda m, o: lrlessons.lr_find(m, torch.optim.SGD(nn.Linear(2, 1).parameters()),
                                    nn.functional.mse_loss, XY),
     ["optimizer holds none of model's parameters"]),
    (lambda m, o: lrlessons.lr_find(m, o, nn.MSELoss(reduction="none"), XY),
     ["loss_fn must return one number", "(4, 1)", "reduction='mean'"]),
    (lambda m, o: lrlessons.lr_find(m, o, nn.functional.mse_loss, [torch.zeros(3, 2)]),
     ["each item of batches must be a pair (x, y)"]),
    (lambda m, o: lrlessons.lr_find(m, o, nn.functional.mse_loss, 5),
     ["batches must be an iterable of (x, y) pairs", "got int"]),
])
def test_wrong_objects_are_refused(call, fragments):
    model, opt = sgd_model()
    with pytest.raises((TypeError, ValueError)) as info:
        call(model, opt)
    assert_bilingual(info, *fragments)


# --- the figure --------------------------------------------------------------------------------------


def test_the_figure_marks_every_rule_and_the_suggestion():
    model, x, y, _ = least_squares()
    result = lrlessons.lr_find(model, torch.optim.SGD(model.parameters()),
                               nn.functional.mse_loss, [(x, y)], start_lr=1e-4, end_lr=10.0)
    texts = [t.get_text() for t in result.plot().axes[0].get_legend().get_texts()]
    for name in ("valley", "steepest descent", "minimum / 10",
                 f"suggested (minimum) ≈ {result.suggested:g}"):
        assert any(name in t for t in texts), (name, texts)
    use_language("zh")
    try:
        texts = [t.get_text() for t in lrlessons.plot_lr_find(result).axes[0].get_legend()
                 .get_texts()]
        assert any("下降最陡处" in t for t in texts) and any("建议值" in t for t in texts)
    finally:
        use_language("en")


# --- Keras 3 -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keras():
    from lrlessons.keras_bridge import _keras

    return _keras()


def test_keras_sweeps_least_squares_as_torch_does(keras):
    """The same least squares, the same plain SGD, in Keras: the same losses while the steps
    contract (below 2 / L), the stop above 2 / L within the same factor."""
    model, x, y, limit = least_squares()
    k = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(1, use_bias=False)])
    k.layers[0].kernel.assign(model.weight.detach().numpy().T)
    k.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    batches = [(x.numpy(), y.numpy())]
    settings = dict(start_lr=1e-4, end_lr=10.0, num_steps=200)
    ours = lrlessons.lr_find_keras(k, batches, **settings)
    theirs = lrlessons.lr_find(model, torch.optim.SGD(model.parameters()),
                               nn.functional.mse_loss, [(x, y)], **settings)
    below = int(np.sum(theirs.lrs < limit))
    np.testing.assert_allclose(ours.lrs, theirs.lrs[:len(ours.lrs)])
    np.testing.assert_allclose(ours.losses[:below], theirs.losses[:below], rtol=1e-3, atol=1e-9)
    assert ours.stopped and limit < ours.lrs[-1] < 4 * limit
    assert ours.start_loss == pytest.approx(theirs.start_loss, rel=1e-5)


def keras_variables(model):
    return [np.array(v.numpy(), copy=True) for v in
            [*model.variables, *model.optimizer.variables]]


def test_keras_comes_back_exactly(keras):
    keras.utils.set_random_seed(2)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.Dropout(0.3),
                              keras.layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(0)
    data = [(rng.normal(size=(16, 6)).astype("float32"), rng.integers(0, 3, 16))
            for _ in range(3)]

    class Augmented:
        """A learner's data pipeline that draws from every global generator."""

        def __iter__(self):
            for xb, yb in data:
                noise = np.random.normal(0, 0.01, xb.shape) * random.random()
                yield (xb + noise + 0.01 * torch.rand(xb.shape).numpy()).astype("float32"), yb

    batches = Augmented()
    model.train_on_batch(*data[0])  # Adam's moments, BatchNorm's statistics, the seed state
    before, draws = keras_variables(model), expected_draws()
    lr_before = float(model.optimizer.learning_rate)
    result = lrlessons.lr_find_keras(model, batches, start_lr=1e-5, end_lr=100.0, num_steps=30)
    assert len(result.lrs) >= 10
    after = keras_variables(model)
    assert len(after) == len(before) and all(np.array_equal(a, b) for a, b in zip(after, before))
    assert float(model.optimizer.learning_rate) == lr_before
    assert torch.equal(torch.rand(4), draws[0]) and np.array_equal(np.random.rand(4), draws[1])
    assert random.random() == draws[2]


def test_keras_restores_on_an_error(keras):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="mse")

    def batches():
        for _ in range(5):
            yield np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
        raise KeyboardInterrupt("stopped by the test")

    model.optimizer.build(model.trainable_variables)
    before = keras_variables(model)
    with pytest.raises(KeyboardInterrupt):
        lrlessons.lr_find_keras(model, batches(), num_steps=20)
    assert all(np.array_equal(a, b) for a, b in zip(keras_variables(model), before))


def test_keras_refusals(keras):
    bare = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError) as info:
        lrlessons.lr_find_keras(bare, XY)
    assert_bilingual(info, "model must be compiled first", "必须先编译")
    scheduled = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    scheduled.compile(optimizer=keras.optimizers.SGD(
        keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)), loss="mse")
    with pytest.raises(ValueError) as info:
        lrlessons.lr_find_keras(scheduled, XY)
    assert_bilingual(info, "learning_rate must be a number", "必须是一个数")
    with pytest.raises(ValueError) as info:
        lrlessons.lr_find_keras(scheduled, XY, start_lr=2.0, end_lr=1.0)
    assert_bilingual(info, "end_lr must be greater than start_lr")


def test_the_benchmark_runs(monkeypatch, capsys):
    """benchmarks/bench_lr_find.py once, its sizes cut down (its figures are read, not asserted)."""
    from tests.test_benchmarks import load

    bench = load("bench_lr_find")
    for name, value in (("SEEDS", 1), ("BETAS", (0.98,)), ("EPOCHS", 1), ("NUM_STEPS", 30)):
        monkeypatch.setattr(bench, name, value)
    bench.main()
    out = capsys.readouterr().out
    assert all(f"{i}. " in out for i in range(1, 5)) and "minimum" in out


def test_the_public_names_stay_functions():
    """The module is lr_finder, not lr_find: importing it must not shadow lrlessons.lr_find."""
    import lrlessons.lr_finder  # noqa: F401

    assert callable(lrlessons.lr_find) and lrlessons.lr_find is F.lr_find
    assert lrlessons.lr_find_keras is F.lr_find_keras and callable(lrlessons.plot_lr_find)


def test_keras_refuses_a_non_finite_start_and_restores(keras):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="mse")
    model.optimizer.build(model.trainable_variables)
    before = keras_variables(model)
    bad = [(np.full((4, 2), np.nan, "float32"), np.zeros((4, 1), "float32"))]
    with pytest.raises(ValueError) as info:
        lrlessons.lr_find_keras(model, bad)
    assert_bilingual(info, "before any step, gave nan", "必须是有限的数")
    assert all(np.array_equal(a, b, equal_nan=True)
               for a, b in zip(keras_variables(model), before))
