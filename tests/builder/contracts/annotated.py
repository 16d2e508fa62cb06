"""A class-based contract whose argument kinds come from annotations only (issue 14, item 2):
near-sdk-py's names (AccountId, Balance) are never imported - MicroPython does not evaluate
annotations, and CPython mode runs the staged source, whose annotations are blanked."""

from typing import List, Optional

from near_safe import call, callback, state, view


class Auction:
    @call
    def bid(self, end_time: int, auctioneer: AccountId, amount: Balance,
            memo: Optional[str] = None, tags: List[str] = None, final: bool = False):
        state.set("bid", [end_time, auctioneer, str(amount), memo, tags, final])
        return str(amount + 1)

    @call(payable=True)
    def note(self, text, count: "int" = 1):
        state.set("note", [text, count])

    @callback
    def on_done(self, result, key: str):
        pass

    @view
    def get(self) -> dict:
        return {"bid": state.get("bid"), "note": state.get("note")}


@call
def module_level(who: AccountId, extra: dict | None = None):
    state.set("who", who)
    return who
