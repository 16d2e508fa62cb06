"""Run every example test in both runtime modes: the compiled Wasm and the Python source under
CPython (the plugin's default is Wasm only; ``pytest --near-mode=wasm`` or ``=python`` given on
the command line still picks one).

In your own project you get the same with ``addopts = "--near-mode=both"`` in pyproject.toml's
``[tool.pytest.ini_options]``; this hook exists so that only examples/ does it here, not the
whole repository's suite.
"""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_generate_tests(metafunc):
    config = metafunc.config
    chosen = any(a.startswith("--near-mode") for a in config.invocation_params.args)
    saved = getattr(config.option, "near_mode", None)
    if saved is not None and not chosen:
        config.option.near_mode = "both"
    try:
        yield
    finally:
        if saved is not None:
            config.option.near_mode = saved
