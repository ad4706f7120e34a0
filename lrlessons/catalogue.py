"""The catalogue: one entry per schedule, and the functions that read it.

Each entry carries its titles, LaTeX formula with every symbol explained, parameters (enough to
validate a value and to build a slider), the step unit it is meant for, the line a learner writes
in each framework, and the closed form in ``lrlessons.formulas``. Lessons, widgets, framework
bridges and tests all read from here, so nothing about a schedule is written twice.
"""

from __future__ import annotations

import difflib
import math

import numpy as np

from . import formulas as F
from .i18n import LRLessonsError
from .params import Line, Param, Raw, Schedule, Symbol, Text, fail

# --- shared parameter and symbol definitions ------------------------------------------------------


# A decay's gamma stays in (0, 1] here: lrlessons' teaching range (PyTorch accepts gamma > 1,
# ExponentialLR keeps it for the LR range test). gamma <= 0 would give a zero or negative lr.
_DECAY_RANGE = Text("lrlessons keeps a decay's gamma in (0, 1]; PyTorch itself accepts gamma > 1, "
                    "which makes the learning rate grow",
                    "lrlessons 把衰减的 gamma 限制在 (0, 1]；PyTorch 本身接受 gamma > 1，"
                    "那样学习率会变大")


def _gamma(default, en="multiplicative decay factor", zh="衰减因子（每次下降时乘到学习率上）"):
    return Param("gamma", default, "float", en, zh, 0.0, 1.0, low_open=True, ui=(0.01, 1.0),
                 range_note=_DECAY_RANGE)


def _eta_min():
    return Param("eta_min", 0.0, "float", "floor the learning rate anneals down to",
                 "退火所到的最低学习率", 0.0, None, ui=(0.0, 0.05))


def _steps(name, default, en, zh, low=1, ui=(1, 200), optional=False, required=False):
    return Param(name, default, "int", en, zh, low, None, ui=ui, optional=optional,
                 required=required)


def _choice(name, default, choices, en, zh):
    return Param(name, default, "choice", en, zh, choices=tuple(choices))


def _momentum(name, default, en, zh):
    return Param(name, default, "float", en, zh, 0.0, 1.0)


def _lambda():
    return Param("lr_lambda", None, "callable", "function of the step count t returning a factor",
                 "以步数 t 为输入、返回因子的函数", required=True)


ETA0 = Symbol(r"\eta_0", "base learning rate (the optimizer's lr)", "初始学习率（优化器里设的 lr）")
ETA_T = Symbol(r"\eta_t", "learning rate after t calls of scheduler.step()",
               "调用 t 次 scheduler.step() 之后的学习率")
T_SYM = Symbol("t", "number of scheduler.step() calls so far", "到目前为止 scheduler.step() 的调用次数")
GAMMA = Symbol(r"\gamma", "decay factor", "衰减因子")
# Paddle's NaturalExpDecay and InverseTimeDecay call a rate gamma: not a factor applied per step.
RATE = Symbol(r"\gamma", "decay rate (gamma): a rate, not a factor per step",
              "衰减率（gamma）：是速率，不是每步乘的因子")
ETA_MIN = Symbol(r"\eta_{\min}", "lowest learning rate (eta_min)", "最低学习率（eta_min）")

EPOCH, ITER = "epoch", "iteration"
SCHEDULES: dict[str, Schedule] = {}


def _add(**kw) -> None:
    spec = Schedule(**kw)
    SCHEDULES[spec.name] = spec


# --- how the frameworks write an entry (see lrlessons.params.Line) ---------------------------------


def _code(**frameworks) -> dict[str, tuple[Line, ...]]:
    """framework -> its lines; a plain string is a line that holds for every parameter value."""
    out = {}
    for framework, lines in frameworks.items():
        lines = lines if isinstance(lines, tuple) else (lines,)
        out[framework] = tuple(Line(x) if isinstance(x, str) else x for x in lines)
    return out


def _paddle_gamma_below_one(template: str, cls: str) -> tuple[Line, ...]:
    # Paddle 3.3.1 refuses gamma >= 1.0 in its decays (ValueError in StepDecay and MultiStepDecay,
    # an assert in ExponentialDecay), so gamma = 1 (no decay) has no Paddle line.
    return (Line(template, when=lambda v: v["gamma"] < 1.0),
            Line(None, why=Text(f"Paddle's {cls} refuses gamma >= 1.0; gamma = 1 is no decay: "
                                f"give the optimizer the learning rate itself",
                                f"飞桨的 {cls} 不接受 gamma >= 1.0。gamma = 1 就是不衰减，请直接"
                                f"把学习率交给优化器。")))


def _NO_KERAS_BOUNDARY(param: str) -> Line:
    return Line(None, when=lambda v: not v[param], why=Text(
        f"with no {param} the lr is constant, and Keras' PiecewiseConstantDecay needs at least "
        f"one boundary: give the optimizer the learning rate itself",
        f"没有 {param} 时学习率保持不变，而 Keras 的 PiecewiseConstantDecay 至少需要一个边界。"
        f"请直接把学习率交给优化器。"))


_KERAS_HOLDS_ZERO = Text("equal up to step num_training_steps; after it Keras holds 0 while "
                         "transformers' cosine climbs back up",
                         "在第 num_training_steps 步之前相同；之后 Keras 保持为 0，transformers "
                         "的余弦会重新升高")


def _warmup_lambda(decay: str, derive, when=None) -> tuple[Line, ...]:
    """A transformers schedule as PyTorch's LambdaLR: ``decay`` after a linear warm-up from 0
    (transformers' factor t / num_warmup_steps), written without the warm-up when it is 0."""
    head = "torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: "
    both = (lambda v: True) if when is None else when
    lines = (Line(head + "t / {num_warmup_steps} if t < {num_warmup_steps} else " + decay + ")",
                  when=lambda v: both(v) and v["num_warmup_steps"] > 0, derive=derive),)
    if when is None:
        lines += (Line(head + decay + ")", derive=derive),)
    return lines


def five_step_warmup(t):
    """LambdaLR's example factor (the rosetta table): a 5-step linear warm-up."""
    return min(1.0, (t + 1) / 5)


def times_095(t):
    """MultiplicativeLR's example factor (the rosetta table): 0.95 per step."""
    return 0.95


def _timescale(v: dict) -> int:
    # transformers: timescale None means num_warmup_steps, or 10,000 without a warm-up.
    return v["timescale"] if v["timescale"] is not None else v["num_warmup_steps"] or 10_000


def _written(framework: str, spec: Schedule, params: dict, base_lr: float) -> str | None:
    """Another entry's line in ``framework`` (nested in this one), None when it has none or it
    needs a learner's function."""
    from .frameworks import write

    if not spec.trainable:
        return None
    return write(spec, framework, base_lr, params).text


# Keras counts iterations: an entry stepped once per epoch decays every steps_per_epoch of them.
_PER_EPOCH = Text("steps_per_epoch is the number of batches per epoch: Keras counts iterations, "
                  "and staircase=True keeps the lr constant within an epoch, as one "
                  "scheduler.step() per epoch does",
                  "steps_per_epoch 是每个 epoch 的 batch 数：Keras 按迭代计数，staircase=True "
                  "让学习率在一个 epoch 内保持不变，与每个 epoch 调用一次 scheduler.step() 相同")


def _warmed(v: dict) -> bool:
    """A SequentialLR that starts with a LinearLR warm-up up to the full lr (end_factor=1) that
    ends exactly at the milestone, followed by one more schedule."""
    s = v["schedulers"]
    if len(s) != 2 or s[0][0].name != "LinearLR":
        return False
    warm = s[0][1]
    return warm["end_factor"] == 1.0 and warm["total_iters"] == v["milestones"][0]


def _paddle_after_warmup(v: dict) -> str | None:
    """The Paddle line of the schedule after a SequentialLR's warm-up, when LinearWarmup can run
    it (Paddle finds warm restarts' cycle with a float logarithm, which misses restarts when
    T_mult > 1)."""
    spec, params = v["schedulers"][1]
    if spec.name == "CosineAnnealingWarmRestarts" and params["T_mult"] > 1:
        return None
    return _written("paddle", spec, params, v["base_lr"])


def torch_plateau_floor(base_lr: float, factor: float, min_lr: float, eps: float,
                        reductions: int) -> float:
    """The lowest lr torch's ReduceLROnPlateau reaches within ``reductions`` reductions.

    torch skips a reduction smaller than ``eps`` and then never reduces again (the lr no longer
    changes, so neither does the next cut). The lrs it walks through, max(lr * factor, min_lr)
    repeated, do not depend on the metrics; this is the first one whose next cut is <= eps, or
    min_lr when none is within reach. Keras has no eps: its ``min_lr`` set to this floor stops it
    at the same lr.
    """
    lr, done = float(base_lr), 0
    while done < reductions:
        n = min(4096, reductions - done)
        # np.cumprod multiplies left to right, exactly as torch's repeated lr * factor does.
        chain = np.maximum(np.cumprod(np.r_[lr, np.full(n, float(factor))]), min_lr)
        stop = np.flatnonzero(chain[:-1] - chain[1:] <= eps)
        if stop.size:
            return float(chain[stop[0]])
        lr, done = float(chain[-1]), done + n
    return float(min_lr)


def _keras_plateau_floor(v: dict) -> float:
    # Any run: a floor beyond the reductions a run can make never takes effect.
    reductions = 10_000
    return max(torch_plateau_floor(v["base_lr"], v["factor"], v["min_lr"], v["eps"], reductions),
               v["min_lr"])


# --- cross-parameter rules ------------------------------------------------------------------------


def _one_cycle_total(p):
    return p["total_steps"] if p["total_steps"] is not None else p["epochs"] * p["steps_per_epoch"]


def _check_one_cycle(p, steps):
    if p["total_steps"] is None and (p["epochs"] is None or p["steps_per_epoch"] is None):
        raise fail("OneCycleLR needs total_steps, or both epochs and steps_per_epoch",
                   "OneCycleLR 需要 total_steps，或者同时给出 epochs 和 steps_per_epoch")
    total, pct = _one_cycle_total(p), p["pct_start"]
    if pct * total <= 1:
        raise fail(f"pct_start * total_steps must be > 1 so the warm-up phase has a length, "
                   f"got {pct} * {total} = {pct * total:g}",
                   f"pct_start * total_steps 必须大于 1，预热阶段才有长度，你给出的是 {pct} * {total} = "
                   f"{pct * total:g}")
    if p["three_phase"] and 2 * pct * total - 2 >= total - 1:
        raise fail(f"with three_phase=True, pct_start must leave room for the last phase: "
                   f"need 2 * pct_start * total_steps - 2 < total_steps - 1, got pct_start={pct}",
                   f"three_phase=True 时 pct_start 要给第三阶段留出长度：需要 "
                   f"2 * pct_start * total_steps - 2 < total_steps - 1，你给出的是 pct_start={pct}")
    # The lrs of the total_steps optimizer steps the cycle is for. (torch sets one more value
    # when stepped total_steps times, an extrapolation no step trains with: with
    # anneal_strategy="linear" it can even be negative.)
    if steps is not None and steps > total:
        raise fail(f"OneCycleLR runs for total_steps={total} optimizer steps, so steps must be "
                   f"in [1, {total}], got {steps}",
                   f"OneCycleLR 只用于 total_steps={total} 次优化器更新，steps 必须在 [1, {total}] "
                   f"之间，你给出的是 {steps}")


def _check_plateau(p, steps):
    if steps is not None and len(p["metrics"]) < steps - 1:
        raise fail(f"metrics must hold one value per scheduler.step(): at least {steps - 1} "
                   f"values for {steps} steps, got {len(p['metrics'])}",
                   f"metrics 需要每次 scheduler.step() 一个值：{steps} 步至少需要 {steps - 1} 个，"
                   f"你给出的是 {len(p['metrics'])} 个")


def _check_sequential(p, steps):
    if len(p["milestones"]) != len(p["schedulers"]) - 1:
        raise fail(f"milestones must have one entry fewer than schedulers: "
                   f"{len(p['schedulers'])} schedulers need {len(p['schedulers']) - 1} milestones, "
                   f"got {len(p['milestones'])}",
                   f"milestones 要比 schedulers 少一个：{len(p['schedulers'])} 个调度器需要 "
                   f"{len(p['schedulers']) - 1} 个 milestones，你给出的是 {len(p['milestones'])} 个")


