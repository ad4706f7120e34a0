"""Grading submissions outside the student's kernel.

A submission's answer cells run in a fresh **sandbox** process (its own session, a memory limit,
a time limit per exercise) after the lesson's own setup: the setup cell, the lesson's imports,
and the cells that define what the answers use, all taken from the course's notebook, never
from the submission. The checks run in the grading process, from the course's own check cells,
on proxies: calling a learner's function sends plain data (numbers, lists, arrays as lists,
strings) to the sandbox and plain data comes back; an object the check hands over (a torch
optimizer, a scheduler) stays in the grading process and the sandbox reaches it only by
reference. Nothing from the sandbox is unpickled or trusted: a verdict is the ``Result`` the
grading process computes. Patching ``lrlessons.check``, ``Result``, ``bool``, numpy or builtins
inside the submission changes only the sandbox; printing ✅ changes nothing.

Exercises whose answer is a class or an object built in the learner's code (lesson 07's
scheduler subclass and Keras schedule, lesson 09's resume) cannot cross a process boundary as
data: their reference check cell runs inside the sandbox and only its Result's data comes back.
For those the integrity rests on the sandbox, not on the process boundary (IN_SANDBOX lists
them; the instructor guide says so).
"""

from __future__ import annotations

import ast
import json
import math
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .authoring import LANGS
from .i18n import kind_name

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
IN_SANDBOX = ("07.1", "07.2", "09.2")
MEMORY_MB = 3072


# --- plain data across the boundary ---------------------------------------------------------

def to_plain(x, refs=None, depth=0):
    """``x`` as JSON-able data: numbers, text, lists, dicts, arrays as lists. With ``refs`` (the
    grading side), any other object becomes a reference the sandbox can only call back on."""
    import numpy as np

    if depth > 20:
        raise ValueError("too deep")
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, int):
        return x if abs(x) < 2 ** 62 else float(x)
    if isinstance(x, float):
        return x if math.isfinite(x) else {"t": "float", "v": repr(x)}
    if x is Ellipsis:
        return {"t": "ellipsis"}
    if isinstance(x, np.generic):
        return to_plain(x.item(), refs, depth + 1)
    if isinstance(x, np.ndarray) and x.dtype.kind in "biuf":
        return {"t": "array", "v": [to_plain(v, refs, depth + 1) for v in x.tolist()]}
    if type(x).__module__.startswith("torch") and type(x).__name__ == "Tensor" and refs is None:
        return {"t": "array", "v": to_plain(x.detach().cpu().tolist(), refs, depth + 1)}
    if isinstance(x, (list, tuple)):
        return {"t": type(x).__name__ if type(x) in (list, tuple) else "list",
                "v": [to_plain(v, refs, depth + 1) for v in x]}
    if isinstance(x, dict) and all(isinstance(k, str) for k in x) and refs is None:
        return {"t": "dict", "v": {k: to_plain(v, refs, depth + 1) for k, v in x.items()}}
    if refs is not None:
        refs.append(x)
        return {"t": "ref", "id": len(refs) - 1}
    return {"t": "opaque", "repr": _short_repr(x)}


def _short_repr(x) -> str:
    try:
        return repr(x)[:200]
    except Exception:  # noqa: BLE001 - a learner's object whose repr fails
        return f"<{type(x).__name__}>"


def from_plain(x, ref=None):
    if isinstance(x, list):
        return [from_plain(v, ref) for v in x]
    if not isinstance(x, dict):
        return x
    t = x.get("t")
    if t == "float":
        return float(x["v"])
    if t == "ellipsis":
        return Ellipsis
    if t == "array":
        import numpy as np

        return np.array(from_plain(x["v"], ref), dtype=float)
    if t in ("list", "tuple"):
        items = [from_plain(v, ref) for v in x["v"]]
        return items if t == "list" else tuple(items)
    if t == "dict":
        return {k: from_plain(v, ref) for k, v in x["v"].items()}
    if t == "ref" and ref is not None:
        return ref(x["id"])
    return f"<not plain data: {x.get('repr', '?')}>"


# --- the lesson: which cells to run where -----------------------------------------------------

