"""Helpers of the VM tests (imported by name; conftest.py puts this folder on sys.path): contexts, a runtime stub for ``ext``, WAT contracts and
the cost formulas of docs/protocol.md 2.0 so expected figures are computed, not pasted."""

import wasmtime

from near_safe.testing._types import VMContext
from near_safe.testing.params import DEFAULT_CONFIG, NEAR, TGAS
from near_safe.testing.vm import ContractCode
from near_safe.testing.vm.logic import BytesMemory, VMLogic

C = DEFAULT_CONFIG.ext_costs
F = DEFAULT_CONFIG.action_fees
L = DEFAULT_CONFIG.limits
U64_MAX = 2**64 - 1


class Ext:
    """The runtime side of a call: deterministic data ids, a set of pending yields."""

    def __init__(self):
        self.n = 0
        self.pending = set()

    def new_data_id(self) -> bytes:
        self.n += 1
        return self.n.to_bytes(32, "big")

    def yield_is_pending(self, account_id, data_id) -> bool:
        return (account_id, data_id) in self.pending


def context(**kw) -> VMContext:
    base = dict(  # noqa: C408 - keyword form reads like VMContext(...)
        current_account_id="alice.near", signer_account_id="signer.near",
        signer_account_pk=b"\0" * 33, predecessor_account_id="pred.near",
        refund_to_account_id="pred.near", input=b"", promise_results=[], block_height=100,
        block_timestamp=1_700_000_000_000_000_000, epoch_height=3, random_seed=b"\7" * 32,
        account_balance=10 * NEAR, account_locked_balance=0, storage_usage=500,
        attached_deposit=0, prepaid_gas=300 * TGAS)
    base.update(kw)
    return VMContext(**base)


def make_logic(ctx=None, storage=None, config=DEFAULT_CONFIG, memory=None) -> VMLogic:
    return VMLogic(ctx or context(), {} if storage is None else storage, Ext(), config,
                   memory or BytesMemory(1 << 16))


def wat(text: str) -> ContractCode:
    return ContractCode(bytes(wasmtime.wat2wasm(text)))


# ---- docs/protocol.md 2.0 cost formulas
def read_mem(n):
    return C["read_memory_base"] + C["read_memory_byte"] * n


def write_mem(n):
    return C["write_memory_base"] + C["write_memory_byte"] * n


def write_reg(n):
    return C["write_register_base"] + C["write_register_byte"] * n


def read_reg(n):
    return C["read_register_base"] + C["read_register_byte"] * n


def utf8(n):
    return C["utf8_decoding_base"] + C["utf8_decoding_byte"] * n


def loading_fee(code: ContractCode) -> int:
    """docs/protocol.md 3.5 step 4 / TV26."""
    return C["contract_loading_base"] + C["contract_loading_bytes"] * len(code.code)


def host_gas(outcome) -> int:
    """Burnt gas of an outcome that is neither Wasm ops nor contract loading (from the
    profile; reserved entries excluded)."""
    return sum(v for k, v in outcome.profile.items()
               if k not in ("wasm_ops", "contract_loading") and not k.endswith("(reserved)"))
