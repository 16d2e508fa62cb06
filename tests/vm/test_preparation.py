"""Contract preparation (docs/protocol.md 2.11): nearcore refuses, before compiling, what its
validator and limits refuse at the protocol version in force (near-vm-runner prepare.rs,
prepare_v2.rs / prepare_v3.rs, features.rs, and their tests).  Each rule has a hand-made module
that breaks it, checked at a version where nearcore refuses it and, where the rule is
versioned, at one where it does not; the limits are checked just over and at the limit, with
a config whose limit is small so the modules stay small."""

import itertools
from pathlib import Path

import pytest
from vmhelpers import Ext, context, wat

from near_safe.testing.params import Config
from near_safe.testing.vm import ContractCode, run
from near_safe.testing.vm.prepare import check, shape

V73, V84, V87, V88 = (Config.for_protocol(v) for v in (73, 84, 87, 88))


def call(code, config, method="f"):
    return run(code, method, context(), {}, Ext(), config)


def prepare_error(code, config, method="f"):
    """The PrepareError variant of calling ``method`` (None when the call was not refused)."""
    out = call(code, config, method)
    if out.aborted is None or out.aborted.kind != "CompilationError":
        return None
    assert out.burnt_gas == 0 and out.used_gas == 0  # a nop outcome
    assert out.aborted.message == f"PrepareError: {out.aborted.data['PrepareError']}"
    return out.aborted.data["PrepareError"]


def module(body: str) -> ContractCode:
    return wat(f'(module {body} (func (export "f")))')


def with_limit(config, **limits):
    return Config(protocol_version=config.protocol_version,
                  limits=dict(config.limits, **limits))


# ------------------------------------------------------------------ Wasm features


MULTI_VALUE = module('(func (result i32 i32) (i32.const 1) (i32.const 2))')
MULTI_VALUE_BLOCK = module("""(type $t (func (param i32) (result i32)))
    (func (result i32) (i32.const 1) (block (type $t) (param i32) (result i32)))""")
SIMD = module('(func (drop (i32x4.splat (i32.const 1))))')
SIMD_LOCAL = module('(func (local v128))')
SATURATING = module('(func (drop (i32.trunc_sat_f32_s (f32.const 1))))')
BULK = module('(memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 1)))')
PASSIVE_DATA = module('(memory 1) (data "x")')
REF_TYPES = module('(func (drop (ref.null extern)))')
TABLE_GROW = module('(table 1 funcref) (func (drop (table.size 0)))')
SIGN_EXT = module('(func (drop (i32.extend8_s (i32.const 1))))')
TAIL_CALL = module('(func $g) (func (return_call $g))')


@pytest.mark.parametrize("code", [MULTI_VALUE, MULTI_VALUE_BLOCK, SIMD, SIMD_LOCAL, TAIL_CALL],
                         ids=["multi-value", "multi-value-block", "simd", "v128-local",
                              "tail-call"])
def test_proposals_nearcore_never_enables_are_refused(code):
    for config in (V73, V84, V88):
        assert prepare_error(code, config) == "Deserialization"


def test_non_trapping_float_to_int_from_78():
    """78.yaml saturating_float_to_int false -> true (features.rs WasmFeatures::new)."""
    assert prepare_error(SATURATING, V73) == "Deserialization"
    assert prepare_error(SATURATING, V84) is None


@pytest.mark.parametrize("code", [BULK, PASSIVE_DATA, REF_TYPES, TABLE_GROW],
                         ids=["memory.fill", "passive-data", "ref.null", "table.size"])
def test_bulk_memory_and_reference_types_from_84(code):
    """84.yaml reftypes_bulk_memory false -> true."""
    assert prepare_error(code, Config.for_protocol(83)) == "Deserialization"
    assert prepare_error(code, V84) is None


def test_sign_extension_is_always_allowed():
    assert prepare_error(SIGN_EXT, V73) is None and prepare_error(SIGN_EXT, V88) is None


