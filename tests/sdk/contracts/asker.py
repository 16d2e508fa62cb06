"""A class-style near_safe contract reading what a callee answers (Result.value)."""

from near_safe import ACCOUNT, STR, Contract, call, callback, safe_call


class Asker(Contract):
    @call(args={"callee": ACCOUNT, "method": STR})
    def ask(self, callee, method):
        return safe_call(callee, method, then="on_answer")

    @callback
    def on_answer(self, result):
        v = result.value
        return {"ok": result.ok, "kind": type(v).__name__,
                "value": v.hex() if type(v) is bytes else v}

    @call(args={"callee": ACCOUNT, "method": STR})
    def ask_str(self, callee, method):
        return safe_call(callee, method, then="on_str")

    @callback(result=STR)
    def on_str(self, result):
        return {"ok": result.ok, "error": result.error, "value": result.value}
