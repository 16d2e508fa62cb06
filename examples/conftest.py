"""Run every example test in both runtime modes: the compiled Wasm and the Python source under
CPython (the repository's default is Wasm only; ``pytest --near-mode=wasm`` or ``=python`` given
on the command line still picks one).

In your own project you get the same with ``near_mode = "both"`` in pyproject.toml's
``[tool.pytest.ini_options]``; this hook exists so that only examples/ does it here, not the
whole repository's suite.
"""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_generate_tests(metafunc):
    option = metafunc.config.option
    if option.near_mode is not None:  # chosen on the command line
        yield
        return
    option.near_mode = "both"
    try:
        yield
    finally:
        option.near_mode = None
