{% if cookiecutter.__style == "class" -%}
"""{{ cookiecutter.project_name }}: a vault that keeps its users' NEAR in a pool contract.

Both directions are cross-contract calls made safe by near_safe's ``safe_call``:

* ``deposit``: the attached NEAR goes to the pool; it is credited to the user only in the
  callback, after the pool accepted it (deferred crediting); if the pool's receipt fails NEAR
  returns it straight to the user (near_safe sets the call's refund_to);
* ``withdraw``: the user's balance is debited before the pool is asked to pay it back, and
  restored in the callback if the pool failed (debit with rollback); on success the callback
  passes the NEAR on to the user.  A lock on the user refuses a second withdrawal while one is
  in flight.

The callbacks are private, get reserved gas, and settle even if their body raises.

Written in the class style (near-sdk-py's ``Contract``: ``self.storage``,
``self.predecessor_account_id``, ...); ``near-safe new --style functions`` writes the same
vault as module-level functions.
"""

from near_safe import (
    ACCOUNT,
    AMOUNT,
    Contract,
    call,
    callback,
    claim,
    claimable,
    init,
    operation,
    refund,
    require,
    safe_call,
    state,
    view,
)

DEPOSITS = "deposits"  # ledger: each user's NEAR held in the pool by this vault


class Vault(Contract):
    @init(private=True, args={"pool": ACCOUNT})
    def new(self, pool):
        # Private, and run in the same transaction as the deploy (DeployContract + FunctionCall,
        # see tests/conftest.py): a public init would let anyone initialize the vault with
        # their own pool between the deploy and the init, and receive every later deposit.
        self.storage["pool"] = pool

    @call(payable=True)
    def deposit(self):
        amount = self.attached_deposit
        require(amount > 0, "Attach the NEAR to deposit")
        return safe_call(self.storage["pool"], "deposit", deposit=amount,
                         then="on_deposit", credit=DEPOSITS, refund=amount)

    @callback
    def on_deposit(self, result):
        return result.ok  # near_safe credits (success) or refunds (failure)

    @call(args={"amount": AMOUNT})
    def withdraw(self, amount):
        user = self.predecessor_account_id
        return safe_call(self.storage["pool"], "withdraw", {"amount": str(amount)},
                         then="on_withdraw", then_args={"amount": str(amount)},
                         debit=(DEPOSITS, user, amount), lock=user)

    @callback(args={"amount": AMOUNT})
    def on_withdraw(self, result, amount):
        # near_safe restores the debit on failure and unlocks on both paths.  On success the
        # pool has paid this vault: pass the NEAR on to the user (or keep it claimable if that
        # cannot be done safely now).
        if result.succeeded:
            refund(operation().caller, amount)
        return result.succeeded

    @call
    def claim_refund(self):
        """Pay the caller what could not be sent at once (see near_safe.refund)."""
        return claim()

    @view(args={"account_id": ACCOUNT})
    def claimable_of(self, account_id):
        return str(claimable(account_id))

    @view(args={"account_id": ACCOUNT})
    def deposit_of(self, account_id):
        return str(state.balance(DEPOSITS, account_id))
{%- else -%}
"""{{ cookiecutter.project_name }}: a vault that keeps its users' NEAR in a pool contract.

Both directions are cross-contract calls made safe by near_safe's ``safe_call``:

* ``deposit``: the attached NEAR goes to the pool; it is credited to the user only in the
  callback, after the pool accepted it (deferred crediting); if the pool's receipt fails NEAR
  returns it straight to the user (near_safe sets the call's refund_to);
* ``withdraw``: the user's balance is debited before the pool is asked to pay it back, and
  restored in the callback if the pool failed (debit with rollback); on success the callback
  passes the NEAR on to the user.  A lock on the user refuses a second withdrawal while one is
  in flight.

The callbacks are private, get reserved gas, and settle even if their body raises.

Written as module-level functions; ``near-safe new`` (``--style class``, the default) writes the
same vault as a class (near-sdk-py's ``Contract``).
"""

import near

from near_safe import (
    ACCOUNT,
    AMOUNT,
    call,
    callback,
    claim,
    claimable,
    init,
    operation,
    refund,
    require,
    safe_call,
    state,
    view,
)

DEPOSITS = "deposits"  # ledger: each user's NEAR held in the pool by this vault


@init(private=True, args={"pool": ACCOUNT})
def new(pool):
    # Private, and run in the same transaction as the deploy (DeployContract + FunctionCall,
    # see tests/conftest.py): a public init would let anyone initialize the vault with their
    # own pool between the deploy and the init, and receive every later deposit.
    state.set("pool", pool)


@call(payable=True)
def deposit():
    amount = near.attached_deposit()
    require(amount > 0, "Attach the NEAR to deposit")
    return safe_call(state.get("pool"), "deposit", deposit=amount,
                     then="on_deposit", credit=DEPOSITS, refund=amount)


@callback
def on_deposit(result):
    return result.ok  # near_safe credits (success) or refunds (failure)


@call(args={"amount": AMOUNT})
def withdraw(amount):
    user = near.predecessor_account_id()
    return safe_call(state.get("pool"), "withdraw", {"amount": str(amount)},
                     then="on_withdraw", then_args={"amount": str(amount)},
                     debit=(DEPOSITS, user, amount), lock=user)


@callback(args={"amount": AMOUNT})
def on_withdraw(result, amount):
    # near_safe restores the debit on failure and unlocks on both paths.  On success the pool
    # has paid this vault: pass the NEAR on to the user (or keep it claimable if that cannot
    # be done safely now).
    if result.succeeded:
        refund(operation().caller, amount)
    return result.succeeded


@call
def claim_refund():
    """Pay the caller what could not be sent at once (see near_safe.refund)."""
    return claim()


@view(args={"account_id": ACCOUNT})
def claimable_of(account_id):
    return str(claimable(account_id))


@view(args={"account_id": ACCOUNT})
def deposit_of(account_id):
    return str(state.balance(DEPOSITS, account_id))
{%- endif %}
