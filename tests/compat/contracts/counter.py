"""A near-sdk-py contract as a near-pytest user would write it: storage, owner checks, panics,
deposits and a withdraw that sends tokens.  Plain near-sdk-py 1.0.0, no near_safe."""

from near_sdk_py import Contract, call, init, view
from near_sdk_py.contract import ContractPanic
from near_sdk_py.promises import Promise


class Counter(Contract):
    @init
    def new(self, owner, start=0):
        self.storage["owner"] = owner
        self.storage["count"] = start
        return {"owner": owner, "count": start}

    @view
    def get_count(self):
        return self.storage.get("count", 0)

    # near-sdk-py returns a str as raw UTF-8 (not JSON) and py-near JSON-decodes every view
    # answer: views that return text wrap it in a dict.
    @view
    def get_owner(self):
        return {"owner": self.storage.get("owner")}

    @call
    def increment(self, by=1):
        count = self.storage.get("count", 0) + by
        self.storage["count"] = count
        self.log_info(f"count is now {count}")
        return count

    @call
    def set_note(self, key, text):
        self.storage["note:" + key] = text
        return "saved " + key

    @view
    def get_note(self, key):
        return {"text": self.storage.get("note:" + key)}

    @call
    def delete_note(self, key):
        return self.storage.delete("note:" + key)

    @call
    def fail(self, reason="boom"):
        # the write below must be rolled back with the rest of the receipt
        self.storage["count"] = -1
        raise ContractPanic(reason)

    @call
    def owner_reset(self):
        self.assert_owner()
        self.storage["count"] = 0
        return 0

    @call
    def donate(self):
        sender = self.predecessor_account_id
        amount = self.attached_deposit
        key = "donation:" + sender
        total = int(self.storage.get(key, "0")) + amount
        self.storage[key] = str(total)
        self.log_event("donation", {"from": sender, "amount": str(amount)})
        return str(total)

    @view
    def get_donation(self, account_id):
        return {"amount": self.storage.get("donation:" + account_id, "0")}

    @call
    def withdraw(self, amount):
        # amounts travel as decimal strings: yoctoNEAR does not fit a JSON double
        self.assert_owner()
        Promise.create_batch(self.predecessor_account_id).transfer(int(amount))
        return amount

    @view
    def whoami(self):
        return {"current": self.current_account_id, "height": self.block_height}

    @view
    def who_called(self):
        # predecessor_account_id is prohibited in view calls: this view always fails
        return {"predecessor": self.predecessor_account_id}

    @call
    def echo_context(self):
        return {
            "predecessor": self.predecessor_account_id,
            "signer": self.signer_account_id,
            "deposit": str(self.attached_deposit),
            "prepaid_gas": self.prepaid_gas,
        }

    @view
    def raw_text(self):
        # returned as a bare string, not JSON: near-sdk-py returns str values as raw UTF-8
        return "plain text"
