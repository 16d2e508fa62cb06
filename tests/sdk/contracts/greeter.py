"""A class-style contract on near_safe's drop-in surface (near-sdk-py 1.0.0's names): storage,
context properties, logging, deposits, init once."""

import sys

from near_safe import ACCOUNT, ONE_NEAR, STR, Contract, Log, Storage, call, init, view


class Greeter(Contract):
    @init(args={"owner": ACCOUNT})
    def new(self, owner):
        self.storage["owner"] = owner
        self.log_info("owner is " + owner)

    @call(args={"message": STR})
    def set_greeting(self, message):
        self.log_info("Setting greeting to " + message)
        self.storage["greeting"] = message
        return "Greeting updated to: " + message

    @view
    def get_greeting(self):
        return self.storage.get("greeting", "Hello, NEAR world!")

    @view
    def context(self):
        return {
            "current": self.current_account_id,
            "predecessor": self.predecessor_account_id,
            "signer": self.signer_account_id,
            "deposit": str(self.attached_deposit),
            "height": self.block_height,
            "timestamp": self.block_timestamp,
            "prepaid": self.prepaid_gas,
            "used_positive": self.used_gas > 0,
            "balance": str(self.account_balance),
            "locked": str(self.account_locked_balance),
            "usage": self.storage_usage,
            "epoch": self.epoch_height,
        }

    @call(payable=True)
    def tip(self):
        total = self.storage.get("tips", 0) + self.attached_deposit
        self.storage["tips"] = total
        self.log_event("tip", {"from": self.predecessor_account_id, "total": str(total)})
        return str(total)

    @call(one_yocto=True)
    def secure(self):
        self.assert_one_yocto()
        self.assert_owner()
        del self.storage["greeting"]
        return "secured"

    @call(args={"key": STR, "value": STR})
    def put(self, key, value):
        self.storage[key] = value

    @view(args={"key": STR})
    def read(self, key):
        return [key in self.storage, self.storage.get(key)]

    @view
    def write_in_view(self):
        self.storage["x"] = 1

    @view
    def loaded(self):
        return sorted(k for k in sys.modules if k.startswith("near_s"))  # near_safe, near_sdk_py

    @call(args={"key": STR, "value": STR})
    def legacy(self, key, value):
        """near-sdk-py's static helpers (contract/_sdk_extra.py)."""
        Storage.set(key, value)  # raw text, not JSON
        Log.info("stored " + key)
        Log.event("stored", {"key": key}, standard="nep297")
        return [Storage.get_string(key), Storage.has(key), ONE_NEAR]
