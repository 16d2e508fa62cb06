"""The wasmtime runner (docs/protocol.md 3.5, 5.7) on small hand-written WAT contracts that import
env.* host functions directly: loading fee (TV26), nop outcomes (TV4, TV5), out of gas (TV13's VM
part), traps, host aborts, views, imported memory, link errors."""

import dataclasses

import pytest
from vmhelpers import C, Ext, F, context, host_gas, loading_fee, read_mem, wat

from near_safe.testing._trie import TOP_NODES
from near_safe.testing.params import DEFAULT_CONFIG, TGAS
from near_safe.testing.vm import ContractCode, run

TTN = TOP_NODES * C["touching_trie_node"]  # first write, empty storage: root ext + column branch
OP = C["regular_op_cost"]

CONTRACT = wat("""
(module
  (import "env" "storage_write" (func $sw (param i64 i64 i64 i64 i64) (result i64)))
  (import "env" "storage_read" (func $sr (param i64 i64 i64) (result i64)))
  (import "env" "value_return" (func $vr (param i64 i64)))
  (import "env" "panic_utf8" (func $panic (param i64 i64)))
  (import "env" "promise_batch_create" (func $pbc (param i64 i64) (result i64)))
  (import "env" "promise_batch_action_function_call"
    (func $fc (param i64 i64 i64 i64 i64 i64 i64)))
  (import "env" "signer_account_id" (func $signer (param i64)))
  (import "env" "register_len" (func $rlen (param i64) (result i64)))
  (import "env" "alt_bn128_g1_sum" (func $bn (param i64 i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "a")
  (data (i32.const 8) "0123456789")
  (data (i32.const 32) "boom")
  (data (i32.const 64) "bob.near")
  (data (i32.const 80) "m")
  (func (export "write")
    (drop (call $sw (i64.const 1) (i64.const 0) (i64.const 10) (i64.const 8) (i64.const 0))))
  (func (export "read_back")
    (drop (call $sr (i64.const 1) (i64.const 0) (i64.const 1)))
    (call $vr (i64.const -1) (i64.const 1)))   ;; len u64::MAX: value from register 1
  (func (export "spin") (loop $l (br $l)))
  (func (export "promise_then_spin")
    (call $fc (call $pbc (i64.const 8) (i64.const 64)) (i64.const 1) (i64.const 80)
      (i64.const 0) (i64.const 0) (i64.const 96) (i64.const 2000000000000))
    (loop $l (br $l)))
  (func (export "trap") unreachable)
  (func (export "div0") (drop (i32.div_u (i32.const 1) (i32.const 0))))
  (func (export "boom") (call $panic (i64.const 4) (i64.const 32)))
  (func (export "signer") (call $signer (i64.const 0)))
  (func (export "bn") (call $bn (i64.const 0) (i64.const 0) (i64.const 0)))
  (func (export "with_params") (param i32))
  (func (export "nothing"))
)
""")


def call(method, code=CONTRACT, config=DEFAULT_CONFIG, storage=None, **kw):
    return run(code, method, context(**kw), {} if storage is None else storage, Ext(), config)


def test_tv26_loading_fee_and_exact_accounting():
    out = call("write")
    assert out.aborted is None
    assert out.profile["contract_loading"] == loading_fee(CONTRACT)
    # TV15 step 1 host cost (+ the TTN estimate) inside a real Wasm call
    tv15 = (C["base"] + C["storage_write_base"] + read_mem(1) + read_mem(10)
            + C["storage_write_key_byte"] + 10 * C["storage_write_value_byte"])
    assert host_gas(out) == tv15 + TTN
    ops = out.profile["wasm_ops"]
    assert ops > 0 and ops % OP == 0
    assert out.burnt_gas == loading_fee(CONTRACT) + ops + tv15 + TTN
    assert out.used_gas == out.burnt_gas
    assert out.storage == {b"a": b"0123456789"}
    assert out.storage_usage == 500 + 1 + 10 + 40


