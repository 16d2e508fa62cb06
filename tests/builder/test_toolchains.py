"""Which nearc goes with which Python (issue 15), and the contract side's choice of `near` module.

The whole suite also runs on Python 3.13 + nearc 0.10 (`./dev test313`, .ci/lane313); these
tests pin what makes that lane meaningful: pyproject picks the nearc of the running Python, the
installed nearc is that one, and near_safe binds the real host module wherever one is builtin
(MicroPython, nearc 0.10's CPython-for-Wasm backend) and the runtime's stand-in elsewhere.
"""

import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).parents[2]
EXTRAS = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]


def nearc_for(python: str, extra: str) -> SpecifierSet:
    env = {"python_version": python, "python_full_version": python + ".0", "extra": ""}
    picked = [r for r in map(Requirement, EXTRAS[extra])
              if r.name == "nearc" and (r.marker is None or r.marker.evaluate(env))]
    assert len(picked) == 1, (python, extra, picked)
    return picked[0].specifier


def test_pyproject_says_which_nearc_goes_with_which_python():
    for extra in ("build", "all"):
        assert nearc_for("3.11", extra).contains("0.8.8")
        assert not nearc_for("3.11", extra).contains("0.10.0")
        for python in ("3.12", "3.13"):
            assert nearc_for(python, extra).contains("0.10.0")
            assert nearc_for(python, extra).contains("0.10.3")
            assert not nearc_for(python, extra).contains("0.8.8")
            assert not nearc_for(python, extra).contains("0.11.0")


def test_the_installed_nearc_is_the_one_for_this_python():
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert nearc_for(running, "build").contains(version("nearc")), (running, version("nearc"))


def _near_seen_by_contract_side(builtin: bool) -> str:
    """Import near_safe in a fresh interpreter where a module named `near` is in sys.modules
    (as the Wasm runtimes' builtin is) and, if `builtin`, listed as builtin."""
    code = f"""
import sys, types
fake = types.ModuleType("near"); sys.modules["near"] = fake
if {builtin!r}:
    sys.builtin_module_names = tuple(sys.builtin_module_names) + ("near",)
import near_safe
from near_safe._host import near as stand_in
from near_safe.contract import _state
assert near_safe.near is _state.near
print("real" if near_safe.near is fake else "stand-in" if near_safe.near is stand_in else "other")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_contract_side_binds_the_builtin_near_of_cpython_in_wasm():
    # nearc 0.10's CPython backend: `near` is a builtin module (PyInit_near in python.wasm)
    assert _near_seen_by_contract_side(builtin=True) == "real"


def test_cpython_tooling_keeps_the_stand_in_even_if_a_near_package_is_imported():
    # e.g. near-kit's client `near` in the same process: not builtin, so not the host module
    assert _near_seen_by_contract_side(builtin=False) == "stand-in"


def test_build_compiler_py_needs_nearc_0_10_and_says_so(monkeypatch):
    import nearc.builder
    import pytest

    from near_safe.builder import _cpython
    from near_safe.errors import BuildError

    monkeypatch.delattr(nearc.builder, "compile_contract_cpython", raising=False)  # nearc 0.8.8
    with pytest.raises(BuildError, match=r"nearc >= 0\.10 on Python >= 3\.12.*pip install"):
        _cpython.build_py(ROOT / "examples" / "cross_contract_query" / "oracle.py")


def test_build_cli_rejects_opt_level_without_compiler_py():
    out = subprocess.run([sys.executable, "-m", "near_safe.cli", "build", "x.py", "-O", "2"],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 2 and "add --compiler py" in out.stderr, out.stderr


# --- the host functions each Python runtime imports ---------------------------------------------

REFUND_TO = {"promise_set_refund_to", "refund_to_account_id"}  # near_safe's port patch adds them


def _env_imports(wasm: bytes) -> set:
    import wasmtime

    from near_safe.testing.vm import wasm as vm_wasm

    module = wasmtime.Module(vm_wasm.engine(), wasm)
    assert {i.module for i in module.imports} == {"env"}
    return {i.name for i in module.imports}


def _micropython_imports(patches: bool) -> set:
    from near_safe.builder import build

    contract = ROOT / "examples" / "cross_contract_query" / "oracle.py"
    return _env_imports(build(contract, progress=False, patches=patches).wasm.read_bytes())


def test_micropython_ports_import_58_host_functions_and_near_safes_two_more():
    from near_safe.testing.vm.logic import HOST_FUNCTIONS

    plain = _micropython_imports(patches=False)
    assert len(plain) == 58 and plain <= set(HOST_FUNCTIONS)
    assert _micropython_imports(patches=True) == plain | REFUND_TO


def test_cpython_in_wasm_imports_the_same_58_host_functions_as_micropython():
    """nearc 0.10's CPython (the python.wasm of cpython-near-wasm-opt, which every --compiler py
    contract is made from) imports exactly plain nearc's MicroPython port's 58 host functions."""
    import pytest

    backend = pytest.importorskip(
        "cpython_near_wasm_opt", reason="nearc 0.10's CPython backend installs on Python >= "
        "3.12 only: the 3.13 lane (./dev test313) runs this")
    python_wasm = Path(backend.__file__).parent / "lib" / "python.wasm"
    assert _env_imports(python_wasm.read_bytes()) == _micropython_imports(patches=False)


def test_the_backend_the_runtime_builds_with_is_chosen_by_near_safe_compiler(monkeypatch):
    import pytest

    from near_safe.builder import _cpython
    from near_safe.errors import BuildError

    monkeypatch.delenv(_cpython.COMPILER_ENV, raising=False)
    assert _cpython.selected_compiler() == "mpy"
    monkeypatch.setenv(_cpython.COMPILER_ENV, "py")
    assert _cpython.selected_compiler() == "py"
    monkeypatch.setenv(_cpython.COMPILER_ENV, "cpython")
    with pytest.raises(BuildError, match=r"NEAR_SAFE_COMPILER='cpython' is not a backend.*'py'"):
        _cpython.selected_compiler()


# --- what a CPython-backend build keeps and refuses (nearc 0.10, the 3.13 lane) ----------------

# safe_call imports near_safe's contract/_promise on demand; its callback gets near_safe's
# CALLBACK_GAS, which is 50 Tgas on this backend (CPython's start-up alone burns about 40)
PING = '''from near_safe import ACCOUNT, call, callback, safe_call


@call(args={"receiver": ACCOUNT})
def ping(receiver):
    return safe_call(receiver, "pong", {}, then="on_pong")


@callback
def on_pong(result):
    return result.succeeded
'''
# a callback given MicroPython's CALLBACK_GAS (10 Tgas)
ASK = '''from near_safe import ACCOUNT, TGAS, call, callback, safe_call


@call(args={"receiver": ACCOUNT})
def ask(receiver):
    return safe_call(receiver, "answer", {}, then="on_answer", callback_gas=10 * TGAS)


@callback
def on_answer(result):
    return result.succeeded
'''


def _cpython_build(tmp_path_factory, name: str, source: str):
    """A --compiler py build of ``source`` (cached by content and file name, so a second run of
    the lane builds nothing); only where nearc 0.10's CPython backend is installed."""
    import pytest

    pytest.importorskip("cpython_near_wasm_opt", reason="nearc 0.10's CPython backend installs "
                        "on Python >= 3.12 only: the 3.13 lane (./dev test313) runs this")
    from near_safe.builder._cpython import build_py

    path = tmp_path_factory.mktemp("py") / name
    path.write_text(source)
    return build_py(path, progress=False)


