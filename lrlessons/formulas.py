"""Closed forms of every schedule in the catalogue, as pure numpy functions of the step.

Each function takes ``t`` (an int64 array of step counts: element ``t`` is the learning rate after
``t`` calls of ``scheduler.step()``), the base learning rate and the schedule's own, already
validated, parameters, and returns a float64 array. No torch, no keras: these are the reference
the framework bridges are tested against.

Where torch computes a value recursively (``lr * ratio``) the closed form here is the value the
recursion telescopes to; the tests hold the two together to 1e-9 relative.
"""

from __future__ import annotations

import math

import numpy as np

# --- PyTorch ------------------------------------------------------------------------------------


def lambda_lr(t, base_lr, lr_lambda):
    # A user function can be anything: call it per step, as torch does.
    return base_lr * np.fromiter((lr_lambda(int(i)) for i in t), float, len(t))


def multiplicative_lr(t, base_lr, lr_lambda):
    # torch multiplies the running lr by lr_lambda(t) for t >= 1; cumprod multiplies in the same
    # order, so the result is bit-identical.
    last = int(t.max()) if len(t) else 0
    factors = np.fromiter((lr_lambda(i) if i else base_lr for i in range(last + 1)), float, last + 1)
    return np.cumprod(factors)[t]


def step_lr(t, base_lr, step_size, gamma):
    return base_lr * gamma ** (t // step_size)


def multi_step_lr(t, base_lr, milestones, gamma):
    # A milestone m means: from step m on, one more factor of gamma.
    return base_lr * gamma ** np.searchsorted(np.asarray(milestones), t, side="right")


def constant_lr(t, base_lr, factor, total_iters):
    return base_lr * np.where(t < total_iters, factor, 1.0)


def linear_lr(t, base_lr, start_factor, end_factor, total_iters):
    done = np.minimum(t, total_iters) / total_iters
    return base_lr * (start_factor + (end_factor - start_factor) * done)


def exponential_lr(t, base_lr, gamma):
    return base_lr * gamma ** t.astype(float)


def polynomial_lr(t, base_lr, total_iters, power):
    return base_lr * (1.0 - np.minimum(t, total_iters) / total_iters) ** power


def cosine_annealing_lr(t, base_lr, T_max, eta_min):
    # torch's recursive form follows this curve past T_max too: it rises again, period 2*T_max.
    return eta_min + (base_lr - eta_min) * (1 + np.cos(np.pi * t / T_max)) / 2


def cosine_annealing_chain_step(t, lr, base_lr, T_max, eta_min):
    """Step ``t`` of torch's CosineAnnealingLR.get_lr, its chainable form, from the running lr
    ``lr`` (which other schedules of a chain may have moved): it scales lr - eta_min by the
    cosine's ratio, except one step past each trough, where the ratio would divide by zero and
    torch adds a fixed amount instead (so a chain's other factors restart from there)."""
    if (t - 1 - T_max) % (2 * T_max) == 0:
        return lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
    return ((1 + math.cos(math.pi * t / T_max)) / (1 + math.cos(math.pi * (t - 1) / T_max))
            * (lr - eta_min) + eta_min)


def cosine_annealing_warm_restarts(t, base_lr, T_0, T_mult, eta_min):
    if T_mult == 1:
        t_cur, t_i = t % T_0, np.full(t.shape, T_0)
    else:
        # Integer cycle starts 0, T_0, T_0(1+m), ... avoid the float log torch's step(epoch) uses.
        starts, length = [0], T_0
        last = int(t.max()) if len(t) else 0
        while starts[-1] <= last:
            starts.append(starts[-1] + length)
            length *= T_mult
        starts = np.asarray(starts, dtype=np.int64)
        cycle = np.searchsorted(starts, t, side="right") - 1
        t_cur, t_i = t - starts[cycle], T_0 * np.int64(T_mult) ** cycle
    return eta_min + (base_lr - eta_min) * (1 + np.cos(np.pi * t_cur / t_i)) / 2


def cyclic_lr(t, base_lr, max_lr, step_size_up, step_size_down, mode, gamma, **_momentum):
    up = float(step_size_up)
    down = float(step_size_down) if step_size_down is not None else up
    total = up + down
    ratio = up / total
    cycle = np.floor(1 + t / total)
    x = 1.0 + t / total - cycle
    scale = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
    height = (max_lr - base_lr) * scale
    if mode == "triangular":
        return base_lr + height * 1.0
    if mode == "triangular2":
        return base_lr + height * (1 / 2.0 ** (cycle - 1))
    return base_lr + height * gamma ** t.astype(float)  # exp_range scales by iteration


def one_cycle_phases(max_lr, total_steps, pct_start, div_factor, final_div_factor, three_phase):
    """The (end_step, start_lr, end_lr) phases OneCycleLR walks through, exactly as torch builds
    them."""
    initial = max_lr / div_factor
    floor = initial / final_div_factor
    warm = float(pct_start * total_steps) - 1
    if three_phase:
        return [
            (warm, initial, max_lr),
            (float(2 * pct_start * total_steps) - 2, max_lr, initial),
            (total_steps - 1, initial, floor),
        ]
    return [(warm, initial, max_lr), (total_steps - 1, max_lr, floor)]


def one_cycle_lr(t, base_lr, max_lr, total_steps, epochs, steps_per_epoch, pct_start,
                 anneal_strategy, div_factor, final_div_factor, three_phase, **_momentum):
    total = total_steps if total_steps is not None else epochs * steps_per_epoch
    phases = one_cycle_phases(max_lr, total, pct_start, div_factor, final_div_factor, three_phase)
    out = np.empty(t.shape, float)
    start_step, todo = 0.0, np.ones(t.shape, bool)
    for i, (end_step, lr_from, lr_to) in enumerate(phases):
        here = todo & ((t <= end_step) | (i == len(phases) - 1))
        pct = (t[here] - start_step) / (end_step - start_step)
        if anneal_strategy == "cos":
            out[here] = lr_to + (lr_from - lr_to) / 2.0 * (np.cos(np.pi * pct) + 1)
        else:
            out[here] = (lr_to - lr_from) * pct + lr_from
        todo &= ~here
        start_step = end_step
    return out


def reduce_lr_on_plateau(t, base_lr, metrics, mode, factor, patience, threshold, threshold_mode,
                         cooldown, min_lr, eps):
    # Driven by data, not by the step: a short loop over the metrics, torch's rules verbatim.
    best = math.inf if mode == "min" else -math.inf
    bad = cool = 0
    lr = base_lr
    out = np.empty(len(t), float)
    for i in range(len(t)):
        out[i] = lr
        if i == len(t) - 1:
            break
        a = float(metrics[i])
        if mode == "min":
            better = a < best * (1.0 - threshold) if threshold_mode == "rel" else a < best - threshold
        else:
            better = a > best * (threshold + 1.0) if threshold_mode == "rel" else a > best + threshold
        if better:
            best, bad = a, 0
        else:
            bad += 1
        if cool > 0:
            cool -= 1
            bad = 0
        if bad > patience:
            new = max(lr * factor, min_lr)
            if lr - new > eps:
                lr = new
            cool, bad = cooldown, 0
    return out


def sequential_lr(t, base_lr, schedulers, milestones, curve_of):
    """schedulers: resolved [(spec, params)]; each segment restarts its schedule at step 0."""
    out = np.empty(t.shape, float)
    seg = np.searchsorted(np.asarray(milestones, dtype=np.int64), t, side="right")
    starts = [0, *milestones]
    for i, (spec, params) in enumerate(schedulers):
        here = seg == i
        if here.any():
            out[here] = curve_of(spec, t[here] - starts[i], base_lr, params)
    return out


def chained_scheduler(t, base_lr, schedulers, curve_of):
    """torch steps every member in turn on the shared lr. A member that multiplies the running lr
    (no ``chain_step``) contributes its factor; while all do, the chain is base_lr times each
    member's factor. A member with a ``chain_step`` (CosineAnnealingLR) moves the lr its own way,
    so the chain is followed step by step, in member order, as torch does."""
    if not any(spec.chain_step for spec, _ in schedulers):
        out = np.full(t.shape, float(base_lr))
        for spec, params in schedulers:
            out *= curve_of(spec, t, 1.0, params)
        return out
    last = int(t.max()) if len(t) else 0
    every = np.arange(last + 1, dtype=np.int64)
    factors = [None if spec.chain_step else curve_of(spec, every, 1.0, params)
               for spec, params in schedulers]
    lr = float(base_lr) * math.prod(float(f[0]) for f in factors if f is not None)
    out = np.empty(last + 1)
    out[0] = lr
    for k in range(1, last + 1):
        for (spec, params), f in zip(schedulers, factors):
            if f is None:
                lr = spec.chain_step(k, lr, base_lr, **params)
            elif f[k - 1] != 0:  # a factor that reached 0 stays there: torch leaves the lr
                lr = lr * (f[k] / f[k - 1])
        out[k] = lr
    return out[t]


# --- PaddlePaddle (paddle.optimizer.lr) -----------------------------------------------------------


def piecewise_decay(t, base_lr, boundaries, values):
    # values are absolute learning rates; Paddle's PiecewiseDecay has no base learning rate.
    return np.asarray(values, float)[np.searchsorted(np.asarray(boundaries), t, side="right")]


def natural_exp_decay(t, base_lr, gamma):
    return base_lr * np.exp(-gamma * t.astype(float))


def inverse_time_decay(t, base_lr, gamma):
    return base_lr / (1 + gamma * t.astype(float))


def polynomial_decay(t, base_lr, decay_steps, end_lr, power, cycle):
    t = t.astype(float)
    if cycle:
        span = decay_steps * np.where(t == 0, 1.0, np.ceil(t / decay_steps))
    else:
        span, t = float(decay_steps), np.minimum(t, decay_steps)
    return (base_lr - end_lr) * (1 - t / span) ** power + end_lr


def noam_decay(t, base_lr, d_model, warmup_steps):
    t = t.astype(float)
    a = np.where(t == 0, 1.0, np.maximum(t, 1.0) ** -0.5)
    b = warmup_steps ** -1.5 * t
    return base_lr * d_model ** -0.5 * np.minimum(a, b)


def linear_warmup(t, base_lr, warmup_steps, start_lr, end_lr):
    ramp = (end_lr - start_lr) * t.astype(float) / float(warmup_steps) + start_lr
    return np.where(t < warmup_steps, ramp, base_lr)


# --- Hugging Face transformers (transformers.optimization) ----------------------------------------


def _warmup_ramp(t, num_warmup_steps):
    return t.astype(float) / float(max(1, num_warmup_steps))


def warmup_linear(t, base_lr, num_warmup_steps, num_training_steps):
    decay = np.maximum(0.0, (num_training_steps - t).astype(float)
                       / float(max(1, num_training_steps - num_warmup_steps)))
    return base_lr * np.where(t < num_warmup_steps, _warmup_ramp(t, num_warmup_steps), decay)


def warmup_cosine(t, base_lr, num_warmup_steps, num_training_steps, num_cycles):
    progress = (t - num_warmup_steps).astype(float) / float(
        max(1, num_training_steps - num_warmup_steps))
    decay = np.maximum(0.0, 0.5 * (1.0 + np.cos(np.pi * float(num_cycles) * 2.0 * progress)))
    return base_lr * np.where(t < num_warmup_steps, _warmup_ramp(t, num_warmup_steps), decay)


def inverse_sqrt(t, base_lr, num_warmup_steps, timescale):
    if timescale is None:
        timescale = num_warmup_steps or 10_000
    shift = timescale - num_warmup_steps
    # Only steps past the warmup reach the square root, where t + shift >= timescale > 0.
    decay = 1.0 / np.sqrt(np.maximum(t + shift, timescale) / timescale)
    return base_lr * np.where(t < num_warmup_steps, _warmup_ramp(t, num_warmup_steps), decay)


def _warm(kind, p):
    if kind == "linear":
        return p
    if kind == "cosine":
        return 0.5 * (1.0 - np.cos(np.pi * p))
    return 1.0 - np.sqrt(1.0 - p)  # "1-sqrt"


def _decay(kind, p, num_cycles):
    if kind == "linear":
        return 1.0 - p
    if kind == "cosine":
        return 0.5 * (1.0 + np.cos(np.pi * float(num_cycles) * 2.0 * p))
    return 1.0 - np.sqrt(p)  # "1-sqrt"


def warmup_stable_decay(t, base_lr, num_warmup_steps, num_stable_steps, num_decay_steps,
                        decay_type, min_lr_ratio, warmup_type, num_cycles):
    w, s, d = num_warmup_steps, num_stable_steps, num_decay_steps
    tf = t.astype(float)
    # Clipped so that the branches np.select does not pick stay finite too.
    up = np.clip(tf / float(max(1, w)), 0.0, 1.0)
    down = np.clip((tf - w - s) / float(max(1, d)), 0.0, 1.0)
    floor = min_lr_ratio
    factor = np.select(
        [t < w, t < w + s, t < w + s + d],
        [np.maximum(0.0, _warm(warmup_type, up) * (1.0 - floor) + floor), 1.0,
         np.maximum(0.0, _decay(decay_type, down, num_cycles) * (1.0 - floor) + floor)],
        default=floor,
    )
    return base_lr * factor
