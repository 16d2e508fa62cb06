"""Init refuses to run twice by checking a storage key first."""
import near
from near_sdk_py import Contract, Storage, init


class Owned:
    @init
    def new(self, owner_id):
        if Storage.has("owner"):
            near.panic_utf8("already initialized")
        Storage.set("owner", owner_id)


class Token(Contract):
    @init
    def initialize(self, supply):
        assert "supply" not in self.storage, "already initialized"
        self.storage["supply"] = str(supply)
