"""Issue 11, finding 5: CPython mode models the MicroPython port, for both ports: near_safe's
patched port (the builder's default) and plain nearc's (``Runtime(port="nearc")``, a Wasm built
with ``patches=False``).  Each family of the finding is one test; each compares the same call in
Wasm mode and CPython mode of the same port."""

from pathlib import Path

import pytest
from pymode_world import observe

from near_safe.errors import BuildError
from near_safe.testing import NEAR, Runtime
from near_safe.testing.vm._pymode import resolve_port

CONTRACTS = Path(__file__).parent / "contracts"
PORTS = ("near_safe", "nearc")
_worlds = {}


def _world(mode, port, flag=False):
    key = (mode, port, flag)
    if key not in _worlds:
        chosen = port
        if mode == "python" and not flag:
            chosen = resolve_port(port).replace(flag_nlr=False)
        rt = Runtime(mode=mode, port=chosen)
        alice = rt.create_account("alice.near", balance=100 * NEAR)
        contract = rt.deploy("families.near", CONTRACTS / "families.py", balance=10 * NEAR)
        _worlds[key] = (alice, contract)
    return _worlds[key]


def run(port, method, args=b"", flag=False):
    """The same call in Wasm mode and CPython mode of ``port``: the two observations."""
    seen = {}
    for mode in ("wasm", "python"):
        alice, contract = _world(mode, port, flag and mode == "python")
        seen[mode] = observe(alice.call(contract, method, args))
    return seen


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize("method", ["operator_errors", "orders", "sorts"])
def test_results_agree(port, method):
    seen = run(port, method)
    assert seen["python"] == seen["wasm"]
    assert seen["wasm"]["status"] == "success"


@pytest.mark.parametrize("port", PORTS)
def test_operator_type_errors_as_the_port_raises_them(port):
    logs = run(port, "operator_errors")["wasm"]["logs"]
    expected = ("none_add ZeroDivisionError divide by zero" if port == "nearc" else
                "none_add TypeError unsupported types for __add__: 'NoneType', 'int'")
    assert logs[0] == expected


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize("method", ["missing_name", "missing_exception_class"])
def test_a_name_the_port_lacks(port, method):
    """Plain nearc's port traps, even inside try; near_safe's raises NameError (patch 0007):
    caught by the try, or raised by the except clause that names the class."""
    seen = run(port, method)
    assert seen["python"] == seen["wasm"]
    if port == "nearc":
        assert seen["wasm"]["error"] == "WebAssembly trap: Unreachable"
    elif method == "missing_name":
        assert seen["wasm"]["logs"] == ["before", "caught"]
    else:
        assert "NameError: name 'UnicodeDecodeError' isn't defined" in seen["wasm"]["logs"]


@pytest.mark.parametrize("port", PORTS)
def test_recursion_depth_is_the_wasms(port):
    """The depth is the build's (it differs between toolchains): CPython mode takes it from
    the Wasm the installed toolchain builds (_mpport.build_figures); frames: the exported
    method, then _rec(n) .. _rec(0)."""
    deepest = resolve_port(port).max_depth - 2
    ok = run(port, "recurse", str(deepest).encode())
    assert ok["python"] == ok["wasm"] and ok["wasm"]["value"] == str(deepest).encode()
    deep = run(port, "recurse", str(deepest + 1).encode())
    assert deep["python"] == deep["wasm"]
    assert deep["wasm"]["error"] == "WebAssembly trap: StackOverflow"
    caught = run(port, "recurse_caught")
    assert caught["python"] == caught["wasm"]
    assert caught["wasm"]["error"] == "WebAssembly trap: StackOverflow"


@pytest.mark.parametrize("method", ["big_str", "steps", "int_list"])
@pytest.mark.parametrize("port", PORTS)
def test_heap(port, method):
    """nearc's 32,000-byte heap runs out (``except MemoryError`` does not help): its collector
    scans the whole Wasm memory, which traps at the end or, with less gas left than the scan
    takes, runs out of gas first (emscripten 3.1.69's builds at 300 Tgas;
    tests/port/test_port_defects.py shows both); near_safe's grows."""
    seen = run(port, method)
    assert seen["python"] == seen["wasm"]
    if port == "nearc":
        assert seen["wasm"]["error"] in ("WebAssembly trap: MemoryOutOfBounds",
                                         "Exceeded the prepaid gas.")
    else:
        assert seen["wasm"]["status"] == "success"


