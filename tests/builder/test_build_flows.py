"""What would fail at call time is refused at build time, with file:line and the fix (issue
14, item 5): a then= that is not a near_safe callback of this contract (the nearest name
suggested; a near-sdk-py @callback named as such), callback arguments then_args cannot
satisfy; and a contract whose refunds can become claimable gets a claim_refund export when it
has no claim method of its own."""

import ast
from pathlib import Path

import pytest

from near_safe.builder._analyze import find_exports, plan_build
from near_safe.builder._misuse import (
    CLAIM_EXPORT,
    check_decorator_misuse,
    claim_export_needed,
    staged_source,
)
from near_safe.errors import BuildError
from near_safe.testing import NEAR, Runtime

CONTRACTS = Path(__file__).parent / "contracts"
HEADER = ("import near\nfrom near_safe import call, view, callback, multi_callback, safe_call, "
          "claim, refund, INT, STR, CrossContract, Promise\n")
CB = "@callback\ndef on_done(result, key: str, n: int = 0):\n    pass\n"


def _error(src):
    try:
        check_decorator_misuse(Path("c.py"), HEADER + src)
    except BuildError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("src,message", [
    ("@call\ndef f():\n    return safe_call('x.near', 'm', then='on_don', then_args={'key': 'a'})"
     "\n" + CB, "c.py:5: then= 'on_don' is not a near_safe @callback of this contract (did you "
     "mean 'on_done'?)"),
    ("@call\ndef f():\n    return safe_call('x.near', 'm', then='g')\n@call\ndef g():\n    pass\n",
     "c.py:5: then= 'g' is a @call of this contract, not a callback"),
    ("from near_sdk_py.promises import callback as sdk_cb\n"
     "@call\ndef f():\n    return safe_call('x.near', 'm', then='h')\n"
     "class C:\n    @callback\n    def h(self, r):\n        pass\n", None),
    ("@call\ndef f():\n    return safe_call('x.near', 'm', then='on_done', then_args={'k': 1})\n"
     + CB, "c.py:5: then= 'on_done': callback on_done takes no argument 'k' (it takes key, n)"),
    ("@call\ndef f():\n    return safe_call('x.near', 'm', then='on_done')\n" + CB,
     "c.py:5: then= 'on_done': callback on_done needs argument 'key'"),
    ("@call\ndef f():\n    return safe_call('x.near', 'm', then='on_done', "
     "then_args={'key': 'a', 'n': '3'})\n" + CB,
     "c.py:5: then= 'on_done': argument 'n' = '3' cannot be of kind INT"),
    ("class C:\n    @call\n    def f(self):\n        return CrossContract('x.near').call('m')"
     ".then('on_done', key=5)\n    @callback(args={'key': STR})\n    def on_done(self, r, key):"
     "\n        pass\n", "c.py:6: .then(...) 'on_done': argument 'key' = 5 cannot be of kind STR"),
    ("@call\ndef f():\n    return Promise.all([]).join([], 'on_all', key='a')\n"
     "@multi_callback\ndef on_al(results, key: str):\n    pass\n",
     "c.py:5: .join(...) 'on_all' is not a near_safe @callback of this contract (did you mean "
     "'on_al'?)"),
])
def test_a_flow_that_would_fail_when_called_fails_the_build(src, message):
    if message is None:  # the class's @callback is near_safe's: fine
        assert _error(src) is None
        return
    assert _error(src).startswith(message)


def test_a_near_sdk_py_callback_named_by_then_is_refused_with_the_fix():
    src = ("from near_safe import call, safe_call\nfrom near_sdk_py.promises import callback\n\n"
           "@call\ndef f():\n    return safe_call('x.near', 'm', then='h')\n\n"
           "@callback\ndef h(r):\n    pass\n")
    with pytest.raises(BuildError) as info:
        check_decorator_misuse(Path("c.py"), src)
    assert str(info.value).startswith("c.py:6: then= 'h' is near-sdk-py's @callback")
    assert "from near_safe import callback" in str(info.value)


def test_arguments_built_at_run_time_are_left_to_the_wasm():
    src = ("@call\ndef f(k):\n    return safe_call('x.near', 'm', then='on_' + 'done', "
           "then_args={'key': k})\n" + CB
           + "@call\ndef g(a):\n    return safe_call('x.near', 'm', then='on_done', then_args=a)\n")
    assert _error(src) is None


# --- claimable refunds can always be claimed -----------------------------------------------------

