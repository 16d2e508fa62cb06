"""Issue 10: settlement against hostile counterparts, each attack a flow on compiled contracts
(Wasm mode gives the verdict; CPython mode must agree).

The hostile callee (contracts/hostile.py) accepts every call - its receipt succeeds, so it keeps
the attached NEAR - and then returns a failing promise or the answer its owner chose.  A
callback cannot tell that from a callee whose receipt failed (and whose deposit came back), so
near_safe must never pay a "refund" of a deposit out of its own balance: the protocol returns a
failed call's deposit straight to the user (promise_set_refund_to)."""

import json
from pathlib import Path

import pytest

from near_safe.testing import NEAR, TGAS, DeleteAccount, Runtime

CONTRACTS = Path(__file__).parent / "contracts"
STAKE = 5 * NEAR
GAS = 300 * TGAS


class World:
    def __init__(self, mode):
        rt = self.rt = Runtime(mode=mode)
        self.mode = mode
        self.alice = rt.create_account("alice.near", balance=100 * NEAR)
        self.bob = rt.create_account("bob.near", balance=100 * NEAR)
        self.staking = rt.deploy("staking.near", CONTRACTS / "staking.py")
        self.hostile = rt.deploy("hostile.near", CONTRACTS / "hostile.py")
        self.vault = rt.deploy("vault.near", CONTRACTS / "vault.py")
        self.settle = rt.deploy("settle.near", CONTRACTS / "settle.py")
        self.alice.call(self.vault, "new",
                        {"staking": "hostile.near", "token": "staking.near"}).unwrap()

    def balance(self, who):
        return self.rt.balance(who)

    def ns_keys(self, contract):
        """near_safe's in-flight records and locks left in ``contract``'s state."""
        return sorted(k for k in self.rt.storage(contract)
                      if k.startswith((b"_ns:op:", b"_ns:lock:")))


_worlds = {}


@pytest.fixture(params=["wasm", "python"])
def w(request):
    if request.param not in _worlds:
        world = World(request.param)
        _worlds[request.param] = (world, world.rt.snapshot())
    world, snap = _worlds[request.param]
    yield world
    world.rt.restore(snap)


def _paid_by(out, sender):
    """NEAR sent by ``sender`` in non-refund Transfer receipts of this transaction."""
    return sum(r.deposit for r in out.receipts
               if r.predecessor == sender and r.actions == ("Transfer",) and not r.is_refund)


def _refunds_to(out, account):
    """Deposit refunds (protocol receipts, not gas refunds) that reached ``account``."""
    return [r for r in out.receipts if r.receiver == account and r.is_refund
            and r.predecessor == "system" and r.deposit >= NEAR]


# --- finding 1: a refund of a deposit that never came back -------------------------------------


@pytest.mark.backend_refuses
def test_callee_keeping_the_deposit_and_failing_costs_the_contract_nothing(w):
    vault_before, hostile_before = w.balance("vault.near"), w.balance("hostile.near")
    out = w.alice.call(w.vault, "deposit_and_stake", deposit=STAKE, gas=GAS)
    assert out.value is False  # the callback saw a failure
    assert _paid_by(out, "vault.near") == 0  # ... and paid no "refund"
    assert w.balance("vault.near") >= vault_before
    assert w.balance("hostile.near") - hostile_before >= STAKE  # the callee kept it
    assert int(w.vault.view("staked_of", {"account_id": "alice.near"})) == 0
    assert w.ns_keys(w.vault) == []  # settled and unlocked


@pytest.mark.backend_refuses
def test_genuine_failure_returns_the_deposit_to_the_user_by_the_protocol(w):
    w.alice.call(w.vault, "new", {"staking": "x", "token": "y"})  # already initialized
    w.rt.patch_state("vault.near", data={"cfg": json.dumps(["staking.near", "staking.near"])})
    w.alice.call(w.staking, "set_fail", {"fail": True}).unwrap()
    before, vault_before = w.balance("alice.near"), w.balance("vault.near")
    out = w.alice.call(w.vault, "deposit_and_stake", deposit=STAKE, gas=GAS)
    assert out.value is False
    assert [r.deposit for r in _refunds_to(out, "alice.near")] == [STAKE]
    assert _paid_by(out, "vault.near") == 0
    assert before - w.balance("alice.near") < NEAR // 100  # only gas
    assert w.balance("vault.near") >= vault_before