def test_state_flows_between_calls_and_register_values_return():
    first = call("write")
    out = call("read_back", storage=first.storage)
    assert out.return_data == ("value", b"0123456789")
    assert out.storage is first.storage or out.storage == first.storage


def test_tv4_no_code_is_a_nop():
    out = run(None, "write", context(), {}, Ext(), DEFAULT_CONFIG)
    assert (out.aborted.kind, out.burnt_gas, out.used_gas, out.nop) == \
        ("CodeDoesNotExist", 0, 0, True)


def test_tv5_missing_method_and_bad_signature_are_nops():
    out = call("hello")
    assert (out.aborted.kind, out.burnt_gas, out.nop) == ("MethodNotFound", 0, True)
    out = call("with_params")
    assert (out.aborted.kind, out.burnt_gas, out.nop) == ("MethodInvalidSignature", 0, True)
    out = call("")
    assert (out.aborted.kind, out.burnt_gas) == ("MethodEmptyName", 0)


def test_tv13_infinite_loop_burns_exactly_the_prepaid_gas():
    out = call("spin", prepaid_gas=5 * TGAS)
    assert out.aborted.kind == "GasExceeded"
    assert out.aborted.message == "Exceeded the prepaid gas."
    assert out.burnt_gas == 5 * TGAS and out.used_gas == 5 * TGAS
    assert out.storage is None and out.new_receipts == []


def test_gas_limit_exceeded_when_max_gas_burnt_binds():
    limits = dict(DEFAULT_CONFIG.limits, max_gas_burnt=3 * TGAS)
    cfg = dataclasses.replace(DEFAULT_CONFIG, limits=limits)
    out = call("spin", config=cfg, prepaid_gas=5 * TGAS)
    assert out.aborted.kind == "GasLimitExceeded"
    assert out.burnt_gas == 3 * TGAS


def test_out_of_gas_with_reserved_promise_gas_uses_everything():
    out = call("promise_then_spin", prepaid_gas=5 * TGAS)
    assert out.aborted.kind == "GasExceeded"
    assert out.used_gas == 5 * TGAS
    # the attached 2 Tgas and the exec fees stayed reserved, not burnt (docs/protocol.md 2.10)
    reserved = 2 * TGAS + F["action_receipt_creation"].execution \
        + F["function_call_base"].execution + F["function_call_per_byte"].execution
    assert out.burnt_gas >= 5 * TGAS - reserved
    assert out.burnt_gas <= 5 * TGAS - reserved + 1


def test_loading_fee_alone_can_exhaust_the_gas():
    out = call("nothing", prepaid_gas=loading_fee(CONTRACT) - 1)
    assert out.aborted.kind == "GasExceeded" and out.burnt_gas == loading_fee(CONTRACT) - 1


@pytest.mark.parametrize("method, kind", [("trap", "Unreachable"),
                                          ("div0", "IllegalArithmetic")])
def test_traps(method, kind):
    out = call(method)
    assert (out.aborted.kind, out.aborted.detail) == ("WasmTrap", kind)
    assert out.burnt_gas >= loading_fee(CONTRACT)  # the burnt gas so far is kept (3.5 step 7)


def test_guest_panic_from_wasm():
    out = call("boom")
    assert out.aborted.kind == "GuestPanic"
    assert out.aborted.message == "Smart contract panicked: boom"


def test_prohibited_in_view_from_wasm():
    out = call("signer", is_view=True)
    assert out.aborted.detail == "ProhibitedInView"
    assert out.aborted.message == "signer_account_id is not allowed in view calls"
    assert call("signer").aborted is None


def test_unsupported_host_function_aborts_naming_it():
    out = call("bn")
    assert out.aborted.detail == "UnsupportedHostFunction"
    assert "alt_bn128_g1_sum" in out.aborted.message