def test_cpython_build_keeps_the_modules_near_safe_imports_on_demand(tmp_path_factory):
    """cpython-near-wasm-opt's module tracing froze only what its own trace run imported (each
    method once, empty input: near_safe stops at the argument check), so contract/_promise was
    cut and every safe_call failed with ImportError: near_safe keeps every staged module.  With
    near_safe's pin list the default build (-O5) fits NEAR's transaction limit uncompressed, so
    it is deployed by a transaction, and its callback runs within the default CALLBACK_GAS."""
    from near_safe.builder._cpython import MAX_DEPLOYABLE
    from near_safe.testing import NEAR, TGAS, DeployContract, Runtime

    wasm = _cpython_build(tmp_path_factory, "ping.py", PING).wasm
    assert wasm.stat().st_size <= MAX_DEPLOYABLE
    rt = Runtime(mode="wasm")
    pinger = rt.create_account("pinger.near", balance=100 * NEAR)
    pinger.execute(pinger, [DeployContract(wasm.read_bytes())]).unwrap()
    bob = rt.create_account("bob.near")
    out = bob.call(pinger, "ping", {"receiver": "bob.near"}, gas=300 * TGAS)
    ping = next(r for r in out.receipts if r.method == "ping")
    assert ping.status == "success", out  # was: ImportError: cannot import name '_promise'
    # bob has no contract: pong fails, and the callback runs and answers so
    assert any(r.method == "pong" and r.status == "failure" for r in out.receipts), out
    assert out.status == "success" and out.value is False, out
    cb = next(r for r in out.receipts if r.method == "on_pong")
    assert 30 * TGAS < cb.gas_burnt < 50 * TGAS, cb  # CPython's start-up, within the reserve


def test_cpython_build_refuses_a_callback_gas_below_cpythons_start_up(tmp_path_factory):
    """A callback burns CPython's start-up (about 40 Tgas) before its body: with MicroPython's
    CALLBACK_GAS (10 Tgas) it would run out of gas on every call, its debit never restored, its
    lock never released.  The MicroPython builder's check (measured on the Wasm) refuses it."""
    import pytest

    from near_safe.errors import BuildError

    with pytest.raises(BuildError, match=r"callback on_answer gets 10 Tgas, but it burns "
                                         r"[0-9.]+ Tgas before its body runs \(CPython start-up"):
        _cpython_build(tmp_path_factory, "ask.py", ASK)


TROJAN = '''from near_safe import view

with open({marker!r}, "w") as fh:  # module level: runs wherever this file is imported
    fh.write("the contract ran under CPython on the build machine")


@view
def ping():
    return "pong"
'''