def python_source(cell: str) -> str:
    """A cell as plain Python: IPython's magics (``%pip``, ``!ls``) become the calls IPython
    makes for them, as in a kernel (the grading side transforms; the sandbox only runs)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(cell)


def _names(source: str) -> tuple[set[str], set[str], list[str]]:
    """(names a cell defines, names it uses, its top-level import statements)."""
    try:
        tree = ast.parse(python_source(source))
    except SyntaxError:
        return set(), set(), []
    defined, imports = set(), []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(ast.unparse(node))
            for a in node.names:
                defined.add((a.asname or a.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                defined |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
    return defined, _globals_used(ast.unparse(tree)), imports


def _globals_used(source: str) -> set[str]:
    """Module-level names a cell reads, functions' bodies included (their parameters and
    locals are not globals): symtable resolves the scopes as the compiler does."""
    import symtable

    def walk(table):
        names = set()
        for sym in table.get_symbols():
            if sym.is_referenced() and (table.get_type() == "module" or sym.is_global()):
                names.add(sym.get_name())
        for child in table.get_children():
            names |= walk(child)
        return names

    return walk(symtable.symtable(source, "<cell>", "exec"))


@dataclass
class Exercise:
    number: int
    solution: str          # the reference answer cell (its defined names are the answer)
    check: str             # the reference check cell
    answers: list[str]     # names the answer cell defines
    setup: list[str] = field(default_factory=list)     # checker-side cells before the check


@dataclass
class Lesson:
    lang: str
    name: str              # e.g. "03_smooth_decay"
    setup: str             # the lesson's setup cell
    imports: list[str]
    cells: list[tuple[set, set, str]]   # every other plain code cell: (defines, uses, source)
    exercises: list[Exercise]
    sources: list[str] = field(default_factory=list)   # every code cell, to recognise a copy

    @property
    def id(self) -> str:
        return self.name[:2]


def load_lesson(path: Path) -> Lesson:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    setup = code[0].source
    imports, cells, exercises, pending = [], [], [], None
    for c in code[1:]:
        tags = set(c.metadata.get("tags", []))
        defined, used, imps = _names(c.source)
        imports += imps
        if "solution" in tags:
            pending = c.source
        elif "check" in tags:
            answers = sorted(_names(pending or "")[0])
            exercises.append(Exercise(len(exercises) + 1, pending or "", c.source, answers))
            pending = None
        elif "nbval-ignore-output" not in tags:  # live widgets: never needed to grade
            cells.append((defined, used, c.source))
    return Lesson(path.parent.name, path.stem, setup, list(dict.fromkeys(imports)), cells,
                  exercises, [c.source for c in code])


def needed_cells(lesson: Lesson, names: set[str], before: str | None = None) -> list[str]:
    """The lesson's cells that define ``names`` (and what those cells use), in lesson order,
    up to the cell ``before``; imports are left out (they run first, on their own)."""
    imported = set().union(*(_names(i)[0] for i in lesson.imports)) if lesson.imports else set()
    cells = lesson.cells
    if before is not None:
        cells = cells[:next((i for i, c in enumerate(cells) if c[2] == before), len(cells))]
    chosen, want = set(), set(names) - imported
    for i in reversed(range(len(cells))):
        defined, used, _ = cells[i]
        if defined & want:
            chosen.add(i)
            want = (want - defined) | (used - imported)
    return [cells[i][2] for i in sorted(chosen)]


def needed_imports(lesson: Lesson, names: set[str]) -> list[str]:
    """The lesson's import statements that bind one of ``names`` (Keras only when used)."""
    return [imp for imp in lesson.imports if _names(imp)[0] & names]


def find_lesson(nb) -> Lesson | None:
    """The course lesson a submission is a copy of: the one whose check cells it has or, when
    a check cell was edited (it is never used: the course's own checks run), the one with which
    it shares most code cells, at least half of them."""
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    checks = [c.source for c in nb.cells if c.cell_type == "code"
              and "check" in c.metadata.get("tags", [])]
    lang = _setup_language(nb)
    best, shared = None, 0
    for language in LANGS:
        if lang not in (None, language):
            continue
        for path in sorted((NOTEBOOKS / language).glob("[0-9][0-9]_*.ipynb")):
            lesson = _cached_lesson(path)
            if checks and [e.check for e in lesson.exercises] == checks:
                return lesson
            common = len(set(code) & set(lesson.sources))
            if common > shared and 2 * common >= len(lesson.sources):
                best, shared = lesson, common
    return best


def _setup_language(nb) -> str | None:
    first = next((c for c in nb.cells if c.cell_type == "code"), None)
    for lang in LANGS:
        if first is not None and f'use_language("{lang}")' in first.source:
            return lang
    return None


