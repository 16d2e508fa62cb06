"""A class contract importing near_safe with a star: its on-demand names (Contract, Log,
Context) must be bound in the Wasm as they are in CPython mode."""

from near_safe import *


class Starred(Contract):
    @call
    def hello(self, who: str):
        Log.info("hello " + who)
        return [Context.predecessor_account_id(), who]
