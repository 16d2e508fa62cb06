"""A fee-taking swap whose init runs once but is public: the first caller names the treasury
that collects every fee."""
from near_sdk_py import Context, Promise, Storage, call, init


class Swap:
    @init
    def new(self, treasury_id, fee_bps):  # expect: NS117
        if Storage.has("treasury"):
            raise Exception("already initialized")
        Storage.set("treasury", treasury_id)
        Storage.set("fee_bps", str(fee_bps))

    @call
    def collect_fees(self):
        if Context.attached_deposit() != 1:
            raise Exception("attach 1 yoctoNEAR")
        fees = int(Storage.get_string("fees") or "0")
        Storage.set("fees", "0")
        Promise.create_batch(Storage.get_string("treasury")).transfer(fees)
