"""near_safe's @call(one_yocto=True) on an owner-only method; private=True for self-calls."""
import near

from near_safe import INT, call, require, state


@call(one_yocto=True, args={"fee": INT})
def set_fee(fee):
    require(near.predecessor_account_id() == state.get("owner"), "owner only")
    state.set("fee", fee)


@call(private=True, args={"fee": INT})
def set_fee_internal(fee):
    state.set("fee", fee)
