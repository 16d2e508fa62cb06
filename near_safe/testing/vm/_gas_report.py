"""Where the gas of one function-call receipt goes, in Wasm mode (docs/gas-model.md).

    python -m near_safe.testing.vm._gas_report CONTRACT.py [METHOD] [JSON_ARGS]

Defaults: method ``greet``, args ``{"name": "world"}`` (tests/vm/contracts/hello.py).  Prints
the receipt's burnt gas split into exec fees, contract loading, Wasm ops (body and frame
charge) and host costs.  The comparison with the real sandbox datum is
bench/bench_gas_calibration.py (and tests/vm/test_sandbox_calibration.py).
"""

from __future__ import annotations

import json
import sys
import time

from ..._units import TGAS


def receipt_exec_fees(config, method: str, args: bytes) -> int:
    """What the receipt burns besides the VM: action_receipt_creation.exec +
    function_call exec base + per byte (docs/protocol.md 3.4 step 2, 3.5)."""
    f = config.action_fees
    return (f["action_receipt_creation"].execution + f["function_call_base"].execution
            + f["function_call_per_byte"].execution * (len(method) + len(args)))


def measure(wasm: bytes, method: str, args: bytes, config=None) -> dict:
    """Run one call and split its gas.  Returns a dict of figures (gas units)."""
    from .._types import VMContext
    from ..params import DEFAULT_CONFIG, NEAR, TGAS
    from . import ContractCode, metering, run

    config = config or DEFAULT_CONFIG

    class _Ext:
        def new_data_id(self):
            return bytes(32)

        def yield_is_pending(self, account_id, data_id):
            return False

    ctx = VMContext(
        current_account_id="hello.near", signer_account_id="alice.near",
        signer_account_pk=b"\0" * 33, predecessor_account_id="alice.near",
        refund_to_account_id="alice.near", input=args, promise_results=[], block_height=1,
        block_timestamp=0, epoch_height=1, random_seed=bytes(32), account_balance=10 * NEAR,
        account_locked_balance=0, storage_usage=500, attached_deposit=0,
        prepaid_gas=300 * TGAS)
    code = ContractCode(wasm)
    out = run(code, method, ctx, {}, _Ext(), config)
    if out.aborted is not None:
        raise SystemExit(f"{method} aborted: {out.aborted.message}")
    t = []
    for _ in range(30):
        t0 = time.perf_counter()
        run(code, method, ctx, {}, _Ext(), config)
        t.append(time.perf_counter() - t0)
    t.sort()
    info = metering.MeteringInfo.analyse(wasm)
    op = config.ext_costs["regular_op_cost"]
    p = out.profile
    wasm_ops = p.get("wasm_ops", 0)
    host = sum(v for k, v in p.items()
               if k not in ("wasm_ops", "contract_loading") and not k.endswith("(reserved)"))
    fees = receipt_exec_fees(config, method, args)
    return {
        "exec_fees": fees, "contract_loading": p.get("contract_loading", 0),
        "wasm_ops": wasm_ops, "ops": wasm_ops // op, "host": host, "vm_burnt": out.burnt_gas,
        "receipt": fees + out.burnt_gas, "functions": len(info.frame_ops),
        "median_call_ms": t[len(t) // 2] * 1000, "code_len": len(wasm),
    }


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print(__doc__.strip())
        return 2
    source = argv[0]
    method = argv[1] if len(argv) > 1 else "greet"
    args = (argv[2] if len(argv) > 2 else json.dumps({"name": "world"})).encode()
    if source.endswith(".py"):
        from ...builder import build_contract
        wasm = build_contract(source).read_bytes()
    else:
        with open(source, "rb") as f:
            wasm = f.read()
    m = measure(wasm, method, args)
    tg = TGAS
    print(f"{source} {method}({args.decode()}): Wasm {m['code_len']} bytes")
    print(f"  receipt exec fees        {m['exec_fees'] / tg:8.4f} Tgas")
    print(f"  contract loading         {m['contract_loading'] / tg:8.4f} Tgas")
    label = f"Wasm ops ({m['ops']:,} ops)"
    print(f"  {label:25s}{m['wasm_ops'] / tg:8.4f} Tgas")
    print(f"  host functions           {m['host'] / tg:8.4f} Tgas")
    print(f"  = receipt gas burnt      {m['receipt'] / tg:8.4f} Tgas  (VM {m['vm_burnt'] / tg:.4f})")
    print(f"  median call wall time    {m['median_call_ms']:8.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
