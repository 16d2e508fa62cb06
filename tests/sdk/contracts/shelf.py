"""near-sdk-py collections in a class-style near_safe contract: a callback body writes to a
LookupMap and a Vector, then returns or raises."""

from near_sdk_py.collections import LookupMap, Vector

from near_safe import (
    ACCOUNT,
    BOOL,
    STR,
    Contract,
    call,
    callback,
    require,
    safe_call,
    view,
)


class Shelf(Contract):
    def __init__(self):
        super().__init__()
        self.names = LookupMap("names")
        self.log = Vector("log")

    @call(args={"callee": ACCOUNT, "name": STR, "fail": BOOL})
    def store(self, callee, name, fail):
        return safe_call(callee, "text", then="on_stored", then_args={"name": name, "fail": fail})

    @callback(args={"name": STR, "fail": BOOL})
    def on_stored(self, result, name, fail):
        self.names[name] = result.value
        self.log.append(name)
        seen = [name in self.names, len(self.log), self.names[name]]  # reads see the writes
        self.storage["seen"] = seen
        require(not fail, "body failed after writing")
        return seen

    @call(args={"name": STR})
    def put(self, name):
        self.names[name] = "direct"
        self.log.append(name)

    @view(args={"name": STR})
    def get(self, name):
        return [self.names.get(name), len(self.log), self.storage.get("seen")]