_LESSONS: dict = {}


def _cached_lesson(path: Path) -> Lesson:
    key = (path, path.stat().st_mtime_ns)
    if key not in _LESSONS:
        _LESSONS[key] = load_lesson(path)
    return _LESSONS[key]


# --- the sandbox: runs the learner's answers, answers calls with plain data ------------------

class Sandbox:
    """A fresh Python process for one submission's answers, in its own session (killed with
    everything it started), with an address-space limit. Talks JSON lines over a private pipe
    pair: the learner's prints cannot reach the protocol through stdout."""

    def __init__(self, memory_mb: int = MEMORY_MB, cwd: str | None = None,
                 cpu_seconds: int = 3600):
        self.memory_mb, self.cpu_seconds = memory_mb, cpu_seconds
        down_r, down_w = os.pipe()
        up_r, up_w = os.pipe()
        env = dict(os.environ, PYTHONHASHSEED="0", OMP_NUM_THREADS="1", MPLBACKEND="Agg",
                   LRLESSONS_SANDBOX_FDS=f"{down_r},{up_w}")
        env.pop("PYTHONSTARTUP", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lrlessons.grading", "sandbox"], env=env, cwd=cwd,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(down_r, up_w), start_new_session=True, preexec_fn=self._limits)
        os.close(down_r)
        os.close(up_w)
        self._out = os.fdopen(down_w, "w", buffering=1, encoding="utf-8")
        self._in = os.fdopen(up_r, "r", encoding="utf-8")

    def _limits(self):
        import resource

        limit = self.memory_mb * 2 ** 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CPU, (self.cpu_seconds, self.cpu_seconds))

    def send(self, message: dict) -> None:
        if message.get("op") in ("exec", "check"):
            message = dict(message, source=python_source(message["source"]))
        self._out.write(json.dumps(message) + "\n")
        self._out.flush()

    def receive(self, deadline: float) -> dict:
        import select

        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self._in], [], [], left)
            if ready:
                line = self._in.readline()
                if not line:
                    raise EOFError
                return json.loads(line)

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        for f in (self._out, self._in):
            try:
                f.close()
            except OSError:
                pass


def serve() -> None:
    """The sandbox side (``python -m lrlessons.grading sandbox``)."""
    down, up = (int(x) for x in os.environ.pop("LRLESSONS_SANDBOX_FDS").split(","))
    rx = os.fdopen(down, "r", encoding="utf-8")
    tx = os.fdopen(up, "w", buffering=1, encoding="utf-8")
    # Captured before any learner code runs: the protocol does not depend on what it patches.
    dumps, loads, readline, write, flush = json.dumps, json.loads, rx.readline, tx.write, tx.flush
    # The in-sandbox checks (IN_SANDBOX) run the course's check functions as imported here,
    # before the learner's code, and read a Result through the method captured now: rebinding
    # lrlessons.check.<name>, Result or its methods afterwards does not reach them.
    import types

    import lrlessons.check as course_checks
    from lrlessons.check import Result

    frozen_checks = types.SimpleNamespace(**{n: getattr(course_checks, n)
                                             for n in course_checks.__all__})
    result_json, result_type = Result.to_json, Result

    namespace: dict = {"__name__": "__main__"}
    _watch_parent()

    def reply(message):
        write(dumps(message) + "\n")
        flush()

    def request(message):  # a call back to the grading side, while a learner's call runs
        reply(message)
        answer = loads(readline())
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return from_plain(answer["value"], Remote)

    class Remote:
        """An object that lives in the grading process, reached by reference only."""

        def __init__(self, ref):
            object.__setattr__(self, "_ref", ref)

        def __getattr__(self, name):
            return request({"op": "getattr", "ref": self._ref, "name": name})

        def __getitem__(self, key):
            return request({"op": "getitem", "ref": self._ref, "key": to_plain(key)})

        def __setitem__(self, key, value):
            request({"op": "setitem", "ref": self._ref, "key": to_plain(key),
                     "value": to_plain(value)})

        def __call__(self, *args, **kwargs):
            return request({"op": "call", "ref": self._ref, "args": to_plain(list(args)),
                            "kwargs": to_plain(kwargs)})

        def __len__(self):
            return request({"op": "len", "ref": self._ref})

        def __iter__(self):
            return iter([self[i] for i in range(len(self))])

    while True:
        line = readline()
        if not line:
            return
        msg = loads(line)
        try:
            if msg["op"] == "exec":
                exec(compile(msg["source"], msg.get("name", "<cell>"), "exec"), namespace)
                reply({"ok": True})
            elif msg["op"] == "kinds":
                kinds = {}
                for name in msg["names"]:
                    value = namespace.get(name, Ellipsis)
                    kinds[name] = ({"kind": "function"} if callable(value) else
                                   {"kind": "value", "value": to_plain(value)})
                reply({"ok": True, "value": kinds})
            elif msg["op"] == "call":
                args = from_plain(msg["args"], Remote)
                value = namespace[msg["name"]](*args)
                reply({"ok": True, "value": to_plain(value)})
            elif msg["op"] == "check":  # a check that needs the learner's objects in-process
                scope = dict(namespace, lrlessons=types.SimpleNamespace(check=frozen_checks))
                value = _run_last(msg["source"], scope)
                reply({"ok": True, "value": result_json(value) if type(value) is result_type
                       else None})
        except BaseException as exc:  # noqa: BLE001 - the learner's error, reported as data
            reply({"ok": False, "error": kind_name(exc), "detail": str(exc)[:300],
                   "not_written": isinstance(exc, NotImplementedError)})


