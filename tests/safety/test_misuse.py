"""Decorator misuse is refused when the decorator is applied (CPython side of the same code
that runs in the Wasm; the compiled case is test_inputs.py::test_misused_decorator_...)."""

import pytest

from near_safe import (
    AMOUNT,
    MisuseError,
    call,
    callback,
    init,
    multi_callback,
    optional,
    view,
)
from near_safe.errors import NearSafeError


def _f():
    pass


@pytest.mark.parametrize("decorate,fragment", [
    (lambda: view(payable=True), "@view on _f: option 'payable' is not allowed"),
    (lambda: view(one_yocto=True), "option 'one_yocto' is not allowed"),
    (lambda: view(private=True), "option 'private' is not allowed"),
    (lambda: call(paybale=True), "option 'paybale' is not allowed: options are payable"),
    (lambda: call(payable=True, one_yocto=True), "payable and one_yocto exclude each other"),
    (lambda: init(one_yocto=True), "option 'one_yocto' is not allowed"),
    (lambda: callback(payable=True), "callbacks are always private and never payable"),
    (lambda: multi_callback(private=True), "callbacks are always private"),
    (lambda: call(args=["amount"]), "args= must be a dict"),
    (lambda: call(args={"amount": "u128"}), "argument 'amount' has unknown kind 'u128'"),
    (lambda: call(args={"amount": int}), "has unknown kind"),
    (lambda: call(args={"_ns": AMOUNT}), "reserved"),
    (lambda: callback(max_result=-1), "max_result must be a byte count"),
    (lambda: callback(result="float"), "unknown kind 'float'"),
])
def test_misuse_raises_when_the_decorator_is_applied(decorate, fragment):
    with pytest.raises(MisuseError) as info:
        decorate()(_f)
    assert fragment in str(info.value)
    assert isinstance(info.value, NearSafeError)


def test_stacked_decorators_are_refused_naming_both():
    with pytest.raises(MisuseError) as info:
        call(view(_f))
    assert str(info.value) == ("@call on _f: stacked on @view; a method takes one near_safe "
                               "decorator: keep @view(...) or @call(...)")


def test_args_naming_no_parameter_is_refused():
    def pay(amount, memo=None):
        pass

    with pytest.raises(MisuseError, match="args= declares 'amout', which is not a parameter "
                                          "of pay: add the parameter or remove it from args="):
        call(args={"amout": AMOUNT})(pay)
    assert callable(call(args={"amount": AMOUNT, "memo": optional("str")})(pay))

    class Vault:
        @call(args={"amount": AMOUNT})
        def withdraw(self, amount):
            pass

    def open_ended(**kwargs):
        pass

    assert callable(call(args={"anything": AMOUNT})(open_ended))


def test_positional_option_is_refused():
    with pytest.raises(MisuseError, match="takes options by keyword only"):
        call("payable")


def test_good_declarations_are_accepted():
    def pay(a, m=None):
        pass

    def on_done(result, x):
        pass

    for make in (view, call, init, callback, multi_callback):
        assert callable(make(_f)) and callable(make()(_f))
    assert callable(call(payable=True, args={"a": AMOUNT, "m": optional("str")})(pay))
    assert callable(callback(max_result=10, result=AMOUNT, args={"x": "int"})(on_done))


def test_star_import_gives_the_public_api():
    namespace = {}
    exec("from near_safe import *", namespace)
    for name in ("call", "view", "init", "callback", "multi_callback", "safe_call", "state",
                 "AMOUNT", "ACCOUNT", "claim", "refund", "operation", "require"):
        assert name in namespace
