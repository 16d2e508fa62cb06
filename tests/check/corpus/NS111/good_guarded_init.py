"""Init refuses to run twice by checking a storage key first (and is private: it runs in the
deploy batch, so nobody can initialise the contract with their own owner first)."""
import near
from near_sdk_py import Context, Contract, Storage, init


class Owned:
    @init
    def new(self, owner_id):
        if Context.predecessor_account_id() != Context.current_account_id():
            near.panic_utf8("init is private: deploy and init in one batch")
        if Storage.has("owner"):
            near.panic_utf8("already initialized")
        Storage.set("owner", owner_id)


class Token(Contract):
    @init
    def initialize(self, supply):
        assert "supply" not in self.storage, "already initialized"
        self.storage["supply"] = str(supply)
