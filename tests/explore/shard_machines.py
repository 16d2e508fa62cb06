"""Vault machines on several shards (issue 16, section 3): the users on shard 0, the vault and
its pool on shard 1 (``shards = ("m",)``: ids below "m" on shard 0), so a receipt between a user
and the vault crosses shards and arrives a block later, and the explorer also makes a shard
miss its chunks (Settings.missing_chunks / missing_blocks).

``RefundOvertaken`` watches one ordering rather than a defect: its invariant breaks as soon as
a user's deposit refund from a failed pool call is still travelling after the vault's callback
for that call ran - NEP-616's case, a failed call's deposit refund arriving after the caller's
callback ran.
The explorer reaching it shows that the ordering is among the schedules it explores.
"""

from explore_machines import POOL, VAULT, CreditFirst, NoRefund, Safe

from near_safe.explore import invariant
from near_safe.testing import NEAR

SHARDS = ("m",)  # alice.near, bob.near on shard 0; mallory.near, pool.near, vault.near on 1


class ShardedSafe(Safe):
    shards = SHARDS


class ShardedNoRefund(NoRefund):
    shards = SHARDS


class ShardedCreditFirst(CreditFirst):
    shards = SHARDS


def refund_overtaken(rt, users) -> bool:
    """A user's deposit refund (1 NEAR or more) is still pending while, in the same
    transaction, the pool's call has failed and the vault's callback has already run."""
    for u in rt.upcoming():
        if u.predecessor != "system" or u.receiver not in users or u.deposit < NEAR:
            continue
        ran = rt.tx_outcome(u.tx_id).receipts
        if any(r.receiver == POOL and r.status == "failure" for r in ran) and any(
                r.receiver == VAULT and r.method == "on_staked" for r in ran):
            return True
    return False


class RefundOvertaken(ShardedSafe):
    @invariant()
    def refund_reaches_the_user_before_the_callback(self, rt):
        return not refund_overtaken(rt, self.users)


class RefundOvertakenOneShard(RefundOvertaken):
    shards = ()
