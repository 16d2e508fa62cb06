"""The rule catalogue of ``near-safe check``: one entry per unsafe pattern.

Each rule has a stable id (``NS1xx``; ids are never reused), a short kebab-case name, a default
severity, and the three texts every finding carries: what is wrong (the per-finding message is
built by the analysis), *why* it is unsafe on NEAR, and the *fix* with a near_safe construct.

The texts follow NEAR's callback security guidance (docs.near.org, smart-contracts/security:
callbacks, reentrancy, one-yocto, storage) and issue 3's near_safe primitives.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Severity names, most severe first. They are SARIF 2.1.0 ``level`` values as well.
SEVERITIES = ("error", "warning", "note")


def severity_rank(level: str) -> int:
    """0 for error, 1 for warning, 2 for note: lower is more severe."""
    return SEVERITIES.index(level)


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str
    summary: str  # one line: the pattern (SARIF shortDescription)
    why: str      # why it is unsafe
    fix: str      # the fix, naming the near_safe construct

    @property
    def help_anchor(self) -> str:
        """The anchor of the rule's heading in docs/checker.md ("### NS101 public-callback
        (error)"), as GitHub makes it."""
        return f"{self.id.lower()}-{self.name}-{self.severity}"


_RULES = [
    Rule(
        "NS101", "public-callback", "error",
        "A callback target is not restricted to the contract itself.",
        "The method is named in .then(...)/promise_then or reads promise results, and it is "
        "exported, so anyone can call it directly and forge the result it trusts (for example "
        "a 'successful' stake that credits a balance nobody paid for).",
        "Decorate it with near_safe's @callback (or @multi_callback): it panics unless "
        "predecessor == current account and at least one promise result is present. "
        "For a plain method use @call(private=True).",
    ),
    Rule(
        "NS102", "call-without-callback", "error",
        "A cross-contract call carries a deposit or follows a state change, with no callback.",
        "Only the failing receipt rolls back on NEAR. If the external call fails, the state "
        "already changed here stays changed and an attached deposit goes back to this contract, "
        "not to the user: nothing observes the failure.",
        "Make the call with safe_call(receiver, method, args, deposit=..., then=\"on_done\", "
        "refund=..., debit=...): it attaches a callback with reserved gas that refunds the "
        "deposit and rolls back on failure; or chain .then(<@callback method>) that handles "
        "the failure path.",
    ),
    Rule(
        "NS103", "credit-before-call", "error",
        "A balance is credited with the attached deposit before the external call it depends on.",
        "Between the call and its callback other transactions run. A credit written first can "
        "be withdrawn in that window; when the external call then fails and the callback "
        "removes the credit, the user has been paid twice (NEAR's deposit-and-stake example).",
        "Use near_safe's deferred credit, safe_call(..., deposit=amount, refund=amount, "
        "credit=\"ledger\"): the deposit becomes spendable only in the callback, after the "
        "external call succeeded, under a key unique to the operation.",
    ),
    Rule(
        "NS104", "debit-without-rollback", "error",
        "A balance is debited before an external call or transfer with no restore on failure.",
        "If the transfer or call fails (missing account, panic, out of gas) the tokens come back "
        "to the contract, but the user's balance stays debited: the funds are lost to the user.",
        "Use safe_call(..., debit=(ledger, account, amount)) for tokens (debited now, restored "
        "in the callback when the call failed) or debit=\"ledger\" for NEAR that leaves as "
        "the deposit; for a transfer use refund(account, amount) (claimable when it cannot be "
        "sent); or restore it yourself in a @callback on the failure branch.",
    ),
    Rule(
        "NS105", "deposit-without-refund", "error",
        "An attached deposit is forwarded to another contract and the callback never refunds it.",
        "When the external call fails its deposit returns to this contract, not to the user. "
        "A callback that does not send it back (or record it as claimable) keeps the user's money.",
        "Use safe_call(..., deposit=amount, refund=amount): the protocol returns a failed "
        "receipt's deposit straight to the caller (promise_set_refund_to) and the callback "
        "refunds what never left, or records it as claimable (claim()).",
    ),
    Rule(
        "NS106", "callback-gas-too-low", "warning",
        "A callback gets no explicit gas or less than a MicroPython callback needs.",
        "A MicroPython contract burns several Tgas just to start (a trivial near-sdk-py method "
        "burns about 4.3 Tgas per receipt, docs/gas-model.md). near-sdk-py's defaults (5 Tgas for Promise/PromiseBatch, 10 Tgas "
        "for CrossContract) starve the callback: it fails and its refund or rollback never runs.",
        "Use safe_call(..., then=...), which reserves CALLBACK_GAS for the callback (weight 0) "
        "and checks the prepaid gas up front (callback_gas= only to raise it); or pass gas >= "
        "the configured minimum explicitly (.gas(N), promise_then(..., gas)).",
    ),
    Rule(
        "NS107", "unintended-deposit", "warning",
        "A state-changing method accepts attached deposits without using them.",
        "near-sdk-py's @call (and near.export) accept any attached deposit. A user who attaches "
        "NEAR by mistake loses it to the contract; nothing rejects or refunds it.",
        "Use near_safe's @call, which rejects deposits unless declared @call(payable=True); or "
        "read and check Context.attached_deposit() / near.attached_deposit().",
    ),
    Rule(
        "NS108", "shared-inflight-key", "error",
        "Data kept for an in-flight call is stored under one key shared by all operations.",
        "Two operations can be in flight at once (call and callback are separate receipts). The "
        "second overwrites the first one's pending record and the first callback settles with "
        "the wrong data.",
        "Key in-flight data by operation (an id or nonce), or pass it in the callback's "
        "arguments; safe_call(..., then_args={...}, credit=..., lock=...) keeps each "
        "operation's record under its own key (_ns:op:<n>) for you.",
    ),
    Rule(
        "NS109", "panic-in-callback", "warning",
        "A callback can raise, assert or panic outside a guarded region.",
        "A callback that aborts reverts only its own changes: the refund, rollback or unlock it "
        "was meant to perform never happens and the contract is left inconsistent.",
        "Use near_safe's @callback: an exception in its body is caught and logged, the body's "
        "writes are discarded, and the settlement (refund, rollback, lock release) still "
        "commits; raise ContractError (or require(...)) there, never near.panic_utf8, and check "
        "a callee-chosen account with is_account_id(...) before a raw promise. Otherwise "
        "handle the failure without raising.",
    ),
    Rule(
        "NS110", "not-exported", "error",
        "A method meant to be exported will not be exported by nearc.",
        "nearc finds exports by decorator NAME in the source: a bare view, call, init, "
        "callback, multi_callback or export (also called with arguments), or near.export. "
        "Aliases and dotted forms (@near_safe.call, @sdk.view, @contract_method), private "
        "(_underscore) methods and C keywords are silently not exported.",
        "Import the decorator by its own name (from near_safe import call) and write @call / "
        "@call(...) on a public method whose name is not a C keyword.",
    ),
    Rule(
        "NS111", "init-twice", "error",
        "An init method can run more than once.",
        "near-sdk-py's @init is a plain wrapper: a second call reinitialises the state, so anyone "
        "can reset the owner or balances of a deployed contract.",
        "Use near_safe's @init, which refuses to run twice (optionally @init(private=True)); or "
        "check a storage flag and panic before writing.",
    ),
    Rule(
        "NS112", "privileged-without-one-yocto", "warning",
        "A privileged method does not require exactly one yoctoNEAR.",
        "Owner-only methods checked against the predecessor can be called through a "
        "function-call access key (which cannot attach a deposit) by any dapp the owner logged "
        "into. Requiring 1 yoctoNEAR forces a full-access key, i.e. a wallet confirmation.",
        "Use near_safe's @call(one_yocto=True), which requires exactly 1 yoctoNEAR; or assert "
        "Context.attached_deposit() == 1.",
    ),
    Rule(
        "NS113", "json-int-above-2-53", "warning",
        "A yoctoNEAR amount crosses a JSON interface as a number.",
        "JSON numbers above 2^53 lose precision in JavaScript clients, and Rust contracts expect "
        "U128 amounts as decimal strings: 1 NEAR is 10^24 yoctoNEAR.",
        "Send and accept amounts as decimal strings (str(amount)); declare parameters "
        "args={\"amount\": AMOUNT}, near_safe's input kind for yoctoNEAR given as strings.",
    ),
    Rule(
        "NS114", "refund-of-unreturned-deposit", "error",
        "A deposit sent to a receiver the caller chose is paid back from the contract's own "
        "balance when the call fails.",
        "A callback sees the result of the promise the callee returns, not of the callee's "
        "receipt: a hostile callee accepts the call, keeps the attached NEAR and returns a "
        "failing promise. A refund, restore or credit paid on that 'failure' comes out of the "
        "contract's own balance, i.e. out of the other users' money, on every call.",
        "Let the protocol return the deposit: safe_call(receiver, ..., deposit=amount, "
        "refund=amount) (or debit=\"ledger\" by name) sets promise_set_refund_to, so a failed "
        "receipt refunds the caller directly and near_safe pays only refund - deposit, what "
        "never left. Never refund by hand in the callback, never operation().set_ok(False) or "
        "op.refund/op.restore after a call that carried a deposit, and use the tuple "
        "debit=(ledger, account, amount) only for value that is not the deposit (tokens).",
    ),
    Rule(
        "NS115", "self-call-with-caller-input", "error",
        "The contract chains a promise to itself with a method name or arguments the caller "
        "chose.",
        "A multicall/batch helper or a DAO-style self-call runs with this contract as the "
        "predecessor, so private methods and callbacks accept it: the caller can drive the "
        "contract's own callbacks with forged arguments (settle another user's operation, "
        "mint a credit) and private admin methods.",
        "Call only fixed methods of this contract (an explicit allow-list of method names, "
        "checked before the promise), with arguments built by the contract; settle through "
        "near_safe's safe_call(..., then=...), whose callback reads its amounts from the "
        "stored in-flight record, never from its arguments.",
    ),
    Rule(
        "NS116", "callback-call-without-caller", "error",
        "A callback makes a safe_call that refunds or credits without caller=, and settles "
        "no operation.",
        "In a callback the predecessor is the contract itself. With no operation being "
        "settled, safe_call's caller defaults to the predecessor, so the second hop's refund "
        "or credit goes to the contract instead of the user who started the flow.",
        "Pass the user explicitly: safe_call(..., caller=user, refund=...), or settle an "
        "operation (give the first safe_call refund=/credit=/debit=/lock=): inside its "
        "callback safe_call's caller defaults to operation().caller.",
    ),
    Rule(
        "NS117", "public-init-sets-receiver", "error",
        "A public init stores an account that receives money (pool, owner, treasury, "
        "beneficiary) from its arguments.",
        "Between the deploy and the init transaction anyone can call a public init first "
        "and name their own pool, owner or treasury; every later deposit then goes to them.",
        "Initialise in the deploy transaction: a batch deploy_contract + function_call(\"new\") "
        "with @init(private=True) (only the contract account can call it), or hard-code the "
        "account in the contract.",
    ),
    Rule(
        "NS118", "double-credit", "error",
        "A callback credits by hand what its safe_call(credit=...) already credits.",
        "near_safe applies credit= in the callback after success; crediting the same ledger "
        "in the body as well pays the user twice, out of the other users' funds.",
        "Use one of the two: safe_call(..., credit=\"ledger\") alone (deferred credit, applied "
        "at settlement), or no credit= and state.credit(...) in the callback's success path.",
    ),
    Rule(
        "NS119", "balance-priced-while-in-flight", "error",
        "Shares or quotas are priced from the contract's own NEAR balance while its own "
        "deposit-carrying calls can be in flight.",
        "A deposit sent with a cross-contract call leaves the balance at once and comes back "
        "(or turns into an asset elsewhere) only later: between the call and its callback "
        "account_balance() is wrong, and a deposit made in that window is priced against it "
        "(10 NEAR came out worth 55 NEAR in the review).",
        "Keep the assets in your own accounting: a stored total updated when money arrives, "
        "when it leaves with safe_call(..., deposit=...) (count it as in flight) and in the "
        "callback; price from that total, never from near.account_balance().",
    ),
    Rule(
        "NS120", "view-changes-state", "error",
        "A @view writes storage, makes a call, or pays.",
        "A view is only read-only when called as a view: called as a transaction (anyone can) "
        "its writes, promises and transfers happen, unprotected by the deposit and caller "
        "checks a @call would have.",
        "Make it a @call (with @call(private=True) or one_yocto=True as needed); near_safe "
        "refuses safe_call, refund(), claim() and state writes in a @view with the view panic.",
    ),
    Rule(
        "NS121", "unbounded-settlement-adjustment", "warning",
        "A callback sets operation().refund/credit/restore from the callee's answer without "
        "bounding it.",
        "The callee chooses its answer: paid - result.value goes negative or above what the "
        "operation moved when the callee answers more (or less) than expected. near_safe then "
        "logs and ignores the adjustment (the defaults apply), which is not what the body "
        "meant; older versions aborted the settlement and locked the user out.",
        "Bound it: op.refund = max(0, min(paid, paid - charged)), or check the answer first "
        "(if not 0 <= charged <= paid: keep the defaults); near_safe accepts an int between "
        "0 and what the operation moved for that field.",
    ),
]

RULES = {r.id: r for r in _RULES}

#: Pseudo-rule for files that cannot be parsed (reported, exit code 2).
PARSE_ERROR_ID = "NS000"