def _memory_probe(pages: str) -> ContractCode:
    """A contract declaring ``pages`` of its own memory; ``size`` returns memory.size and
    ``grow`` returns memory.grow(1024) then memory.grow(2040) (two u32)."""
    return wat(f"""
    (module
      (import "env" "value_return" (func $vr (param i64 i64)))
      (memory (export "memory") {pages})
      (func (export "size")
        (i32.store (i32.const 0) (memory.size))
        (call $vr (i64.const 4) (i64.const 0)))
      (func (export "grow")
        (i32.store (i32.const 0) (memory.grow (i32.const 1024)))
        (i32.store (i32.const 4) (memory.grow (i32.const 2040)))
        (call $vr (i64.const 8) (i64.const 0))))""")


def _u32s(out) -> list:
    data = out.return_data[1]
    return [int.from_bytes(data[i:i + 4], "little", signed=True) for i in range(0, len(data), 4)]


def test_own_memory_is_replaced_by_the_configs_imported_memory():
    # nearcore prepare_v2.rs: the memory section is dropped, env.memory imported with
    # initial_memory_pages..max_memory_pages; a module declaring 17 pages sees 1024
    for pages in ("17", "17 17", "1"):
        out = call("size", code=_memory_probe(pages))
        assert out.aborted is None
        assert _u32s(out) == [DEFAULT_CONFIG.initial_memory_pages]


def test_memory_grow_stops_at_the_configs_maximum():
    out = call("grow", code=_memory_probe("17"))
    assert out.aborted is None
    initial, maximum = DEFAULT_CONFIG.initial_memory_pages, DEFAULT_CONFIG.max_memory_pages
    assert initial + 1024 <= maximum < initial + 1024 + 2040
    assert _u32s(out) == [initial, -1]  # grows to the maximum, then refuses past it


def test_memory_pages_are_config_fields():
    cfg = dataclasses.replace(DEFAULT_CONFIG, initial_memory_pages=3, max_memory_pages=1030)
    assert _u32s(call("size", code=_memory_probe("17"), config=cfg)) == [3]
    assert _u32s(call("grow", code=_memory_probe("17"), config=cfg)) == [3, -1]
    cfg = dataclasses.replace(cfg, max_memory_pages=1027)
    assert _u32s(call("grow", code=_memory_probe("17"), config=cfg)) == [3, -1]
    cfg = dataclasses.replace(cfg, max_memory_pages=1026)
    assert _u32s(call("grow", code=_memory_probe("17"), config=cfg)) == [-1, -1]


def test_a_module_without_memory_gets_the_imported_memory():
    code = wat("""
    (module
      (import "env" "value_return" (func $vr (param i64 i64)))
      (func (export "f") (call $vr (i64.const 3) (i64.const 70000))))""")
    out = call("f", code=code)
    assert out.aborted is None and out.return_data[1] == b"\0\0\0"


def test_host_reads_the_memory_whatever_its_export_name():
    for export in ('(export "mem")', ""):
        code = wat(f"""
        (module
          (import "env" "value_return" (func $vr (param i64 i64)))
          (memory {export} 2)
          (data (i32.const 100) "hi")
          (func (export "f") (call $vr (i64.const 2) (i64.const 100))))""")
        out = call("f", code=code)
        assert out.aborted is None and out.return_data[1] == b"hi"


def test_importing_a_memory_is_a_prepare_error():
    # prepare_v2.rs transform_import_section: TypeRef::Memory => PrepareError::Memory
    code = wat("""
    (module
      (import "env" "memory" (memory 1))
      (func (export "f")))""")
    out = call("f", code=code)
    assert out.aborted.kind == "CompilationError" and out.aborted.message == \
        "PrepareError: Memory" and out.burnt_gas == 0


def test_non_env_import_is_a_compilation_error():
    code = wat('(module (import "wasi" "x" (func)) (func (export "f")))')
    out = call("f", code=code)
    assert out.aborted.kind == "CompilationError" and out.burnt_gas == 0


