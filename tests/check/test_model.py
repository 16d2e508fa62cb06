"""Targeted behaviours of the analysis: near-sdk-py's promise API as its source behaves,
helper inlining, branch sensitivity, near_safe recognition, parse and read errors."""

import textwrap

import pytest

from near_safe.check import Config, check_paths, check_source


def findings(src, **cfg):
    found, error = check_source(textwrap.dedent(src), "c.py", Config(**cfg), apply_config=False)
    assert error is None
    return [(f.line, f.rule) for f in found]


HEAD = """
import near
from near_sdk_py import ONE_TGAS, Context, CrossContract, Promise, Storage, call, view
from near_sdk_py.promises import callback
"""


@pytest.mark.parametrize("chain, gas", [
    ('CrossContract("d.near").call("get").then("cb")', "10"),                       # CC default
    ('CrossContract("d.near", 30 * ONE_TGAS).call("get").then("cb")', None),       # positional
    ('CrossContract("d.near").gas(30 * ONE_TGAS).call("get").then("cb")', None),
    ('CrossContract("d.near").call("get").gas(4 * ONE_TGAS).then("cb")', "4"),
    ('CrossContract("d.near", gas=30 * ONE_TGAS).call("a").then("x").then("cb")', "5"),  # 2nd then
    ('Promise(near.promise_create("d.near", "g", "", 0, 1)).then("cb")', "5"),
    ('Promise.create_batch("d.near").function_call("g", {}, 0, 30 * ONE_TGAS)'
     '.then(Context.current_account_id()).function_call("cb", {})', "5"),
    ('CrossContract("d.near", gas=30 * ONE_TGAS).batch().function_call("g", {})'
     '.then(near.current_account_id()).function_call("cb", {})', None),
])
def test_callback_gas_follows_near_sdk_py_defaults(chain, gas):
    src = HEAD + f"""
class C:
    @view
    def go(self):
        return {chain}

    @callback
    def cb(self, result):
        return 1

    @callback
    def x(self, result):
        return 1
"""
    found, _ = check_source(src, "c.py", Config(min_callback_gas=20 * 10**12))
    ns106 = [f for f in found if f.rule == "NS106"]
    if gas is None:
        assert ns106 == []
    else:
        assert len(ns106) == 1 and f"{gas} Tgas" in ns106[0].message


def test_proxy_kept_on_self_is_followed():
    src = HEAD + """
class C:
    def __init__(self):
        self.pool = CrossContract("pool.near", gas=40 * ONE_TGAS)

    @call
    def stake(self):
        self.pool.deposit(Context.attached_deposit()).call("deposit_and_stake")
"""
    assert findings(src) == [(12, "NS102")]


def test_helpers_are_inlined_with_arguments_bound_through_two_levels():
    src = HEAD + """
def _write(user, value):
    Storage.set("bal:" + user, str(value))


def _credit(user, amount):
    _write(user, int(Storage.get_string("bal:" + user) or "0") + amount)


def _call(amount, cb, cb_gas=30 * ONE_TGAS):
    p = near.promise_create("pool.near", "stake", "{}", amount, 40 * ONE_TGAS)
    near.promise_then(p, near.current_account_id(), cb, "{}", 0, cb_gas)


@call
def stake():
    user = Context.predecessor_account_id()
    _credit(user, Context.attached_deposit())
    _call(Context.attached_deposit(), "on_stake", cb_gas=2 * ONE_TGAS)


@call
def on_stake():
    pass
"""
    # credit (via two helpers) before the call; the callback named through a parameter is
    # public; its gas comes from the keyword argument
    assert findings(src) == [(22, "NS103"), (23, "NS105"), (23, "NS106"), (27, "NS101")]


