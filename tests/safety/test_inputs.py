"""Strict input, deposits, privacy, views and init: every rejection panics with its short
stable message and changes nothing (Wasm and CPython mode)."""

import re
import pytest

from near_safe.errors import BuildError

GOOD = {"n": 7, "s": "hi", "b": True, "a": "1000000000000000000000000", "acct": "bob.near"}


def _with(**changes):
    args = dict(GOOD)
    for k, v in changes.items():
        if v is _DROP:
            del args[k]
        else:
            args[k] = v
    return args


_DROP = object()
INT_MSG = "Method echo: argument 'n' must be an integer below 2^53"
AMOUNT_MSG = "Method echo: argument 'a' must be a yoctoNEAR amount as a decimal string"
ACCOUNT_MSG = "Method echo: argument 'acct' must be a valid NEAR account id"

BAD_INPUTS = [
    (b"{not json", "Method echo: invalid JSON input"),
    (b'{"n": 1,}', "Method echo: invalid JSON input"),
    (b'{"n" 7, "s": "hi", "b": true, "a": "1", "acct": "bob.near"}',
     "Method echo: invalid JSON input"),
    (b'{"n": 07, "s": "hi", "b": true, "a": "1", "acct": "bob.near"}',
     "Method echo: invalid JSON input"),
    (b'{"n": 7, "s": "hi", "b": true, "a": "1", "acct": "bob.near"} {}',
     "Method echo: invalid JSON input"),
    (b"[1, 2]", "Method echo: arguments must be a JSON object"),
    (b'"text"', "Method echo: arguments must be a JSON object"),
    (_with(n=_DROP), "Method echo: missing argument 'n'"),
    (_with(acct=_DROP), "Method echo: missing argument 'acct'"),
    (_with(zzz=1), "Method echo: unknown argument 'zzz'"),
    (_with(_ns={"o": 1}), "Method echo: unknown argument '_ns'"),
    (_with(n="7"), INT_MSG),
    (_with(n=True), INT_MSG),
    (_with(n=1.5), INT_MSG),
    (_with(n=2**53), INT_MSG),
    (_with(n=-(2**53)), INT_MSG),
    (_with(n=None), INT_MSG),
    (_with(s=5), "Method echo: argument 's' must be a string"),
    (_with(b=1), "Method echo: argument 'b' must be true or false"),
    (_with(b="true"), "Method echo: argument 'b' must be true or false"),
    (_with(a=5), AMOUNT_MSG),
    (_with(a=""), AMOUNT_MSG),
    (_with(a="01"), AMOUNT_MSG),
    (_with(a="-1"), AMOUNT_MSG),
    (_with(a="1.5"), AMOUNT_MSG),
    (_with(a="1e24"), AMOUNT_MSG),
    (_with(a=" 1"), AMOUNT_MSG),
    (_with(a=str(2**128)), AMOUNT_MSG),
    (_with(acct="Bob.near"), ACCOUNT_MSG),
    (_with(acct="b"), ACCOUNT_MSG),
    (_with(acct="bob..near"), ACCOUNT_MSG),
    (_with(acct=".bob"), ACCOUNT_MSG),
    (_with(acct="bob-"), ACCOUNT_MSG),
    (_with(acct="bob_-near"), ACCOUNT_MSG),
    (_with(acct="bob near"), ACCOUNT_MSG),
    (_with(acct="a" * 65), ACCOUNT_MSG),
    (_with(acct=7), ACCOUNT_MSG),
]


@pytest.mark.parametrize("args,message", BAD_INPUTS,
                         ids=[f"bad{i}" for i in range(len(BAD_INPUTS))])
def test_bad_input_panics_naming_the_problem_and_changes_nothing(world, args, message):
    before = world.storage()
    out = world.alice.call(world.vault, "echo", args)
    assert out.status == "failure"
    assert out.error == "Smart contract panicked: " + message, out.error
    assert world.storage() == before


def test_good_input_is_typed_and_optional_arguments_default(world):
    out = world.alice.call(world.vault, "echo", GOOD)
    assert out.status == "success", out
    assert out.value == [7, "hi", True, "1000000000000000000000001", "bob.near", "none"]
    out = world.alice.call(world.vault, "echo", _with(memo="m", extra=[1, {"x": None}],
                                                      n=2**53 - 1, a="0", acct="a-b_c.d0"))
    assert out.value == [2**53 - 1, "hi", True, "1", "a-b_c.d0", "m"]
    assert world.view("get_echo") == [2**53 - 1, "hi", True, "0", "a-b_c.d0", "m"]


def test_account_ids_at_the_length_limits(world):
    for acct in ("ab", "a" * 64, "0x" + "f" * 40, "f" * 64):
        out = world.alice.call(world.vault, "echo", _with(acct=acct))
        assert out.status == "success", (acct, out.error)


def test_empty_input_is_no_arguments(world):
    out = world.alice.call(world.vault, "fail_with_contract_error", b"")
    assert "custom failure" in out.error  # reached the body: empty input is {}
    out = world.alice.call(world.vault, "fail_with_contract_error", {"x": 1})
    assert "Method fail_with_contract_error: unknown argument 'x'" in out.error


# --- deposits ------------------------------------------------------------------------------------


def test_call_rejects_deposit_unless_payable(world):
    before = world.storage()
    out = world.alice.call(world.vault, "echo", GOOD, deposit=1)
    assert "Method echo doesn't accept deposit" in out.error
    assert world.storage() == before