def _check_piecewise(p, steps):
    if not p["boundaries"]:  # as Paddle, which owns the schedule: a constant lr needs none
        raise fail("boundaries must hold at least one step: PiecewiseDecay without boundaries is "
                   "a constant learning rate",
                   "boundaries 至少要有一个步数：没有边界的 PiecewiseDecay 就是恒定学习率")
    if len(p["values"]) != len(p["boundaries"]) + 1:
        raise fail(f"values must have one entry more than boundaries: {len(p['boundaries'])} "
                   f"boundaries need {len(p['boundaries']) + 1} values, got {len(p['values'])}",
                   f"values 要比 boundaries 多一个：{len(p['boundaries'])} 个边界需要 "
                   f"{len(p['boundaries']) + 1} 个值，你给出的是 {len(p['values'])} 个")


def _check_warmup_rises(p, steps):
    if p["end_lr"] <= p["start_lr"]:  # as Paddle, which owns the schedule
        raise fail(f"end_lr must be greater than start_lr: a warm-up rises, got start_lr="
                   f"{p['start_lr']}, end_lr={p['end_lr']}",
                   f"end_lr 必须大于 start_lr：预热是上升的，你给出的是 start_lr={p['start_lr']}、"
                   f"end_lr={p['end_lr']}")


def _check_warmup_within(p, steps):
    if p["num_warmup_steps"] > p["num_training_steps"]:
        raise fail(f"num_warmup_steps must be in [0, num_training_steps={p['num_training_steps']}]"
                   f", got {p['num_warmup_steps']}",
                   f"num_warmup_steps 必须在 [0, num_training_steps={p['num_training_steps']}] 之间，"
                   f"你给出的是 {p['num_warmup_steps']}")


# --- PyTorch: torch.optim.lr_scheduler ------------------------------------------------------------

_add(
    name="LambdaLR", owner="pytorch", unit=EPOCH, fn=F.lambda_lr,
    example=dict(lr_lambda=five_step_warmup),
    title=Text("Lambda schedule", "自定义函数调度"),
    summary=Text("Any function of the step, times the base learning rate.",
                 "用任意以步数为输入的函数乘上初始学习率。"),
    formula=r"\eta_t = \eta_0 \cdot \lambda(t)",
    symbols=(ETA_T, ETA0, Symbol(r"\lambda(t)", "your factor function (lr_lambda)",
                                 "第 t 步的因子，由你写的 lr_lambda 给出"), T_SYM),
    params=(_lambda(),),
    code=_code(
        pytorch="torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda={lr_lambda})",
        keras="keras.callbacks.LearningRateScheduler(lambda epoch: {base_lr} * {lr_lambda}(epoch))",
        paddle="paddle.optimizer.lr.LambdaDecay(learning_rate={base_lr}, lr_lambda={lr_lambda})"),
    notes=Text("lr_lambda returns a factor, not a learning rate: torch multiplies it by the base "
               "lr itself. In Keras the callback's function returns the learning rate.",
               "lr_lambda 返回的是因子而不是学习率，torch 会自己乘上初始学习率；Keras 回调里的"
               "函数则直接返回学习率。"),
)

_add(
    name="MultiplicativeLR", owner="pytorch", unit=EPOCH, fn=F.multiplicative_lr,
    example=dict(lr_lambda=times_095),
    in_chain=True, in_sequence="first",
    title=Text("Multiplicative schedule", "乘法调度"),
    summary=Text("Each step multiplies the current learning rate by a factor you compute.",
                 "每一步把当前学习率乘上你算出的因子。"),
    formula=r"\eta_t = \eta_{t-1} \cdot \lambda(t) = \eta_0 \prod_{k=1}^{t} \lambda(k)",
    symbols=(ETA_T, ETA0, Symbol(r"\lambda(k)", "your factor for step k (lr_lambda)",
                                 "第 k 步的因子（lr_lambda）"), T_SYM),
    params=(_lambda(),),
    code=_code(
        pytorch="torch.optim.lr_scheduler.MultiplicativeLR(optimizer, lr_lambda={lr_lambda})",
        keras="keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * {lr_lambda}(epoch) "
              "if epoch else lr)",
        paddle="paddle.optimizer.lr.MultiplicativeDecay(learning_rate={base_lr}, "
               "lr_lambda={lr_lambda})"),
    notes=Text("Unlike LambdaLR the factors compound: lr_lambda=lambda t: 0.95 gives "
               "0.95^t, the same curve as ExponentialLR(gamma=0.95).",
               "与 LambdaLR 不同，这里的因子会累乘：lr_lambda=lambda t: 0.95 得到 0.95^t，"
               "和 ExponentialLR(gamma=0.95) 是同一条曲线。"),
)

_add(
    name="StepLR", owner="pytorch", unit=EPOCH, fn=F.step_lr,
    in_chain=True, suggested=dict(step_size=20),
    title=Text("Step decay", "阶梯衰减"),
    summary=Text("Multiply the learning rate by gamma every step_size epochs.",
                 "每隔 step_size 个 epoch，把学习率乘上 gamma。"),
    formula=r"\eta_t = \eta_0 \cdot \gamma^{\lfloor t / s \rfloor}",
    symbols=(ETA_T, ETA0, GAMMA, Symbol("s", "epochs between drops (step_size)",
                                        "两次下降之间的 epoch 数（step_size）"), T_SYM),
    params=(_steps("step_size", 30, "epochs between two drops", "两次下降之间隔多少个 epoch",
                   ui=(1, 100)),
            _gamma(0.1)),
    code=_code(
        pytorch="torch.optim.lr_scheduler.StepLR(optimizer, step_size={step_size}, gamma={gamma})",
        keras="keras.optimizers.schedules.ExponentialDecay({base_lr}, decay_steps={step_size}, "
              "decay_rate={gamma}, staircase=True)",
        paddle=_paddle_gamma_below_one(
            "paddle.optimizer.lr.StepDecay(learning_rate={base_lr}, step_size={step_size}, "
            "gamma={gamma})", "StepDecay")),
    # Which epoch is the first on the lower stair is lesson 01's prediction: not on the card.
    notes=Text("Keras schedules count optimizer iterations, so for epoch-wise decay set "
               "decay_steps to step_size * steps_per_epoch.",
               "Keras 的学习率调度按迭代计数，按 epoch 衰减时 decay_steps 要写成 "
               "step_size * 每个 epoch 的迭代次数。"),
)

_add(
    name="MultiStepLR", span=120, owner="pytorch", unit=EPOCH, fn=F.multi_step_lr,
    in_chain=True, suggested=dict(milestones=[30, 45]),
    title=Text("Multi-step decay", "多阶梯衰减"),
    summary=Text("Multiply the learning rate by gamma at each listed milestone.",
                 "在每个指定的里程碑（milestone）处把学习率乘上 gamma。"),
    formula=r"\eta_t = \eta_0 \cdot \gamma^{\,|\{m_i \,:\, m_i \le t\}|}",
    symbols=(ETA_T, ETA0, GAMMA, Symbol("m_i", "the milestones", "里程碑（milestones）"),
             T_SYM),
    params=(Param("milestones", [30, 60, 90], "ints", "step counts at which the lr drops",
                  "学习率下降的步数（严格递增）", 1, None),
            _gamma(0.1)),
    code=_code(
        pytorch="torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones={milestones}, "
                "gamma={gamma})",
        keras=(_NO_KERAS_BOUNDARY("milestones"),
               Line("keras.optimizers.schedules.PiecewiseConstantDecay(boundaries={boundaries}, "
                    "values={values})",
                    derive=lambda v: dict(boundaries=[m - 1 for m in v["milestones"]],
                                          values=[v["base_lr"] * v["gamma"] ** i
                                                  for i in range(len(v["milestones"]) + 1)]))),
        paddle=_paddle_gamma_below_one(
            "paddle.optimizer.lr.MultiStepDecay(learning_rate={base_lr}, "
            "milestones={milestones}, gamma={gamma})", "MultiStepDecay")),
    notes=Text("Keras' PiecewiseConstantDecay keeps the old value AT a boundary (step <= b), "
               "torch drops AT the milestone: boundary b in Keras matches milestone b + 1.",
               "Keras 的 PiecewiseConstantDecay 在边界上仍取旧值（step <= b），torch 在里程碑上就"
               "下降：Keras 的边界 b 对应 torch 的里程碑 b + 1。"),
)

_add(
    name="ConstantLR", span=20, owner="pytorch", unit=EPOCH, fn=F.constant_lr,
    in_chain=True, suggested=dict(factor=0.2, total_iters=10),
    title=Text("Constant factor, then full", "常数因子调度"),
    summary=Text("Hold the learning rate at factor times the base for total_iters steps.",
                 "前 total_iters 步把学习率固定为初始学习率乘 factor，之后恢复为初始学习率。"),
    formula=r"\eta_t = \begin{cases} \eta_0 \cdot f & t < T \\ \eta_0 & t \ge T \end{cases}",
    symbols=(ETA_T, ETA0, Symbol("f", "the reduction factor (factor)", "前 T 步使用的因子（factor）"),
             Symbol("T", "steps at the reduced lr (total_iters)",
                    "学习率保持降低的步数（total_iters）"),
             T_SYM),
    params=(Param("factor", 1 / 3, "float", "fraction of the base lr used at first",
                  "开始阶段使用的初始学习率比例", 0.0, 1.0, low_open=True),
            _steps("total_iters", 5, "steps at the reduced lr", "学习率保持降低的步数",
                   ui=(1, 100))),
    code=_code(
        pytorch="torch.optim.lr_scheduler.ConstantLR(optimizer, factor={factor}, "
                "total_iters={total_iters})",
        keras=Line("keras.optimizers.schedules.PiecewiseConstantDecay(boundaries=[{last}], "
                   "values={values})",
                   derive=lambda v: dict(last=v["total_iters"] - 1,
                                         values=[v["base_lr"] * v["factor"], v["base_lr"]])),
        paddle="paddle.optimizer.lr.LambdaDecay(learning_rate={base_lr}, lr_lambda=lambda t: "
               "{factor} if t < {total_iters} else 1.0)"),
    notes=Text("Keras' PiecewiseConstantDecay keeps the first value up to and including its "
               "boundary, so boundary total_iters - 1 ends it where torch does.",
               "Keras 的 PiecewiseConstantDecay 在边界上仍取第一个值，所以边界写 total_iters - 1，"
               "才与 torch 在同一步结束。"),
)

_add(
    name="LinearLR", span=20, owner="pytorch", unit=EPOCH, fn=F.linear_lr,
    in_chain=True, suggested=dict(start_factor=0.1, total_iters=10),
    title=Text("Linear ramp of the factor", "线性变化的因子"),
    summary=Text("Move the factor linearly from start_factor to end_factor over total_iters "
                 "steps, then hold it.",
                 "在 total_iters 步内把因子从 start_factor 线性移到 end_factor，之后保持不变。"),
    formula=r"\eta_t = \eta_0 \left(s + (e - s)\,\frac{\min(t, T)}{T}\right)",
    symbols=(ETA_T, ETA0, Symbol("s", "start_factor", "起始因子（start_factor）"),
             Symbol("e", "end_factor", "结束因子（end_factor）"),
             Symbol("T", "steps of the ramp (total_iters)", "线性变化持续的步数（total_iters）"),
             T_SYM),
    params=(Param("start_factor", 1 / 3, "float", "factor at step 0", "第 0 步的因子", 0.0, 1.0,
                  low_open=True),
            Param("end_factor", 1.0, "float", "factor from step total_iters on",
                  "第 total_iters 步及以后的因子", 0.0, 1.0),
            _steps("total_iters", 5, "steps the ramp takes", "线性变化持续的步数", ui=(1, 100))),
    code=_code(
        pytorch="torch.optim.lr_scheduler.LinearLR(optimizer, start_factor={start_factor}, "
                "«end_factor={end_factor}, »total_iters={total_iters})",
        # power=1 makes Keras' polynomial a straight line, rising or falling, held after it.
        keras=Line("keras.optimizers.schedules.PolynomialDecay({start}, "
                   "decay_steps={total_iters}, end_learning_rate={end}, power=1.0)",
                   derive=lambda v: dict(start=v["base_lr"] * v["start_factor"],
                                         end=v["base_lr"] * v["end_factor"])),
        paddle="paddle.optimizer.lr.LinearLR(learning_rate={base_lr}, total_steps={total_iters}, "
               "start_factor={start_factor}, end_factor={end_factor})",
        transformers=(Line("transformers.get_polynomial_decay_schedule_with_warmup(optimizer, "
                           "num_warmup_steps=0, num_training_steps={total_iters}, lr_end={end}, "
                           "power=1.0)",
                           when=lambda v: v["start_factor"] == 1.0 and v["end_factor"] < 1.0,
                           derive=lambda v: dict(end=v["base_lr"] * v["end_factor"])),
                      Line(None, why=Text(
                          "transformers' linear decay starts at the optimizer's lr and falls: it "
                          "matches LinearLR only for start_factor=1 and end_factor < 1",
                          "transformers 的线性衰减从优化器的学习率开始下降：只有 start_factor=1 且 "
                          "end_factor < 1 时才与 LinearLR 一致")))),
    notes=Text("The ramp takes total_iters steps, not fewer: with total_iters=30 the factor "
               "reaches end_factor at step 30 and stays there.",
               "变化持续整整 total_iters 步：total_iters=30 时，因子在第 30 步才到达 end_factor，"
               "之后保持不变（不是 10 步）。"),
)

