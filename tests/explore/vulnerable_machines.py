"""Machines over the deliberately vulnerable contracts of contracts/vulnerable/ (issue 10: one
per class the explorer must find by itself).  No machine tracks a view or names an invariant:
what breaks is one of the explorer's convention-free invariants (attacker_not_richer, solvent,
settled_when_idle), and the hostile behaviours come from the explorer (its attacker, its
hostile contract, its faults), not from the machine.  Default settings (depth 3, budget
1000)."""

from pathlib import Path

from near_safe.explore import Machine, amounts, rule
from near_safe.testing import NEAR

HERE = Path(__file__).parent / "contracts" / "vulnerable"
POOL_SRC = Path(__file__).parent / "contracts" / "pool.py"
SHOP, POOL, TARGET = "shop.near", "pool.near", "target.near"


def _deploy(rt, source, init=None, balance=50):
    rt.deploy(SHOP, HERE / "shop.py", balance=10 * NEAR)
    rt.deploy(POOL, POOL_SRC, balance=10 * NEAR)
    target = rt.deploy(TARGET, HERE / source, balance=balance * NEAR)
    if init is not None:
        target.call(target, "new", init).unwrap()


class EscrowRefund(Machine):
    """Finding 1, escrow: users buy from the honest shop."""

    def setup(self, rt):
        _deploy(rt, "escrow_refund.py")

    @rule(deposit=amounts(1, 10))
    def buy(self, user, deposit):
        self.submit(user, TARGET, "buy", {"seller": SHOP, "item": "apple"}, deposit=deposit)


class WalletRestore(Machine):
    """Finding 1, prepaid wallet (debit restored on failure)."""

    def setup(self, rt):
        _deploy(rt, "wallet_restore.py")

    @rule(deposit=amounts(10))
    def deposit(self, user, deposit):
        self.submit(user, TARGET, "deposit", deposit=deposit)

    @rule(amount=amounts(10))
    def pay(self, user, amount):
        self.submit(user, TARGET, "pay", {"shop": SHOP, "amount": str(amount)})


class RelaySettle(Machine):
    """Finding 2: a multicall helper drives the contract's own callback."""

    def setup(self, rt):
        _deploy(rt, "relay_settle.py", {"pool": POOL})

    @rule(deposit=amounts(1, 10))
    def stake(self, user, deposit):
        self.submit(user, TARGET, "stake", deposit=deposit)

    @rule()
    def batch(self, user):
        self.submit(user, TARGET, "multicall", {"calls": [{"method": "touch", "args": {}}]})


class HopLock(Machine):
    """Finding 3: a callback's second hop panics on a lock someone else holds."""

    def setup(self, rt):
        _deploy(rt, "hop_lock.py", {"pool": POOL, "shop": SHOP})

    @rule(deposit=amounts(1, 10))
    def stake(self, user, deposit):
        self.submit(user, TARGET, "stake", deposit=deposit)

    @rule()
    def poke(self, user):
        self.submit(user, TARGET, "poke")


class SharesFromBalance(Machine):
    """Finding 6b: shares priced from the balance while the fund's investment is in flight.
    One user (and the attacker): the class needs three calls in one order."""

    users = {"alice.near": 100}

    def setup(self, rt):
        _deploy(rt, "shares_from_balance.py", {"pool": POOL})

    @rule(deposit=amounts(10))
    def deposit(self, user, deposit):
        self.submit(user, TARGET, "deposit", deposit=deposit)

    @rule()
    def withdraw(self, user):
        self.submit(user, TARGET, "withdraw")

    @rule()
    def invest(self, user):
        self.submit(user, TARGET, "invest")


class WalletUnused(Machine):
    """Finding 9: the unused part of a payment, computed from the shop's answer, unchecked."""

    def setup(self, rt):
        _deploy(rt, "wallet_unused.py")

    @rule(deposit=amounts(10))
    def deposit(self, user, deposit):
        self.submit(user, TARGET, "deposit", deposit=deposit)

    @rule(amount=amounts(1))
    def pay(self, user, amount):
        self.submit(user, TARGET, "pay", {"shop": SHOP, "amount": str(amount)})


#: machine -> the invariant that must break, and a word of the report that shows the class
EXPECTED = {
    EscrowRefund: ("attacker_not_richer", "keep_deposit_fail"),
    WalletRestore: ("attacker_not_richer", "keep_deposit_fail"),
    RelaySettle: ("attacker_not_richer", "multicall"),
    HopLock: ("settled_when_idle", "Locked: relay"),
    SharesFromBalance: ("attacker_not_richer", "invest"),
    WalletUnused: ("settled_when_idle", "answer:"),
}
