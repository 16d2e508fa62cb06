"""Fixtures of the CPython-mode tests (see pymode_world.py)."""

from pymode_world import worlds  # noqa: F401  the fixture