_add(
    name="ExponentialLR", owner="pytorch", unit=EPOCH, fn=F.exponential_lr,
    in_chain=True, suggested=dict(gamma=0.95),
    title=Text("Exponential decay", "指数衰减"),
    summary=Text("Multiply the learning rate by gamma at every step.",
                 "每一步都把学习率乘上 gamma。"),
    formula=r"\eta_t = \eta_0 \cdot \gamma^{t}",
    symbols=(ETA_T, ETA0, GAMMA, T_SYM),
    # gamma > 1 makes the lr grow: PyTorch allows it and the LR range test (lesson 05) uses it.
    params=(Param("gamma", 0.95, "float", "factor applied at every step", "每一步乘上的衰减因子",
                  0.0, None, low_open=True, ui=(0.8, 1.0)),),
    code=_code(
        pytorch="torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma={gamma})",
        keras=Line("keras.optimizers.schedules.ExponentialDecay({base_lr}, "
                   "decay_steps=steps_per_epoch, decay_rate={gamma}, staircase=True)",
                   why=_PER_EPOCH),
        paddle=_paddle_gamma_below_one(
            "paddle.optimizer.lr.ExponentialDecay(learning_rate={base_lr}, gamma={gamma})",
            "ExponentialDecay")),
    notes=Text("Keras' ExponentialDecay(decay_steps=k) computes decay_rate^(step/k) at every "
               "iteration; staircase=True rounds step/k down, so with k = batches per epoch the "
               "lr drops once per epoch, as torch's. Without it the lr also falls inside each "
               "epoch.",
               "Keras 的 ExponentialDecay(decay_steps=k) 在每次迭代计算 decay_rate^(step/k)；"
               "staircase=True 把 step/k 向下取整，所以 k 取每个 epoch 的 batch 数时，学习率每个 "
               "epoch 下降一次，与 torch 相同。不加它，学习率在 epoch 内部也会下降。"),
)

_add(
    name="PolynomialLR", span=20, owner="pytorch", unit=EPOCH, fn=F.polynomial_lr,
    in_chain=True, suggested=dict(total_iters=60),
    title=Text("Polynomial decay to zero", "多项式衰减（到 0）"),
    summary=Text("Decay along (1 - t/T)^power, reaching zero at total_iters.",
                 "按 (1 - t/T)^power 衰减，在 total_iters 步降到 0。"),
    formula=r"\eta_t = \eta_0 \left(1 - \frac{\min(t, T)}{T}\right)^{p}",
    symbols=(ETA_T, ETA0, Symbol("T", "steps to reach zero (total_iters)",
                                 "降到 0 所用的步数（total_iters）"),
             Symbol("p", "the exponent (power)", "幂次（power）"), T_SYM),
    params=(_steps("total_iters", 5, "steps to reach zero", "降到 0 所用的步数", ui=(1, 200)),
            Param("power", 1.0, "float", "exponent of the decay", "衰减的幂次", 0.0, None,
                  low_open=True, ui=(0.1, 5.0))),
    code=_code(
        pytorch="torch.optim.lr_scheduler.PolynomialLR(optimizer, total_iters={total_iters}"
                "«, power={power}»)",
        keras="keras.optimizers.schedules.PolynomialDecay({base_lr}, decay_steps={total_iters}, "
              "end_learning_rate=0.0, power={power})",
        paddle="paddle.optimizer.lr.PolynomialDecay(learning_rate={base_lr}, "
               "decay_steps={total_iters}, end_lr=0.0, power={power})",
        transformers=(Line("transformers.get_linear_schedule_with_warmup(optimizer, "
                           "num_warmup_steps=0, num_training_steps={total_iters})",
                           when=lambda v: v["power"] == 1.0),
                      Line("transformers.get_polynomial_decay_schedule_with_warmup(optimizer, "
                           "num_warmup_steps=0, num_training_steps={total_iters}, lr_end=0.0, "
                           "power={power})"))),
)

_add(
    name="CosineAnnealingLR", owner="pytorch", unit=EPOCH, fn=F.cosine_annealing_lr,
    run_length="T_max", in_chain=True, chain_step=F.cosine_annealing_chain_step,
    title=Text("Cosine annealing", "余弦退火"),
    summary=Text("Follow half a cosine from the base lr down to eta_min over T_max steps.",
                 "在 T_max 步内沿半个余弦从初始学习率降到 eta_min。"),
    formula=r"\eta_t = \eta_{\min} + \tfrac{1}{2}(\eta_0 - \eta_{\min})"
            r"\left(1 + \cos\frac{\pi t}{T_{\max}}\right)",
    symbols=(ETA_T, ETA0, ETA_MIN, Symbol(r"T_{\max}", "steps of the half cosine (T_max)",
                                          "半个余弦周期的步数（T_max）"), T_SYM),
    params=(_steps("T_max", 50, "steps from the base lr down to eta_min",
                   "从初始学习率降到 eta_min 所用的步数", ui=(1, 500)),
            _eta_min()),
    code=_code(
        pytorch="torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max={T_max}"
                "«, eta_min={eta_min}»)",
        keras=Line("keras.optimizers.schedules.CosineDecay({base_lr}, decay_steps={T_max}, "
                   "alpha={alpha})", derive=lambda v: dict(alpha=v["eta_min"] / v["base_lr"]),
                   exact_until=lambda v: v["T_max"],
                   why=Text("equal up to step T_max; after it Keras holds the floor while "
                            "PyTorch's cosine climbs back up",
                            "在第 T_max 步之前相同；之后 Keras 停在下限，PyTorch 的余弦会重新升高")),
        paddle="paddle.optimizer.lr.CosineAnnealingDecay(learning_rate={base_lr}, T_max={T_max}, "
               "eta_min={eta_min})",
        transformers=(Line("transformers.get_cosine_schedule_with_warmup(optimizer, "
                           "num_warmup_steps=0, num_training_steps={T_max})",
                           when=lambda v: v["eta_min"] == 0),
                      Line("transformers.get_cosine_with_min_lr_schedule_with_warmup(optimizer, "
                           "num_warmup_steps=0, num_training_steps={T_max}, min_lr={eta_min})"))),
    notes=Text("Past T_max torch keeps following the cosine, so the lr climbs back up (period "
               "2*T_max), as transformers' cosine does; Keras' CosineDecay stops at decay_steps "
               "and stays at alpha * lr. torch computes it recursively from the lr the optimizer "
               "holds (the chainable form), so inside a ChainedScheduler it scales the other "
               "schedules' factors.",
               "超过 T_max 后 torch 继续沿余弦走，学习率会重新升高（周期 2*T_max），transformers "
               "的余弦也是这样；Keras 的 CosineDecay 在 decay_steps 处停下，之后保持 alpha * lr。"
               "torch 从优化器当前的学习率递推计算它（链式写法），所以放进 ChainedScheduler 时，"
               "它会与其他调度的因子相乘。"),
)

_add(
    name="CosineAnnealingWarmRestarts", span=70, owner="pytorch", unit=EPOCH,
    suggested=dict(T_0=10, T_mult=2),
    fn=F.cosine_annealing_warm_restarts,
    title=Text("Cosine annealing with warm restarts (SGDR)", "带热重启的余弦退火（SGDR）"),
    summary=Text("Cosine cycles that jump back to the base lr; each cycle T_mult times longer.",
                 "一个个余弦周期，每个周期结束时跳回初始学习率；下一个周期的长度是上一个的 T_mult 倍。"),
    formula=r"\eta_t = \eta_{\min} + \tfrac{1}{2}(\eta_0 - \eta_{\min})"
            r"\left(1 + \cos\frac{\pi T_{cur}}{T_i}\right)",
    symbols=(ETA_T, ETA0, ETA_MIN,
             Symbol(r"T_{cur}", "steps since the last restart", "距离上次重启已经过的步数"),
             Symbol("T_i", "length of the current cycle: T_0 × T_mult^i",
                    "当前周期的长度：T_0 × T_mult^i"), T_SYM),
    params=(_steps("T_0", 10, "length of the first cycle", "第一个周期的长度", ui=(1, 100)),
            _steps("T_mult", 1, "each cycle is this many times longer than the last",
                   "每个周期的长度是上一个的多少倍", ui=(1, 4)),
            _eta_min()),
    code=_code(
        pytorch="torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0={T_0}"
                "«, T_mult={T_mult}»«, eta_min={eta_min}»)",
        keras=Line("keras.optimizers.schedules.CosineDecayRestarts({base_lr}, "
                   "first_decay_steps={T_0}, t_mul={t_mul}, m_mul=1.0, alpha={alpha})",
                   derive=lambda v: dict(t_mul=float(v["T_mult"]),
                                         alpha=v["eta_min"] / v["base_lr"])),
        paddle="paddle.optimizer.lr.CosineAnnealingWarmRestarts(learning_rate={base_lr}, "
               "T_0={T_0}«, T_mult={T_mult}»«, eta_min={eta_min}»)"),
    notes=Text("Keras adds m_mul, which also lowers the peak of each new cycle; m_mul=1.0 matches "
               "torch. transformers' get_cosine_with_hard_restarts_schedule_with_warmup is no "
               "equivalent: it needs the run's length, and it finds the place in a cycle as "
               "(num_cycles * progress) % 1.0 in floating point, which at some restarts lands at "
               "the cycle's end (lr 0) instead of its start (T_0=5, num_cycles=22: step 75).",
               "Keras 还有 m_mul 参数，可让每个新周期的峰值变低；m_mul=1.0 时与 torch 相同。"
               "transformers 的 get_cosine_with_hard_restarts_schedule_with_warmup 不等价：它需要"
               "知道训练总长，而且用浮点数 (num_cycles * progress) % 1.0 计算周期内的位置，在某些"
               "重启处会落到周期末尾（学习率为 0），而不是周期开头（T_0=5、num_cycles=22 时的"
               "第 75 步）。"),
)

