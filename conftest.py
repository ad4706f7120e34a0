"""Repository-wide pytest hooks (tests/conftest.py holds the test suite's fixtures).

nbval compares every MIME type a cell outputs, unknown ones included. A self-check's Result
publishes ``application/vnd.lrlessons.result+json`` next to its ``text/plain``: the same verdict
and message as data for graders. nbval still compares the ``text/plain`` (the message the learner
reads); the data twin is left out of the comparison, so a notebook's committed outputs compare
equal whether or not they were executed before the Result carried it. What the data holds is
tested in tests/test_check.py.
"""

RESULT_MIME = "application/vnd.lrlessons.result+json"  # lrlessons.check.MIME, without importing


def pytest_collectstart(collector):
    skip = getattr(collector, "skip_compare", None)  # only nbval's notebook collector has it
    if skip is not None and RESULT_MIME not in skip:
        collector.skip_compare = (*skip, RESULT_MIME)


def _nbgrader_missing() -> bool:
    try:  # not find_spec: `make nbgrader`'s course root, nbgrader/, is a namespace package
        import nbgrader.preprocessors  # noqa: F401
    except ImportError:
        return True
    return False


# nbgrader's course classes import nbgrader, which lives in .venv-grading only (see the Makefile):
# the doctest collection of lrlessons/ in .venv leaves that one module alone.
collect_ignore = ["lrlessons/nbgrader_plugins.py"] if _nbgrader_missing() else []