def test_malformed_and_unknown_sections_are_deserialization_errors():
    assert prepare_error(ContractCode(b"\0asm\1\0\0\0\x01\x05\x01"), V88) == "Deserialization"
    tag_section = b"\0asm\1\0\0\0" + b"\x0d\x01\x00"
    assert prepare_error(ContractCode(tag_section), V88) == "Deserialization"


# ------------------------------------------------------------------ imports


@pytest.mark.parametrize("imp,kind", [
    ('(import "wasi" "x" (func))', "Instantiate"),
    ('(import "env" "t" (table 1 funcref))', "Instantiate"),
    ('(import "env" "g" (global i32))', "Instantiate"),
    ('(import "env" "memory" (memory 1))', "Memory"),
])
def test_only_env_functions_may_be_imported(imp, kind):
    """prepare_v3.rs transform_import_section."""
    assert prepare_error(module(imp), V88) == kind


# ------------------------------------------------------------------ limits


def _functions(n):
    return module(" ".join("(func)" for _ in range(n - 1)))


def test_too_many_functions():
    """max_functions_number_per_contract (10_000 at every version): imports count too."""
    assert V73.limits["max_functions_number_per_contract"] == 10_000
    cfg = with_limit(V88, max_functions_number_per_contract=5)
    assert prepare_error(_functions(6), cfg) == "TooManyFunctions"
    assert prepare_error(_functions(5), cfg) is None
    imported = module('(import "env" "gas" (func (param i32))) ' + "(func) " * 4)
    assert prepare_error(imported, cfg) == "TooManyFunctions"


def test_ten_thousand_and_one_functions_are_refused_at_the_real_limit():
    code = _functions(10_001)
    assert prepare_error(code, V88) == "TooManyFunctions"
    assert prepare_error(_functions(10_000), V88) is None


def test_too_many_locals():
    """max_locals_per_contract (1_000_000): declared locals of all functions, parameters not."""
    cfg = with_limit(V84, max_locals_per_contract=10)
    six = "(func (param i64 i64) (local i64 i64 i64 i64 i64 i64))"
    assert prepare_error(module(six + " (func (local i32 i32 i32 i32 i32))"), cfg) == \
        "TooManyLocals"
    assert prepare_error(module(six + " (func (local i32 i32 i32 i32))"), cfg) is None


def test_a_million_and_one_locals_are_refused_at_the_real_limit():
    """The locals are declared in one run-length entry, so the module stays tiny."""
    assert prepare_error(_many_locals(1_000_001), V84) == "TooManyLocals"


def _many_locals(n):
    # (module (func (local i32 x n)) (func (export "f"))) built by hand: one locals entry
    leb = _leb(n)
    body = _leb(1) + leb + b"\x7f" + b"\x0b"
    code_sec = _leb(2) + _leb(len(body)) + body + b"\x02\x00\x0b"
    sections = (_sec(1, b"\x01\x60\x00\x00") + _sec(3, b"\x02\x00\x00")
                + _sec(7, b"\x01\x01f\x00\x01") + _sec(10, code_sec))
    return ContractCode(b"\0asm\1\0\0\0" + sections)


def _leb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _sec(sid, body):
    return bytes([sid]) + _leb(len(body)) + body


def test_from_87_one_local_per_two_bytes_of_code():
    """87.yaml min_contract_size_per_local 2: 100 locals need 200 bytes of module."""
    code = module("(func (local " + "i32 " * 100 + "))")
    assert len(code.code) < 200
    assert prepare_error(code, V84) is None
    assert prepare_error(code, V87) == "TooManyLocals"
    padded = ContractCode(code.code + _sec(0, b"\x07padding" + bytes(200)))
    assert prepare_error(padded, V87) is None


def test_tables_and_table_elements():
    """max_tables_per_contract 1, max_elements_per_contract_table 10_000 (snapshot 82+)."""
    two = module("(table 1 funcref) (table 1 funcref)")
    assert prepare_error(two, V84) == "TooManyTables"
    big = module("(table 10001 funcref)")
    assert prepare_error(big, V84) == "TooManyTableElements"
    assert prepare_error(module("(table 10000 funcref)"), V84) is None
    assert prepare_error(big, V73) is None  # no such limit in snapshot 73