_add(
    name="CyclicLR", span=8000, owner="pytorch", unit=ITER, fn=F.cyclic_lr,
    suggested=dict(max_lr=1.0, step_size_up=60, mode="triangular2"),
    title=Text("Cyclical learning rate", "循环学习率"),
    summary=Text("Triangle waves between base_lr and max_lr, stepped every batch.",
                 "在 base_lr 和 max_lr 之间做三角波，每个 batch 调用一次。"),
    formula=r"\eta_t = \eta_0 + (\eta_{\max} - \eta_0)\, h(x_t)\, s(c_t)",
    symbols=(ETA_T, Symbol(r"\eta_0", "lowest lr of the cycle (the curve's base_lr)",
                           "周期内的最低学习率（base_lr）"),
             Symbol(r"\eta_{\max}", "highest lr of the cycle (max_lr)", "周期内的峰值学习率（max_lr）"),
             Symbol("h(x_t)", "triangle: rises over step_size_up steps, falls over step_size_down",
                    "三角波：step_size_up 步上升，step_size_down 步下降"),
             Symbol("s(c_t)", "amplitude scale: 1 (triangular), 1/2^(c-1) (triangular2), "
                    "gamma^t (exp_range)",
                    "振幅缩放：1（triangular）、1/2^(c-1)（triangular2）、gamma^t（exp_range）"),
             T_SYM),
    params=(Param("max_lr", 1.0, "float", "upper end of the cycle", "周期内的峰值学习率", 0.0, None,
                  low_open=True, scale="log", ui=(1e-4, 10.0)),
            _steps("step_size_up", 2000, "steps from base_lr up to max_lr",
                   "从 base_lr 升到 max_lr 的步数", ui=(1, 5000)),
            _steps("step_size_down", None, "steps back down (None: same as up)",
                   "降回去的步数（None 表示与上升相同）", ui=(1, 5000), optional=True),
            _choice("mode", "triangular", ("triangular", "triangular2", "exp_range"),
                    "how the amplitude changes from cycle to cycle", "振幅在各周期之间如何变化"),
            Param("gamma", 1.0, "float", "per-step amplitude factor for exp_range",
                  "exp_range 模式下振幅每步乘上的因子", 0.0, 1.0, low_open=True, ui=(0.99, 1.0)),
            Param("cycle_momentum", True, "bool", "cycle momentum inversely to the lr",
                  "动量与学习率反向循环"),
            _momentum("base_momentum", 0.8, "lowest momentum", "最低动量"),
            _momentum("max_momentum", 0.9, "highest momentum", "最高动量")),
    code=_code(
        pytorch="torch.optim.lr_scheduler.CyclicLR(optimizer, base_lr={base_lr}, max_lr={max_lr}, "
                "step_size_up={step_size_up}«, step_size_down={step_size_down}»«, mode={mode}»"
                "«, gamma={gamma}»«, cycle_momentum={cycle_momentum}»"
                "«, base_momentum={base_momentum}»«, max_momentum={max_momentum}»)",
        paddle="paddle.optimizer.lr.CyclicLR(base_learning_rate={base_lr}, "
               "max_learning_rate={max_lr}, step_size_up={step_size_up}"
               "«, step_size_down={step_size_down}»«, mode={mode}»«, exp_gamma={gamma}»)"),
    notes=Text("CyclicLR sets the optimizer's lr to its own base_lr; with cycle_momentum=True "
               "(the default) the optimizer must have momentum.",
               "CyclicLR 会把优化器的学习率改成它自己的 base_lr；cycle_momentum=True（默认）时优化器"
               "必须带动量（momentum）。"),
)

_add(
    name="OneCycleLR", owner="pytorch", unit=ITER, fn=F.one_cycle_lr, uses_base_lr=False,
    length=_one_cycle_total, run_length="total_steps", in_sequence="never", suggested=dict(max_lr=1.0),
    check=_check_one_cycle,
    title=Text("One-cycle policy", "单周期策略（1cycle）"),
    summary=Text("Warm up to max_lr, then anneal far below the start, in one cycle per run.",
                 "整个训练只有一个周期：先升到 max_lr，再退火到远低于起点。"),
    formula=r"\eta_t = \mathrm{anneal}(\eta_{\mathrm{from}}, \eta_{\mathrm{to}}, p_t),\quad "
            r"\eta_{\mathrm{start}} = \frac{\eta_{\max}}{d},\ "
            r"\eta_{\mathrm{end}} = \frac{\eta_{\mathrm{start}}}{d_f}",
    symbols=(ETA_T, Symbol(r"\eta_{\max}", "peak lr (max_lr)", "峰值学习率（max_lr）"),
             Symbol("d", "div_factor", "起点除数（div_factor）"),
             Symbol("d_f", "final_div_factor", "终点除数（final_div_factor）"),
             Symbol("p_t", "fraction of the current phase done; the warm-up phase ends at "
                    "pct_start * total_steps", "当前阶段已完成的比例；预热阶段在 "
                    "pct_start * total_steps 处结束"),
             Symbol(r"\mathrm{anneal}", "cosine or linear interpolation (anneal_strategy)",
                    "余弦或线性插值（anneal_strategy）")),
    params=(Param("max_lr", 0.1, "float", "peak learning rate", "峰值学习率", 0.0, None,
                  low_open=True, scale="log", ui=(1e-4, 10.0)),
            _steps("total_steps", 100, "steps in the whole cycle", "整个周期的总步数", low=2,
                   ui=(10, 5000), optional=True),
            _steps("epochs", None, "epochs (with steps_per_epoch, if total_steps is None)",
                   "epoch 数（total_steps 为 None 时与 steps_per_epoch 一起用）", optional=True),
            _steps("steps_per_epoch", None, "optimizer steps per epoch", "每个 epoch 的迭代次数",
                   optional=True),
            Param("pct_start", 0.3, "float", "fraction of the cycle spent warming up",
                  "预热阶段占整个周期的比例", 0.0, 1.0, low_open=True, high_open=True,
                  ui=(0.05, 0.95)),
            _choice("anneal_strategy", "cos", ("cos", "linear"), "shape of each phase",
                    "每个阶段的插值形状"),
            Param("div_factor", 25.0, "float", "start lr = max_lr / div_factor",
                  "起始学习率 = max_lr / div_factor", 0.0, None, low_open=True, scale="log",
                  ui=(1.0, 1000.0)),
            Param("final_div_factor", 1e4, "float", "final lr = start lr / final_div_factor",
                  "最终学习率 = 起始学习率 / final_div_factor", 0.0, None, low_open=True,
                  scale="log", ui=(1.0, 1e6)),
            Param("three_phase", False, "bool", "add a third phase that anneals below the start",
                  "增加第三阶段，退火到起始学习率以下"),
            Param("cycle_momentum", True, "bool", "cycle momentum inversely to the lr",
                  "动量与学习率反向循环"),
            _momentum("base_momentum", 0.85, "lowest momentum", "最低动量"),
            _momentum("max_momentum", 0.95, "highest momentum", "最高动量")),
    code=_code(
        pytorch=tuple(Line(f"torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr={{max_lr}}, "
                           f"{length}«, pct_start={{pct_start}}»"
                           "«, anneal_strategy={anneal_strategy}»«, div_factor={div_factor}»"
                           "«, final_div_factor={final_div_factor}»«, three_phase={three_phase}»"
                           "«, cycle_momentum={cycle_momentum}»«, base_momentum={base_momentum}»"
                           "«, max_momentum={max_momentum}»)", when=when)
                      for length, when in (
                          ("total_steps={total_steps}", lambda v: v["total_steps"] is not None),
                          ("epochs={epochs}, steps_per_epoch={steps_per_epoch}", None))),
        paddle=(Line(None, when=lambda v: v["three_phase"] and v["pct_start"] >= 0.5, why=Text(
                    "Paddle's OneCycleLR refuses three_phase=True with pct_start >= 0.5: use a "
                    "pct_start below 0.5",
                    "飞桨的 OneCycleLR 在 three_phase=True 时不接受 pct_start >= 0.5。请用小于 "
                    "0.5 的 pct_start。")),
                Line("paddle.optimizer.lr.OneCycleLR(max_learning_rate={max_lr}, "
                    "total_steps={total}, divide_factor={div_factor}, "
                    "end_learning_rate={end_lr}, phase_pct={pct_start}, "
                    "anneal_strategy={anneal_strategy}, three_phase={three_phase})",
                    derive=lambda v: dict(total=_one_cycle_total(v), end_lr=v["max_lr"] / v[
                        "div_factor"] / v["final_div_factor"])))),
    notes=Text("OneCycleLR ignores the optimizer's lr: it starts at max_lr / div_factor. Call "
               "step() after every batch; stepping more than total_steps times is an error.",
               "OneCycleLR 不看优化器里设的 lr，而是从 max_lr / div_factor 开始。每个 batch 之后"
               "调用一次 step()；调用次数超过 total_steps 会报错。"),
)

_add(
    name="ReduceLROnPlateau", owner="pytorch", unit=EPOCH, fn=F.reduce_lr_on_plateau,
    metric=True, in_sequence="never", suggested=dict(factor=0.3, patience=3),
    check=_check_plateau,
    title=Text("Reduce on plateau", "平台期降低学习率"),
    summary=Text("Cut the learning rate by factor when a watched metric stops improving.",
                 "当被监控的指标不再改善时，把学习率乘上 factor。"),
    formula=r"\eta_{t+1} = \begin{cases} \max(\eta_t f,\ \eta_{\min}) & \text{more than } P "
            r"\text{ bad steps in a row} \\ \eta_t & \text{otherwise} \end{cases}",
    formula_zh=r"\eta_{t+1} = \begin{cases} \max(\eta_t f,\ \eta_{\min}) & \text{连续超过 } P "
               r"\text{ 次未改善} \\ \eta_t & \text{其他情况} \end{cases}",
    symbols=(ETA_T, Symbol("f", "reduction factor (factor)", "衰减因子（factor）"),
             Symbol("P", "bad steps tolerated (patience)",
                    "耐心值：能容忍的连续不改善次数（patience）"),
             Symbol(r"\eta_{\min}", "lowest lr (min_lr)", "最低学习率（min_lr）")),
    params=(Param("metrics", None, "series", "the watched value, one per step() call",
                  "被监控的指标，每次 step() 一个值", required=True),
            _choice("mode", "min", ("min", "max"), "min: lower is better; max: higher is better",
                    "min：越小越好；max：越大越好"),
            Param("factor", 0.1, "float", "lr multiplier at each reduction", "每次降低时乘上的因子",
                  0.0, 1.0, low_open=True, high_open=True, ui=(0.05, 0.95)),
            _steps("patience", 10, "bad steps tolerated before a reduction",
                   "降低之前能容忍的不改善次数", low=0, ui=(0, 50)),
            Param("threshold", 1e-4, "float", "how much better counts as better",
                  "改善多少才算改善", 0.0, None, ui=(0.0, 0.1)),
            _choice("threshold_mode", "rel", ("rel", "abs"), "threshold relative or absolute",
                    "阈值是相对的还是绝对的"),
            _steps("cooldown", 0, "steps to wait after a reduction", "降低之后的冷却期（步数）", low=0,
                   ui=(0, 50)),
            Param("min_lr", 0.0, "float", "lowest lr allowed", "允许的最低学习率", 0.0, None,
                  ui=(0.0, 0.05)),
            Param("eps", 1e-8, "float", "smaller changes are skipped", "小于它的变化会被忽略",
                  0.0, None, scale="log", ui=(1e-12, 1e-4))),
    code=_code(
        pytorch="torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer«, mode={mode}»"
                "«, factor={factor}»«, patience={patience}»«, threshold={threshold}»"
                "«, threshold_mode={threshold_mode}»«, cooldown={cooldown}»«, min_lr={min_lr}»"
                "«, eps={eps}»)",
        keras=(Line(None, when=lambda v: v["threshold_mode"] == "rel" and v["threshold"] != 0,
                    why=Text("Keras' ReduceLROnPlateau has only an absolute threshold "
                             "(min_delta): use threshold_mode='abs' or threshold=0",
                             "Keras 的 ReduceLROnPlateau 只有绝对阈值（min_delta）。请用 "
                             "threshold_mode='abs' 或 threshold=0。")),
               Line("keras.callbacks.ReduceLROnPlateau(monitor='val_loss', mode={mode}, "
                    "factor={factor}, patience={keras_patience}, cooldown={keras_cooldown}, "
                    "min_delta={threshold}, min_lr={keras_min_lr})",
                    derive=lambda v: dict(keras_patience=v["patience"] + 1,
                                          keras_cooldown=v["cooldown"] + 1,
                                          keras_min_lr=_keras_plateau_floor(v)))),
        paddle=(Line(None, when=lambda v: v["cooldown"] > 0, why=Text(
                    "Paddle's ReduceOnPlateau ignores the metric during cooldown, so a better "
                    "value seen then never becomes its best: equal only with cooldown=0. Use "
                    "cooldown=0",
                    "飞桨的 ReduceOnPlateau 在冷却期内不看指标，其间出现的更好值不会记为最好值；"
                    "只有 cooldown=0 时两者一致。请用 cooldown=0。")),
                Line(None, when=lambda v: v["threshold_mode"] == "rel" and v["threshold"] != 0,
                     why=Text("Paddle computes a relative threshold as best - best * threshold, "
                              "which rounds differently from PyTorch's best * (1 - threshold): a "
                              "value exactly on the threshold counts differently. Use "
                              "threshold_mode='abs' or threshold=0",
                              "飞桨把相对阈值算成 best - best * threshold，与 PyTorch 的 "
                              "best * (1 - threshold) 舍入不同，恰好落在阈值上的值判断结果不同。"
                              "请用 threshold_mode='abs' 或 threshold=0。")),
                Line("paddle.optimizer.lr.ReduceOnPlateau(learning_rate={base_lr}«, mode={mode}»"
                     "«, factor={factor}»«, patience={patience}»«, threshold={threshold}»"
                     "«, threshold_mode={threshold_mode}»«, min_lr={min_lr}»"
                     "«, epsilon={eps}»)")),
        transformers="transformers.get_reduce_on_plateau_schedule(optimizer«, mode={mode}»"
                     "«, factor={factor}»«, patience={patience}»«, threshold={threshold}»"
                     "«, threshold_mode={threshold_mode}»«, cooldown={cooldown}»"
                     "«, min_lr={min_lr}»«, eps={eps}»)"),
    notes=Text("torch reduces after MORE than patience bad epochs, Keras after patience: Keras "
               "patience=p+1 matches torch patience=p (and cooldown=c+1 matches c). Keras has only "
               "absolute thresholds (min_delta).",
               "torch 在不改善的次数超过 patience 之后才降低，Keras 达到 patience 就降低：Keras 的 "
               "patience=p+1 对应 torch 的 patience=p（cooldown=c+1 对应 c）。Keras 只有绝对阈值"
               "（min_delta）。"),
)

