"""The explorer's receipt look-ahead is the runtime's own order (issue 13): ``next_receipt()``
is what ``step()`` then runs, on random schedules with every fault; and the schedule that
crashed the old copy of the ordering (issue 10, finding 8) explores cleanly."""

from explore_machines import CONTRACTS

from near_safe.explore import Machine, Settings, rule
from near_safe.testing import NEAR

POOL, VAULT = "pool.near", "vault.near"


class SecondHop(Machine):
    """A callback chaining a second hop with all its unused gas (as safe_call does)."""

    settings = Settings(depth=2, budget=60, gas_variants=False)

    def setup(self, rt):
        rt.deploy(POOL, CONTRACTS / "pool.py", balance=10 * NEAR)
        vault = rt.deploy(VAULT, CONTRACTS / "second_hop.py", balance=50 * NEAR)
        vault.call(vault, "new", {"pool": POOL}).unwrap()

    @rule()
    def stake(self, user):
        self.submit(user, VAULT, "stake", {}, deposit=NEAR)


def test_finding_8_second_hop_out_of_gas_does_not_crash_the_explorer():
    """Old look-ahead: KeyError once the second hop failed out of gas (no refund receipt
    in front of its data)."""
    result = SecondHop.explore(faults=("out_of_gas",))
    assert not result.found, result.report
    assert result.tried.get("fault:out_of_gas", 0) > 0
    assert result.schedules >= 1


def _world(rt):
    for user in ("alice.near", "bob.near"):
        rt.create_account(user, balance=100 * NEAR)
    rt.deploy(POOL, CONTRACTS / "pool.py", balance=10 * NEAR)
    vault = rt.deploy(VAULT, CONTRACTS / "second_hop.py", balance=50 * NEAR)
    vault.call(vault, "new", {"pool": POOL}).unwrap()
    bank = rt.deploy("bank.near", CONTRACTS / "bank_buggy.py", balance=50 * NEAR)
    bank.call(bank, "new", {"pool": POOL}).unwrap()


def test_next_receipt_is_what_step_runs_on_random_schedules():
    """200 random schedules of interleaved flows (two vaults, one with a second hop), random
    submissions between receipts, random faults from the runtime's registry on external
    calls, random block production: before every step, ``next_receipt()`` names exactly the
    receipt ``step()`` then runs (its id), and None exactly when ``step()`` finds nothing."""
    import random

    from near_safe.testing import Runtime

    rt = Runtime()
    _world(rt)
    start = rt.snapshot()
    methods = [(VAULT, "stake"), ("bank.near", "stake_credit_first"),
               ("bank.near", "stake_shared"), ("bank.near", "stake_starved")]
    faults = sorted(rt.fault_kinds)
    checked = faulted = 0
    for seed in range(200):
        rng = random.Random(seed)
        rt.restore(start)
        for _ in range(30):
            if rng.random() < 0.3:
                receiver, method = rng.choice(methods)
                rt.submit(rng.choice(["alice.near", "bob.near"]), receiver, method, {},
                          deposit=NEAR, gas=rng.choice([300, 120, 60]) * 10**12)
            if rng.random() < 0.05:
                rt.produce_blocks(1)
            nxt = rt.next_receipt()
            if nxt is not None and nxt.method and nxt.predecessor not in (
                    "system", nxt.receiver) and rng.random() < 0.4:
                rt.inject(rng.choice(faults), nxt.receiver, nxt.method)
                faulted += 1
            out = rt.step()
            rt.clear_faults()
            assert (nxt is None) == (out is None), (seed, nxt, out)
            if out is None:
                continue
            assert nxt.receipt_id == out.receipt_hash, (seed, nxt, out)
            assert (nxt.receiver, nxt.predecessor, nxt.method) == (
                out.receiver, out.predecessor, out.method)
            checked += 1
    assert checked > 2000 and faulted > 200


def test_next_receipt_does_not_change_the_state():
    from near_safe.testing import Runtime

    rt = Runtime()
    _world(rt)
    rt.handle("alice.near").submit(VAULT, "stake", {}, deposit=NEAR)
    before = (rt.pending(), rt.height, rt.balance("alice.near"))
    first = rt.next_receipt()
    assert rt.next_receipt() == first
    assert (rt.pending(), rt.height, rt.balance("alice.near")) == before
    assert rt.step().receipt_hash == first.receipt_id