def test_function_body_size():
    """max_function_body_size (196_608 in snapshot 84; none before)."""
    cfg = with_limit(V84, max_function_body_size=100)
    nops = module("(func " + "(nop) " * 120 + ")")
    assert prepare_error(nops, cfg) == "FunctionBodyTooLarge"
    assert prepare_error(module("(func " + "(nop) " * 90 + ")"), cfg) is None
    assert prepare_error(module("(func " + "(nop) " * 196_700 + ")"), V84) == \
        "FunctionBodyTooLarge"


def test_from_88_at_most_65_536_globals():
    """88.yaml max_globals_per_contract 65_536 (TooManyGlobals)."""
    cfg = with_limit(V88, max_globals_per_contract=3)
    globals_ = "(global i32 (i32.const 0)) " * 4
    assert prepare_error(module(globals_), cfg) == "TooManyGlobals"
    assert prepare_error(module("(global i32 (i32.const 0)) " * 3), cfg) is None
    assert V87.limits["max_globals_per_contract"] is None
    assert prepare_error(module(globals_), with_limit(V87)) is None


def test_types_params_and_blocks():
    """snapshot 84: max_types_per_contract, max_params_per_function / _per_contract,
    max_blocks_per_function / _per_contract (instrument_v3.rs)."""
    types = " ".join(f"(type (func (param {'i32 ' * i})))" for i in range(5))
    cfg = with_limit(V84, max_types_per_contract=4)
    assert prepare_error(module(types), cfg) == "TooManyTypes"
    wide = module("(func (param " + "i32 " * 65 + "))")
    assert prepare_error(wide, V84) == "TooManyParamsPerFunction"
    assert prepare_error(wide, V73) is None
    cfg = with_limit(V84, max_params_per_contract=5)
    assert prepare_error(module("(func (param i32 i32 i32)) (func (param i64 i64 i64))"),
                         cfg) == "TooManyParamsPerContract"
    ifs = "(func (param i32) " + "(if (local.get 0) (then (nop))) " * 6 + ")"
    cfg = with_limit(V84, max_blocks_per_function=5)
    assert prepare_error(module(ifs), cfg) == "TooManyBlocksPerFunction"
    cfg = with_limit(V84, max_blocks_per_contract=10)
    assert prepare_error(module(ifs + ifs), cfg) == "TooManyBlocksPerContract"
    assert prepare_error(module(ifs), cfg) is None


# ------------------------------------------------------------------ real contracts


def test_compiled_contracts_prepare_at_every_version():
    """The checked-in compiled contract and Wasm from the build cache pass at 73-88 (the
    toolchain emits no proposal nearcore refuses).  Left out: the CPython backend's
    instrumented builds near_safe.builder.pyprofile makes (8.6 MB, env.trace_* imports: for
    that profiler, never deployed)."""
    from near_safe.testing import params
    from near_safe.testing.vm.wasm import TRACE_IMPORTS

    fixture = Path(__file__).parent / "fixtures" / "sdk070_lookup_map.wasm"
    codes = [fixture.read_bytes()]
    cached = (p.read_bytes() for p in
              sorted((Path.home() / ".cache" / "near_safe" / "wasm").glob("*.wasm")))
    codes += list(itertools.islice((c for c in cached if TRACE_IMPORTS[0].encode() not in c), 5))
    for code in codes:
        s = shape(code)
        assert s.error is None and not s.features
        for version in params.SUPPORTED_PROTOCOLS:
            assert check(s, Config.for_protocol(version)) is None


def test_the_fixture_runs_after_preparation():
    fixture = Path(__file__).parent / "fixtures" / "sdk070_lookup_map.wasm"
    out = call(ContractCode(fixture.read_bytes()), V88, method="no_such_method")
    assert out.aborted.kind == "MethodNotFound"  # prepared, then resolved
