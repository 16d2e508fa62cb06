"""An owner-only method callable through a function-call access key."""
import near
from near_sdk_py import Context, Storage, call


class Config:
    @call
    def set_fee(self, fee):  # expect: NS107, NS112
        if Context.predecessor_account_id() != Storage.get_string("owner"):
            near.panic_utf8("owner only")
        Storage.set("fee", str(fee))
