"""An auction as NEAR's auction tutorial writes it, in near-sdk-py 1.0.0 (no near_safe): bids
are refused once the block time reaches the end time given at init."""

import near
from near_sdk_py import Contract, call, init, view
from near_sdk_py.contract import ContractPanic


class Auction(Contract):
    @init
    def new(self, end_ns):
        self.storage["end"] = end_ns
        return True

    @call
    def bid(self):
        now = near.block_timestamp()
        if now >= self.storage["end"]:
            raise ContractPanic("auction over")
        self.storage["last_bid_at"] = now
        return now

    @view
    def last_bid_at(self):
        return self.storage.get("last_bid_at", 0)
