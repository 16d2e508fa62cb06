"""near-sdk-py's integration callback_contract (integration_tests/contracts/callback_contract.py)
ported to near_safe: the import line, args= on the callbacks (what they accept from then/join),
and a tip whose transfer near_safe settles."""

import near

from near_safe import (
    ACCOUNT,
    LIST,
    STR,
    Contract,
    CrossContract,
    Promise,
    PromiseResult,
    call,
    callback,
    multi_callback,
)


class CallbackContract(Contract):
    @call(args={"contract_id": ACCOUNT, "key": STR})
    def call_with_callback(self, contract_id, key):
        contract = CrossContract(contract_id, gas=10 * 10**12)
        promise = contract.call("get_value", key=key)
        promise = promise.then("process_callback", key=key)
        return promise.value()

    @callback(args={"key": STR})
    def process_callback(self, result: PromiseResult, key: str):
        return {"success": True, "key": key, "value": result.data,
                "status": result.status_code, "processed": True}

    @call(args={"contract_id1": ACCOUNT, "contract_id2": ACCOUNT, "key1": STR, "key2": STR})
    def join_promises(self, contract_id1, contract_id2, key1, key2):
        promise1 = CrossContract(contract_id1).call("get_value", key=key1)
        promise2 = CrossContract(contract_id2).call("get_value", key=key2)
        combined = promise1.join([promise2], "process_join_callback", keys=[key1, key2])
        return combined.value()

    @multi_callback(args={"keys": LIST})
    def process_join_callback(self, results, keys):
        values = []
        for i, result in enumerate(results):
            if not result.success:
                return {"success": False, "error": "Promise " + str(i) + " failed"}
            values.append(result.data)
        return {"success": True, "keys": keys, "values": values}

    @call(payable=True, args={"receiver": ACCOUNT})
    def tip(self, receiver):
        d = near.attached_deposit()
        return Promise.create_batch(receiver).transfer(d).settle(refund=d).then("on_tip")

    @callback
    def on_tip(self, result):
        return result.success
