"""A small DAO in near-sdk-py: joins two lookups, executes proposals with a callback."""
from near_sdk_py import ONE_TGAS, Context, CrossContract, Storage, call, view
from near_sdk_py.promises import callback, multi_callback


class Dao:
    @call
    def check_members(self, a, b):
        if Context.attached_deposit():
            raise Exception("no deposit")
        p1 = CrossContract("registry.near", gas=10 * ONE_TGAS).call("is_member", account_id=a)
        p2 = CrossContract("registry.near", gas=10 * ONE_TGAS).call("is_member", account_id=b)
        return p1.gas(30 * ONE_TGAS).join([p2], "on_members").value()

    @multi_callback
    def on_members(self, results):
        return all(r.success and r.data for r in results)

    @call
    def vote(self, proposal_id, approve):
        if Context.attached_deposit() != 0:
            raise Exception("no deposit")
        voter = Context.predecessor_account_id()
        Storage.set_json("vote:" + proposal_id + ":" + voter, bool(approve))

    @call
    def execute(self, proposal_id):
        if Context.attached_deposit() != 0:
            raise Exception("no deposit")
        prop = Storage.get_json("prop:" + proposal_id)
        prop["status"] = "executing"
        Storage.set_json("prop:" + proposal_id, prop)
        CrossContract(prop["receiver"], gas=100 * ONE_TGAS, deposit=int(prop["deposit"])).call(
            prop["method"]).gas(40 * ONE_TGAS).then("on_executed", proposal_id=proposal_id)

    @callback
    def on_executed(self, result, proposal_id):
        prop = Storage.get_json("prop:" + proposal_id)
        prop["status"] = "done" if result.success else "failed"
        Storage.set_json("prop:" + proposal_id, prop)

    @view
    def proposal(self, proposal_id):
        return Storage.get_json("prop:" + proposal_id)