def test_caught_builtin_exception_fails_the_call_on_nearcs_port():
    """The Wasm may trap later (depending on stack reuse); CPython mode fails the call every
    time, naming the defect.  A Python raise caught the same way is fine."""
    flagged = run("nearc", "caught_builtin", flag=True)["python"]
    assert flagged["status"] == "failure"
    assert "NLR_WASM" in flagged["error"] and "_parse" in flagged["error"]
    assert run("nearc", "caught_own_raise", flag=True)["python"]["status"] == "success"
    patched = run("near_safe", "caught_builtin", flag=True)
    assert patched["python"] == patched["wasm"] and patched["wasm"]["value"] == b"None"


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize("method", ["import_copy", "import_ssl"])
def test_frozen_modules_import_or_fail_as_in_the_wasm(port, method):
    """copy, heapq, bisect fail to import on plain nearc's port (OSError ENOENT), import on
    near_safe's; ssl fails on both, differently."""
    seen = run(port, method)
    assert seen["python"] == seen["wasm"]
    expected = "success" if (port, method) == ("near_safe", "import_copy") else "failure"
    assert seen["wasm"]["status"] == expected


@pytest.mark.parametrize("literal", ["1e39", "'\\ud800'", "10 ** 5000"])
def test_what_the_wasm_build_refuses_cpython_mode_refuses(tmp_path, literal):
    source = tmp_path / "refused.py"
    source.write_text(f"import near\n\nX = {literal}\n\n\n@near.export\ndef m():\n"
                      "    near.value_return(str(X))\n")
    for mode in ("wasm", "python"):
        rt = Runtime(mode=mode)
        alice = rt.create_account("alice.near", balance=100 * NEAR)
        with pytest.raises(BuildError):
            contract = rt.deploy("refused.near", source, balance=10 * NEAR)
            alice.call(contract, "m", b"")


def test_mpy_cross_verdict_is_cpython_modes(tmp_path):
    from near_safe.testing.vm._pymode._mpbuild import find_mpy_cross

    if find_mpy_cross() is None:
        pytest.skip("no mpy-cross built (near-safe build --warm)")
    source = tmp_path / "crash.py"
    source.write_text("import near\n\n\ndef helper():\n    return super()\n\n\n"
                      "@near.export\ndef m():\n    near.value_return('x')\n")
    rt = Runtime(mode="python")
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    with pytest.raises(BuildError, match="mpy-cross"):
        alice.call(rt.deploy("crash.near", source, balance=10 * NEAR), "m", b"")


def test_port_figures_are_the_builds_once_its_toolchain_is_warm(monkeypatch, tmp_path):
    """Before the port's toolchain is warm CPython mode models the reference build; from the
    first call after a build warmed it, the measured figures (not the reference kept from
    earlier in the process)."""
    from near_safe.testing.vm._pymode import _mpport

    warm = tmp_path / "warm"
    measured = {"max_depth": 7, "heap_scan_gas": 5}
    probes = []

    def measure(name, reference):  # _measured's contract: a cold toolchain is waited for
        probes.append(name)
        if not warm.is_file():
            _mpport._waiting[name] = warm
            return reference
        _mpport._waiting.pop(name, None)
        return measured

    for attr, value in (("_measured", measure), ("_figures", {}), ("_waiting", {}),
                        ("_resolved", {})):
        monkeypatch.setattr(_mpport, attr, value)
    reference = _mpport.REFERENCE_FIGURES["nearc"]
    for _ in range(2):
        port = resolve_port("nearc")
        assert (port.max_depth, port.heap_scan_gas) == (reference["max_depth"],
                                                        reference["heap_scan_gas"])
    assert probes == ["nearc"]  # a cold toolchain costs one stat per call, not a probe
    warm.write_text("")
    for _ in range(2):
        port = resolve_port("nearc")
        assert (port.max_depth, port.heap_scan_gas) == (7, 5)
    assert probes == ["nearc", "nearc"]
