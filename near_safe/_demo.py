"""``near-safe demo``: examples/deposit_and_stake on the embedded runtime, as a short report.

It deploys the example's contracts (a staking pool that can be made to fail, the wrong vault
from NEAR's guidance and the near_safe vault), then runs, in Wasm mode by default:

1. a stake through the safe vault: a cross-contract call and its callback;
2. the same with the pool failing: the deposit comes back to the user;
3. the attack on both vaults: stake, withdraw before the callback arrives, the pool fails.

Each receipt is printed with its gas; who paid what and who got what back is computed from
balances and outcomes, exactly: a user's gain is her balance change plus the gas she paid
(``tokens_burnt``); a vault's loss is its balance change net of its 30% gas rewards.  Nothing
in the report is typed in: the only inputs are the stake and the accounts' starting balances.

Exit codes: 0 the report shows what it should (the wrong vault loses the stake, the safe one
nothing), 1 it does not, 2 usage error (e.g. the example's contracts cannot be found).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .errors import UsageError

EXAMPLE = "deposit_and_stake"
USER = "alice.near"
POOL = "pool.near"
VAULTS = {"wrong": "wrong-vault.near", "safe": "safe-vault.near"}


def add_arguments(parser) -> None:
    parser.add_argument("--mode", choices=("wasm", "python"), default="wasm",
                        help="run the compiled Wasm (default) or the Python source")
    parser.add_argument("--stake", type=_amount, default=Decimal(5), metavar="NEAR",
                        help="NEAR alice stakes, above 0 and at most 1000 (default 5)")


def _amount(text: str) -> Decimal:
    import argparse
    from decimal import InvalidOperation

    from ._units import NEAR

    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not 0 < value <= 1000 or (
            value * NEAR) % 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an amount of NEAR above 0 and at most 1000 (at most 24 "
            "decimals): e.g. --stake 5 or --stake 0.5")
    return value


def example_dir() -> Path:
    """The example's folder: shipped inside the package (``near_safe/_examples``, a link to
    the repository's examples/ in a checkout), else the checkout's examples/."""
    here = Path(__file__).resolve().parent
    for base in (here / "_examples", here.parent / "examples"):
        if (base / EXAMPLE / "vault_safe.py").is_file():
            return base / EXAMPLE
    raise UsageError(f"cannot find examples/{EXAMPLE}/ next to {here}: reinstall near-safe "
                     "(pip install near-safe) or run from a near_safe checkout")


# ------------------------------------------------------------------------------ formatting


def near(amount: int, sign: bool = False) -> str:
    """yoctoNEAR as NEAR, exact to 6 decimals (``+`` for gains when ``sign``)."""
    from .testing import NEAR

    text = f"{amount / NEAR:{'+' if sign and amount else ''}.6f}".rstrip("0").rstrip(".")
    return f"{text} NEAR"


def tgas(gas: int) -> str:
    from .testing import TGAS

    return f"{gas / TGAS:5.2f} Tgas"


def receipt_lines(receipts, signer: str, tokens_burnt: int) -> list:
    """One line per receipt, in execution order: block, who -> whom, what, gas, result.
    Refunds of unused gas to the signer (free, docs/protocol.md 1.4) are summed on one line; a
    deposit refund (signed by ``system``, e.g. a failed call's deposit returned to its refund_to)
    gets its own line."""
    rows, gas_refunds = [], []
    parent = {child: r.method for r in receipts for child in r.produced if r.method}
    for r in receipts:
        if r.is_refund and r.receiver == signer and r.signer != "system":
            gas_refunds.append(r.deposit)
            continue
        if r.is_refund:
            what = f"refund {near(r.deposit)} (deposit back)"
        elif r.method:
            what = r.method + (f" +{near(r.deposit)}" if r.deposit else "")
        else:
            what = "+".join(r.actions) + (f" {near(r.deposit)}" if r.deposit else "")
            if r.receipt_id in parent:
                what += f" (by {parent[r.receipt_id]})"
        if r.failure:
            result = "FAILED: " + _short(r.error)
        elif r.value is not None:
            result = f"-> {r.value!r}"
        else:
            result = "ok"
        rows.append((f"@{r.block_height}", f"{r.predecessor} -> {r.receiver}", what,
                     "free" if r.is_refund else tgas(r.gas_burnt), result))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"   {i:>2} {row[0]:{widths[0]}}  {row[1]:{widths[1]}}  {row[2]:{widths[2]}}  "
             f"{row[3]:>{widths[3]}}  {row[4]}" for i, row in enumerate(rows, 1)]
    total = sum(r.gas_burnt for r in receipts if not r.is_refund)
    lines.append(f"      gas: {tgas(total).strip()} burnt, {near(tokens_burnt)} paid by {signer}"
                 f"; {len(gas_refunds)} refunds of unused gas to {signer}: "
                 f"{near(sum(gas_refunds))}")
    return lines


# ------------------------------------------------------------------------------ the runs


class Demo:
    def __init__(self, mode: str, stake: int):
        from .testing import NEAR, Runtime

        folder = example_dir()
        self.stake = stake
        self.rt = Runtime(mode=mode)
        self.user = self.rt.create_account(USER, balance=100 * NEAR + stake)
        self.pool = self.rt.deploy(POOL, folder / "staking_pool.py")
        self.vaults = {}
        for kind, account in VAULTS.items():
            vault = self.rt.deploy(account, folder / f"vault_{kind}.py")
            vault.call(vault, "new", {"pool": POOL}).unwrap()
            self.vaults[kind] = vault
        self.files = {POOL: "staking_pool.py", VAULTS["wrong"]: "vault_wrong.py",
                      VAULTS["safe"]: "vault_safe.py"}
        self.start = self.rt.snapshot()

    def money(self, vault, before, outcomes, deposits) -> dict:
        """Exact flows for the user and the vault since ``before`` (balances)."""
        rt = self.rt
        gas_paid = sum(o.tokens_burnt for o in outcomes)
        rewards = sum(r.contract_reward for o in outcomes for r in o.receipts
                      if r.receiver == vault.id)
        got_back = rt.balance(self.user) - before[0] + gas_paid + deposits
        return {"paid": deposits, "got_back": got_back, "gain": got_back - deposits,
                "gas": gas_paid, "vault_loss": before[1] - rt.balance(vault) + rewards}

    def balances(self, vault):
        return self.rt.balance(self.user), self.rt.balance(vault)

    def stake_once(self, failing: bool):
        from .testing import TGAS

        self.rt.restore(self.start)
        vault = self.vaults["safe"]
        if failing:
            self.pool.call(self.pool, "set_failing", {"failing": True}).unwrap()
        before = self.balances(vault)
        out = self.user.call(vault, "deposit_and_stake", deposit=self.stake, gas=300 * TGAS)
        m = self.money(vault, before, [out], self.stake)
        m["lines"] = receipt_lines(out.receipts, USER, out.tokens_burnt)
        return m

    def attack(self, kind: str):
        """Stake; withdraw the same amount while the pool call is in flight; the pool fails."""
        from .testing import TGAS

        rt = self.rt
        rt.restore(self.start)
        vault = self.vaults[kind]
        self.pool.call(self.pool, "set_failing", {"failing": True}).unwrap()
        before = self.balances(vault)
        stake = self.user.submit(vault, "deposit_and_stake", deposit=self.stake, gas=300 * TGAS)
        ran = [rt.step()]  # the vault's receipt: the pool call and the callback are in flight
        waiting = [p.method for p in rt.pending() if p.waiting_for_data]
        grab = self.user.submit(vault, "withdraw", {"amount": str(self.stake)})
        ran += rt.run()  # in execution order
        out, grabbed = stake.outcome(), grab.outcome()
        m = self.money(vault, before, [out, grabbed], self.stake)
        m.update(out=out, grabbed=grabbed, waiting=waiting,
                 staked=int(vault.view("staked_of", {"account_id": USER})),
                 lines=receipt_lines(ran, USER, out.tokens_burnt + grabbed.tokens_burnt))
        return m


def _short(error: str) -> str:
    return error.replace("Smart contract panicked: ", "")


def report(demo: Demo, mode: str) -> tuple:
    """The report's lines, and whether it shows what it should."""
    rt, stake = demo.rt, demo.stake
    how = "compiled Wasm in wasmtime" if mode == "wasm" else "Python source, CPython"
    lines = [f"near_safe demo: examples/{EXAMPLE} on the embedded NEAR runtime ({how})", "",
             "Contracts deployed:"]
    for account, file in demo.files.items():
        lines.append(f"  {account:18} {file:18} {rt.account(account).code_size:>9,} bytes of "
                     f"{'Wasm' if mode == 'wasm' else 'source'}")
    lines.append(f"User: {USER} (alice), stake {near(stake)}")

    m = demo.stake_once(failing=False)
    staked = int(demo.vaults["safe"].view("staked_of", {"account_id": USER}))
    lines.append("")
    lines.append("1. alice stakes through the safe vault; the pool accepts (cross-contract call "
                 "+ callback)")
    lines += m["lines"]
    lines.append(f"   alice paid {near(m['paid'])}; the vault credits her {near(staked)} "
                 f"staked, only now that the pool has it")

    m = demo.stake_once(failing=True)
    lines += ["", "2. the same with the pool failing: the deposit comes back"]
    lines += m["lines"]
    lines.append(f"   alice paid {near(m['paid'])}, got {near(m['got_back'])} back: "
                 f"she lost only gas ({near(m['gas'])})")

    results = {kind: demo.attack(kind) for kind in VAULTS}
    lines.append("")
    lines.append(f"3. the attack: alice stakes {near(stake)}; while the pool call is in flight "
                 f"she withdraws {near(stake)}; the pool fails")
    for kind, r in results.items():
        lines.append(f"   {kind} vault (after its first receipt, waiting for the pool: "
                     f"{', '.join(r['waiting']) or 'nothing'}):")
        lines += r["lines"]
    rows = [
        ("", "wrong vault", "safe vault (near_safe)"),
        ("withdraw in between", *[
            f"paid {near(stake)}" if r["grabbed"].succeeded else "refused: "
            + _short(r["grabbed"].error) for r in results.values()]),
        ("alice paid", *[near(r["paid"]) for r in results.values()]),
        ("alice got back", *[near(r["got_back"]) for r in results.values()]),
        ("alice's gain (gas aside)", *[near(r["gain"], sign=True) for r in results.values()]),
        ("vault's loss", *[near(r["vault_loss"]) for r in results.values()]),
    ]
    width = max(len(r[1]) for r in rows) + 2
    lines.append("")
    for label, a, b in rows:
        lines.append(f"   {label:26}{a:{width}}{b}")
    wrong_loss, safe_loss = results["wrong"]["vault_loss"], results["safe"]["vault_loss"]
    ok = (wrong_loss == stake and safe_loss == 0 and results["safe"]["gain"] == 0
          and not results["safe"]["grabbed"].succeeded)
    lines.append("")
    lines.append(f"Result: the wrong vault paid alice twice and lost {near(wrong_loss)}"
                 f"{' (the whole stake)' if wrong_loss == stake else ''};")
    lines.append(f"        the near_safe vault lost {near(safe_loss)}.")
    return lines, ok


def run(args) -> int:
    from .testing import NEAR

    stake = int(args.stake * NEAR)
    demo = Demo(args.mode, stake)
    lines, ok = report(demo, args.mode)
    print("\n".join(lines))
    return 0 if ok else 1
