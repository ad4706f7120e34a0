"""Assertions several test modules share."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_bilingual(excinfo, *fragments) -> None:
    """The refusal speaks both languages ("English / 中文") and names every fragment."""
    message = str(excinfo.value)
    assert " / " in message and CJK.search(message), message
    for f in fragments:
        assert f in message, (f, message)
