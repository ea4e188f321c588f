"""The suite's own layout: pytest puts every test folder on ``sys.path`` (prepend import mode), so two helper
modules with one name shadow each other, and whichever a worker imports first wins for every test after it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent


def test_every_module_of_the_suite_has_its_own_name():
    places = defaultdict(list)
    for path in TESTS.rglob("*.py"):
        if path.name not in ("__init__.py", "conftest.py") and "artifacts" not in path.parts:
            places[path.name].append(str(path.relative_to(TESTS)))
    assert {name: where for name, where in places.items() if len(where) > 1} == {}
