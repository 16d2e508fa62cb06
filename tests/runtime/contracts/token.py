"""Runtime end-to-end callee (near-sdk-py 1.0.0): accepts deposits, or refuses them."""

from near_sdk_py import Contract, call, view


class Token(Contract):
    @call
    def receive(self, note=""):
        total = self.storage.get("total", 0) + self.attached_deposit
        self.storage["total"] = total
        self.log_info("received " + str(self.attached_deposit) + " " + note)
        return str(total)

    @call
    def fail(self, note=""):
        self.storage["total"] = -1  # must be rolled back
        raise Exception("token refused")

    @view
    def total(self):
        return self.storage.get("total", 0)
