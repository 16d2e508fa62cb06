"""pytest plugin for near_safe's embedded NEAR runtime (registered through ``pytest11``).

Fixtures
    near_runtime   the session's :class:`~near_safe.testing.Runtime`; every test runs against
                   it.  Isolation (titanoboa-style): every scope that sets up fixtures (a test,
                   a class, a module, a package) snapshots the session runtime(s) before its
                   first fixture sets up and restores them when it tears down.  A test's
                   writes are gone in the next test; a deployment made in a module-scoped
                   fixture is seen by that module's tests and gone in the next module.  A
                   session-scoped fixture first set up inside a narrower scope (e.g. used first
                   by a module's second test) is rolled back with that scope, so the plugin
                   tears it down then and pytest sets it up again where it is next used.
    runtime        the same runtime, under a shorter name.
    near_deploy    ``near_deploy(source, account_id=None, balance=None, init=None)``:
                   deploys a contract; the Wasm is built once per session (and cached across
                   sessions by the builder).  Call it from session- or module-scoped fixtures to
                   deploy once, or inside a test for a contract that lives for that test only.
    near_account   ``near_account(name=None, balance=100 * NEAR)``: a new funded account.
    alice, bob, carol   funded user accounts (100 NEAR), created once per session.
    near_mode      "wasm" or "python": the mode the current test runs in.

Markers
    @pytest.mark.near_shared_state   no restore after this test: its writes are seen by the
                   next tests of its module (or class), and rolled back when that module (or
                   class) ends, so they never reach another module.  ``pytestmark =
                   pytest.mark.near_shared_state`` makes a whole module one shared sequence.

Assertions
    ``with near_safe.testing.panics("message"): alice.call(...)`` (titanoboa's ``reverts``);
                   see near_safe/testing/_panics.py.

Build progress
    A contract build that misses the cache (a new project's first run warms the toolchain for
                   about two minutes) prints the builder's "near-safe build:" stage lines on the
                   terminal, past pytest's output capture; a cache hit prints nothing.

Options
    --near-mode=wasm|python|both   which runtime mode(s) tests run in.  With "both", every test
                   that uses the runtime runs twice, once per mode.  Without the option, the
                   ini setting ``near_mode`` (e.g. ``near_mode = "both"`` under
                   ``[tool.pytest.ini_options]``) decides; its default is "wasm".
    @pytest.mark.near_mode("wasm", "python") names the modes a test runs in.  An explicit
                   --near-mode narrows that list (a test keeps at least its first mode).
    With "both", every CPython-mode call is also run in Wasm mode and a disagreement fails the
                   test (``ModeDisagreement``: where CPython mode cannot model the port, the
                   suite does not pass on CPython alone); ini ``near_mode_crosscheck = false``
                   turns that off.  See docs/cpython-mode.md.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

# NEAR_SAFE_BACKEND=embedded switches an existing near-pytest suite onto the embedded runtime
# (issue 7) with no other change: this always-loaded plugin then loads the compat plugin.
if os.environ.get("NEAR_SAFE_BACKEND") == "embedded":
    pytest_plugins = ["near_safe.compat.plugin"]

MODES = ("wasm", "python")
_runtimes = {}  # mode -> Runtime, one per session and mode


def pytest_addoption(parser):
    group = parser.getgroup("near_safe", "near_safe embedded NEAR runtime")
    group.addoption(
        "--near-mode",
        default=None,
        choices=("wasm", "python", "both"),
        help="run contracts as compiled Wasm (default), as Python source under CPython, or both",
    )
    parser.addini("near_mode", "default runtime mode(s): wasm, python or both", default="wasm")
    parser.addini("near_mode_crosscheck", "with both modes, check every CPython-mode call "
                  "against Wasm mode (true/false)", default="true")


def pytest_configure(config):
    _show_build_progress(config)
    config.addinivalue_line(
        "markers", "near_mode(*modes): run this test only in the given runtime modes"
    )
    config.addinivalue_line(
        "markers", "near_shared_state: keep this test's runtime changes for the next tests of "
        "its module/class (rolled back when the module/class ends)"
    )


def pytest_unconfigure(config):
    saved = getattr(config, "_near_safe_progress_sink", None)
    if saved is not None:
        from near_safe.builder import set_progress_sink

        set_progress_sink(saved)


def _show_build_progress(config):
    """A contract build that misses the cache (the first ``pytest`` of a project warms the
    toolchain for minutes) prints the builder's "near-safe build:" stage lines on the terminal,
    past pytest's output capture.  A cache hit prints nothing (the builder says nothing then)."""
    from near_safe.builder import set_progress_sink

    def write(line):
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        capture = config.pluginmanager.get_plugin("capturemanager")
        if reporter is None or capture is None:
            config._near_safe_progress_sink(line)
            return
        with capture.global_and_fixture_disabled():
            reporter.ensure_newline()
            reporter.write_line(line)
            reporter.flush()

    config._near_safe_progress_sink = set_progress_sink(write)


def _modes(value):
    if value not in ("wasm", "python", "both"):
        raise pytest.UsageError(f"near_mode = {value!r}: use wasm, python or both")
    return MODES if value == "both" else (value,)


def _selected_modes(config):
    option = config.getoption("--near-mode", default=None)
    return _modes(option if option is not None else config.getini("near_mode"))


def pytest_generate_tests(metafunc):
    if "near_mode" not in metafunc.fixturenames:
        return
    modes = _selected_modes(metafunc.config)
    marker = metafunc.definition.get_closest_marker("near_mode")
    if marker is not None:
        unknown = [m for m in marker.args if m not in MODES]
        if unknown:
            raise pytest.UsageError(
                f"@pytest.mark.near_mode got {unknown!r}: use any of {MODES!r}"
            )
        if metafunc.config.getoption("--near-mode", default=None) is None:
            modes = tuple(marker.args)  # the marker names the modes
        else:  # an explicit --near-mode narrows the marker's list
            modes = tuple(m for m in modes if m in marker.args) or tuple(marker.args[:1])
    metafunc.parametrize("near_mode", modes, indirect=True, scope="session")


