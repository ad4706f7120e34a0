"""Shared test setup: Keras on its torch backend, deterministic hypothesis, the learner's language
reset around every test, and the optional frameworks as fixtures that skip with a reason."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

os.environ.setdefault("KERAS_BACKEND", "torch")

# The same examples on every run and every machine: a failure in CI reproduces here.
settings.register_profile("lrlessons", derandomize=True, deadline=None)
settings.load_profile("lrlessons")


@pytest.fixture(autouse=True)
def english():
    """Every test starts in English and leaves the language as it found it."""
    from lrlessons.i18n import use_language

    use_language("en")
    yield
    use_language("en")


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for every browser test: Playwright's sync API can run only one
    instance per thread, so a second launch while the first is open would fail."""
    from tests import browser_support as bs

    bs.need_browser()
    with bs.chromium() as b:
        yield b


@pytest.fixture(scope="session")
def keras():
    return pytest.importorskip("keras")


@pytest.fixture(scope="session")
def paddle():
    return pytest.importorskip("paddle", reason="PaddlePaddle is a test extra: pip install -e "
                                                "'.[paddle]' (make test installs it)")


@pytest.fixture(scope="session")
def transformers():
    return pytest.importorskip("transformers")
