"""The vault's two flows, on the embedded NEAR runtime, in Wasm and CPython mode
(``--near-mode=both`` in pyproject.toml)."""

from near_safe.testing import NEAR, TGAS

GAS = 100 * TGAS


def deposit_of(vault, user):
    return int(vault.view("deposit_of", {"account_id": user.id}))


def gain(runtime, user, before, *outcomes):
    """The user's balance change since ``before``, gas aside (exact, yoctoNEAR)."""
    return runtime.balance(user) - before + sum(o.tokens_burnt for o in outcomes)


def test_deposit_is_credited_after_the_pool_accepts_it(runtime, vault, pool, alice):
    out = alice.call(vault, "deposit", deposit=2 * NEAR, gas=GAS)
    assert out.error is None and out.value is True
    assert deposit_of(vault, alice) == 2 * NEAR
    assert int(pool.view("held_by", {"account_id": vault.id})) == 2 * NEAR


def test_failed_deposit_is_refunded_to_the_user(runtime, vault, pool, alice):
    pool.call(pool, "set_paused", {"paused": True}).unwrap()
    before = runtime.balance(alice)
    out = alice.call(vault, "deposit", deposit=2 * NEAR, gas=GAS)
    assert "pool is paused" in out.error and out.value is False
    assert gain(runtime, alice, before, out) == 0  # only gas was spent
    assert deposit_of(vault, alice) == 0


def test_withdraw_pays_the_user(runtime, vault, alice):
    alice.call(vault, "deposit", deposit=2 * NEAR, gas=GAS).unwrap()
    before = runtime.balance(alice)
    out = alice.call(vault, "withdraw", {"amount": str(NEAR)}, gas=GAS)
    assert out.error is None and out.value is True
    assert gain(runtime, alice, before, out) == NEAR
    assert deposit_of(vault, alice) == NEAR


def test_failed_withdraw_restores_the_balance(runtime, vault, pool, alice):
    alice.call(vault, "deposit", deposit=2 * NEAR, gas=GAS).unwrap()
    pool.call(pool, "set_paused", {"paused": True}).unwrap()
    before = runtime.balance(alice)
    out = alice.call(vault, "withdraw", {"amount": str(NEAR)}, gas=GAS)
    assert "pool is paused" in out.error and out.value is False
    assert gain(runtime, alice, before, out) == 0
    assert deposit_of(vault, alice) == 2 * NEAR


def test_nothing_is_spendable_twice_while_a_call_is_in_flight(runtime, vault, alice):
    alice.call(vault, "deposit", deposit=2 * NEAR, gas=GAS).unwrap()
    first = alice.submit(vault, "withdraw", {"amount": str(2 * NEAR)}, gas=GAS)
    runtime.step()  # the vault's receipt ran: the pool call and the callback are in flight
    assert deposit_of(vault, alice) == 0  # debited before the pool pays
    second = alice.submit(vault, "withdraw", {"amount": str(2 * NEAR)}, gas=GAS)
    runtime.run()
    assert first.outcome().value is True
    assert "Locked: " + alice.id in second.outcome().error


def test_callbacks_cannot_be_called_from_outside(vault, alice):
    for callback in ("on_deposit", "on_withdraw"):
        out = alice.call(vault, callback)
        assert f"Method {callback} is private" in out.error
    assert deposit_of(vault, alice) == 0


def test_nobody_else_can_initialize_the_vault(runtime, vault, alice):
    """The vault was deployed and initialized in one transaction (conftest: near_deploy with
    init=); its init is private, so no one can (re)point it at their own pool."""
    out = alice.call(vault, "new", {"pool": alice.id})
    assert out.error.endswith("Method new is private")