def _watch_parent() -> None:
    """End the sandbox when the grader that started it is gone, even while a learner's loop
    runs (a daemon thread; the CPU limit backs it up)."""
    import threading

    parent = os.getppid()

    def watch():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _run_last(source: str, namespace: dict):
    """Run a cell and return its last expression's value, as a notebook would show it."""
    tree = ast.parse(python_source(source))
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)


# --- the grading side -------------------------------------------------------------------------

class LearnerError(Exception):
    """The learner's code raised inside the sandbox (its type name, as data)."""


_ERRORS: dict = {}


def learner_error(kind: str, detail: str) -> LearnerError:
    """An exception standing for the learner's: named as theirs and, for Python's own exception
    types, an instance of that type too (a check may ask for a ZeroDivisionError); only the
    name crosses the boundary, never the object."""
    import builtins

    if kind not in _ERRORS:
        base = getattr(builtins, kind, None)
        bases = (base, LearnerError) if isinstance(base, type) and issubclass(
            base, Exception) and base is not LearnerError else (LearnerError,)
        try:
            _ERRORS[kind] = type(kind if kind.isidentifier() else "LearnerError", bases, {})
        except TypeError:  # a layout conflict between the builtin and LearnerError
            _ERRORS[kind] = type(kind if kind.isidentifier() else "LearnerError",
                                 (LearnerError,), {})
    error = _ERRORS[kind](detail)
    return error


class Unresponsive(BaseException):
    """The sandbox timed out, died or broke the protocol. A BaseException: no check's
    ``except Exception`` may turn it into a hint while the sandbox is still stuck."""


class Calls:
    """Drives one call into the sandbox, answering its call-backs on our objects."""

    def __init__(self, box: Sandbox, deadline: float):
        self.box, self.deadline, self.refs = box, deadline, []

    def __call__(self, message: dict):
        self.box.send(message)
        while True:
            try:
                msg = self.box.receive(self.deadline)
            except TimeoutError as exc:
                raise Unresponsive("timeout") from exc
            except (EOFError, ValueError) as exc:
                raise Unresponsive("died") from exc
            op = msg.get("op")
            if op is None:
                if msg.get("ok"):
                    return msg.get("value")
                if msg.get("not_written"):
                    raise NotImplementedError
                raise learner_error(str(msg.get("error")), str(msg.get("detail", "")))
            self.box.send(self._serve(msg))

    def _serve(self, msg: dict) -> dict:
        try:
            target = self.refs[msg["ref"]]
            if msg["op"] == "getattr":
                name = msg["name"]
                if name.startswith("_"):
                    raise AttributeError(name)  # no reaching into internals by reference
                value = getattr(target, name)
            elif msg["op"] == "getitem":
                value = target[from_plain(msg["key"], self._ref)]
            elif msg["op"] == "setitem":
                target[from_plain(msg["key"], self._ref)] = from_plain(msg["value"], self._ref)
                value = None
            elif msg["op"] == "len":
                value = len(target)
            elif msg["op"] == "call":
                value = target(*from_plain(msg["args"], self._ref),
                               **from_plain(msg["kwargs"], self._ref))
            else:
                raise ValueError(msg["op"])
            return {"value": to_plain(value, self.refs)}
        except Exception as exc:  # noqa: BLE001 - reported back to the learner's code
            return {"error": f"{type(exc).__name__}: {exc}"}

    def _ref(self, i: int):
        return self.refs[i]


