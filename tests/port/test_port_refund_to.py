"""Port patch 0001: the `near` module binds promise_set_refund_to and refund_to_account_id
(nearc's port has neither), in the Wasm and in CPython mode's stand-in."""

from conftest import deploy

from near_safe.testing import NEAR


def test_deposit_of_a_failed_call_is_refunded_to_the_chosen_account(rt):
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    bob = rt.create_account("bob.near", balance=5 * NEAR)
    rt.create_account("nocode.near", balance=5 * NEAR)  # no contract: the call fails
    vault = deploy(rt, "vault.near", "refund_to.py")
    before = {a: rt.balance(a) for a in ("alice.near", "bob.near", "vault.near")}
    out = alice.call(vault, "send", {"target": "nocode.near", "to": "bob.near"}, deposit=3 * NEAR)
    assert out.status == "success", out
    assert out.value == "sent"
    failed = [r for r in out.receipts if r.receiver == "nocode.near"]
    assert failed and failed[0].status == "failure"
    # the deposit left the vault and came back to bob, not to the vault (the predecessor)
    assert rt.balance("bob.near") == before["bob.near"] + 3 * NEAR
    assert rt.balance("vault.near") < before["vault.near"] + 3 * NEAR - NEAR // 10
    assert bob.balance == rt.balance("bob.near")


def test_refund_to_account_id_reports_the_account_set_by_the_caller(rt):
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    rt.create_account("bob.near", balance=5 * NEAR)
    vault = deploy(rt, "vault.near", "refund_to.py")
    direct = alice.call(vault, "who")
    assert direct.logs == ["refund_to=alice.near"]  # a transaction: the signer's receipt
    out = alice.call(vault, "call_self", {"to": "bob.near"})
    assert out.status == "success", out
    assert out.logs == ["refund_to=bob.near"]


def test_plain_nearc_port_lacks_the_bindings(wasm_rt):
    alice = wasm_rt.create_account("alice.near", balance=100 * NEAR)
    wasm_rt.create_account("bob.near", balance=5 * NEAR)
    vault = deploy(wasm_rt, "vault.near", "refund_to.py", patches=False)
    out = alice.call(vault, "call_self", {"to": "bob.near"})
    assert out.status == "failure"
    assert "promise_set_refund_to" in str(out.final_failure)
