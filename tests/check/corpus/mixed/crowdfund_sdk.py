"""A crowdfunding contract in near-sdk-py (pledges, owner claim, refunds after a deadline)."""
import near
from near_sdk_py import Context, Promise, Storage, call, init, view


class Crowdfund:
    @init
    def new(self, owner_id, goal, deadline):  # expect: NS117
        if Storage.has("owner"):
            near.panic_utf8("already initialized")
        Storage.set("owner", owner_id)
        Storage.set("goal", str(goal))
        Storage.set("deadline", str(deadline))

    @call
    def pledge(self):
        user = Context.predecessor_account_id()
        amount = Context.attached_deposit()
        if amount == 0:
            near.panic_utf8("attach a pledge")
        mine = int(Storage.get_string("p:" + user) or "0")
        Storage.set("p:" + user, str(mine + amount))
        Storage.set("total", str(int(Storage.get_string("total") or "0") + amount))

    @call
    def claim(self):  # expect: NS107, NS112
        if Context.predecessor_account_id() != Storage.get_string("owner"):
            near.panic_utf8("owner only")
        total = int(Storage.get_string("total") or "0")
        if total < int(Storage.get_string("goal")):
            near.panic_utf8("goal not reached")
        Storage.remove("total")
        Promise.create_batch(Context.predecessor_account_id()).transfer(total)

    @call
    def refund(self):
        if Context.attached_deposit() != 0:
            near.panic_utf8("no deposit")
        if Context.block_timestamp() < int(Storage.get_string("deadline")):
            near.panic_utf8("too early")
        user = Context.predecessor_account_id()
        mine = int(Storage.get_string("p:" + user) or "0")
        Storage.remove("p:" + user)
        Promise.create_batch(user).transfer(mine)

    @call
    def refund_to(self, beneficiary_id):  # expect: NS107
        user = Context.predecessor_account_id()
        mine = int(Storage.get_string("p:" + user) or "0")
        Storage.remove("p:" + user)  # expect: NS104
        Promise.create_batch(beneficiary_id).transfer(mine)

    @view
    def total(self):
        return Storage.get_string("total") or "0"
