{% if cookiecutter.__style == "class" -%}
"""The external contract the vault talks to: holds NEAR for each depositor and pays it back to
the depositor on request.  Replace it with your real counterpart; the tests pause it to make
calls fail."""

import near

from near_safe import ACCOUNT, AMOUNT, BOOL, Contract, call, require, state, view

HELD = "held"


class Pool(Contract):
    @call(payable=True)
    def deposit(self):
        require(not self.storage.get("paused", False), "pool is paused")
        state.credit(HELD, self.predecessor_account_id, self.attached_deposit)

    @call(args={"amount": AMOUNT})
    def withdraw(self, amount):
        require(not self.storage.get("paused", False), "pool is paused")
        depositor = self.predecessor_account_id
        state.debit(HELD, depositor, amount)
        near.promise_batch_action_transfer(near.promise_batch_create(depositor), amount)

    @call(private=True, args={"paused": BOOL})
    def set_paused(self, paused):
        self.storage["paused"] = paused

    @view(args={"account_id": ACCOUNT})
    def held_by(self, account_id):
        return str(state.balance(HELD, account_id))
{%- else -%}
"""The external contract the vault talks to: holds NEAR for each depositor and pays it back to
the depositor on request.  Replace it with your real counterpart; the tests pause it to make
calls fail."""

import near

from near_safe import ACCOUNT, AMOUNT, BOOL, call, require, state, view

HELD = "held"


@call(payable=True)
def deposit():
    require(not state.get("paused", False), "pool is paused")
    state.credit(HELD, near.predecessor_account_id(), near.attached_deposit())


@call(args={"amount": AMOUNT})
def withdraw(amount):
    require(not state.get("paused", False), "pool is paused")
    depositor = near.predecessor_account_id()
    state.debit(HELD, depositor, amount)
    near.promise_batch_action_transfer(near.promise_batch_create(depositor), amount)


@call(private=True, args={"paused": BOOL})
def set_paused(paused):
    state.set("paused", paused)


@view(args={"account_id": ACCOUNT})
def held_by(account_id):
    return str(state.balance(HELD, account_id))
{%- endif %}
