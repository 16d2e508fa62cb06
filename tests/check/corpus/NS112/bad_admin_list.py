"""Membership in an admin list is a privilege check too."""
import near
from near_sdk_py import Context, Storage, call


@call
def ban(account_id):  # expect: NS107, NS112
    admins = Storage.get_json("admins") or []
    if Context.predecessor_account_id() not in admins:
        near.panic_utf8("admins only")
    Storage.set("banned:" + account_id, "1")
