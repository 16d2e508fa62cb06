"""pytest plugin: run near-pytest suites on near_safe's embedded runtime.

Load it with ``-p near_safe.compat.plugin`` or ``PYTEST_PLUGINS=near_safe.compat.plugin``;
loading it is the setting (the backend defaults to "embedded").  ``--near-backend=sandbox`` or
``NEAR_SAFE_BACKEND=sandbox`` keeps near-pytest's real sandbox.  ``--near-compat-mode=python``
(``NEAR_SAFE_MODE=python``) runs contract sources under CPython where the test deploys a
``.py``.

The swap happens in ``pytest_load_initial_conftests`` (before any conftest is imported, so a
conftest's ``from near_pytest import ...`` already sees the embedded objects) and is undone at
the end of the session.
"""

from __future__ import annotations

import os

import pytest

from . import (
    BACKENDS,
    ENV_BACKEND,
    ENV_MODE,
    activate,
    backend_from_env,
    deactivate,
    is_active,
)


def pytest_addoption(parser):
    group = parser.getgroup("near_safe_compat", "near-pytest on near_safe's embedded runtime")
    group.addoption(
        "--near-backend", choices=BACKENDS, default=None,
        help=f"run near-pytest suites on the embedded runtime (default once this plugin is "
             f"loaded) or the real neard sandbox; env {ENV_BACKEND}")
    group.addoption(
        "--near-compat-mode", choices=("wasm", "python"), default=None,
        help=f"embedded runtime mode for near-pytest suites (default wasm); env {ENV_MODE}")


def _option(config, name):
    # early in start-up only known_args_namespace holds the parsed command line
    namespace = getattr(config, "known_args_namespace", None)
    value = getattr(namespace, name, None)
    return value if value is not None else getattr(config.option, name, None)


def _settings(config):
    backend = _option(config, "near_backend") or backend_from_env()
    mode = (_option(config, "near_compat_mode")
            or os.environ.get(ENV_MODE, "").strip().lower() or "wasm")
    return backend, mode


def _switch(config):
    backend, mode = _settings(config)
    if backend == "embedded":
        activate(mode=mode)
        config.add_cleanup(deactivate)
    elif backend == "node":  # near-safe node per sandbox; near-pytest's own client (py-near)
        from near_safe.node import _nearpytest

        _nearpytest.activate()
        config.add_cleanup(_nearpytest.deactivate)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    _switch(early_config)


def pytest_configure(config):
    from near_safe.node import _nearpytest

    if not is_active() and not _nearpytest.is_active():  # registered late (pytest_plugins)
        _switch(config)


def pytest_report_header(config):
    if is_active():
        from . import current_mode

        return (f"near-pytest backend: embedded (near_safe, in-process, offline, "
                f"{current_mode()} mode)")
    from near_safe.node import _nearpytest

    if _nearpytest.is_active():
        return "near-pytest backend: node (near-safe node over JSON-RPC, offline)"
    return "near-pytest backend: sandbox (neard)"