@pytest.fixture(scope="session")
def near_mode(request):
    return getattr(request, "param", _selected_modes(request.config)[0])


@pytest.fixture(scope="session")
def near_runtime(near_mode):
    from near_safe.testing import Runtime

    if near_mode not in _runtimes:
        _runtimes[near_mode] = Runtime(mode=near_mode)
        for frame in _frames:  # born inside open scopes: they restore it to its birth state
            frame.cover()
    return _runtimes[near_mode]


@pytest.fixture(autouse=True)
def _near_crosscheck(request):
    """With both modes selected, CPython-mode calls are checked against Wasm mode."""
    if "near_mode" not in request.fixturenames:
        yield
        return
    from near_safe.testing.vm._pymode import _crosscheck

    on = (request.getfixturevalue("near_mode") == "python"
          and _selected_modes(request.config) == MODES
          and str(request.config.getini("near_mode_crosscheck")).lower() not in ("false", "0",
                                                                                  "no"))
    _crosscheck.enable(on)
    try:
        yield
    finally:
        _crosscheck.enable(False)


# ------------------------------------------------------------------ isolation
# Every pytest scope (test, class, module, package) that sets up a fixture is a *frame*: the
# session runtimes are snapshotted before the scope's first fixture sets up and restored when
# the scope tears down (after its fixtures' own teardown).  A deployment made in a
# module-scoped fixture is therefore seen by that module's tests and gone in the next module;
# a test's writes are gone in the next test.  A session-scoped fixture that first sets up
# inside a narrower scope (e.g. used first by a module's 2nd test) is rolled back with that
# scope, so the plugin also tears the fixture down then: pytest sets it up again (on the
# restored state) where it is next used.


class _Frame:
    __slots__ = ("node", "depth", "snaps", "late", "keep")

    def __init__(self, node, keep=False):
        self.node, self.depth = node, len(node.listchain())
        self.snaps = {}   # id(runtime) -> (runtime, snapshot)
        self.late = []    # (fixturedef, request): session fixtures set up inside this frame
        self.keep = keep  # near_shared_state: hand the changes to the enclosing frame

    def cover(self):
        for rt in _runtimes.values():
            if id(rt) not in self.snaps:
                self.snaps[id(rt)] = (rt, rt.snapshot())


_frames = []  # open frames, outermost first


def _open_frame(node, keep=False):
    for frame in _frames:
        if frame.node is node:
            frame.cover()
            return frame
    frame = _Frame(node, keep)
    frame.cover()
    _frames.append(frame)
    _frames.sort(key=lambda f: f.depth)
    node.addfinalizer(lambda: _close_frame(frame))
    return frame


def _close_frame(frame):
    _frames.remove(frame)
    if frame.keep:  # the enclosing frame rolls the shared changes back when it closes
        if _frames:
            _frames[-1].late.extend(frame.late)
        return
    try:
        for fixturedef, request in reversed(frame.late):
            fixturedef.finish(request)
    finally:
        for rt, snap in frame.snaps.values():
            rt.restore(snap)


def _shares_state(item):
    return item.get_closest_marker("near_shared_state") is not None


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    if fixturedef.scope == "session":
        if _frames:
            _frames[-1].late.append((fixturedef, request))
    elif fixturedef.scope == "function" and _shares_state(request.node):
        # its writes stay for the next tests of its module/class, never beyond them
        item = request.node
        for kind in (pytest.Package, pytest.Module, pytest.Class):
            parent = item.getparent(kind)
            if parent is not None:
                _open_frame(parent)
        _open_frame(item, keep=True)
    else:
        _open_frame(request.node)
    yield


@pytest.fixture(autouse=True)
def _near_isolation():
    """Every test sets up at least this function-scoped fixture, which opens its frame (see
    ``pytest_fixture_setup``): the test's writes are rolled back after it."""
    yield


@pytest.fixture
def runtime(near_runtime):
    return near_runtime


@pytest.fixture(scope="session")
def near_deploy(near_runtime):
    counter = itertools.count(1)

    def deploy(source, account_id=None, balance=None, init=None, init_args=None):
        if account_id is None:
            stem = Path(source).stem if isinstance(source, (str, Path)) else "contract"
            account_id = f"{stem.replace('_', '-').lower()}-{next(counter)}.test.near"
        # init: deploy and initialize in one transaction (a private init works; nobody can
        # initialize the contract in between)
        return near_runtime.deploy(account_id, source, balance=balance, init=init,
                                   args=init_args or {})

    return deploy


@pytest.fixture(scope="session")
def _near_account_counter():
    return itertools.count(1)


@pytest.fixture
def near_account(near_runtime, _near_account_counter):
    from near_safe.testing import NEAR

    def make(name=None, balance=100 * NEAR):
        account_id = name or f"user{next(_near_account_counter)}.test.near"
        return near_runtime.create_account(account_id, balance=balance)

    return make


def _session_account(name):
    @pytest.fixture(scope="session", name=name)
    def fixture(near_runtime):
        from near_safe.testing import NEAR

        return near_runtime.create_account(f"{name}.test.near", balance=100 * NEAR)

    fixture.__doc__ = f"A user account '{name}.test.near' holding 100 NEAR (session-scoped)."
    return fixture


alice = _session_account("alice")
bob = _session_account("bob")
carol = _session_account("carol")