_SCHEDULERS_PARAM = Param("schedulers", None, "schedulers", "[(name, params), ...]",
                          "[(名称, 参数), ...]", required=True)

_add(
    name="SequentialLR", owner="pytorch", unit=EPOCH, fn=F.sequential_lr, check=_check_sequential,
    members="sequence", in_sequence="never",
    example=dict(schedulers=[("LinearLR", dict(start_factor=0.1, total_iters=5)),
                             ("CosineAnnealingLR", dict(T_max=55))], milestones=[5]),
    title=Text("Sequential: one schedule after another", "串联：一个接一个"),
    summary=Text("Run schedule i until milestone i, then start schedule i+1 from its step 0.",
                 "在第 i 个里程碑前运行第 i 个调度器，之后从第 0 步开始运行下一个。"),
    formula=r"\eta_t = \eta^{(i)}_{t - m_{i}}\quad \text{for } m_i \le t < m_{i+1},\ m_0 = 0",
    formula_zh=r"\eta_t = \eta^{(i)}_{t - m_{i}}\quad \text{当 } m_i \le t < m_{i+1} \text{ 时},\ "
               r"m_0 = 0",
    symbols=(ETA_T, Symbol(r"\eta^{(i)}", "the i-th schedule's own curve", "第 i 个调度器自己的曲线"),
             Symbol("m_i", "milestones", "里程碑（milestones）"), T_SYM),
    params=(_SCHEDULERS_PARAM,
            Param("milestones", None, "ints", "steps at which the next schedule takes over",
                  "切换到下一个调度器的步数", 1, None, required=True)),
    code=_code(
        pytorch="torch.optim.lr_scheduler.SequentialLR(optimizer, schedulers=[{schedulers}], "
                "milestones={milestones})",
        keras=(Line("keras.optimizers.schedules.CosineDecay({start}, decay_steps={T_max}, "
                    "alpha={alpha}, warmup_target={base_lr}, warmup_steps={w})",
                    when=lambda v: _warmed(v) and v["schedulers"][1][0].name == "CosineAnnealingLR",
                    derive=lambda v: dict(
                        start=v["base_lr"] * v["schedulers"][0][1]["start_factor"],
                        T_max=v["schedulers"][1][1]["T_max"], w=v["milestones"][0],
                        alpha=v["schedulers"][1][1]["eta_min"] / v["base_lr"]),
                    exact_until=lambda v: v["milestones"][0] + v["schedulers"][1][1]["T_max"],
                    why=Text("equal up to the end of the cosine; after it Keras holds the floor "
                             "while PyTorch's cosine climbs back up",
                             "在余弦结束之前相同；之后 Keras 停在下限，PyTorch 的余弦会重新升高")),
               Line(None, why=Text(
                   "Keras writes one sequence only: a LinearLR warm-up to the full lr "
                   "(end_factor=1, total_iters equal to the milestone) followed by "
                   "CosineAnnealingLR, as CosineDecay(warmup_target=..., warmup_steps=...). For "
                   "another sequence write a LearningRateSchedule subclass (lesson 07)",
                   "Keras 只能写出一种串联：先用 LinearLR 预热到完整的学习率（end_factor=1，"
                   "total_iters 等于里程碑），再接 CosineAnnealingLR，写成 CosineDecay("
                   "warmup_target=..., warmup_steps=...)。其他串联请写一个 "
                   "LearningRateSchedule 子类（第 07 课）。"))),
        paddle=(Line("paddle.optimizer.lr.LinearWarmup(learning_rate={inner}, warmup_steps={w}, "
                     "start_lr={start}, end_lr={base_lr})",
                     when=lambda v: _warmed(v) and _paddle_after_warmup(v) is not None,
                     derive=lambda v: dict(
                         inner=Raw(_paddle_after_warmup(v)), w=v["milestones"][0],
                         start=v["base_lr"] * v["schedulers"][0][1]["start_factor"])),
                Line(None, why=Text(
                    "Paddle writes one sequence only: a LinearLR warm-up to the full lr "
                    "(end_factor=1, total_iters equal to the milestone) followed by a schedule "
                    "Paddle has, as LinearWarmup(learning_rate=<that schedule>). For another "
                    "sequence write an LRScheduler subclass",
                    "飞桨只能写出一种串联：先用 LinearLR 预热到完整的学习率（end_factor=1，"
                    "total_iters 等于里程碑），再接一个飞桨也有的调度，写成 LinearWarmup("
                    "learning_rate=<那个调度>)。其他串联请写一个 LRScheduler 子类。")))),
    notes=Text("Each schedule restarts from its own step 0 at its milestone, based on the "
               "optimizer's initial lr: a typical warm-up is LinearLR followed by "
               "CosineAnnealingLR.",
               "每个调度器到了自己的里程碑就从第 0 步重新开始，以优化器的初始学习率为基准：常见的预热"
               "写法是 LinearLR 接 CosineAnnealingLR。"),
)

_add(
    name="ChainedScheduler", owner="pytorch", unit=EPOCH, fn=F.chained_scheduler,
    members="chain", in_sequence="never",
    example=dict(schedulers=[("ExponentialLR", dict(gamma=0.95)),
                             ("ConstantLR", dict(factor=0.5, total_iters=5))]),
    title=Text("Chained: schedules multiplied", "链式：多个调度器相乘"),
    summary=Text("Step every schedule at once; their factors multiply.",
                 "每一步同时调用所有调度器，它们的因子相乘。"),
    formula=r"\eta_t = \eta_0 \prod_{j} f_j(t)",
    symbols=(ETA_T, ETA0, Symbol("f_j(t)", "the j-th schedule's factor", "第 j 个调度器的因子"),
             T_SYM),
    params=(_SCHEDULERS_PARAM,),
    code=_code(
        pytorch="torch.optim.lr_scheduler.ChainedScheduler([{schedulers}], optimizer=optimizer)"),
    notes=Text("A chain holds schedules whose get_lr works from the lr the optimizer holds now "
               "(the chainable form): ConstantLR, LinearLR, StepLR, MultiStepLR, ExponentialLR, "
               "PolynomialLR, MultiplicativeLR multiply it by their factor, and "
               "CosineAnnealingLR scales it by its cosine's ratio. With eta_min=0 and up to "
               "T_max the factors multiply; with eta_min > 0 the cosine scales only the part "
               "above eta_min, and one step past each trough it adds a fixed amount, so the "
               "chain is no longer a plain product (the curve here follows torch step by step; "
               "past a trough, decays after the cosine can even drive torch's lr below 0, which "
               "lrlessons refuses). "
               "LambdaLR, CyclicLR, OneCycleLR and CosineAnnealingWarmRestarts set the lr "
               "outright: in a chain each overwrites what the schedules before it did.",
               "链中放的是 get_lr 从优化器当前学习率出发计算的调度（链式写法）：ConstantLR、"
               "LinearLR、StepLR、MultiStepLR、ExponentialLR、PolynomialLR、MultiplicativeLR "
               "把它乘上自己的因子，CosineAnnealingLR 把它乘上余弦的比值。eta_min=0 时，在 T_max "
               "之前各因子相乘；eta_min > 0 时，余弦只缩放高出 eta_min 的部分，而且每过一个谷底"
               "的下一步会加上一个固定量，所以整条链不再是简单的乘积（这里的曲线逐步照 torch 计算；过了谷底之后，"
               "排在余弦后面的衰减甚至会让 torch 的学习率变成负数，lrlessons 会拒绝这样的链）。"
               "LambdaLR、CyclicLR、OneCycleLR 和 CosineAnnealingWarmRestarts 直接设定学习率："
               "放在链中时，每个都会覆盖排在它前面的调度的效果。"),
)

# --- PaddlePaddle: paddle.optimizer.lr ------------------------------------------------------------

_add(
    name="PiecewiseDecay", span=300, owner="paddle", unit=EPOCH, fn=F.piecewise_decay,
    suggested=dict(boundaries=[30, 45], values=[0.5, 0.05, 0.005]),
    uses_base_lr=False,
    check=_check_piecewise,
    title=Text("Piecewise constant", "分段常数衰减"),
    summary=Text("A given learning rate for each interval between boundaries.",
                 "在各个边界之间的区间里分别使用指定的学习率。"),
    formula=r"\eta_t = v_i \quad \text{for } b_{i-1} \le t < b_i",
    formula_zh=r"\eta_t = v_i \quad \text{当 } b_{i-1} \le t < b_i \text{ 时}",
    symbols=(ETA_T, Symbol("b_i", "boundaries", "边界（boundaries）"),
             Symbol("v_i", "values: the lr of each interval", "每个区间的学习率（values）"), T_SYM),
    params=(Param("boundaries", [100, 200], "ints", "steps where the lr changes",
                  "学习率改变的步数", 1, None),
            Param("values", [1.0, 0.5, 0.1], "floats", "lr of each interval (one more than "
                  "boundaries)", "各区间的学习率（比 boundaries 多一个）", 0.0, None)),
    code=_code(
        paddle="paddle.optimizer.lr.PiecewiseDecay(boundaries={boundaries}, values={values})",
        pytorch=Line("torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: "
                     "{factors}[bisect.bisect_right({boundaries}, t)])",
                     derive=lambda v: dict(factors=[x / v["base_lr"] for x in v["values"]])),
        keras=Line("keras.optimizers.schedules.PiecewiseConstantDecay(boundaries={keras_b}, "
                   "values={values})",
                   derive=lambda v: dict(keras_b=[b - 1 for b in v["boundaries"]]))),
    notes=Text("values are learning rates, not factors: the optimizer's base lr is not used. "
               "Paddle switches AT a boundary (step >= b); Keras one step later (step > b). "
               "PyTorch's MultiStepLR gives the same curve when the values form a geometric "
               "sequence: base lr values[0], gamma their ratio.",
               "values 是学习率本身而不是因子，不使用优化器的初始学习率。飞桨在边界上就切换"
               "（step >= b）；Keras 晚一步（step > b）。当 values 构成等比数列时，PyTorch 的 "
               "MultiStepLR 给出同一条曲线：初始学习率取 values[0]，gamma 取公比。"),
)

_add(
    name="NaturalExpDecay", owner="paddle", unit=EPOCH, fn=F.natural_exp_decay,
    suggested=dict(gamma=0.05),
    title=Text("Natural exponential decay", "自然指数衰减"),
    summary=Text("Multiply the base learning rate by e^(-gamma * t).",
                 "把初始学习率乘上 e^(-gamma * t)。"),
    formula=r"\eta_t = \eta_0 \, e^{-\gamma t}",
    symbols=(ETA0, RATE, ETA_T, T_SYM),
    params=(Param("gamma", 0.1, "float", "decay rate", "衰减率", 0.0, None, low_open=True,
                  scale="log", ui=(1e-3, 1.0)),),
    code=_code(
        paddle="paddle.optimizer.lr.NaturalExpDecay(learning_rate={base_lr}, gamma={gamma})",
        pytorch=Line("torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma={rate})",
                     derive=lambda v: dict(rate=math.exp(-v["gamma"]))),
        keras=Line("keras.optimizers.schedules.ExponentialDecay({base_lr}, "
                   "decay_steps=steps_per_epoch, decay_rate={rate}, staircase=True)",
                   derive=lambda v: dict(rate=math.exp(-v["gamma"])), why=_PER_EPOCH)),
    notes=Text("The same curve as ExponentialLR with gamma' = e^(-gamma).",
               "与 ExponentialLR 取 gamma' = e^(-gamma) 是同一条曲线。"),
)