@pytest.mark.backend_refuses
def test_prepaid_wallet_cannot_respend_a_payment_the_shop_kept(w):
    w.bob.call(w.settle, "top_up", deposit=10 * NEAR).unwrap()
    w.alice.call(w.settle, "top_up", deposit=10 * NEAR).unwrap()
    for _ in range(2):
        out = w.alice.call(w.settle, "pay", {"shop": "hostile.near", "amount": str(10 * NEAR)},
                           gas=GAS)
    assert "Not enough balance in wallet for alice.near" in out.error  # the second try
    assert int(w.settle.view("wallet_of", {"account_id": "alice.near"})) == 0
    # bob's 10 NEAR are still covered by the contract's own balance
    assert w.balance("settle.near") >= 10 * NEAR + 10 * NEAR - NEAR
    assert w.ns_keys(w.settle) == []


@pytest.mark.backend_refuses
def test_prepaid_wallet_payment_to_a_missing_shop_comes_back_to_the_user(w):
    w.alice.call(w.settle, "top_up", deposit=10 * NEAR).unwrap()
    before = w.balance("alice.near")
    out = w.alice.call(w.settle, "pay", {"shop": "nobody.near", "amount": str(10 * NEAR)},
                       gas=GAS)
    assert out.value is False
    assert [r.deposit for r in _refunds_to(out, "alice.near")] == [10 * NEAR]
    assert w.balance("alice.near") - before > 10 * NEAR - NEAR // 100
    assert int(w.settle.view("wallet_of", {"account_id": "alice.near"})) == 0  # not twice


@pytest.mark.backend_refuses
def test_refund_below_the_deposit_is_refused_before_any_state_change(w):
    before = w.rt.storage(w.settle)
    out = w.alice.call(w.settle, "underrefund", deposit=2 * NEAR, gas=GAS)
    assert "refund= is less than deposit=" in out.error
    assert w.rt.storage(w.settle) == before
    assert out.find(receiver="hostile.near") == []


# --- finding 2: settlement trusts nothing from the callback's arguments -------------------------


@pytest.mark.parametrize("forged", [
    {"o": 1, "u": "bob.near", "r": str(50 * NEAR)},  # the old record shape, with bob's amounts
    1,  # the victim's operation number, as the genuine callback carries it
])
@pytest.mark.backend_refuses
def test_self_call_helper_cannot_settle_another_users_operation(w, forged):
    slow = {"n": 6, "value": str(NEAR)}  # the shop answers 1 NEAR, six blocks later
    w.hostile.call(w.hostile, "set_mode", {"mode": "slow" + json.dumps(slow)}).unwrap()
    alice0, bob0, settle0 = (w.balance(a) for a in ("alice.near", "bob.near", "settle.near"))
    tx = w.alice.submit(w.settle, "buy_at_quote", {"shop": "hostile.near"}, deposit=3 * NEAR,
                        gas=GAS)
    attack = w.bob.submit(w.settle, "multicall",
                          {"first": "noop", "then": "on_quote",
                           "args": {"paid": str(50 * NEAR), "_ns": forged}}, gas=GAS)
    while True:  # run until bob's forged callback has run
        r = w.rt.step()
        if r.method == "on_quote" and r.signer == "bob.near":
            break
        assert r.method != "on_quote"  # alice's genuine callback must still be waiting
    assert "unknown operation" in r.error
    assert b"_ns:op:1" in w.rt.storage(w.settle)  # alice's operation is still in flight
    w.rt.run()
    assert _paid_by(attack.outcome(), "settle.near") == 0
    assert w.balance("bob.near") <= bob0
    out = tx.outcome()
    assert out.value == [True, str(2 * NEAR)]  # alice's own callback settles as it should
    assert _paid_by(out, "settle.near") == 2 * NEAR
    assert alice0 - w.balance("alice.near") < NEAR + NEAR // 100  # she paid the 1 NEAR price
    assert w.balance("settle.near") - settle0 > 3 * NEAR - 2 * NEAR - NEAR // 100
    assert w.ns_keys(w.settle) == []


# --- findings 3 and 4: a callback body chaining a second hop -----------------------------------


def _two_hops(w, hop_gas, hop_lock="", catch=False, paid=4 * NEAR):
    w.hostile.call(w.hostile, "set_mode", {"mode": "1"}).unwrap()
    return w.alice.call(w.settle, "two_hops", {"shop": "hostile.near", "hop_gas": hop_gas,
                                                 "hop_lock": hop_lock, "catch": catch},
                        deposit=paid, gas=GAS)


@pytest.mark.backend_refuses
def test_second_hop_without_gas_does_not_abort_the_settlement(w):
    out = _two_hops(w, hop_gas=12)
    first = out.receipt(method="on_first")
    assert first.succeeded, first.error  # contained, not a host panic
    assert "not enough gas" in " ".join(first.logs)
    assert w.ns_keys(w.settle) == []  # alice unlocked
    assert b"hop" not in w.rt.storage(w.settle)  # the raising body's write dropped
    assert out.find(method="buy") == []  # and no promise left behind