@pytest.mark.parametrize("src,needed", [
    ("@call\ndef f():\n    refund('a.near', 5)\n", True),
    ("@call\ndef f():\n    return safe_call('x.near', 'm', then='cb', refund=5)\n", True),
    ("@call\ndef f(a):\n    return safe_call('x.near', 'm', then='cb', deposit=a, refund=a)\n",
     False),  # refund = deposit: the protocol returns it (refund_to), never claimable
    ("@call\ndef f(a):\n    return safe_call('x.near', 'm', then='cb', deposit=a, refund=a,\n"
     "                     claimable=True)\n", True),
    ("@call\ndef f():\n    refund('a.near', 5)\n@call\ndef mine():\n    return claim()\n", False),
    ("@call\ndef f():\n    pass\n", False),
])
def test_the_claim_export_is_added_only_where_a_refund_could_be_stuck(src, needed):
    tree = ast.parse(HEADER + src)
    assert claim_export_needed(tree) is needed
    assert (CLAIM_EXPORT in find_exports(tree)[0]) is needed
    staged = staged_source(HEADER + src, "c.py")
    assert (f"def {CLAIM_EXPORT}():" in staged) is needed
    n = len((HEADER + src).splitlines())
    assert (len(staged.splitlines()) > n) is needed  # appended after the last line


def test_a_taken_claim_name_is_a_build_error_with_the_fix():
    src = "@call\ndef f():\n    refund('a.near', 5)\n\ndef claim_refund():\n    pass\n"
    with pytest.raises(BuildError, match=r"c.py:5: this refund can become claimable .* "
                                         r"claim_refund for it: the name is taken \(line 7\)"):
        check_decorator_misuse(Path("c.py"), HEADER + src)


@pytest.mark.parametrize("mode", ["wasm", "python"])
def test_a_held_refund_is_claimed_through_the_added_export(mode):
    assert CLAIM_EXPORT in plan_build(CONTRACTS / "parked_refunds.py").exports
    rt = Runtime(mode=mode)
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    c = rt.deploy("parked.near", CONTRACTS / "parked_refunds.py", balance=10 * NEAR)
    alice.call(c, "park", deposit=3 * NEAR).unwrap()
    assert rt.view(c, "owed", {"account_id": "alice.near"}) == str(3 * NEAR)
    before = alice.balance
    out = alice.call(c, CLAIM_EXPORT)
    assert out.error is None, out.error
    assert rt.view(c, "owed", {"account_id": "alice.near"}) == "0"
    assert alice.balance > before + 2 * NEAR  # paid back, less the gas
    # it is near_safe's @call: no deposit, strict input
    assert "doesn't accept deposit" in alice.call(c, CLAIM_EXPORT, deposit=1).error


# --- reserved callback gas against what the callback burns (measured) ----------------------------

def test_callback_gas_sites_fold_the_reservation():
    from near_safe import CALLBACK_GAS
    from near_safe.builder._misuse import callback_gas_sites

    tree = ast.parse((CONTRACTS / "tight_callback_gas.py").read_text())
    assert callback_gas_sites(tree) == [(15, "on_done", 4 * 10**12)]
    src = HEADER + ("@call\ndef f():\n    return safe_call('x', 'm', then='cb')\n"
                    "class C:\n    @call\n    def g(self):\n"
                    "        return CrossContract('x').call('m').gas(7 * TGAS).then('cb')\n")
    assert callback_gas_sites(ast.parse(src.replace("INT,", "INT, TGAS,"))) == [
        (5, "cb", CALLBACK_GAS), (9, "cb", 7 * 10**12)]


def test_a_callback_reserved_less_than_it_burns_with_the_contracts_imports_fails_the_build(
        tmp_path):
    import re

    from near_safe.builder import build

    with pytest.raises(BuildError) as info:
        build(CONTRACTS / "tight_callback_gas.py", progress=False)
    msg = str(info.value)
    assert msg.startswith(f"{CONTRACTS / 'tight_callback_gas.py'}:15: callback on_done gets 4 "
                          "Tgas, but it burns ")
    burnt = float(re.search(r"burns ([0-9.]+) Tgas before its body", msg).group(1))
    assert burnt > 4 - 1  # with the refund's 1 Tgas it no longer fits
    # a cache hit refuses it too (the measurement is kept beside the Wasm)
    with pytest.raises(BuildError, match="callback on_done gets 4 Tgas"):
        build(CONTRACTS / "tight_callback_gas.py", progress=False)
    # the same contract without near_sdk_py's import fits in 4 Tgas: it burns less
    plain = tmp_path / "tight_plain.py"
    plain.write_text((CONTRACTS / "tight_callback_gas.py").read_text().replace(
        "import near_sdk_py  # noqa: F401  (the import is the point)\n", ""))
    assert build(plain, progress=False).wasm.is_file()


def test_a_callback_sending_a_second_call_with_the_default_reserve_fails_the_build():
    from near_safe.builder import build

    with pytest.raises(BuildError) as info:
        build(CONTRACTS / "hop_default_gas.py", progress=False)
    msg = str(info.value)
    assert msg.startswith(f"{CONTRACTS / 'hop_default_gas.py'}:11: callback on_first gets 10 "
                          "Tgas, but it burns ")
    assert "its body sends a call (line 17)" in msg and "OWN_GAS + EXTERNAL_GAS + " \
        "CALLBACK_GAS" in msg