_add(
    name="InverseTimeDecay", owner="paddle", unit=EPOCH, fn=F.inverse_time_decay,
    suggested=dict(gamma=0.1),
    title=Text("Inverse time decay", "逆时间衰减"),
    summary=Text("Divide the base learning rate by 1 + gamma * t.",
                 "把初始学习率除以 1 + gamma * t。"),
    formula=r"\eta_t = \frac{\eta_0}{1 + \gamma t}",
    symbols=(ETA0, RATE, ETA_T, T_SYM),
    params=(Param("gamma", 0.1, "float", "decay rate", "衰减率", 0.0, None, low_open=True,
                  scale="log", ui=(1e-3, 10.0)),),
    code=_code(
        paddle="paddle.optimizer.lr.InverseTimeDecay(learning_rate={base_lr}, gamma={gamma})",
        pytorch="torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 1 / (1 + {gamma} * t))",
        keras=Line("keras.optimizers.schedules.InverseTimeDecay({base_lr}, "
                   "decay_steps=steps_per_epoch, decay_rate={gamma}, staircase=True)",
                   why=_PER_EPOCH)),
)

_add(
    name="PolynomialDecay", span=150, owner="paddle", unit=EPOCH, fn=F.polynomial_decay,
    suggested=dict(decay_steps=60, end_lr=0.001),
    title=Text("Polynomial decay to end_lr", "多项式衰减（到 end_lr）"),
    summary=Text("Polynomial decay from the base lr to end_lr; with cycle=True it starts over.",
                 "从初始学习率按多项式衰减到 end_lr；cycle=True 时会周期性地重新开始。"),
    formula=r"\eta_t = (\eta_0 - \eta_{end})\left(1 - \frac{\min(t, D)}{D}\right)^{p} + "
            r"\eta_{end},\quad \text{with cycle=True: } D = d \max\left(1, \left\lceil t / d "
            r"\right\rceil\right)",
    formula_zh=r"\eta_t = (\eta_0 - \eta_{end})\left(1 - \frac{\min(t, D)}{D}\right)^{p} + "
               r"\eta_{end},\quad \text{cycle=True 时：} D = d \max\left(1, \left\lceil t / d "
               r"\right\rceil\right)",
    symbols=(ETA_T, ETA0, Symbol(r"\eta_{end}", "final lr (end_lr)", "最终学习率（end_lr）"),
             Symbol("d", "decay_steps", "衰减步数（decay_steps）"),
             Symbol("p", "power", "幂次（power）"), T_SYM),
    params=(_steps("decay_steps", 100, "steps to reach end_lr", "衰减到 end_lr 所用的步数",
                   ui=(1, 1000)),
            Param("end_lr", 1e-4, "float", "learning rate at the end", "最终学习率", 0.0, None,
                  ui=(0.0, 0.05)),
            Param("power", 1.0, "float", "exponent", "幂次", 0.0, None, low_open=True,
                  ui=(0.1, 5.0)),
            Param("cycle", False, "bool", "start over after decay_steps", "到达后是否重新开始")),
    code=_code(
        paddle="paddle.optimizer.lr.PolynomialDecay(learning_rate={base_lr}, "
               "decay_steps={decay_steps}, end_lr={end_lr}, power={power}, cycle={cycle})",
        keras="keras.optimizers.schedules.PolynomialDecay({base_lr}, decay_steps={decay_steps}, "
              "end_learning_rate={end_lr}, power={power}, cycle={cycle})",
        pytorch=(Line("torch.optim.lr_scheduler.PolynomialLR(optimizer, "
                      "total_iters={decay_steps}, power={power})",
                      when=lambda v: v["end_lr"] == 0 and not v["cycle"]),
                 Line("torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: {a} * (1 - min(t, "
                      "{decay_steps}) / {decay_steps}) ** {power} + {b})",
                      when=lambda v: not v["cycle"], derive=lambda v: dict(
                          a=(v["base_lr"] - v["end_lr"]) / v["base_lr"],
                          b=v["end_lr"] / v["base_lr"])),
                 Line("torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: {a} * (1 - t / "
                      "({decay_steps} * max(1, math.ceil(t / {decay_steps})))) ** {power} + {b})",
                      derive=lambda v: dict(a=(v["base_lr"] - v["end_lr"]) / v["base_lr"],
                                            b=v["end_lr"] / v["base_lr"]))),
        transformers=(Line("transformers.get_polynomial_decay_schedule_with_warmup(optimizer, "
                           "num_warmup_steps=0, num_training_steps={decay_steps}, "
                           "lr_end={end_lr}, power={power})",
                           when=lambda v: not v["cycle"] and v["end_lr"] < v["base_lr"]),
                      Line(None, why=Text(
                          "transformers' polynomial decay never restarts and needs lr_end below "
                          "the optimizer's lr: use cycle=False and end_lr below the learning rate",
                          "transformers 的多项式衰减不会重新开始，并且要求 lr_end 小于优化器的"
                          "学习率。请用 cycle=False，并让 end_lr 小于学习率。")))),
    notes=Text("With cycle=True each new cycle is a multiple of decay_steps long, so the lr jumps "
               "up at every multiple and decays more slowly each time. PyTorch's PolynomialLR "
               "always decays to 0 and never restarts, so it is the PyTorch line only for "
               "end_lr=0 and cycle=False; other values are written as a LambdaLR.",
               "cycle=True 时每个新周期的长度是 decay_steps 的倍数，所以学习率在每个倍数处跳高，"
               "并且一次比一次衰减得慢。PyTorch 的 PolynomialLR 总是降到 0，也不会重新开始；只有 "
               "end_lr=0 且 cycle=False 时两者一致，其他取值用 LambdaLR 来写。"),
)

_add(
    name="NoamDecay", span=20000, owner="paddle", unit=ITER, fn=F.noam_decay,
    title=Text("Noam decay (Transformer)", "Noam 衰减（Transformer）"),
    summary=Text("Linear warm-up for warmup_steps, then decay as 1/sqrt(t).",
                 "前 warmup_steps 步线性预热，之后按 1/sqrt(t) 衰减。"),
    formula=r"\eta_t = \eta_0 \, d_{model}^{-0.5} \min\left(t^{-0.5},\ t \cdot w^{-1.5}\right)",
    symbols=(ETA_T, ETA0, Symbol(r"d_{model}", "model width (d_model)", "模型维度（d_model）"),
             Symbol("w", "warmup_steps", "预热步数（warmup_steps）"), T_SYM),
    params=(_steps("d_model", 512, "model width", "模型维度", ui=(16, 4096)),
            _steps("warmup_steps", 4000, "steps of warm-up", "预热步数", ui=(1, 10000))),
    code=_code(
        paddle="paddle.optimizer.lr.NoamDecay(d_model={d_model}, warmup_steps={warmup_steps}, "
               "learning_rate={base_lr})",
        pytorch=Line("torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: {scale} * "
                     "min((t or 1) ** -0.5, t * {slope}))",
                     derive=lambda v: dict(scale=v["d_model"] ** -0.5,
                                           slope=v["warmup_steps"] ** -1.5))),
    notes=Text("The peak, at step warmup_steps, is learning_rate * d_model^-0.5 * "
               "warmup_steps^-0.5: 0.1 * (512 * 4000)^-0.5 ≈ 7e-5 with the lines above at their "
               "defaults (Paddle's own default learning_rate, 1.0, gives ≈ 7e-4). At step 0 the "
               "lr is 0.",
               "峰值在第 warmup_steps 步，等于 learning_rate * d_model^-0.5 * "
               "warmup_steps^-0.5：按上面各行的默认值是 0.1 * (512 * 4000)^-0.5 ≈ 7e-5（飞桨"
               "自己的默认 learning_rate 为 1.0，对应约 7e-4）。第 0 步的学习率为 0。"),
)

_WARMS_TO_LR = Text("Paddle jumps to learning_rate when the warm-up ends, while Keras' "
                    "PolynomialDecay holds end_lr: give end_lr the learning rate itself",
                    "飞桨在预热结束时跳到 learning_rate，而 Keras 的 "
                    "PolynomialDecay 停在 end_lr。请让 end_lr 等于学习率本身。")

_add(
    name="LinearWarmup", span=50, owner="paddle", unit=ITER, fn=F.linear_warmup,
    check=_check_warmup_rises,
    suggested=dict(warmup_steps=5, start_lr=0.0, end_lr=0.5),
    # At lr 0.1 the playground's end_lr would warm up to 0.4, then drop to 0.1.
    example=dict(warmup_steps=5, start_lr=0.0, end_lr=0.1),
    title=Text("Linear warm-up", "线性预热"),
    summary=Text("Ramp linearly from start_lr to end_lr, then use the base learning rate.",
                 "从 start_lr 线性升到 end_lr，之后使用初始学习率。"),
    formula=r"\eta_t = \begin{cases} \eta_s + (\eta_e - \eta_s)\,\frac{t}{w} & t < w \\ \eta_0 "
            r"& t \ge w \end{cases}",
    symbols=(ETA_T, Symbol(r"\eta_s", "start_lr", "预热的起始学习率（start_lr）"),
             Symbol(r"\eta_e", "end_lr", "预热的目标学习率（end_lr）"),
             Symbol("w", "warmup_steps", "预热步数（warmup_steps）"),
             Symbol(r"\eta_0", "the lr after warm-up (learning_rate)",
                    "预热之后的学习率（learning_rate）"), T_SYM),
    params=(_steps("warmup_steps", 10, "steps of warm-up", "预热步数", ui=(1, 200)),
            # Slider ranges that cannot cross: end_lr > start_lr whatever the sliders say.
            Param("start_lr", 0.0, "float", "lr at step 0", "第 0 步的学习率", 0.0, None,
                  ui=(0.0, 0.05)),
            Param("end_lr", 0.1, "float", "lr the ramp heads for", "预热的目标学习率", 0.0, None,
                  ui=(0.06, 1.0))),
    code=_code(
        paddle="paddle.optimizer.lr.LinearWarmup(learning_rate={base_lr}, "
               "warmup_steps={warmup_steps}, start_lr={start_lr}, end_lr={end_lr})",
        pytorch=Line("torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: {a} + {b} * t "
                     "if t < {warmup_steps} else 1.0)",
                     derive=lambda v: dict(a=v["start_lr"] / v["base_lr"],
                                           b=(v["end_lr"] - v["start_lr"])
                                           / (v["warmup_steps"] * v["base_lr"]))),
        keras=(Line("keras.optimizers.schedules.PolynomialDecay({start_lr}, "
                    "decay_steps={warmup_steps}, end_learning_rate={end_lr}, power=1.0)",
                    when=lambda v: v["end_lr"] == v["base_lr"]),
               Line(None, why=_WARMS_TO_LR)),
        transformers=(Line("transformers.get_constant_schedule_with_warmup(optimizer, "
                           "num_warmup_steps={warmup_steps})",
                           when=lambda v: v["start_lr"] == 0 and v["end_lr"] == v["base_lr"]),
                      Line(None, why=Text(
                          "transformers' warm-up rises from 0 to the optimizer's lr: it matches "
                          "only start_lr=0 with end_lr equal to the learning rate",
                          "transformers 的预热从 0 升到优化器的学习率：只有 start_lr=0 且 end_lr "
                          "等于学习率时才一致。")))),
    notes=Text("The ramp stops one step short of end_lr; from step warmup_steps on the lr is "
               "learning_rate. Paddle also accepts another schedule as learning_rate and starts "
               "it at its own step 0 when the warm-up ends; a ReduceOnPlateau there would get "
               "the step count as its metric, and warm restarts with T_mult > 1 miss restarts "
               "(Paddle finds their cycle with a float logarithm).",
               "预热在到达 end_lr 的前一步结束；从第 warmup_steps 步起学习率等于 learning_rate。"
               "飞桨也允许把另一个调度器传给 learning_rate，预热结束时它从自己的第 0 步开始；"
               "但 ReduceOnPlateau 放在这里会把步数当成指标，T_mult > 1 的热重启也会漏掉重启"
               "（飞桨用浮点对数计算周期）。"),
)

# --- Hugging Face transformers --------------------------------------------------------------------