def test_refund_must_be_on_the_failure_path():
    body = """
class C:
    @call
    def buy(self):
        buyer = Context.predecessor_account_id()
        CrossContract("s.near", gas=30 * ONE_TGAS, deposit=Context.attached_deposit()).call(
            "sell").gas(30 * ONE_TGAS).then("cb", buyer=buyer)

    @callback
    def cb(self, result, buyer):
{branch}
"""
    on_success = "        if result.success:\n            Promise.create_batch(buyer).transfer(1)\n"
    on_failure = ("        if not result.success:\n"
                  "            Promise.create_batch(buyer).transfer(1)\n")
    early = ("        if result.success:\n            return True\n"
             "        Promise.create_batch(buyer).transfer(1)\n")
    status = ("        status, _ = near.promise_result(0)\n        if status != 1:\n"
              "            Promise.create_batch(buyer).transfer(1)\n")
    assert findings(HEAD + body.format(branch=on_success)) == [(10, "NS105")]
    assert findings(HEAD + body.format(branch=on_failure)) == []
    assert findings(HEAD + body.format(branch=early)) == []
    assert findings(HEAD + body.format(branch=status)) == []


def test_try_guards_raise_but_not_host_panics():
    src = HEAD + """
class C:
    @callback
    def cb(self, result):
        try:
            raise ValueError("x")
        except Exception:
            pass
        try:
            near.panic_utf8("no try catches a host panic")
        except Exception:
            pass
        try:
            result.unwrap()
        except KeyError:
            pass
"""
    assert findings(src) == [(14, "NS109"), (18, "NS109")]


def test_near_safe_decorators_change_the_verdicts():
    src = """
import near
from near_safe import call, callback, init, state


@init
def new(owner):
    state.set("owner", owner)


@call
def bump():
    state.set("n", state.get("n", 0) + 1)


@call(private=True)
def on_x():
    status, _ = near.promise_result(0)
    assert status == 1


@callback
def on_y(result):
    raise ValueError("near_safe catches this")


@call
def admin():
    if near.predecessor_account_id() != state.get("owner"):
        near.panic_utf8("owner only")
    state.set("x", 1)
"""
    # only the owner method without one_yocto, the assert in a private (non-@callback)
    # method that reads results, and the init: near_safe's @init runs once (no NS111) but
    # without private=True anyone may run it first and name the owner (NS117)
    assert findings(src) == [(7, "NS117"), (19, "NS109"), (28, "NS112")]


def test_files_without_near_are_skipped_and_parse_errors_reported(tmp_path):
    (tmp_path / "plain.py").write_text("def call(f):\n    return f\n\n@call\ndef x():\n    pass\n")
    (tmp_path / "nul.py").write_bytes(b"import near\x00\n")
    (tmp_path / "latin.py").write_bytes(b"import near\n# caf\xe9\n")
    (tmp_path / "syntax.py").write_text("import near\n\n\ndef f(:\n")
    report = check_paths([tmp_path], config=Config())
    assert report.findings == []
    errors = {e.path.rsplit("/", 1)[-1]: e for e in report.errors}
    assert set(errors) == {"nul.py", "latin.py", "syntax.py"}
    assert errors["syntax.py"].line == 4 and "cannot parse" in errors["syntax.py"].message
    assert "UTF-8" in errors["latin.py"].message
    assert report.exit_code == 2


def test_safe_call_parameters_are_read_from_near_safes_signature():
    """The checker reads safe_call's parameters from the contract side's source (ast, never an
    import there); compared with what CPython's inspect sees, and every option the rules read
    must exist (a rename on the contract side fails here, not silently in the rules)."""
    import inspect

    import near_safe
    from near_safe.check._api import safe_call_params
    from near_safe.check._model import SAFE_CALL_OPTIONS
    from near_safe.contract import _promise

    params = safe_call_params()
    public = inspect.signature(near_safe.safe_call).parameters
    positional = [n for n, p in public.items()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    assert {n: params[n] for n in positional} == {n: i for i, n in enumerate(positional)}
    inner = set(inspect.signature(_promise.safe_call).parameters)
    assert set(params) == inner | set(positional)
    assert set(SAFE_CALL_OPTIONS) <= set(params)