@pytest.mark.parametrize("deposit", [0, 2, 10**24])
def test_one_yocto_requires_exactly_one(world, deposit):
    out = world.alice.call(world.vault, "set_raise_in_callback", {"flag": True}, deposit=deposit)
    assert ("Method set_raise_in_callback requires attached deposit of exactly 1 yoctoNEAR"
            in out.error)
    ok = world.alice.call(world.vault, "set_raise_in_callback", {"flag": True}, deposit=1)
    assert ok.status == "success"


def test_view_rejects_deposit_and_writes(world):
    out = world.alice.call(world.vault, "get_echo", deposit=1)
    assert "Method get_echo doesn't accept deposit" in out.error
    before = world.storage()
    out = world.alice.call(world.vault, "view_that_writes")
    assert "Method view_that_writes is a view: it cannot write state" in out.error
    assert world.storage() == before
    assert world.view("get_key", {"key": "cfg"}) == ["staking.near", "token.near"]


def test_private_method_only_for_the_contract_itself(world):
    before = world.storage()
    out = world.alice.call(world.vault, "credit_tokens",
                           {"account_id": "alice.near", "amount": "5"})
    assert "Method credit_tokens is private" in out.error
    assert world.storage() == before


def test_checks_run_in_fixed_order(world):
    # private before deposit before arguments
    out = world.alice.call(world.vault, "credit_tokens", b"{bad", deposit=3)
    assert "Method credit_tokens is private" in out.error
    out = world.alice.call(world.vault, "echo", b"{bad", deposit=3)
    assert "Method echo doesn't accept deposit" in out.error
    # arguments before init state
    out = world.alice.call(world.vault, "new", {"staking": "x.near"})
    assert "Method new: missing argument 'token'" in out.error


def test_init_runs_once(world):
    before = world.storage()
    out = world.alice.call(world.vault, "new", {"staking": "a.near", "token": "b.near"})
    assert "Method new: contract is already initialized" in out.error
    assert world.storage() == before


# --- body failures --------------------------------------------------------------------------


def test_contract_error_panics_with_its_message(world):
    out = world.alice.call(world.vault, "fail_with_contract_error")
    assert out.error == "Smart contract panicked: custom failure"


def test_unexpected_exception_panics_naming_method_and_type(world):
    out = world.alice.call(world.vault, "fail_with_exception")
    assert "Method fail_with_exception failed: ValueError: " in out.error


MISUSE = "@view on total: option 'payable' is not allowed"


def test_misused_decorator_is_refused_at_build_or_import_time(world):
    """A payable view is refused when the decorator is applied: `near-safe build` reads the
    contract's syntax tree first and fails naming the line (Wasm mode); in CPython mode the
    module cannot load, so the call fails and the message is logged."""
    rt = world.rt
    if rt.mode == "wasm":
        with pytest.raises(BuildError, match=r"misuse.py:7: " + re.escape(MISUSE)):
            rt.deploy("misuse.near", world_contract("misuse.py"))
        assert not rt.exists("misuse.near")
        return
    bad = rt.deploy("misuse.near", world_contract("misuse.py"))
    out = world.alice.call(bad, "total")
    assert out.status == "failure"
    assert MISUSE in out.error or any(
        "MisuseError" in line and MISUSE in line for line in out.logs), (out.error, out.logs)


def test_misuse_in_a_wasm_built_without_the_check_panics_when_called(tmp_path, monkeypatch):
    """Backstop for a Wasm built without near-safe's build check (e.g. by nearc directly):
    in the Wasm, near_safe checks a method's options lazily when it is called, and panics with
    the reason (CPython checks at import, see the test above)."""
    import near_safe.builder._build as build_module
    from near_safe.testing import NEAR, Runtime

    monkeypatch.setattr(build_module, "check_decorator_misuse", lambda *a, **k: [])
    source = tmp_path / "misuse_unchecked.py"  # other content, other cache key
    source.write_text(world_contract("misuse.py").read_text() + "\n# built unchecked\n")
    rt = Runtime(mode="wasm")
    alice = rt.create_account("alice.near", balance=10 * NEAR)
    bad = rt.deploy("misuse.near", source)
    out = alice.call(bad, "total")
    assert out.status == "failure"
    assert MISUSE in out.error, (out.error, out.logs)


def test_stacked_decorators_in_a_wasm_built_without_the_check_panic_when_called(monkeypatch):
    import near_safe.builder._build as build_module
    from near_safe.testing import NEAR, Runtime

    monkeypatch.setattr(build_module, "check_decorator_misuse", lambda *a, **k: [])
    rt = Runtime(mode="wasm")
    alice = rt.create_account("alice.near", balance=10 * NEAR)
    bad = rt.deploy("stacked.near", world_contract("misuse_stacked.py"))
    out = alice.call(bad, "total")
    assert out.error.endswith("@call on _ns_lazy: stacked on another near_safe decorator: "
                              "keep one"), out.error
    assert alice.call(bad, "fine").value == 1  # the other methods work


def world_contract(name):
    from pathlib import Path

    return Path(__file__).parent / "contracts" / name


def test_private_init_only_by_the_contract_and_once(world):
    c = world.rt.deploy("owned.near", world_contract("private_init.py"))
    out = world.alice.call(c, "new", {"owner": "alice.near"})
    assert "Method new is private" in out.error
    c.call(c, "new", {"owner": "bob.near"}).unwrap()
    assert world.rt.view(c, "owner") == "bob.near"
    out = c.call(c, "new", {"owner": "alice.near"})
    assert "Method new: contract is already initialized" in out.error