def _paddle_warmup(decay: str, cls: str, arg: str, when=None) -> tuple[Line, ...]:
    """A transformers warm-up + decay in Paddle: LinearWarmup from 0 around the decay written
    ``decay`` (``{d}``: the decay's length), or the decay alone without a warm-up."""
    both = (lambda v: True) if when is None else when
    derive = lambda v: dict(d=v["num_training_steps"] - v["num_warmup_steps"])  # noqa: E731
    return (Line(None, when=lambda v: v["num_training_steps"] == v["num_warmup_steps"],
                 why=Text(f"with num_training_steps == num_warmup_steps there is no decay phase, "
                          f"and Paddle's {cls} needs {arg} > 0: make num_training_steps larger "
                          f"than num_warmup_steps",
                          f"num_training_steps 等于 num_warmup_steps 时没有衰减阶段，而飞桨的 "
                          f"{cls} 要求 {arg} 大于 0。请让 num_training_steps 大于 "
                          f"num_warmup_steps。")),
            Line("paddle.optimizer.lr.LinearWarmup(learning_rate=" + decay + ", "
                 "warmup_steps={num_warmup_steps}, start_lr=0.0, end_lr={base_lr})",
                 when=lambda v: both(v) and v["num_warmup_steps"] > 0, derive=derive),
            Line(decay, when=both, derive=derive))

# Slider ranges that cannot cross: any warm-up slider value fits in any training length.
_WARM = _steps("num_warmup_steps", 10, "steps of linear warm-up from 0", "从 0 线性预热的步数",
               low=0, ui=(0, 100))
_TRAIN = _steps("num_training_steps", 100, "total optimizer steps of the run", "整个训练的总步数",
                ui=(100, 5000))
_HF_SYMS = (ETA_T, ETA0, Symbol("w", "num_warmup_steps", "预热步数（num_warmup_steps）"),
            Symbol("T", "num_training_steps", "总训练步数（num_training_steps）"), T_SYM)

_add(
    name="WarmupLinear", owner="transformers", unit=ITER, fn=F.warmup_linear,
    run_length="num_training_steps", suggested=dict(num_warmup_steps=60),
    check=_check_warmup_within,
    title=Text("Linear warm-up, linear decay", "线性预热 + 线性衰减"),
    summary=Text("Rise from 0 over the warm-up, then fall linearly to 0 at the last step.",
                 "预热阶段从 0 升起，之后线性降到最后一步的 0。"),
    formula=r"\eta_t = \eta_0 \begin{cases} t / w & t < w \\ \max\left(0, \frac{T - t}{T - w}"
            r"\right) & t \ge w \end{cases}",
    symbols=_HF_SYMS, params=(_WARM, _TRAIN),
    code=_code(
        transformers="transformers.get_linear_schedule_with_warmup(optimizer, "
                     "num_warmup_steps={num_warmup_steps}, "
                     "num_training_steps={num_training_steps})",
        pytorch=_warmup_lambda("max(0.0, ({num_training_steps} - t) / {d})",
                               lambda v: dict(d=max(1, v["num_training_steps"]
                                                    - v["num_warmup_steps"]))),
        paddle=_paddle_warmup(
            "paddle.optimizer.lr.PolynomialDecay(learning_rate={base_lr}, decay_steps={d}, "
            "end_lr=0.0, power=1.0)", "PolynomialDecay", "decay_steps")),
)

_add(
    name="WarmupCosine", owner="transformers", unit=ITER, fn=F.warmup_cosine,
    run_length="num_training_steps", suggested=dict(num_warmup_steps=60),
    check=_check_warmup_within,
    title=Text("Linear warm-up, cosine decay", "线性预热 + 余弦衰减"),
    summary=Text("Rise from 0 over the warm-up, then follow a cosine down to 0.",
                 "预热阶段从 0 升起，之后沿余弦降到 0。"),
    formula=r"\eta_t = \eta_0 \begin{cases} t / w & t < w \\ \max\left(0, \tfrac{1}{2}\left(1 + "
            r"\cos(2\pi c\, p_t)\right)\right) & t \ge w \end{cases},\quad p_t = \frac{t - w}{T - w}",
    symbols=(*_HF_SYMS, Symbol("c", "num_cycles (0.5: one half cosine)",
                               "余弦波数（num_cycles，0.5 即半个余弦）")),
    params=(_WARM, _TRAIN, Param("num_cycles", 0.5, "float", "number of cosine waves",
                                 "余弦波的个数", 0.0, None, low_open=True, ui=(0.25, 5.0))),
    code=_code(
        transformers="transformers.get_cosine_schedule_with_warmup(optimizer, "
                     "num_warmup_steps={num_warmup_steps}, "
                     "num_training_steps={num_training_steps}«, num_cycles={num_cycles}»)",
        pytorch=_warmup_lambda("max(0.0, 0.5 * (1 + math.cos(math.pi * {waves} * "
                               "(t - {num_warmup_steps}) / {d})))",
                               lambda v: dict(d=max(1, v["num_training_steps"]
                                                    - v["num_warmup_steps"]),
                                              waves=2.0 * v["num_cycles"])),
        paddle=(*_paddle_warmup("paddle.optimizer.lr.CosineAnnealingDecay(learning_rate={base_lr}, "
                                "T_max={d})", "CosineAnnealingDecay", "T_max",
                                when=lambda v: v["num_cycles"] == 0.5),
                Line(None, why=Text("Paddle's CosineAnnealingDecay has no num_cycles: it matches "
                                    "only num_cycles=0.5, one half cosine down to 0",
                                    "飞桨的 CosineAnnealingDecay 没有 num_cycles，只有 "
                                    "num_cycles=0.5（半个余弦降到 0）时才一致。请用 "
                                    "num_cycles=0.5。"))),
        keras=(Line(None, when=lambda v: v["num_cycles"] != 0.5,
                    why=Text("Keras' CosineDecay has no num_cycles: it matches only "
                             "num_cycles=0.5, one half cosine down to 0",
                             "Keras 的 CosineDecay 没有 num_cycles，只有 num_cycles=0.5"
                             "（半个余弦降到 0）时才一致。请用 num_cycles=0.5。")),
               Line(None, when=lambda v: v["num_training_steps"] == v["num_warmup_steps"],
                    why=Text("with num_training_steps == num_warmup_steps there is no decay "
                             "phase, and Keras' CosineDecay needs decay_steps > 0: make "
                             "num_training_steps larger than num_warmup_steps",
                             "num_training_steps 等于 num_warmup_steps 时没有衰减阶段，而 Keras "
                             "的 CosineDecay 要求 decay_steps 大于 0。请让 num_training_steps "
                             "大于 num_warmup_steps。")),
               Line("keras.optimizers.schedules.CosineDecay({base_lr}, "
                    "decay_steps={num_training_steps})",
                    when=lambda v: v["num_warmup_steps"] == 0,
                    exact_until=lambda v: v["num_training_steps"], why=_KERAS_HOLDS_ZERO),
               Line("keras.optimizers.schedules.CosineDecay(0.0, decay_steps={d}, "
                    "warmup_target={base_lr}, warmup_steps={num_warmup_steps})",
                    derive=lambda v: dict(d=v["num_training_steps"] - v["num_warmup_steps"]),
                    exact_until=lambda v: v["num_training_steps"], why=_KERAS_HOLDS_ZERO))),
    notes=Text("Keras' CosineDecay with warmup_target matches for num_cycles=0.5 up to "
               "num_training_steps; past it transformers' cosine climbs back up while Keras "
               "holds 0.",
               "num_cycles=0.5 时，在 num_training_steps 之前与 Keras 带 warmup_target 的 "
               "CosineDecay 相同；超过之后 transformers 的余弦会重新升高，而 Keras 保持为 0。"),
)

_add(
    name="InverseSqrt", span=200, owner="transformers", unit=ITER, fn=F.inverse_sqrt,
    suggested=dict(num_warmup_steps=60),
    title=Text("Warm-up, then inverse square root", "预热 + 平方根倒数衰减"),
    summary=Text("Rise from 0 over the warm-up, then decay as 1/sqrt(t).",
                 "预热阶段从 0 升起，之后按 1/sqrt(t) 衰减。"),
    formula=r"\eta_t = \eta_0 \begin{cases} t / w & t < w \\ \sqrt{\tau / (t - w + \tau)} & "
            r"t \ge w \end{cases}",
    symbols=(ETA_T, ETA0, Symbol("w", "num_warmup_steps", "预热步数（num_warmup_steps）"),
             Symbol(r"\tau", "timescale (default: num_warmup_steps, or 10000)",
                    "时间尺度 timescale（默认等于 num_warmup_steps，为 0 时取 10000）"), T_SYM),
    params=(_WARM, _steps("timescale", None, "how fast the decay goes (None: num_warmup_steps)",
                          "衰减的时间尺度（None 表示取 num_warmup_steps）", ui=(1, 10000),
                          optional=True)),
    code=_code(
        transformers="transformers.get_inverse_sqrt_schedule(optimizer, "
                     "num_warmup_steps={num_warmup_steps}«, timescale={timescale}»)",
        pytorch=(*_warmup_lambda("1 / math.sqrt(t / {num_warmup_steps})", None,
                                 when=lambda v: _timescale(v) == v["num_warmup_steps"]),
                 *_warmup_lambda("1 / math.sqrt((t + {shift}) / {tau})",
                                 lambda v: dict(tau=_timescale(v),
                                                shift=_timescale(v) - v["num_warmup_steps"]))),
        # Noam's peak is learning_rate * (d_model * warmup_steps)^-0.5: d_model=1 and
        # learning_rate = lr * sqrt(w) put it at lr, at step w, then 1/sqrt(t / w).
        paddle=(Line("paddle.optimizer.lr.NoamDecay(d_model=1, warmup_steps={num_warmup_steps}, "
                     "learning_rate={peak})",
                     when=lambda v: v["num_warmup_steps"] > 0
                     and _timescale(v) == v["num_warmup_steps"],
                     derive=lambda v: dict(peak=v["base_lr"] * math.sqrt(v["num_warmup_steps"]))),
                Line(None, why=Text("Paddle's NoamDecay decays from the end of its warm-up: it "
                                    "matches only num_warmup_steps > 0 with timescale equal to it "
                                    "(or None)",
                                    "飞桨的 NoamDecay 从预热结束处开始衰减：只有 "
                                    "num_warmup_steps > 0 且 timescale 等于它（或为 None）时才"
                                    "一致。")))),
)

def _wsd_lambda(v: dict) -> dict:
    """transformers' WSD factor as the body of a LambdaLR's lambda, written for these types."""
    from .frameworks import plain

    w, s, d = v["num_warmup_steps"], v["num_stable_steps"], v["num_decay_steps"]
    up = f"t / {max(1, w)}"
    warm = {"linear": up, "cosine": f"0.5 * (1 - math.cos(math.pi * {up}))",
            "1-sqrt": f"1 - math.sqrt(1 - {up})"}[v["warmup_type"]]
    p = f"(t - {w + s}) / {max(1, d)}"
    waves = plain(2.0 * v["num_cycles"], exact=False)
    decay = {"linear": f"1 - {p}", "cosine": f"0.5 * (1 + math.cos(math.pi * {waves} * {p}))",
             "1-sqrt": f"1 - math.sqrt({p})"}[v["decay_type"]]
    r = v["min_lr_ratio"]
    if r:
        rest = plain(1.0 - r, exact=False)
        warm, decay = (f"max(0.0, {plain(r)} + {rest} * ({x}))" for x in (warm, decay))
    return dict(warm=Raw(warm), decay=Raw(decay), stable_end=w + s, decay_end=w + s + d)


