"""Hypothesis strategies: valid parameters for every catalogue entry, in the ranges that stress
the closed forms (past T_max, T_mult > 1, every CyclicLR mode, three_phase, plateau modes)."""

from __future__ import annotations

from hypothesis import strategies as st

gammas = st.floats(0.05, 1.0)
lrs = st.floats(1e-4, 2.0)


@st.composite
def increasing(draw, low=1, high=200, min_size=1, max_size=4):
    values = draw(st.lists(st.integers(low, high), min_size=min_size, max_size=max_size,
                           unique=True))
    return sorted(values)


def _lambda_factors():
    # Functions a learner writes: step-wise tables, power laws, warm-ups.
    return st.sampled_from([
        lambda t: 0.95 ** t,
        lambda t: 1.0 if t < 10 else (0.1 if t < 50 else 0.01),
        lambda t: min(1.0, (t + 1) / 8),
        lambda t: 1 / (1 + 0.05 * t),
    ])


@st.composite
def plateau(draw):
    n = draw(st.integers(10, 120))
    # Noisy losses with long flat stretches, so reductions, cooldowns and min_lr all happen.
    base = draw(st.lists(st.floats(0.1, 2.0), min_size=n, max_size=n))
    flat = draw(st.integers(1, 4))
    metrics = [round(v, flat) for v in base]
    return dict(metrics=metrics, mode=draw(st.sampled_from(["min", "max"])),
                factor=draw(st.floats(0.1, 0.9)), patience=draw(st.integers(0, 5)),
                threshold=draw(st.sampled_from([0.0, 1e-4, 0.01, 0.1])),
                threshold_mode=draw(st.sampled_from(["rel", "abs"])),
                cooldown=draw(st.integers(0, 4)),
                min_lr=draw(st.sampled_from([0.0, 1e-3, 0.02])), eps=1e-8), n + 1


@st.composite
def one_cycle(draw):
    total = draw(st.integers(4, 400))
    three = draw(st.booleans())
    lo = 1.5 / total
    hi = min(0.95, (total + 1) / (2 * total) - 1e-3) if three else 0.95
    pct = draw(st.floats(lo, max(lo, hi)))
    if three and 2 * pct * total - 2 >= total - 1 or pct * total <= 1:
        pct = 0.3 if total >= 10 else 0.5
        three = three and 2 * pct * total - 2 < total - 1
    params = dict(max_lr=draw(lrs), pct_start=pct, three_phase=three,
                  anneal_strategy=draw(st.sampled_from(["cos", "linear"])),
                  div_factor=draw(st.floats(1.0, 100.0)),
                  final_div_factor=draw(st.floats(1.0, 1e5)))
    if draw(st.booleans()):
        params["total_steps"] = total
    else:
        params.update(total_steps=None, epochs=1, steps_per_epoch=total)
    return params, total + 1


def chain_member():
    return st.one_of(
        st.builds(lambda f, n: ("ConstantLR", dict(factor=f, total_iters=n)),
                  st.floats(0.05, 1.0), st.integers(1, 20)),
        st.builds(lambda s, e, n: ("LinearLR", dict(start_factor=s, end_factor=e,
                                                    total_iters=n)),
                  st.floats(0.05, 1.0), st.floats(0.0, 1.0), st.integers(1, 30)),
        st.builds(lambda s, g: ("StepLR", dict(step_size=s, gamma=g)),
                  st.integers(1, 30), gammas),
        st.builds(lambda m, g: ("MultiStepLR", dict(milestones=m, gamma=g)), increasing(), gammas),
        st.builds(lambda g: ("ExponentialLR", dict(gamma=g)), st.floats(0.8, 1.0)),
        st.builds(lambda n, p: ("PolynomialLR", dict(total_iters=n, power=p)),
                  st.integers(1, 60), st.floats(0.2, 3.0)),
    )


