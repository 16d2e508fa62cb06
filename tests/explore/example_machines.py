"""Machines over what we ship: examples/ and the `near-safe new` template (issue 10: the
explorer reports nothing on them).  Each deploys the example as its own tests do and offers its
users' actions as rules; the explorer adds its attacker, its hostile contract, its faults and
its convention-free invariants.  Default settings."""

from pathlib import Path

from near_safe.explore import Machine, amounts, integers, load_machine, rule, sampled_from
from near_safe.testing import NEAR

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


class Escrow(Machine):
    """examples/escrow: buyers name the seller (the attacker names its own)."""

    def setup(self, rt):
        seller = rt.deploy("seller.near", EXAMPLES / "escrow" / "seller.py")
        seller.call(seller, "add_item", {"item": "lamp", "price": str(3 * NEAR),
                                         "stock": 2}).unwrap()
        rt.deploy("market.near", EXAMPLES / "escrow" / "market.py", balance=20 * NEAR)

    @rule(price=sampled_from([3 * NEAR, 1 * NEAR]), item=sampled_from(["lamp", "none"]))
    def buy(self, user, price, item):
        self.submit(user, "market.near", "buy", {"seller": "seller.near", "item": item},
                    deposit=price)


class FtTransferCall(Machine):
    """examples/ft_transfer_call: token transfers with a call to the receiver."""

    def setup(self, rt):
        ft = rt.deploy("ft.near", EXAMPLES / "ft_transfer_call" / "ft.py")
        for user in self.users:
            ft.call(ft, "mint", {"account_id": user, "amount": "1000"}).unwrap()
        rt.deploy("receiver.near", EXAMPLES / "ft_transfer_call" / "receiver.py")

    @rule(amount=integers(2, 200), msg=sampled_from(["keep:30", "keep:0", "keep:500"]))
    def transfer_call(self, user, amount, msg):
        self.submit(user, "ft.near", "ft_transfer_call",
                    {"receiver_id": "receiver.near", "amount": str(amount), "msg": msg},
                    deposit=1)


class WithdrawTokens(Machine):
    """examples/withdraw_tokens: debit, transfer tokens, restore on failure."""

    def setup(self, rt):
        token = rt.deploy("token.near", EXAMPLES / "withdraw_tokens" / "ft_token.py")
        vault = rt.deploy("vault.near", EXAMPLES / "withdraw_tokens" / "vault.py")
        vault.call(vault, "new", {"token": "token.near"}).unwrap()
        token.call(token, "mint", {"account_id": "vault.near", "amount": "2000"}).unwrap()
        for user in self.users:
            vault.call(vault, "credit", {"account_id": user, "amount": "1000"}).unwrap()

    @rule(amount=integers(2, 600))
    def withdraw(self, user, amount):
        self.submit(user, "vault.near", "withdraw", {"amount": str(amount)})


class CrossContractQuery(Machine):
    """examples/cross_contract_query: a typed query, no money."""

    def setup(self, rt):
        oracle = rt.deploy("oracle.near", EXAMPLES / "cross_contract_query" / "oracle.py")
        oracle.call(oracle, "set_price", {"asset": "near", "price": "7"}).unwrap()
        dash = rt.deploy("dashboard.near", EXAMPLES / "cross_contract_query" / "dashboard.py")
        dash.call(dash, "new", {"oracle": "oracle.near"}).unwrap()

    @rule(asset=sampled_from(["near", "btc"]))
    def refresh(self, user, asset):
        self.submit(user, "dashboard.near", "refresh", {"asset": asset})


def deposit_and_stake():
    """examples/deposit_and_stake's own explore.py, the near_safe vault (its WrongVault is
    wrong on purpose)."""
    return load_machine(EXAMPLES / "deposit_and_stake" / "explore.py", "SafeVault")


def template_machine(project: Path):
    """The vault of a project made by `near-safe new` (rendered into ``project``)."""
    contracts = project / "contracts"
    (module,) = [p for p in contracts.glob("*.py") if p.name != "pool.py"]

    class Template(Machine):
        def setup(self, rt):
            rt.deploy("pool.near", contracts / "pool.py")
            vault = rt.deploy("vault.near", module, balance=20 * NEAR)
            vault.call(vault, "new", {"pool": "pool.near"}).unwrap()

        @rule(deposit=amounts(1, 10))
        def deposit(self, user, deposit):
            self.submit(user, "vault.near", "deposit", deposit=deposit)

        @rule(amount=amounts(1, 10))
        def withdraw(self, user, amount):
            self.submit(user, "vault.near", "withdraw", {"amount": str(amount)})

    return Template


EXAMPLE_MACHINES = [Escrow, FtTransferCall, WithdrawTokens, CrossContractQuery]
