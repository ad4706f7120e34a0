"""Lesson 07's exercises: a chainable LRScheduler subclass that resumes exactly; a Keras
schedule."""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..catalogue import curve
from .core import (
    STEP_MISTAKES,
    Exercise,
    Result,
    first_difference,
    first_match,
    fmt,
    given,
    mistake,
    positive,
)


def _step_scheduler(cls, base_lr: float, steps: int, resume_at: int | None = None):
    """lrs of ``cls(optimizer)`` stepped as a loop does; with ``resume_at`` the run is saved
    after that many steps and continued by a fresh optimizer and scheduler that load both
    state_dicts."""
    import torch

    def fresh():
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base_lr)
        return opt, cls(opt)

    opt, sched = fresh()
    out = []
    for t in range(steps):
        if t == resume_at:
            saved = (opt.state_dict(), sched.state_dict())
            opt, sched = fresh()
            opt.load_state_dict(saved[0])
            sched.load_state_dict(saved[1])
        out.append(float(opt.param_groups[0]["lr"]))
        opt.step()
        sched.step()
    return np.array(out)


CHAIN_FACTOR = 0.98  # the other scheduler of the chain test: MultiplicativeLR(lambda t: 0.98)


def _step_chained(cls, base_lr: float, steps: int):
    """lrs of ``ChainedScheduler([cls(optimizer), MultiplicativeLR(0.98)])``: a chainable
    ``get_lr`` gives the product of both; a closed form overwrites the other's factor."""
    import torch

    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base_lr)
    chain = torch.optim.lr_scheduler.ChainedScheduler(
        [cls(opt), torch.optim.lr_scheduler.MultiplicativeLR(opt, lambda t: CHAIN_FACTOR)],
        optimizer=opt)
    out = []
    for _ in range(steps):
        out.append(float(opt.param_groups[0]["lr"]))
        opt.step()
        chain.step()
    return np.array(out)


SCHEDULER_CLASS = Exercise(
    "07.1", "scheduler_class",
    {"en": "`WarmupThenStep.get_lr` in the chainable form: an `LRScheduler` subclass that ramps "
           "linearly from 0.1× to the full rate over 5 epochs, then halves every 10 epochs "
           "counted from the end of the warm-up (a derivation: the ratio from one step's lr to "
           "the next)",
     "zh": "用链式写法写 `WarmupThenStep.get_lr`：一个 `LRScheduler` 子类，5 个 epoch 内从 0.1 倍"
           "线性升到完整学习率，之后从预热结束时算起每 10 个 epoch 减半（推导题：相邻两步学习率"
           "之比）"},
    {"en": "`check.scheduler_class`: torch steps the class for 40 epochs against the catalogue's "
           "`SequentialLR([LinearLR(start_factor=0.1, total_iters=5), StepLR(step_size=10, "
           "gamma=0.5)], milestones=[5])`; inside a `ChainedScheduler` with "
           "`MultiplicativeLR(lambda t: 0.98)` it must give the product of both (a closed form "
           "overwrites the other factor and fails); a run saved after step 17 and resumed from "
           "both `state_dict`s must continue it exactly",
     "zh": "`check.scheduler_class`：由 torch 调用这个类 40 个 epoch，与调度目录中的 "
           "`SequentialLR([LinearLR(start_factor=0.1, total_iters=5), StepLR(step_size=10, "
           "gamma=0.5)], milestones=[5])` 比较；放进带 `MultiplicativeLR(lambda t: 0.98)` 的 "
           "`ChainedScheduler` 里，必须得到两者的乘积（闭式写法会覆盖另一个因子，不能通过）；"
           "再在第 17 步后保存、从两个 `state_dict` 恢复，必须完全接上"},
    (mistake("factors", "factors instead of lrs", "返回因子而不是学习率",
             "get_lr returns learning rates, not factors: multiply the lr each group holds now, "
             "group['lr'] (LambdaLR is the one that multiplies for you).",
             "get_lr 返回的是学习率，不是因子：要乘上每个参数组此刻的学习率 group['lr']（替你相乘的"
             "是 LambdaLR）。"),
     mistake("decay from 0", "decay counted from epoch 0", "衰减从编号为 0 的 epoch 数起",
             "The decay counts its epochs from the end of the warm-up: use (t - {w}) // {size}.",
             "衰减要从预热结束时开始数 epoch：用 (t - {w}) // {size}。"),
     mistake("ramp early", "ramp one step early", "线性上升早了一步",
             "The ramp reaches the full rate one step early: at step t it is start_factor + "
             "(1 - start_factor) * t / {w}, so step 0 trains at start_factor.",
             "线性上升早了一步到达完整学习率：第 t 步的因子是 start_factor + (1 - start_factor) "
             "* t / {w}，所以第 0 步用的是 start_factor。"),
     mistake("compounds", "chainable form multiplying `group[\"lr\"]` every step",
             "链式写法每步都乘 `group[\"lr\"]`",
             "Your lr keeps falling at every step: group['lr'] already holds the last step's lr, "
             "so multiplying it by gamma at every step compounds. Multiply only at the steps "
             "where the staircase drops, and by 1 in between.",
             "你的学习率每一步都在下降：group['lr'] 已经是上一步的学习率，每步都乘 gamma 就会累乘。"
             "只在阶梯下降的那几步乘 gamma，其余各步乘 1。"),
     mistake("closed", "the closed form (computed from `self.base_lrs`)",
             "闭式写法（用 `self.base_lrs` 计算）",
             "Your curve is right on its own, but inside a ChainedScheduler it overwrites the "
             "other scheduler's factor: you compute from self.base_lrs (the closed form). Start "
             "from group['lr'], the lr the optimizer holds now, and multiply it by the ratio of "
             "this step's factor to the last step's.",
             "单独运行时你的曲线是对的，但放进 ChainedScheduler 后它会覆盖另一个调度器的因子：你是"
             "用 self.base_lrs 计算的（闭式写法）。请从优化器此刻持有的学习率 group['lr'] 出发，"
             "乘上这一步的因子与上一步的因子之比。"),
     mistake("resume", "state kept outside the attributes", "状态没有存成属性",
             "Keep every value the schedule needs in attributes (state_dict saves them) and "
             "count the steps with self.last_epoch, which state_dict saves too.",
             "把调度需要的值都存成属性（state_dict 会保存它们），并用 self.last_epoch 数步数，"
             "state_dict 也会保存它。"),
     mistake("class", "not an `LRScheduler` subclass", "不是 `LRScheduler` 的子类",
             "Expected a subclass of torch.optim.lr_scheduler.LRScheduler.",
             "需要 torch.optim.lr_scheduler.LRScheduler 的子类。"),
     *STEP_MISTAKES),
    example={"w": 5, "size": 10})