@pytest.mark.backend_refuses
def test_second_hop_on_a_held_lock_is_contained_and_the_user_refunded(w):
    w.bob.call(w.settle, "hold_lock", {"key": "shared"}).unwrap()
    before = w.balance("alice.near")
    out = _two_hops(w, hop_gas=60, hop_lock="shared", catch=True)
    assert out.receipt(method="on_first").succeeded
    assert "Locked: shared" in out.value
    assert _paid_by(out, "settle.near") == 4 * NEAR  # set_ok(False): what we held goes back
    assert before - w.balance("alice.near") < NEAR // 100
    assert w.ns_keys(w.settle) == [b"_ns:lock:shared"]


@pytest.mark.backend_refuses
def test_second_hop_refund_goes_to_the_user_not_the_contract(w):
    w.hostile.call(w.hostile, "set_buy_panics", {"panics": True}).unwrap()
    before, settle_before = w.balance("alice.near"), w.balance("settle.near")
    out = _two_hops(w, hop_gas=60)
    assert out.receipt(method="on_second").value is False
    assert [r.deposit for r in _refunds_to(out, "alice.near")] == [4 * NEAR]
    assert before - w.balance("alice.near") < NEAR // 100
    assert w.balance("settle.near") - settle_before < NEAR // 100  # kept nothing of alice's
    assert w.ns_keys(w.settle) == []


# --- finding 7: a view cannot pay --------------------------------------------------------------


@pytest.mark.parametrize("method,args", [
    ("view_that_refunds", {"account_id": "alice.near"}),
    ("view_that_calls", {"shop": "hostile.near"}),
])
def test_view_called_as_a_transaction_cannot_pay_or_call_out(w, method, args):
    before = w.balance("settle.near")
    out = w.alice.call(w.settle, method, args, gas=GAS)
    assert out.error.endswith(f"Method {method} is a view: it cannot write state")
    assert len(out.receipts) <= 2  # the call and its gas refund: nothing sent
    assert w.balance("settle.near") >= before


# --- finding 9: a settlement adjustment out of bounds ----------------------------------------


@pytest.mark.parametrize("price,refund", [
    (1 * NEAR, 2 * NEAR),  # the unused part
    (0, 3 * NEAR),  # everything back: the bound itself
])
@pytest.mark.backend_refuses
def test_callback_body_refunds_the_unused_part(w, price, refund):
    w.hostile.call(w.hostile, "set_mode", {"mode": json.dumps(price)}).unwrap()
    out = w.alice.call(w.settle, "buy_at_quote", {"shop": "hostile.near"}, deposit=3 * NEAR,
                       gas=GAS)
    assert out.value == [True, str(refund)]
    assert _paid_by(out, "settle.near") == refund


@pytest.mark.backend_refuses
@pytest.mark.parametrize("price", [3 * NEAR + 1, -5])
def test_adjustment_beyond_what_the_operation_moved_falls_back_to_the_defaults(w, price):
    w.hostile.call(w.hostile, "set_mode", {"mode": json.dumps(price)}).unwrap()
    out = w.alice.call(w.settle, "buy_at_quote", {"shop": "hostile.near"}, deposit=3 * NEAR,
                       gas=GAS)
    cb = out.receipt(method="on_quote")
    assert cb.succeeded, cb.error  # the settlement committed
    assert any("settlement adjustment refused" in line for line in cb.logs)
    assert _paid_by(out, "settle.near") == 0  # success's default: nothing back
    assert w.ns_keys(w.settle) == []  # unlocked


# --- finding 10: a refund to an account deleted meanwhile --------------------------------------


def test_refund_to_an_account_deleted_meanwhile_is_burnt_not_paid_by_the_contract(w):
    w.rt.patch_state("vault.near", data={"cfg": json.dumps(["staking.near", "staking.near"])})
    w.alice.call(w.staking, "set_fail", {"fail": True}).unwrap()
    vault_before = w.balance("vault.near")
    tx = w.alice.submit(w.vault, "deposit_and_stake", deposit=STAKE, gas=GAS)
    w.rt.step()  # the vault's call ran; the pool's call is in flight
    w.alice.execute("alice.near", [DeleteAccount(beneficiary_id="bob.near")]).unwrap()
    w.rt.run()
    out = tx.outcome()
    assert not w.rt.exists("alice.near")
    refund = [r for r in out.receipts if r.receiver == "alice.near" and r.deposit == STAKE]
    assert refund and not refund[0].succeeded  # NEAR burns a refund to a missing account
    assert _paid_by(out, "vault.near") == 0
    assert w.balance("vault.near") >= vault_before