def sequence_member():
    return st.one_of(
        chain_member(),
        st.builds(lambda n, e: ("CosineAnnealingLR", dict(T_max=n, eta_min=e)),
                  st.integers(1, 60), st.sampled_from([0.0, 1e-3])),
        st.builds(lambda n, m: ("CosineAnnealingWarmRestarts", dict(T_0=n, T_mult=m)),
                  st.integers(1, 20), st.integers(1, 3)),
        st.builds(lambda w, s: ("WarmupLinear", dict(num_warmup_steps=w, num_training_steps=w + s)),
                  st.integers(0, 20), st.integers(1, 60)),
    )


@st.composite
def sequential(draw):
    members = draw(st.lists(sequence_member(), min_size=2, max_size=3))
    milestones = draw(increasing(1, 80, len(members) - 1, len(members) - 1))
    return dict(schedulers=members, milestones=milestones), draw(st.integers(1, 160))


# name -> strategy of (params, steps)
PYTORCH = {
    "LambdaLR": st.tuples(st.builds(lambda f: dict(lr_lambda=f), _lambda_factors()),
                          st.integers(1, 120)),
    "MultiplicativeLR": st.tuples(
        st.builds(lambda f: dict(lr_lambda=f), st.sampled_from([
            lambda t: 0.95, lambda t: 0.5 if t % 10 == 0 else 1.0, lambda t: 1 - 1 / (t + 2)])),
        st.integers(1, 120)),
    "StepLR": st.tuples(st.builds(lambda s, g: dict(step_size=s, gamma=g), st.integers(1, 50),
                                  gammas), st.integers(1, 300)),
    "MultiStepLR": st.tuples(st.builds(lambda m, g: dict(milestones=m, gamma=g), increasing(),
                                       gammas), st.integers(1, 300)),
    "ConstantLR": st.tuples(st.builds(lambda f, n: dict(factor=f, total_iters=n),
                                      st.floats(0.01, 1.0), st.integers(1, 50)),
                            st.integers(1, 100)),
    "LinearLR": st.tuples(st.builds(lambda s, e, n: dict(start_factor=s, end_factor=e,
                                                         total_iters=n),
                                    st.floats(0.01, 1.0), st.floats(0.0, 1.0),
                                    st.integers(1, 80)), st.integers(1, 160)),
    "ExponentialLR": st.tuples(st.builds(lambda g: dict(gamma=g), st.floats(0.5, 1.0)),
                               st.integers(1, 300)),
    "PolynomialLR": st.tuples(st.builds(lambda n, p: dict(total_iters=n, power=p),
                                        st.integers(1, 100), st.floats(0.1, 5.0)),
                              st.integers(1, 200)),
    "CosineAnnealingLR": st.tuples(st.builds(lambda n, e: dict(T_max=n, eta_min=e),
                                             st.integers(1, 100), st.sampled_from([0.0, 1e-4,
                                                                                   0.01])),
                                   st.integers(1, 500)),  # past T_max: several periods
    "CosineAnnealingWarmRestarts": st.tuples(
        st.builds(lambda n, m, e: dict(T_0=n, T_mult=m, eta_min=e), st.integers(1, 30),
                  st.integers(1, 4), st.sampled_from([0.0, 1e-3])), st.integers(1, 400)),
    "CyclicLR": st.tuples(
        st.builds(lambda mx, up, down, mode, g: dict(max_lr=mx, step_size_up=up,
                                                     step_size_down=down, mode=mode, gamma=g),
                  lrs, st.integers(1, 40), st.one_of(st.none(), st.integers(1, 40)),
                  st.sampled_from(["triangular", "triangular2", "exp_range"]),
                  st.floats(0.9, 1.0)), st.integers(1, 300)),
    "OneCycleLR": one_cycle().flatmap(lambda pt: st.tuples(st.just(pt[0]),
                                                           st.integers(1, pt[1]))),
    "ReduceLROnPlateau": plateau(),
    "SequentialLR": sequential(),
    "ChainedScheduler": st.tuples(
        st.builds(lambda m: dict(schedulers=m), st.lists(chain_member(), min_size=1, max_size=3)),
        st.integers(1, 150)),
}