def test_cpython_build_never_runs_the_contract_on_the_build_machine(tmp_path, monkeypatch):
    """nearc's compile_contract_cpython makes the ABI with near-abi-py, which IMPORTS the contract
    (twice: inject_abi and the optimizer's inputs); a build must never run it (the MicroPython
    builder's rule, tests/builder/test_builder_misuse.py).  Stopped before the optimizer: the
    ABI steps come first, and the optimizer runs the contract only inside its Wasm."""
    import pytest

    pytest.importorskip("cpython_near_wasm_opt", reason="nearc 0.10's CPython backend installs "
                        "on Python >= 3.12 only: the 3.13 lane (./dev test313) runs this")
    import nearc.builder

    from near_safe.builder._cpython import build_py
    from near_safe.errors import BuildError

    def stop(**kwargs):
        raise RuntimeError("stopped before the optimizer")

    monkeypatch.setattr(nearc.builder, "optimize_wasm_file", stop)
    marker = tmp_path / "marker"
    contract = tmp_path / "trojan.py"
    contract.write_text(TROJAN.format(marker=str(marker)))
    with pytest.raises(BuildError, match="stopped before the optimizer"):
        build_py(contract, progress=False, rebuild=True)
    assert not marker.exists()
    # the marker test itself can fail: importing the contract under CPython writes it
    subprocess.run([sys.executable, str(contract)], check=True, cwd=ROOT)
    assert marker.exists()


# What nearc 0.10's CPython backend cannot do, and what near_safe does about it (one contract:
# each CPython build takes about a minute)
LIMITS = '''import near

from near_safe import AMOUNT, MAX_SEND, call, callback, claim, refund, safe_call, state, view


@call(payable=True)
def pay():
    state.set("paid", str(near.attached_deposit()))
    return MAX_SEND


@call(args={"amount": AMOUNT})
def send_raw(amount):
    state.set("sent", str(amount))  # written first: the host refusal below must undo it
    p = near.promise_batch_create(near.predecessor_account_id())
    near.promise_batch_action_transfer(p, amount)


@call(args={"amount": AMOUNT})
def send_own(amount):  # the contract's own NEAR, through safe_call
    return safe_call(near.predecessor_account_id(), "nothing", deposit=amount, then="on_sent")


@callback
def on_sent(result):
    return result.succeeded


@call(args={"amount": AMOUNT})
def give(amount):  # a refund of the contract's money: sent, or claimable when it cannot be
    return refund(near.predecessor_account_id(), amount)


@call
def take():
    return claim()


@view
def paid():
    return [state.get("paid"), state.get("sent")]
'''


def test_cpython_backend_refuses_what_its_near_module_cannot_send(tmp_path_factory):
    """Its ``near`` module converts amounts through a signed 64-bit integer: 2**63 yoctoNEAR or
    more raises ValueError in every transfer and deposit, and its entry point turns an exception
    that leaves a method into SUCCESS (earlier writes committed).  near_safe refuses a deposit
    it could never send back, and panics on an escaping exception: no state change."""
    from near_safe.testing import NEAR, Runtime

    wasm = _cpython_build(tmp_path_factory, "limits.py", LIMITS).wasm
    rt = Runtime(mode="wasm")
    c = rt.deploy("limits.near", wasm, balance=100 * NEAR)
    alice = rt.create_account("alice.near", balance=50 * NEAR)
    small = alice.call(c, "pay", {}, deposit=2**63 - 1)
    assert small.error is None and small.value == 2**63 - 1, small  # MAX_SEND itself is fine
    before = rt.balance(alice)
    big = alice.call(c, "pay", {}, deposit=NEAR)
    assert "a deposit above 9223372036854775807 yoctoNEAR could not be sent back" in big.error
    assert c.view("paid") == [str(2**63 - 1), None]
    assert before - rt.balance(alice) == big.tokens_burnt  # the deposit came back whole
    fits = alice.call(c, "send_raw", {"amount": str(2**63 - 1)})
    assert fits.error is None, fits
    over = alice.call(c, "send_raw", {"amount": str(2**63)})
    assert over.error == ("Smart contract panicked: Method send_raw failed: ValueError: Value "
                          "must be non-negative"), over  # was: SUCCESS, the write committed
    assert c.view("paid") == [str(2**63 - 1), str(2**63 - 1)]
    # safe_call refuses to send more, before any state change
    out = alice.call(c, "send_own", {"amount": str(2**63)})
    assert "a deposit or refund above 9223372036854775807 yoctoNEAR cannot be sent" in out.error
    # a larger refund becomes claimable, and claim() pays it MAX_SEND at a time
    out = alice.call(c, "give", {"amount": str(2**63 + 5)})
    assert out.error is None and out.value is False, out  # not sent: claimable
    before = rt.balance(alice)
    first = alice.call(c, "take", {})
    assert first.value == str(2**63 - 1), first
    assert rt.balance(alice) - before == 2**63 - 1 - first.tokens_burnt
    assert alice.call(c, "take", {}).value == "6"
    assert "nothing to claim" in alice.call(c, "take", {}).error