def scheduler_class(cls, name: str, steps: int = 40, base_lr: float = 0.1,
                    resume_at: int = 17, **params) -> Result:
    """Check an ``LRScheduler`` subclass built as ``cls(optimizer)``: stepped by torch for
    ``steps`` steps it must give catalogue entry ``name``'s curve; chained with
    ``MultiplicativeLR(0.98)`` it must give the product (the chainable form); and a run saved
    after ``resume_at`` steps and resumed from both state_dicts must continue it exactly."""
    import torch

    from .core import step_mistake

    ex = SCHEDULER_CLASS
    if not (isinstance(cls, type) and issubclass(cls, torch.optim.lr_scheduler.LRScheduler)):
        return ex.wrong(f"Got {cls!r}.", f"你给出的是 {cls!r}。", "class")
    expected = curve(name, steps, base_lr=base_lr, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's get_lr-outside-step notice
        run = ex.capture(_step_scheduler, (cls, base_lr, steps), "while torch stepped it",
                         "在 torch 调用它时")
        if run.problem is not None:
            return run.problem
        chained = ex.capture(_step_chained, (cls, base_lr, steps), "inside a ChainedScheduler",
                             "在 ChainedScheduler 里")
        if chained.problem is not None:
            return chained.problem
        resumed = ex.capture(_step_scheduler, (cls, base_lr, steps, resume_at),
                             "after load_state_dict", "在 load_state_dict 之后")
        if resumed.problem is not None:
            return resumed.problem
    got = run.value
    at, n_bad = first_difference(got, expected)
    if at < 0:
        product = expected * CHAIN_FACTOR ** np.arange(steps)
        at, _ = first_difference(chained.value, product)
        if at >= 0:
            return ex.wrong(f"Alone your curve is right, but chained with "
                            f"MultiplicativeLR({CHAIN_FACTOR}) step {at} trains at "
                            f"{fmt(chained.value[at])}, expected {fmt(product[at])}.",
                            f"单独运行时曲线是对的，但与 MultiplicativeLR({CHAIN_FACTOR}) 串联后，"
                            f"第 {at} 步用的是 {fmt(chained.value[at])}，应为 {fmt(product[at])}。",
                            "closed")
        at, _ = first_difference(resumed.value, expected)
        if at < 0:
            return ex.ok(f"All {steps} steps match the catalogue's curve, chained with "
                         f"MultiplicativeLR it gives the product of both, and a run saved after "
                         f"step {resume_at} and resumed from both state_dicts continues it "
                         f"exactly.",
                         f"全部 {steps} 步都与调度目录的曲线一致；与 MultiplicativeLR 串联时得到"
                         f"两者的乘积；在第 {resume_at} 步后保存、再从两个 state_dict 恢复的训练"
                         f"也完全接上了。")
        return ex.wrong(f"Your curve is right, but after resuming at step {resume_at} step {at} "
                        f"gets {fmt(resumed.value[at])}, expected {fmt(expected[at])}.",
                        f"曲线是对的，但在第 {resume_at} 步恢复后，第 {at} 步得到 "
                        f"{fmt(resumed.value[at])}，应为 {fmt(expected[at])}。", "resume")
    t = np.arange(steps)
    w = params.get("milestones", [0])[0]
    members = dict(params.get("schedulers", []))
    ramp, decay = members.get("LinearLR", {}), members.get("StepLR", {})
    start, size = ramp.get("start_factor", 1 / 3), decay.get("step_size", 30)
    gamma = decay.get("gamma", 0.1)
    values = {"w": w, "size": size}
    if np.all(np.diff(got[w:]) < 0) and np.all(np.diff(expected[w:]) <= 0):
        key = "compounds"
    else:
        key = first_match(got, (
            ("factors", expected / base_lr),
            ("decay from 0", base_lr * np.where(t < w, start + (1 - start) * t / w,
                                                gamma ** (t // size))),
            ("ramp early", base_lr * np.where(t < w, start + (1 - start) * (t + 1) / w,
                                              gamma ** ((t - w) // size)))))
        if key is None:
            key, more = step_mistake(got, expected, at, lambda a, b: math.isclose(
                a, b, rel_tol=1e-6, abs_tol=1e-12))
            values.update(more)
    return ex.wrong(f"Step {at}: expected {fmt(expected[at])}, got {fmt(got[at])} ({n_bad} of "
                    f"{steps} steps differ).",
                    f"第 {at} 步：应为 {fmt(expected[at])}，你的是 {fmt(got[at])}（{steps} 步中有 "
                    f"{n_bad} 步不同）。", key, **values)


KERAS_SCHEDULE = Exercise(
    "07.2", "keras_schedule",
    {"en": "`KerasStepLR.__call__(step)`: a Keras `LearningRateSchedule` equal to "
           "`StepLR(step_size=30, gamma=0.1)` stepped per epoch, at 12 batches per epoch (epochs "
           "to iterations: a derivation)",
     "zh": "`KerasStepLR.__call__(step)`：每个 epoch 12 个 batch 时，与按 epoch 调用的 "
           "`StepLR(step_size=30, gamma=0.1)` 相同的 Keras `LearningRateSchedule`（把 epoch 换算"
           "成迭代：推导题）"},
    {"en": "`check.keras_schedule`: the schedule on a real `keras.optimizers.SGD`, read at each of "
           "1,200 iterations, against `curve(\"StepLR\")` repeated over each epoch's 12 batches; "
           "then the same after `from_config(get_config())`",
     "zh": "`check.keras_schedule`：把调度交给真正的 `keras.optimizers.SGD`，逐次读出 1200 次迭代"
           "的学习率，与每个 epoch 重复 12 次的 `curve(\"StepLR\")` 比较；再用 "
           "`from_config(get_config())` 重建后比较一次"},
    (mistake("iterations", "dividing the iteration by `step_size` only (a drop at iteration 30)",
             "只把迭代次数除以 `step_size`（在第 30 次迭代就下降）",
             "Keras calls the schedule with the optimizer's iteration count, not the epoch: "
             "divide the step by the batches per epoch first.",
             "Keras 用优化器的迭代次数调用调度，不是 epoch：先把 step 除以每个 epoch 的 batch 数。"),
     mistake("staircase", "a smooth exponent", "指数没有取整",
             "Your lr changes between the drops: StepLR is a staircase, so floor the division "
             "(keras.ops.floor_divide or //).",
             "你的学习率在两次下降之间也在变：StepLR 是阶梯，除法要向下取整"
             "（keras.ops.floor_divide 或 //）。"),
     mistake("config", "a `get_config` that misses an argument", "`get_config` 漏了参数",
             "get_config must return every argument of __init__.",
             "get_config 必须返回 __init__ 的全部参数。"),
     mistake("other", "anything else", "其他错误",
             "Compare the iteration where your lr first drops with the first iteration of the "
             "epoch where StepLR drops.",
             "把你的学习率第一次下降的迭代，和 StepLR 下降那个 epoch 的第一次迭代对照一下。"),
     mistake("instance", "not an instance of the schedule", "不是调度的实例",
             "Expected an instance of your LearningRateSchedule subclass.",
             "需要你的 LearningRateSchedule 子类的一个实例。")))


def keras_schedule(schedule, name: str, epochs: int, batches_per_epoch: int,
                   base_lr: float = 0.1, **params) -> Result:
    """Check a Keras ``LearningRateSchedule`` object: on a real Keras optimizer, read at every
    iteration of ``epochs`` epochs of ``batches_per_epoch`` batches, it must give catalogue entry
    ``name``'s per-epoch curve; rebuilt from its ``get_config()`` it must give the same."""
    from ..keras_bridge import _drive_optimizer, _keras

    ex = KERAS_SCHEDULE
    keras = _keras()
    if not isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
        return ex.wrong(f"Got {schedule!r}.", f"你给出的是 {schedule!r}。", "instance")
    steps = epochs * batches_per_epoch
    expected = np.repeat(curve(name, epochs, base_lr=base_lr, **params), batches_per_epoch)

    def on_optimizer(s):
        return _drive_optimizer(keras.optimizers.SGD(learning_rate=s), steps)

    run = ex.capture(on_optimizer, (schedule,), "when Keras called it", "在 Keras 调用它时")
    if run.problem is not None:
        return run.problem
    got = run.value
    bad = np.flatnonzero(~np.isclose(got, expected, rtol=1e-5, atol=1e-12))
    if bad.size == 0:
        rebuilt = ex.capture(lambda s: on_optimizer(type(s).from_config(s.get_config())),
                             (schedule,), "rebuilt from get_config()", "从 get_config() 重建时")
        if rebuilt.problem is not None:
            return rebuilt.problem
        if np.allclose(rebuilt.value, expected, rtol=1e-5):
            return ex.ok(f"Keras trains at the {name} curve at all {steps} iterations "
                         f"({epochs} epochs of {batches_per_epoch}), and from get_config() too.",
                         f"Keras 在全部 {steps} 次迭代（{epochs} 个 epoch，每个 "
                         f"{batches_per_epoch} 次）都得到 {name} 的曲线；从 get_config() 重建后"
                         f"也一样。")
        return ex.wrong("The schedule is right, but rebuilt from get_config() it gives another "
                        "curve.", "调度本身是对的，但从 get_config() 重建后曲线变了。", "config")
    k = int(bad[0])
    epoch, batch = divmod(k, batches_per_epoch)
    drop, due = np.flatnonzero(np.diff(got) < 0), np.flatnonzero(np.diff(expected) < 0)
    if drop.size and due.size and (drop[0] + 1) * batches_per_epoch == due[0] + 1:
        key = "iterations"
    elif len(set(np.round(got[:batches_per_epoch * 3], 12))) > 3:
        key = "staircase"
    else:
        key = "other"
    return ex.wrong(f"Iteration {k} (epoch {epoch}, batch {batch}): Keras trains at "
                    f"{fmt(got[k])}, expected {fmt(expected[k])}.",
                    f"第 {k + 1} 次迭代（编号为 {epoch} 的 epoch，编号为 {batch} 的 batch）：Keras 用的是 {fmt(got[k])}，"
                    f"应为 {fmt(expected[k])}。", key)


EXERCISES = (SCHEDULER_CLASS, KERAS_SCHEDULE)


# --- predictions: committed before the reveal, marked against torch, graded by nothing --------

def reveal_epoch_0_lr(guess, lr_lambda, base_lr: float = 0.1, at=(0, 1, 2, 99)):
    """Section 1's prediction: ``guess`` is the lr the learner expects ``SGD(lr=base_lr)`` to
    train epoch 0 at under ``LambdaLR(lr_lambda)``. Without a positive number it asks for one;
    with one it marks it against the lr torch really sets and shows it beside the lr the
    function returns (the tutorial's intended lr)."""
    from IPython.display import Markdown

    from ..docs import lr_table
    from ..i18n import tr
    from ..torch_bridge import torch_curve

    x = positive(guess) if given(guess) else None
    if x is None:
        return Markdown(tr("Set `guess_epoch_0_lr` first, to the learning rate you expect at "
                           "epoch 0 (a number); then run this cell again.",
                           "请先把 `guess_epoch_0_lr` 设为你预计编号为 0 的 epoch 用的学习率（一个数），"
                           "再运行这个单元格。"))
    steps = max(at) + 1
    used = torch_curve("LambdaLR", steps, base_lr=base_lr, lr_lambda=lr_lambda)
    intended = np.array([float(lr_lambda(t)) for t in range(steps)])
    right = math.isclose(x, used[0], rel_tol=1e-3)
    mark = "✅" if right else "❌"
    line = tr(f"{mark} You said {fmt(x)}; torch trains epoch 0 at {fmt(used[0])}: LambdaLR "
              f"multiplies the {fmt(lr_lambda(0))} the function returns by the optimizer's lr, "
              f"{fmt(base_lr)}.",
              f"{mark} 你的预测是 {fmt(x)}；torch 在编号为 0 的 epoch 用的是 {fmt(used[0])}：LambdaLR "
              f"把函数返回的 {fmt(lr_lambda(0))} 再乘上优化器的学习率 {fmt(base_lr)}。")
    table = lr_table({("intended", "预期"): intended, "LambdaLR (torch)": used}, at,
                     row="epoch", mark=False)
    return Markdown(line + "\n\n" + table)


def reveal_compounding(guess_lambda, guess_multiplicative, factor: float = 0.95,
                       epochs: int = 60, base_lr: float = 0.1):
    """Section 2's prediction: the lr the learner expects at the last epoch (``epochs - 1``) of
    ``LambdaLR`` and of ``MultiplicativeLR``, both given ``lambda t: factor``, on
    ``SGD(lr=base_lr)``. Without two positive numbers it asks for them; with them it marks each
    against torch: LambdaLR's within 1% (0.1 is not 0.095), MultiplicativeLR's within a factor
    of 1.5 (an estimate of a power is a fair prediction)."""
    from IPython.display import Markdown

    from ..docs import lr_table
    from ..i18n import tr
    from ..torch_bridge import torch_curve

    guesses = [positive(g) if given(g) else None for g in (guess_lambda, guess_multiplicative)]
    if None in guesses:
        return Markdown(tr("Set `guess_lambda_lr` and `guess_multiplicative_lr` first (numbers: "
                           f"the learning rate each trains epoch {epochs - 1} at); then run this "
                           "cell again.",
                           "请先设定 `guess_lambda_lr` 和 `guess_multiplicative_lr`（两个数：各自在"
                           f"编号为 {epochs - 1} 的 epoch 用的学习率），再运行这个单元格。"))

    def fixed(t):
        return factor

    last = epochs - 1
    lam = torch_curve("LambdaLR", epochs, base_lr=base_lr, lr_lambda=fixed)
    mul = torch_curve("MultiplicativeLR", epochs, base_lr=base_lr, lr_lambda=fixed)
    ok_lam = math.isclose(guesses[0], lam[last], rel_tol=0.01)
    ok_mul = mul[last] / 1.5 <= guesses[1] <= 1.5 * mul[last]
    marks = ["✅" if ok else "❌" for ok in (ok_lam, ok_mul)]
    line = tr(f"{marks[0]} LambdaLR: you said {fmt(guesses[0])}, torch gives {fmt(lam[last])} "
              f"at every epoch ({factor} × {fmt(base_lr)}).  \n"
              f"{marks[1]} MultiplicativeLR: you said {fmt(guesses[1])}, torch gives "
              f"{fmt(mul[last])} = {fmt(base_lr)} × {factor}^{last}: the factor compounds.",
              f"{marks[0]} LambdaLR：你的预测是 {fmt(guesses[0])}，torch 每个 epoch 都是 "
              f"{fmt(lam[last])}（{factor} × {fmt(base_lr)}）。  \n"
              f"{marks[1]} MultiplicativeLR：你的预测是 {fmt(guesses[1])}，torch 给出 "
              f"{fmt(mul[last])} = {fmt(base_lr)} × {factor}^{last}：因子会累乘。")
    table = lr_table({"LambdaLR": lam, "MultiplicativeLR": mul}, (0, 1, 2, last), row="epoch",
                     mark=False)
    return Markdown(line + "\n\n" + table)
