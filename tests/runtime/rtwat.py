"""A tiny builder for WAT test contracts that call NEAR host functions directly.

Exact gas and balance figures need contracts whose every host call is known; near-sdk-py
contracts run MicroPython start-up code first.  So the test-vector tests use small WAT modules
built here: string and u128 constants go into a data segment, method bodies are WAT text.

    w = Wat()
    w.method("hello", f"(call $value_return {w.s('42')})")
    rt.deploy("c.near", w.build())
"""

from __future__ import annotations

# host function name -> (number of i64 params, returns i64?)  (docs/protocol.md 2)
HOST = {
    "read_register": (2, False),
    "register_len": (1, True),
    "write_register": (3, False),
    "current_account_id": (1, False),
    "predecessor_account_id": (1, False),
    "signer_account_id": (1, False),
    "input": (1, False),
    "block_index": (0, True),
    "block_timestamp": (0, True),
    "account_balance": (1, False),
    "attached_deposit": (1, False),
    "prepaid_gas": (0, True),
    "used_gas": (0, True),
    "value_return": (2, False),
    "panic_utf8": (2, False),
    "log_utf8": (2, False),
    "storage_write": (5, True),
    "storage_read": (3, True),
    "storage_remove": (3, True),
    "promise_create": (8, True),
    "promise_then": (9, True),
    "promise_and": (2, True),
    "promise_batch_create": (2, True),
    "promise_batch_then": (3, True),
    "promise_batch_action_create_account": (1, False),
    "promise_batch_action_deploy_contract": (3, False),
    "promise_batch_action_transfer": (2, False),
    "promise_batch_action_stake": (4, False),
    "promise_batch_action_function_call_weight": (8, False),
    "promise_batch_action_delete_account": (3, False),
    "promise_set_refund_to": (3, False),
    "promise_results_count": (0, True),
    "promise_result": (2, True),
    "promise_return": (1, False),
    "promise_yield_create": (7, True),
}

SCRATCH = 64  # bytes 64..1023 are free scratch memory for the methods
DATA_START = 1024


class Wat:
    def __init__(self):
        self._data = []  # (offset, bytes)
        self._next = DATA_START
        self._consts = {}
        self._methods = []

    def _alloc(self, data: bytes) -> int:
        if data in self._consts:
            return self._consts[data]
        ptr = self._next
        self._data.append((ptr, data))
        self._next += max(len(data), 1) + 15 & ~15
        self._consts[data] = ptr
        return ptr

    def s(self, text) -> str:
        """``(i64.const len) (i64.const ptr)`` for a string / bytes constant."""
        data = text.encode() if isinstance(text, str) else bytes(text)
        return f"(i64.const {len(data)}) (i64.const {self._alloc(data)})"

    def u128(self, value: int) -> str:
        """``(i64.const ptr)`` of a 16-byte little-endian amount."""
        return f"(i64.const {self._alloc(value.to_bytes(16, 'little') + b'#u128')})"

    def method(self, name: str, body: str) -> "Wat":
        self._methods.append((name, body))
        return self

    def build(self) -> str:
        lines = ['(module']
        for name, (n, ret) in HOST.items():
            ps = " ".join(["i64"] * n)
            params = f" (param {ps})" if n else ""
            result = " (result i64)" if ret else ""
            lines.append(f'  (import "env" "{name}" (func ${name}{params}{result}))')
        lines.append('  (import "env" "promise_yield_resume" '
                     '(func $promise_yield_resume (param i64 i64 i64 i64) (result i32)))')
        # its own memory, as compilers emit: nearcore's preparation replaces it by env.memory
        # (importing a memory is PrepareError::Memory)
        lines.append('  (memory (export "memory") 1)')
        for ptr, data in self._data:
            esc = "".join(f"\\{b:02x}" for b in data)
            lines.append(f'  (data (i32.const {ptr}) "{esc}")')
        for name, body in self._methods:
            lines.append(f'  (func (export "{name}") (local $p i64) (local $q i64) '
                         f'(local $x i64)\n    {body})')
        lines.append(')')
        return "\n".join(lines)


# ------------------------------------------------------------------ reusable snippets


def store_register(w: Wat, key: str, register: int = 0) -> str:
    """Write register ``register`` to storage under ``key`` (via scratch memory)."""
    return (f"(call $read_register (i64.const {register}) (i64.const {SCRATCH}))"
            f"(drop (call $storage_write {w.s(key)} (call $register_len (i64.const {register}))"
            f" (i64.const {SCRATCH}) (i64.const 99)))")


def store_i64(w: Wat, key: str, value_expr: str) -> str:
    """Write the i64 expression's value as 8 little-endian bytes under ``key``."""
    return (f"(i64.store (i32.const 8) {value_expr})"
            f"(drop (call $storage_write {w.s(key)} (i64.const 8) (i64.const 8) "
            f"(i64.const 99)))")


def store_balance(w: Wat, key: str) -> str:
    """account_balance() -> storage[key] as 16 little-endian bytes."""
    return (f"(call $account_balance (i64.const 16))"
            f"(drop (call $storage_write {w.s(key)} (i64.const 16) (i64.const 16) "
            f"(i64.const 99)))")


def callback_recorder(w: Wat, name: str = "cb") -> None:
    """A callback that records, in storage: ``count`` = promise_results_count(), for result 0
    ``status`` = promise_result(0, r=1), ``rlen`` = register_len(1) (u64::MAX if unset) and
    ``data`` = the register when set; then returns the data (or nothing)."""
    w.method(name, f"""
    {store_i64(w, "count", "(call $promise_results_count)")}
    (local.set $x (call $promise_result (i64.const 0) (i64.const 1)))
    {store_i64(w, "status", "(local.get $x)")}
    {store_i64(w, "rlen", "(call $register_len (i64.const 1))")}
    (if (i64.eq (local.get $x) (i64.const 1)) (then
      {store_register(w, "data", 1)}
      (call $value_return (call $register_len (i64.const 1)) (i64.const {SCRATCH}))))""")


def u64_at(storage: dict, key: str) -> int:
    return int.from_bytes(storage[key.encode()], "little")
