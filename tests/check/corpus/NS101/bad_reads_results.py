"""An exported method that reads promise results but anyone can call."""
import json

import near


@near.export
def on_balances():  # expect: NS101
    total = 0
    for i in range(near.promise_results_count()):
        status, data = near.promise_result(i)
        if status == 1:
            total += len(data)
    near.value_return(json.dumps({"n": total}))
