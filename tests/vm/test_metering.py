"""Wasm op metering (docs/protocol.md 5.7): after metering.py's rewrite, wasmtime fuel equals NEAR's
op count (1 per operator except block/end/else, frame charge per call, bulk-memory linear cost).
Expected op counts below are counted by hand with NEAR's rules, independent of wasmtime."""

import pytest
import wasmtime
from vmhelpers import C, Ext, context, wat

from near_safe.testing.params import DEFAULT_CONFIG
from near_safe.testing.vm import run
from near_safe.testing.vm.metering import frame_ops

OP = C["regular_op_cost"]


def ops_of(body: str, decls: str = "", extra: str = "") -> int:
    code = wat(f'(module (memory 1) {extra} (func (export "f") {decls} {body}))')
    out = run(code, "f", context(), {}, Ext(), DEFAULT_CONFIG)
    assert out.aborted is None, out.aborted
    assert out.profile["wasm_ops"] % OP == 0
    return out.profile["wasm_ops"] // OP


FRAME = 8  # (64 + 0) / 8: a function without params or locals


@pytest.mark.parametrize("body, near_ops", [
    ("", 0),
    ("nop", 1),
    ("i32.const 0 drop", 2),
    ("block end", 0),
    ("loop end", 1),
    ("block loop end end", 1),
    ("return", 1),
    ("i32.const 1 if end", 2),
    ("i32.const 0 if nop else nop end", 3),
    ("block br 0 end", 1),
    ("i32.const 5 i32.const 7 i32.add drop", 4),
    ("i32.const 0 i32.const 1 i32.const 100 memory.fill", 3 + 1 + 32 + 100),
    ("i32.const 0 i32.const 1 i32.const 10 memory.copy", 3 + 1 + 32 + 10),
])
def test_ops_match_near_counting(body, near_ops):
    assert ops_of(body) == FRAME + near_ops


def test_frame_charge_counts_params_and_locals():
    # (64 + 10 * 8) / 8 = 18
    assert ops_of("", "(local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)") == 18
    assert frame_ops([0x7F], [0x7E, 0x7D]) == (64 + 4 + 8 + 4 + 7) // 8
    # calling a function with one i32 param: call 1 + const 1 + callee frame ceil(68/8) = 9
    extra = "(func $g (param i32))"
    assert ops_of("i32.const 1 call $g", extra=extra) == FRAME + 2 + 9


def test_loop_iterations_count_each_op():
    # 10 iterations of: local.get, i32.const, i32.sub, local.tee, br_if (5 ops)
    body = ("i32.const 10 local.set 0 "
            "loop local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0 end")
    frame = (64 + 4 + 7) // 8
    assert ops_of(body, "(local i32)") == frame + 2 + 1 + 10 * 5


def test_wasmtime_fuel_assumptions_still_hold():
    """metering.py's corrections rest on these measured wasmtime facts; a wasmtime upgrade
    that changes them must fail here, not silently skew gas."""
    cfg = wasmtime.Config()
    cfg.consume_fuel = True
    eng = wasmtime.Engine(cfg)

    def fuel(body):
        m = wasmtime.Module(eng, f'(module (memory 1) (func (export "f") {body}))')
        s = wasmtime.Store(eng)
        s.set_fuel(10**6)
        wasmtime.Instance(s, m, []).exports(s)["f"](s)
        return 10**6 - s.get_fuel()

    assert fuel("") == 1  # leaving a function
    assert fuel("nop") == fuel("block end") == fuel("loop end") == fuel("return") == 1
    assert fuel("i32.const 0 drop") == 2
    assert fuel("i32.const 0 i32.const 0 i32.const 50 memory.fill") == 3 + 1 + 50 + 1
