"""panics() test contract: a panic with logs, an uncaught exception, a success, a view."""

import near
from near_sdk_py import Contract, call, view


class Panicky(Contract):
    @call
    def refuse(self):
        near.log_utf8("checking the amount")
        near.panic_utf8("not enough balance")

    @call
    def boom(self):
        raise ValueError("bad amount 42")

    @call
    def ok(self):
        near.log_utf8("all good")
        return 7

    @view
    def peek(self):
        near.panic_utf8("nothing to see")