def test_unknown_env_import_is_a_link_error_after_loading():
    code = wat('(module (import "env" "no_such_fn" (func)) (func (export "f")))')
    out = call("f", code=code)
    assert out.aborted.kind == "LinkError" and "env.no_such_fn" in out.aborted.message
    assert out.burnt_gas == loading_fee(code)


def test_invalid_wasm_is_a_compilation_error():
    out = call("f", code=ContractCode(b"\0asm\1\0\0\0garbage"))
    assert out.aborted.kind == "CompilationError" and out.burnt_gas == 0


def test_unbounded_recursion_is_a_stack_overflow_trap():
    out = call("f", code=wat('(module (func $f (export "f") call $f))'))
    assert (out.aborted.kind, out.aborted.detail) == ("WasmTrap", "StackOverflow")


def test_compiled_modules_are_cached_in_memory_and_on_disk(tmp_path, monkeypatch):
    from near_safe.testing.vm import wasm
    monkeypatch.setenv("NEAR_SAFE_CACHE", str(tmp_path))
    code = wat('(module (func (export "f") nop))')
    monkeypatch.setattr(wasm, "_modules", {})
    first = wasm.load(code)
    assert wasm.load(code) is first  # linker and host closures built once per module
    files = list((tmp_path / "wasmtime").glob(code.hash + "-*.cwasm"))
    assert len(files) == 1
    # a new process (empty memory cache) deserializes instead of compiling
    monkeypatch.setattr(wasm, "_modules", {})
    compiled = []
    monkeypatch.setattr(wasm.metering.MeteringInfo, "analyse",
                        classmethod(lambda cls, c: compiled.append(c)))
    assert call("f", code=code).aborted is None
    assert compiled == []
    # a corrupt cache file is dropped and the module recompiled
    files[0].write_bytes(b"junk")
    monkeypatch.undo()
    monkeypatch.setenv("NEAR_SAFE_CACHE", str(tmp_path))
    monkeypatch.setattr(wasm, "_modules", {})
    assert call("f", code=code).aborted is None
    assert files[0].read_bytes() != b"junk"


def _returns(value: int) -> ContractCode:
    return wat(f"""
(module
  (import "env" "value_return" (func $vr (param i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{value}")
  (func (export "f") (call $vr (i64.const 1) (i64.const 0))))""")


def test_a_compiled_module_swapped_in_from_another_wasm_is_not_used(tmp_path, monkeypatch):
    """issue 12, finding 1: the .cwasm of contract A replaced by contract B's (a file named
    after A's hash) must not run B's code when A is called: wasmtime trusts what it
    deserializes, so the entry is checked against the hash of the Wasm being loaded."""
    from near_safe.testing.vm import wasm
    monkeypatch.setenv("NEAR_SAFE_CACHE", str(tmp_path))
    monkeypatch.setattr(wasm, "_modules", {})
    a, b = _returns(1), _returns(2)
    assert call("f", code=a).return_data == ("value", b"1")
    assert call("f", code=b).return_data == ("value", b"2")
    (a_file,) = (tmp_path / "wasmtime").glob(a.hash + "-*.cwasm")
    (b_file,) = (tmp_path / "wasmtime").glob(b.hash + "-*.cwasm")
    a_file.write_bytes(b_file.read_bytes())  # the attacker's copy
    monkeypatch.setattr(wasm, "_modules", {})  # a new process
    with pytest.warns(UserWarning, match="not compiled from the Wasm it is named after"):
        out = call("f", code=a)
    assert out.return_data == ("value", b"1")
    assert a_file.read_bytes() != b_file.read_bytes()  # the entry was rewritten
    # the rewritten entry is used from then on, silently
    monkeypatch.setattr(wasm, "_modules", {})
    compiled = []
    monkeypatch.setattr(wasm.metering.MeteringInfo, "analyse",
                        classmethod(lambda cls, c: compiled.append(c)))
    assert call("f", code=a).return_data == ("value", b"1")
    assert compiled == []