def _learner_function(calls: Calls, name: str):
    def call(*args):
        return from_plain(calls({"op": "call", "name": name,
                                 "args": to_plain(list(args), calls.refs)}))
    call.__name__ = name
    return call


@dataclass
class Row:
    submission: str
    lesson: str
    exercise: str
    passed: bool
    points: int
    max_points: int
    hint: str

    def csv(self, version: str) -> list:
        return [self.submission, self.lesson, self.exercise, int(self.passed), self.points,
                self.max_points, self.hint, version]


COLUMNS = ["submission", "lesson", "exercise", "passed", "points", "max_points", "hint",
           "version"]


def grade_submission(path: Path, timeout: float = 60.0, memory_mb: int = MEMORY_MB,
                     label: str | None = None) -> list[Row]:
    """Grade one submission: one Row per exercise (or one Row saying why none could be)."""
    import nbformat

    from . import check as checks
    from .i18n import use_language

    label = label or str(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, not raised
        return [Row(label, "", "", False, 0, 0, f"not a notebook: {type(exc).__name__}")]
    lesson = find_lesson(nb)
    if lesson is None:
        return [Row(label, "", "", False, 0, 0, "not a course lesson: it shares too few cells "
                    "with every lesson")]
    use_language(lesson.lang)
    answers = [c.source for c in nb.cells if c.cell_type == "code"
               and "solution" in c.metadata.get("tags", [])]
    rows = []
    box = None
    try:
        for ex, answer in zip(lesson.exercises, answers + [""] * len(lesson.exercises)):
            declared = next((e for e in checks.EXERCISES if e.id == f"{lesson.id}.{ex.number}"),
                            None)
            points = declared.points if declared else 1
            exercise_id = f"{lesson.id}.{ex.number}"
            try:
                if box is None:
                    box = _start(lesson, ex, memory_mb, timeout)
                data = _grade_one(box, lesson, ex, answer, exercise_id, timeout)
            except Unresponsive as why:
                if box is not None:
                    box.close()
                box = None
                reason = "time limit" if str(why) == "timeout" else "the process died"
                rows.append(Row(label, lesson.name, exercise_id, False, 0, points,
                                f"{reason} ({timeout:g} s, {memory_mb} MB)"))
                continue
            hint = data.get("hint", {}).get(lesson.lang) or (
                "" if data.get("passed") else data.get("message", {}).get(lesson.lang, ""))
            passed = data.get("passed") is True
            rows.append(Row(label, lesson.name, exercise_id, passed, points if passed else 0,
                            points, hint))
    finally:
        if box is not None:
            box.close()
    return rows


def _start(lesson: Lesson, ex: Exercise, memory_mb: int, timeout: float) -> Sandbox:
    import tempfile

    cpu = int(60 + timeout * (len(lesson.exercises) + 1))
    box = Sandbox(memory_mb, cwd=tempfile.gettempdir(), cpu_seconds=cpu)
    calls = Calls(box, time.monotonic() + max(timeout, 60.0))
    try:
        calls({"op": "exec", "source": lesson.setup, "name": "<setup>"})
    except (LearnerError, NotImplementedError) as exc:
        box.close()
        raise Unresponsive(f"setup failed: {exc}") from exc
    return box


def _grade_one(box: Sandbox, lesson: Lesson, ex: Exercise, answer: str, exercise_id: str,
               timeout: float) -> dict:
    from . import check as checks

    calls = Calls(box, time.monotonic() + timeout)
    used = _names(answer)[1] | (_names(ex.check)[1] if exercise_id in IN_SANDBOX else set())
    cells = needed_cells(lesson, used, before=ex.check)
    used = used.union(*(_names(c)[1] for c in cells))
    for cell in [*needed_imports(lesson, used), *cells]:
        try:
            calls({"op": "exec", "source": cell, "name": "<lesson>"})
        except (LearnerError, NotImplementedError):
            pass
    declared = next((e for e in checks.EXERCISES if e.id == exercise_id), None) or \
        checks.Exercise(exercise_id, "", {}, {}, ())
    try:
        calls({"op": "exec", "source": answer, "name": "<answer>"})
    except NotImplementedError:
        return declared.not_written().to_json()
    except LearnerError as exc:
        return declared.raised(exc, "in your answer cell", "在答案单元格中").to_json()
    if exercise_id in IN_SANDBOX:
        data = calls({"op": "check", "source": ex.check})
        return data if isinstance(data, dict) else declared.not_written().to_json()
    kinds = calls({"op": "kinds", "names": ex.answers})
    namespace = _checker_namespace(lesson, ex, set(kinds))
    for name, kind in kinds.items():
        namespace[name] = (_learner_function(calls, name) if kind["kind"] == "function" else
                           from_plain(kind["value"]))
    try:
        result = _run_last(ex.check, namespace)
    except Unresponsive:
        raise
    except Exception as exc:  # noqa: BLE001 - a check cell that cannot run on this answer
        return declared.raised(exc, "in the check", "在检查中").to_json()
    return result.to_json() if isinstance(result, checks.Result) else \
        declared.not_written().to_json()


_CHECKER: dict = {}


def _checker_namespace(lesson: Lesson, ex: Exercise, answers: set[str]) -> dict:
    """The names a check cell uses besides the answers, computed here from the lesson's own
    cells (trusted code), once per lesson and exercise."""
    key = (lesson.lang, lesson.name, ex.number)
    if key not in _CHECKER:
        namespace: dict = {"__name__": "__grading__"}
        exec("import lrlessons", namespace)
        used = _names(ex.check)[1] - answers
        cells = needed_cells(lesson, used, before=ex.check)
        used = used.union(*(_names(c)[1] for c in cells))
        for source in [*needed_imports(lesson, used), *cells]:
            exec(python_source(source), namespace)
        _CHECKER[key] = namespace
    return dict(_CHECKER[key])


def main_sandbox() -> int:
    serve()
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["sandbox"]:
        sys.exit(main_sandbox())


def _graded(path: str, timeout: float, memory_mb: int) -> list[Row]:
    try:
        return grade_submission(Path(path), timeout, memory_mb, label=path)
    except Exception as exc:  # noqa: BLE001 - one broken submission must not stop the class
        return [Row(path, "", "", False, 0, 0, f"grading failed: {type(exc).__name__}: {exc}")]


def grade_all(paths: list[str], csv_path: Path | None = None, jobs: int = 2,
              timeout: float = 60.0, memory_mb: int = MEMORY_MB, out=None) -> list[Row]:
    """Grade ``paths``, ``jobs`` at a time, each in its own grading process and sandbox. Rows go
    to ``csv_path`` as each submission finishes; submissions already in it are skipped, so an
    interrupted run resumes. Returns the rows graded now."""
    import csv
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from . import __version__

    done = set()
    if csv_path is not None and csv_path.exists() and csv_path.stat().st_size:
        with open(csv_path, newline="", encoding="utf-8") as f:
            done = {row["submission"] for row in csv.DictReader(f)}
    todo = [p for p in dict.fromkeys(map(str, paths)) if p not in done]
    handle = None
    if csv_path is not None:
        new = not csv_path.exists() or not csv_path.stat().st_size
        handle = open(csv_path, "a", newline="", encoding="utf-8")
        writer = csv.writer(handle)
        if new:
            writer.writerow(COLUMNS)
            handle.flush()
    graded = []
    # Fresh worker processes (not forks of a process that may hold threads): each grades many
    # submissions, keeping the lesson's trusted setup between them.
    context = multiprocessing.get_context("forkserver")
    try:
        with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
            futures = {pool.submit(_graded, p, timeout, memory_mb): p for p in todo}
            for future in as_completed(futures):
                try:
                    rows = future.result()
                except Exception as exc:  # noqa: BLE001 - a grading process lost: say so, go on
                    rows = [Row(futures[future], "", "", False, 0, 0,
                                f"grading failed: {type(exc).__name__}")]
                graded += rows
                if handle is not None:
                    for row in rows:
                        writer.writerow(row.csv(__version__))
                    handle.flush()
                if out is not None:
                    passed = sum(r.passed for r in rows if r.exercise)
                    total = sum(1 for r in rows if r.exercise)
                    note = "" if total else f" ({rows[0].hint})"
                    print(f"{futures[future]}: {passed}/{total} exercises passed{note}",
                          file=out, flush=True)
    finally:
        if handle is not None:
            handle.close()
    return graded
