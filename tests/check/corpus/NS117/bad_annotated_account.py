"""A public init storing an account annotated AccountId (near-sdk-py's spelling): the first
caller after the deploy chooses it."""
from near_sdk_py import Contract, init

AccountId = str


class Fund(Contract):
    @init
    def new(self, payout: AccountId):  # expect: NS111, NS117
        self.storage["payout"] = payout
