"""Properties that hold for any sequence of transactions: tokens are conserved up to burnt gas,
contract rewards and refunds that could not be delivered; every tree settles; snapshots
restore exactly.  hypothesis picks the sequences (derandomized: CI-stable)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from near_safe.errors import NearSafeError
from near_safe.testing import NEAR, TGAS, Runtime, Transfer
from rtwat import Wat, callback_recorder

OPS = st.lists(st.tuples(
    st.sampled_from(["transfer", "flow", "flow_fail", "ghost", "panic", "oog"]),
    st.integers(min_value=0, max_value=3 * NEAR)), min_size=1, max_size=6)


def world():
    rt = Runtime()
    a = Wat()
    a.method("f", f"""
      (call $promise_return (call $promise_then
        (call $promise_create {a.s("b.near")} {a.s("g")} {a.s("")} {a.u128(NEAR // 10)}
                              (i64.const {10 * TGAS}))
        {a.s("a.near")} {a.s("cb")} {a.s("")} {a.u128(0)} (i64.const {10 * TGAS})))""")
    a.method("boom", f"(drop (call $storage_write {a.s('k')} {a.s('v')} (i64.const 0)))"
                     f"(call $panic_utf8 {a.s('boom')})")
    callback_recorder(a, "cb")
    b = Wat()
    b.method("g", f"(call $value_return {b.s('1')})")
    rt.deploy("a.near", a.build(), balance=5 * NEAR)
    rt.deploy("b.near", b.build(), balance=5 * NEAR)
    users = [rt.create_account(f"u{i}.near", balance=50 * NEAR) for i in range(2)]
    return rt, users


def supply(rt):
    return sum(rt.account(x).amount + rt.account(x).locked for x in rt.accounts)


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_tokens_are_conserved_and_every_tree_settles(ops):
    rt, (u0, u1) = world()
    before = supply(rt)
    snap = rt.snapshot()
    txs = []
    for i, (op, amount) in enumerate(ops):
        user = (u0, u1)[i % 2]
        if op == "transfer":
            txs.append(user.submit_actions((u1, u0)[i % 2], [Transfer(deposit=amount)]))
        elif op in ("flow", "flow_fail"):
            if op == "flow_fail":
                rt.fail_next("b.near", "g")
            txs.append(user.submit("a.near", "f", deposit=amount, gas=60 * TGAS))
        elif op == "ghost":
            txs.append(user.submit("ghost.near", "x", deposit=amount, gas=5 * TGAS))
        elif op == "panic":
            txs.append(user.submit("a.near", "boom", deposit=amount, gas=20 * TGAS))
        else:
            rt.fail_next("a.near", kind="out_of_gas")
            txs.append(user.submit("a.near", "boom", deposit=amount, gas=7 * TGAS))
    rt.run()
    assert rt.pending() == []
    outs = [tx.outcome() for tx in txs]
    assert all(o.status in ("success", "failure") for o in outs)
    burnt = sum(o.tokens_burnt for o in outs)
    rewards = sum(r.contract_reward for o in outs for r in o.receipts)
    assert burnt > 0 and before - supply(rt) == burnt - rewards
    assert b"k" not in rt.storage("a.near")  # every panic rolled back its write
    rt.restore(snap)
    assert supply(rt) == before
    for tx in txs:  # the restored runtime has never seen them
        with pytest.raises(NearSafeError, match="unknown to this runtime"):
            tx.outcome()
