"""Run one exported method of a built Wasm in real wasmtime, with the few NEAR host functions a
near-sdk-py view/call needs (input, registers, value_return, logs, panics, storage).

Only for the builder's tests: it proves a build produced a Wasm whose frozen modules import and
run.  Full NEAR semantics (gas, receipts, every host function) are near_safe.testing's job; any
host function outside this small set raises with its name instead of returning silently.
"""

from __future__ import annotations

import wasmtime

U64_MAX = 2**64 - 1


class ContractPanic(Exception):
    pass


def call(wasm_path, method: str, args: bytes = b"{}", storage: dict | None = None):
    """Run ``method``; return (value returned or None, logs, storage)."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    module = wasmtime.Module.from_file(engine, str(wasm_path))
    registers: dict[int, bytes] = {}
    storage = {} if storage is None else storage
    state = {"return": None, "logs": []}
    memory = []

    def read(ptr, length):
        mem = memory[0]
        if length == U64_MAX:  # NUL-terminated string
            data = bytearray()
            while True:
                b = mem.read(store, ptr, ptr + 1)
                if b == b"\0":
                    return bytes(data)
                data += b
                ptr += 1
        return bytes(mem.read(store, ptr, ptr + length))

    def storage_write(kl, kp, vl, vp, reg):
        key, old = read(kp, kl), storage.get(read(kp, kl))
        storage[key] = read(vp, vl)
        if old is not None:
            registers[reg] = old
        return int(old is not None)

    def storage_read(kl, kp, reg):
        value = storage.get(read(kp, kl))
        if value is None:
            return 0
        registers[reg] = value
        return 1

    def panic(length, ptr):
        raise ContractPanic(read(ptr, length).decode())

    host = {
        "input": lambda reg: registers.__setitem__(reg, args),
        "register_len": lambda reg: len(registers[reg]) if reg in registers else U64_MAX,
        "read_register": lambda reg, ptr: memory[0].write(store, registers[reg], ptr),
        "value_return": lambda length, ptr: state.__setitem__("return", read(ptr, length)),
        "log_utf8": lambda length, ptr: state["logs"].append(read(ptr, length).decode()),
        "panic_utf8": panic,
        "storage_write": storage_write,
        "storage_read": storage_read,
        "storage_has_key": lambda kl, kp: int(read(kp, kl) in storage),
    }
    linker = wasmtime.Linker(engine)
    for imp in module.imports:
        fn = host.get(imp.name)
        if fn is None:
            def fn(*_a, _name=imp.name):
                raise NotImplementedError(f"host function {_name} is not in the builder's test host")

        def wrapper(*a, _fn=fn, _has_result=bool(imp.type.results)):
            result = _fn(*a)
            return (result or 0) if _has_result else None

        linker.define_func(imp.module, imp.name, imp.type, wrapper)
    instance = linker.instantiate(store, module)
    memory.append(instance.exports(store)["memory"])
    try:
        instance.exports(store)[method](store)
    except wasmtime.Trap as trap:
        cause = trap.__cause__ or trap.__context__
        if isinstance(cause, (ContractPanic, NotImplementedError)):
            raise cause from None
        raise
    return state["return"], state["logs"], storage
