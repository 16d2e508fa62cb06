"""Heap probe for bench/bench_results.py (Wasm mode only: CPython has no gc.mem_free): how
much of MicroPython's 32,000-byte heap a near_safe callback has when its body starts, and how
much decoding an answer takes."""

import gc
import json

import near

from near_safe import call, callback, safe_call


@call
def ask():
    return safe_call("answerer.near", "answer", then="measure")


@callback(max_result=30000)
def measure(result):
    free = gc.mem_free()
    raw = near.promise_result(0)[1]  # unbounded on purpose: near_safe would refuse the big ones
    json.loads(raw)
    return [free, free - gc.mem_free(), len(raw)]


@call
def ask_value():
    return safe_call("answerer.near", "answer", then="measure_value")


@callback(max_result=30000)
def measure_value(result):
    """The same through near_safe's Result.value (its checks, then the decode)."""
    free = gc.mem_free()
    v = result.value
    return [free, free - gc.mem_free(), result.ok, result.error, v is None]