_add(
    name="WarmupStableDecay", owner="transformers", unit=ITER, fn=F.warmup_stable_decay,
    suggested=dict(num_warmup_steps=60, num_stable_steps=360, num_decay_steps=300),
    title=Text("Warm-up, stable, decay (WSD)", "预热-平稳-衰减（WSD）"),
    summary=Text("Warm up, hold the peak for num_stable_steps, then decay to min_lr_ratio.",
                 "先预热，再在峰值保持 num_stable_steps 步，最后衰减到 min_lr_ratio。"),
    formula=r"\eta_t = \eta_0 \begin{cases} r + (1 - r)\,u(t / w) & t < w \\ 1 & t < w + s \\ r + "
            r"(1 - r)\,d\left(\frac{t - w - s}{D}\right) & t < w + s + D \\ r & \text{after} "
            r"\end{cases}",
    formula_zh=r"\eta_t = \eta_0 \begin{cases} r + (1 - r)\,u(t / w) & t < w \\ 1 & t < w + s \\ "
               r"r + (1 - r)\,d\left(\frac{t - w - s}{D}\right) & t < w + s + D \\ r & "
               r"\text{此后} \end{cases}",
    symbols=(ETA_T, ETA0, Symbol("w, s, D", "warm-up, stable and decay steps",
                                 "预热、平稳、衰减的步数"),
             Symbol("r", "min_lr_ratio", "最低学习率比例（min_lr_ratio）"),
             Symbol("u, d", "warm-up and decay shapes: linear, cosine or 1-sqrt",
                    "预热与衰减的形状：linear、cosine 或 1-sqrt"), T_SYM),
    params=(_WARM,
            _steps("num_stable_steps", 50, "steps held at the peak", "保持在峰值的步数", low=0,
                   ui=(0, 2000)),
            _steps("num_decay_steps", 40, "steps of the final decay", "最后衰减阶段的步数", low=0,
                   ui=(0, 2000)),
            _choice("decay_type", "cosine", ("linear", "cosine", "1-sqrt"), "shape of the decay",
                    "衰减的形状"),
            Param("min_lr_ratio", 0.0, "float", "final lr as a fraction of the peak",
                  "最终学习率占峰值的比例", 0.0, 1.0),
            _choice("warmup_type", "linear", ("linear", "cosine", "1-sqrt"),
                    "shape of the warm-up", "预热的形状"),
            Param("num_cycles", 0.5, "float", "cosine waves in the decay", "衰减阶段的余弦波数",
                  0.0, None, low_open=True, ui=(0.25, 2.0))),
    code=_code(
        transformers="transformers.get_wsd_schedule(optimizer, "
                     "num_warmup_steps={num_warmup_steps}, num_stable_steps={num_stable_steps}, "
                     "num_decay_steps={num_decay_steps}«, warmup_type={warmup_type}»"
                     "«, decay_type={decay_type}»«, min_lr_ratio={min_lr_ratio}»"
                     "«, num_cycles={num_cycles}»)",
        pytorch=Line("torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: {warm} if t < "
                     "{num_warmup_steps} else 1.0 if t < {stable_end} else {decay} if t < "
                     "{decay_end} else {min_lr_ratio})", derive=_wsd_lambda)),
)

# --- reading the catalogue ------------------------------------------------------------------------


def get(name: str) -> Schedule:
    """The catalogue entry called ``name``; an unknown name lists the closest ones."""
    if isinstance(name, str) and name in SCHEDULES:
        return SCHEDULES[name]
    lowered = {n.lower(): n for n in SCHEDULES}
    close = difflib.get_close_matches(str(name).lower(), lowered, n=3, cutoff=0.5)
    close = [lowered[c] for c in close] or list(SCHEDULES)[:3]
    raise fail(f"unknown schedule {name!r}; closest: {', '.join(close)}",
               f"调度目录中没有 {name!r}；最接近的是：{', '.join(close)}")


def problems(spec: Schedule) -> list[str]:
    """What an entry lacks, each named (empty for a complete entry). A new schedule passes this
    before anything else (docs/adding_a_schedule.md); the tests hold every entry to it."""
    from .frameworks import FRAMEWORKS

    out = []

    def bilingual(what: str, en: str | None, zh: str | None) -> None:
        if not en:
            out.append(f"{what} has no English text")
        if not zh or not any("\u4e00" <= ch <= "\u9fff" for ch in zh):
            out.append(f"{what} has no Chinese text")

    bilingual("title", spec.title.en, spec.title.zh)
    bilingual("summary", spec.summary.en, spec.summary.zh)
    if spec.notes is not None:
        bilingual("notes", spec.notes.en, spec.notes.zh)
    if not spec.formula:
        out.append("no formula")
    if not spec.symbols:
        out.append("no symbols explained")
    for sym in spec.symbols:
        bilingual(f"symbol {sym.latex}", sym.en, sym.zh)
    if spec.unit not in (EPOCH, ITER):
        out.append(f"unit must be {EPOCH!r} or {ITER!r}, not {spec.unit!r}")
    if not callable(spec.fn):
        out.append("no closed form (fn)")
    names = {p.name for p in spec.params}
    for p in spec.params:
        bilingual(f"parameter {p.name}", p.en, p.zh)
        if p.kind in ("int", "float"):
            lo, hi = p.slider_range
            if lo is None or hi is None or not lo < hi:
                out.append(f"parameter {p.name} has no slider range (ui=(low, high))")
        if p.kind == "choice" and p.default not in p.choices:
            out.append(f"parameter {p.name}: default {p.default!r} is not a choice")
        if not p.required and p.default is not None:
            try:
                p.check(p.default)
            except LRLessonsError:
                out.append(f"parameter {p.name}: default {p.default!r} is not valid")
    if spec.owner not in spec.code:
        out.append(f"no line in its own framework ({spec.owner})")
    for framework, lines in spec.code.items():
        if framework not in FRAMEWORKS:
            out.append(f"unknown framework {framework!r} (known: {', '.join(FRAMEWORKS)})")
        for line in lines:
            if line.template is None and line.why is None:
                out.append(f"a {framework} line without a template says no why")
            if line.why is not None:
                bilingual(f"the why of a {framework} line", line.why.en, line.why.zh)
    if spec.run_length is not None and spec.run_length not in names:
        out.append(f"run_length names no parameter: {spec.run_length!r}")
    if spec.metric and not any(p.kind == "series" for p in spec.params):
        out.append("metric=True but no parameter of kind 'series' holds the metric")
    if spec.members not in (None, "sequence", "chain"):
        out.append(f"members must be None, 'sequence' or 'chain', not {spec.members!r}")
    if spec.in_sequence not in ("any", "first", "never"):
        out.append(f"in_sequence must be 'any', 'first' or 'never', not {spec.in_sequence!r}")
    for key in spec.suggested:
        if key not in names:
            out.append(f"suggested names no parameter: {key!r}")
    try:
        resolve(spec, _with_metric(spec, spec.example_params))
    except LRLessonsError as exc:
        out.append(f"its example (example, else suggested) is refused: {exc}")
    return [f"{spec.name}: {problem}" for problem in out]


def check_base_lr(base_lr) -> float:
    return Param("base_lr", 0.1, "float", "", "", 0.0, None, low_open=True).check(base_lr)


def check_steps(steps) -> int:
    return Param("steps", 100, "int", "", "", 1, 10_000_000).check(steps)


def resolve(spec: Schedule, params: dict, steps: int | None = None) -> dict:
    """Validate ``params`` for ``spec``: fill defaults, check each value, then the rules between
    them. Returns the complete, canonical parameter dict."""
    known = {p.name for p in spec.params}
    for key in params:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint_en = f"; did you mean {close[0]!r}?" if close else ""
            hint_zh = f"；是不是想写 {close[0]!r}？" if close else ""
            allowed = ", ".join(sorted(known)) or "none"
            raise fail(f"{spec.name} has no parameter {key!r}{hint_en} (parameters: {allowed})",
                       f"{spec.name} 没有参数 {key!r}{hint_zh}（可用参数：{allowed}）", TypeError)
    out = {}
    for p in spec.params:
        if p.name not in params:
            if p.required:
                raise fail(f"{spec.name} needs {p.name}= ({p.en})",
                           f"{spec.name} 需要参数 {p.name}=（{p.zh}）", TypeError)
            out[p.name] = p.default
        else:
            out[p.name] = p.check(params[p.name])
    if "schedulers" in out:
        out["schedulers"] = _resolve_members(spec, out["schedulers"])
    if spec.check is not None:
        spec.check(out, steps)
    return out


def _resolve_members(spec: Schedule, members) -> list:
    if isinstance(members, (str, bytes)) or not hasattr(members, "__iter__") or not members:
        raise fail(f"schedulers must be a non-empty list of (name, params) pairs, got {members!r}",
                   f"schedulers 必须是非空的 (名称, 参数) 列表，你给出的是 {members!r}", TypeError)
    out = []
    for i, item in enumerate(members):
        if not (isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], dict)):
            raise fail(f"schedulers[{i}] must be a (name, params) pair, got {item!r}",
                       f"schedulers[{i}] 必须是 (名称, 参数字典)，你给出的是 {item!r}", TypeError)
        member = get(item[0])
        if not _may_hold(spec, member, i):
            allowed = ", ".join(n for n, s in SCHEDULES.items() if _may_hold(spec, s, i))
            raise fail(f"{spec.name} cannot hold {member.name} (schedulers[{i}]); allowed: "
                       f"{allowed}",
                       f"{spec.name} 不能包含 {member.name}（schedulers[{i}]）；可用的有："
                       f"{allowed}")
        out.append((member, resolve(member, item[1])))
    return out


def _may_hold(spec: Schedule, member: Schedule, position: int) -> bool:
    """Chaining needs schedules that multiply the running lr; a sequence needs schedules that
    restart from step 0 on the shared initial lr (``in_sequence="first"``: only as the first)."""
    if spec.members == "chain":
        return member.in_chain
    return member.in_sequence == "any" or member.in_sequence == "first" and position == 0


def evaluate(spec: Schedule, t: np.ndarray, base_lr: float, params: dict) -> np.ndarray:
    """The closed form of a resolved entry at steps ``t``."""
    if spec.members:
        return spec.fn(t, base_lr, **params, curve_of=evaluate)
    return spec.fn(t, base_lr, **params)


def curve(name: str, steps: int, base_lr: float = 0.1, **params) -> np.ndarray:
    r"""The learning rate in force at each of ``steps`` optimizer steps.

    Element ``t`` is what ``optimizer.param_groups[0]["lr"]`` holds after ``t`` calls of
    ``scheduler.step()`` in the framework that owns ``name``. Closed form, no torch.

    >>> curve("StepLR", 5, base_lr=1.0, step_size=2, gamma=0.5)
    array([1.  , 1.  , 0.5 , 0.5 , 0.25])
    """
    spec = get(name)
    steps, base_lr = check_steps(steps), check_base_lr(base_lr)
    resolved = resolve(spec, params, steps)
    out = np.asarray(evaluate(spec, np.arange(steps, dtype=np.int64), base_lr, resolved),
                     dtype=np.float64)
    return check_finite(name, out)


def check_finite(name: str, lr: np.ndarray, rounding: float = 0.0) -> np.ndarray:
    """Refuse a curve holding NaN, inf or a negative lr (a user's lr_lambda can produce them).
    ``rounding`` tolerates the -1e-17 a recursive torch update leaves where the lr reaches 0."""
    bad = ~np.isfinite(lr) | (lr < -rounding)
    if bad.any():
        at = int(np.flatnonzero(bad)[0])
        raise fail(f"{name} gives lr={lr[at]} at step {at}: every learning rate must be a finite "
                   f"number >= 0 (check lr_lambda or the parameters)",
                   f"{name} 在第 {at} 步得到 lr={lr[at]}：学习率必须是 >= 0 的有限数"
                   f"（请检查 lr_lambda 或参数）")
    return lr


def code(name: str, framework: str = "pytorch", base_lr: float = 0.1, **params) -> str:
    """The line a learner writes for ``name`` in ``framework``, filled with these parameters and
    run as written by the course's tests. A line that uses ``math`` or ``bisect`` needs
    ``import math`` / ``import bisect`` first: cards and the rosetta table show it next to the line.

    >>> code("MultiStepLR", "keras", milestones=[30, 80])
    'keras.optimizers.schedules.PiecewiseConstantDecay(boundaries=[29, 79], values=[0.1, 0.01, 0.001])'
    """
    from .frameworks import FRAMEWORKS, refusal, write

    spec = get(name)
    if framework not in spec.code:
        have = ", ".join(spec.code)
        known = ", ".join(FRAMEWORKS)
        raise fail(f"{name} has no {framework} line; it has: {have} (frameworks: {known})",
                   f"{name} 没有 {framework} 写法。它有这些框架的写法：{have}"
                   f"（framework 可取 {known}）")
    written = write(spec, framework, check_base_lr(base_lr), resolve(spec, _with_metric(spec,
                                                                                          params)))
    if written.text is None:
        raise refusal(written, name)
    return written.text


def _with_metric(spec: Schedule, params: dict) -> dict:
    """A metric-driven entry written as a line needs no data: the metric goes to step()."""
    return {"metrics": [], **params} if spec.metric else params
