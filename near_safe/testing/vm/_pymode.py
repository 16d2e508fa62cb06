"""CPython mode: run a contract's Python source under CPython against the same VMLogic.

Issue 2, section 3: "A second mode runs the contract's Python source under CPython against the
same runtime (a `near` module bound to the runtime), for fast debugging and coverage; the same
test can run in both modes.  Gas figures come from Wasm mode."  Entry point: :func:`run_python`,
called by ``vm.run`` for ``ContractCode(kind="python")``.

What it mirrors of Wasm mode (nearc 0.8.8's MicroPython port ``ports/webassembly-near`` as
near_safe.builder builds it; each point was checked against Wasm mode, tests/pymode):

* ``near`` module: :class:`NearHost` has one method per function of nearc's ``modnear.c``, with
  the same argument conversions (str-only vs str-or-bytes, 32-bit ``mp_obj_get_int`` vs u64/u128
  conversions) and return types.  Each makes the same VMLogic host calls, in the same order, as
  the C code, through a scratch memory (``_pymemory.ScratchMemory``) standing in for the Wasm's
  linear memory: host semantics and host (ext) costs are shared between modes.
* nearc's MicroPython raises with MICROPY_NLR_WASM: a C function that raises goes on running
  with fallback values and the exception surfaces when it returns.  So argument errors come
  after the host calls (``near.storage_write(1, b"v")`` writes the empty key, then TypeError;
  ``near.log_utf8(msg="x")`` logs "msg", then TypeError), as :func:`_guard` reproduces.
* One call = ``run_frozen_fn`` of nearc's ``main.c``: execute the contract module as
  ``__main__`` (no ``__file__``) in a fresh namespace, with what nearc's injections append
  (class exports, ``__contract_abi``, ``contract_source_metadata``), then call the method.  Only
  the builder's exports are callable; any other name is a nop ``MethodNotFound``.
* Output: ``sys.stdout``/``sys.stderr`` writes are "cooked" (``\n`` -> ``\r\n``) into
  ``main.c``'s 120-byte log buffer, one ``log_utf8`` per line or per 119 bytes; ``print()``
  output never reaches the logs (measured).  An exception escaping the module body is printed
  (cooked) and the method still runs; one escaping the method is printed (raw), followed by the
  ``NEAR_ABORT()`` line, then ``panic()``: ``Smart contract panicked: explicit guest panic``.
  An undefined name traps at once, even inside ``try`` (``WebAssembly trap: Unreachable``,
  through :class:`_FrozenBuiltins`); a runaway recursion that escapes traps
  (``StackOverflow``).
* A host error ends the call at once in the Wasm; here it is raised as :class:`HostAbort`, a
  BaseException ``except Exception`` does not catch; should contract code catch it anyway
  (bare ``except:``), every later ``near.*`` call re-raises it, and the recorded abort decides
  the outcome.
* ``json.loads``/``json.dumps`` behave like MicroPython's during the call (its section below).
* Contract code (the contract and its local modules) is compiled with its subscripts going
  through :func:`_mp_subscr`: a missing dict key raises ``TypeError: 'dict' object isn't
  subscriptable`` as in the Wasm, not KeyError (so ``except KeyError`` around ``d[k]`` does not
  catch it in either mode; use ``d.get(k)``).  Its dicts are :class:`MPDict`: they iterate in
  MicroPython's hash-table order (loops, repr, ``json.dumps``), as do ``json.loads`` results.

Differences from Wasm mode that remain (inherent to running CPython instead of MicroPython):

* Gas: only host (ext) costs and action fees are charged, by the same VMLogic; no Wasm op gas
  and no contract-loading fee.  A trivial near-sdk-py method burns about 3.5 Tgas in Wasm mode
  and under 0.2 Tgas here (bench/bench_modes.py prints both).  Gas figures come from Wasm mode.
  So a call that runs out of gas in Wasm mode may succeed here; gas exhausted by host costs or
  by attached gas is GasExceeded exactly as in Wasm mode.  Refunds, the contract's 30% reward
  and gas-weight distribution follow from the lower gas.
* Module state: the contract module and its local sibling modules run afresh each call, but
  installed packages are imported once per process.  For ``near_sdk_py`` and near_safe's
  contract side the module-level data is put back after every call
  (:class:`_SharedModuleState`); attributes of their classes and the state of any other
  installed package survive between calls, unlike in Wasm.
* Python itself: CPython's builtins, not MicroPython's.  Mirrored for contract code: division
  by zero, ``int()``/``float()`` failures, KeyErrors of its dicts, dict order.  Other texts
  differ (``list.remove``, ``str.index``, repr of non-ASCII str), ``str(float)`` has up to
  17 digits here and 16 there.  Dicts made outside contract code (in installed packages,
  ``**kwargs``) are ordered in ``json.dumps`` as if they were displays of their size (right
  for near_sdk_py's event dicts; a guess otherwise) and iterate in insertion order elsewhere;
  ``type(d) is dict`` is False for contract dicts (use ``isinstance``); keys other than str,
  bytes and int hash approximately.  MicroPython failures under NLR_WASM not reproduced:
  subscripts inside installed packages and ``d[k] += 1`` keep CPython's KeyError,
  ``[1].remove(2)`` traps in the Wasm (MemoryOutOfBounds), too deep a recursion traps even
  inside ``try`` there (here only when it escapes), and some sequences of caught exceptions
  corrupt the Wasm's later execution (seen: a trap after five caught ZeroDivisionErrors).  No
  64 MiB memory limit; CPython's recursion limit.
* Tracebacks in the logs keep MicroPython's format and file names but list only the frames
  MicroPython would have (contract, local modules, packages); line numbers of multi-line
  statements may differ.
* One call at a time per process: a call swaps ``sys.stdout``, ``sys.stderr``, ``print``,
  ``sys.breakpointhook`` and ``json``'s two functions, and restores them after.

For debugging: ``breakpoint()`` in a contract opens pdb on the caller's terminal (pytest: use
``-s``), and :data:`last_exception` keeps the last exception a contract let escape, with its
CPython traceback.
"""

from __future__ import annotations

import ast
import builtins
import json
import math
import operator
import os
import sys
import types
from typing import ClassVar

from ... import _host  # installs the `near` stand-in module contract code imports
from .._types import FunctionCallError
from ._pymemory import ScratchMemory
from .gas import GasError, IntegerOverflow
from .logic import VMLogic, VMLogicError, host_error

U64 = (1 << 64) - 1
U128 = (1 << 128) - 1
_SMALL_INT_MIN, _SMALL_INT_MAX = -(1 << 30), (1 << 30) - 1  # MicroPython small ints, 32-bit port
_MP_INT_MIN, _MP_INT_MAX = -(1 << 31), (1 << 31) - 1  # mp_int_t is a 32-bit int (wasm32)
TEMP_REGISTER = 0  # modnear.c default_temp_register_id


class HostAbort(BaseException):
    """A host function aborted the call (VMLogicError).  BaseException so that contract code's
    ``except Exception`` cannot swallow it: in the Wasm the instance stops at once."""

    def __init__(self, error):
        super().__init__(error)
        self.error = error


# ------------------------------------------------------------------ modnear.c's conversions
#
# nearc's MicroPython uses MICROPY_NLR_WASM: ``mp_raise_*`` inside C code does NOT unwind.  It
# records the exception (``nlr_exc``, the last one raised wins) and returns, the C function goes
# on with a fallback value (a NULL/0-length pointer, 0), making its host calls, and the VM raises
# the pending exception when the builtin returns.  So ``near.storage_write(1, b"v")`` still
# writes the empty key before raising TypeError, and an over-large ``gas`` becomes 0.  The
# helpers below mirror that: they record into ``_PENDING`` and return the fallback; the
# wrapper made by ``_guard`` raises the last pending exception after the function ran.

_PENDING = [None]  # the pending exception of the running near.* function (one call at a time)


def _mp_obj_get_int(value) -> int:
    """``mp_obj_get_int`` on the 32-bit port: bool or int that fits a C ``int``; on error the
    exception is pending and the value is 0."""
    t = type(value)
    if t is int or t is bool:
        if _MP_INT_MIN <= value <= _MP_INT_MAX:
            return int(value)
        _PENDING[0] = OverflowError("overflow converting long int to machine word")
        return 0
    _PENDING[0] = TypeError(f"can't convert {t.__name__} to int")
    return 0


def _as_u64(c_int: int) -> int:
    """A C ``int`` passed as ``uint64_t`` (sign-extended)."""
    return c_int & U64


def _mp_int_to_u128(value) -> int:
    """``mp_int_to_u128``: any int (not bool), two's complement modulo 2**128; else 0."""
    if type(value) is not int:
        _PENDING[0] = TypeError("Input must be an integer")
        return 0
    return value & U128


def _mp_int_to_u64(value) -> int:
    """``mp_int_to_u64``: small ints through ``mp_obj_get_int``, the rest through u128's low
    64 bits."""
    if type(value) is int and _SMALL_INT_MIN <= value <= _SMALL_INT_MAX:
        return value & U64
    return _mp_int_to_u128(value) & U64


def _str_data(value) -> bytes:
    if type(value) is str:
        return value.encode("utf-8", "surrogatepass")
    _PENDING[0] = TypeError("A str value is required")
    return b""


def _bytes_data(value) -> bytes:
    if type(value) is bytes:
        return value
    _PENDING[0] = TypeError("A bytes value is required")
    return b""


def _str_or_bytes_data(value) -> bytes:
    t = type(value)
    if t is str:
        return value.encode("utf-8", "surrogatepass")
    if t is bytes:
        return value
    _PENDING[0] = TypeError("A str or bytes value is required")
    return b""


def _new_str(data: bytes):
    """``mp_obj_new_str`` with MICROPY_PY_BUILTINS_STR_UNICODE_CHECK: invalid UTF-8 gives a
    bare UnicodeError (pending) and NULL."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        _PENDING[0] = UnicodeError()
        return None


# --------------------------------------------------------------------------- the near module


class NearHost:
    """The ``near`` module of nearc's ``modnear.c``, one method per function, same names and
    conversions, implemented on VMLogic's host functions through a scratch memory.  Bound as
    ``near`` with ``near_safe._host.bind``.  Methods take positional arguments only (MicroPython
    builtins reject keywords)."""

    def __init__(self, logic, memory: ScratchMemory, abort_types=()):
        self._logic = logic
        self._mem = memory
        self._abort_types = abort_types
        self._abort = None  # the HostAbort that ended the call, if any

    # -- helpers (modnear.c's read_register_as_* ) -----------------------------------------

    def _read_register_as_bytes(self, register_id: int) -> bytes:
        logic = self._logic
        n = logic.register_len(register_id)
        # malloc(u64::MAX) is NULL: read_register then fails on the unset register
        ptr = 0 if n == U64 else self._mem.reserve(n)
        logic.read_register(register_id, ptr)
        return self._mem.read(ptr, n)

    def _read_register_as_str(self, register_id: int) -> str:
        return _new_str(self._read_register_as_bytes(register_id))

    def _u128_out(self, fn, *args) -> int:
        ptr = self._mem.reserve(16)
        fn(*args, ptr)
        return int.from_bytes(self._mem.read(ptr, 16), "little")

    def _u128_in(self, value: int) -> int:
        return self._mem.put(value.to_bytes(16, "little"))

    # -- module functions --------------------------------------------------------------------

    def export(self, fn, /):
        return fn

    def test_method(self, contract_path, method_name, input, /):
        return None

    def build_contract(self, contract_path, /):
        return None

    def test_account_id(self, /):
        return None

    def test_add_extra_balance(self, /):
        return None

    # Registers
    def read_register(self, register_id, /):
        return self._read_register_as_bytes(_as_u64(_mp_obj_get_int(register_id)))

    def read_register_as_str(self, register_id, /):
        return self._read_register_as_str(_as_u64(_mp_obj_get_int(register_id)))

    def register_len(self, register_id, /):
        return self._logic.register_len(_as_u64(_mp_obj_get_int(register_id)))

    def write_register(self, register_id, data, /):
        data = _str_or_bytes_data(data)
        self._logic.write_register(_as_u64(_mp_obj_get_int(register_id)), len(data),
                                   self._mem.put(data))

    # Context API
    def current_account_id(self, /):
        self._logic.current_account_id(TEMP_REGISTER)
        return self._read_register_as_str(TEMP_REGISTER)

    def signer_account_id(self, /):
        self._logic.signer_account_id(TEMP_REGISTER)
        return self._read_register_as_str(TEMP_REGISTER)

    def signer_account_pk(self, /):
        self._logic.signer_account_pk(TEMP_REGISTER)
        return self._read_register_as_bytes(TEMP_REGISTER)

    def predecessor_account_id(self, /):
        self._logic.predecessor_account_id(TEMP_REGISTER)
        return self._read_register_as_str(TEMP_REGISTER)

    def input(self, /):
        self._logic.input(TEMP_REGISTER)
        return self._read_register_as_bytes(TEMP_REGISTER)

    def input_as_str(self, /):
        # modnear.c returns bytes here too (it calls read_default_temp_register_as_bytes)
        self._logic.input(TEMP_REGISTER)
        return self._read_register_as_bytes(TEMP_REGISTER)

    def block_height(self, /):
        return self._logic.block_index()  # modnear.c uses the deprecated block_index()

    def block_timestamp(self, /):
        return self._logic.block_timestamp()

    def epoch_height(self, /):
        return self._logic.epoch_height()

    def storage_usage(self, /):
        return self._logic.storage_usage()

    # Economics API
    def account_balance(self, /):
        return self._u128_out(self._logic.account_balance)

    def account_locked_balance(self, /):
        return self._u128_out(self._logic.account_locked_balance)

    def attached_deposit(self, /):
        return self._u128_out(self._logic.attached_deposit)

    def prepaid_gas(self, /):
        return self._logic.prepaid_gas()

    def used_gas(self, /):
        return self._logic.used_gas()

    # Math API
    def random_seed(self, /):
        self._logic.random_seed(TEMP_REGISTER)
        return self._read_register_as_bytes(TEMP_REGISTER)

    def _hash(self, fn, value):
        data = _bytes_data(value)
        fn(len(data), self._mem.put(data), TEMP_REGISTER)
        return self._read_register_as_bytes(TEMP_REGISTER)

    def sha256(self, value, /):
        return self._hash(self._logic.sha256, value)

    def keccak256(self, value, /):
        return self._hash(self._logic.keccak256, value)

    def keccak512(self, value, /):
        return self._hash(self._logic.keccak512, value)

    def ripemd160(self, value, /):
        return self._hash(self._logic.ripemd160, value)

    def ecrecover(self, hash, sig, v, malleability_flag, /):
        if type(hash) is not bytes or type(sig) is not bytes or type(malleability_flag) is not bool:
            _PENDING[0] = TypeError("hash and sig must be bytes and malleability_flag must be bool")
            return None
        mem = self._mem
        result = self._logic.ecrecover(len(hash), mem.put(hash), len(sig), mem.put(sig),
                                       _as_u64(_mp_obj_get_int(v)), int(malleability_flag),
                                       TEMP_REGISTER)
        return self._read_register_as_bytes(TEMP_REGISTER) if result else None

    def ed25519_verify(self, sig, msg, pub_key, /):
        # modnear.c declares 4 arguments (MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN 4, 4) and reads 3
        # (see _ARITY)
        if type(sig) is not bytes or type(msg) is not bytes or type(pub_key) is not bytes:
            _PENDING[0] = TypeError("sig, msg and pub_key must be bytes")
            return None
        mem = self._mem
        return bool(self._logic.ed25519_verify(len(sig), mem.put(sig), len(msg), mem.put(msg),
                                               len(pub_key), mem.put(pub_key)))

    # Miscellaneous API
    def value_return(self, value, /):
        data = _str_or_bytes_data(value)
        self._logic.value_return(len(data), self._mem.put(data))

    def panic(self, /):
        self._logic.panic()

    def panic_utf8(self, msg, /):
        if type(msg) is str:
            data = _str_data(msg)
            self._logic.panic_utf8(len(data), self._mem.put(data))
        else:
            self._logic.panic()

    def log_utf8(self, msg, /):
        data = _str_or_bytes_data(msg)
        self._logic.log_utf8(len(data), self._mem.put(data))

    def log(self, msg, /):
        data = _str_or_bytes_data(msg)
        self._logic.log_utf8(len(data), self._mem.put(data))

    def log_utf16(self, msg, /):
        data = _bytes_data(msg)
        self._logic.log_utf16(len(data), self._mem.put(data))

    def abort(self, msg, /):
        # modnear.c declares 4 arguments (msg, filename, line, col) and reads only msg: "near_abort
        # doesn't seem to work as we expect", so panic_utf8(msg) (see _ARITY)
        data = _str_data(msg)
        self._logic.panic_utf8(len(data), self._mem.put(data))

    # Promises API
    def promise_create(self, account_id, function_name, arguments, amount, gas, /):
        acc, fn, args = _str_data(account_id), _str_data(function_name), _str_data(arguments)
        amount = _mp_int_to_u128(amount)
        mem = self._mem
        return self._logic.promise_create(len(acc), mem.put(acc), len(fn), mem.put(fn),
                                          len(args), mem.put(args), self._u128_in(amount),
                                          _mp_int_to_u64(gas))

    def promise_then(self, promise_index, account_id, function_name, arguments, amount, gas, /):
        acc, fn, args = _str_data(account_id), _str_data(function_name), _str_data(arguments)
        amount = _mp_int_to_u128(amount)
        mem = self._mem
        return self._logic.promise_then(_as_u64(_mp_obj_get_int(promise_index)),
                                        len(acc), mem.put(acc), len(fn), mem.put(fn),
                                        len(args), mem.put(args), self._u128_in(amount),
                                        _mp_int_to_u64(gas))

    def promise_and(self, promise_indices, /):
        if type(promise_indices) is not list:
            # modnear.c raises "promise_indices should be a list of promise indices", then reads
            # the object as a list anyway (undefined behaviour).  For a tuple that read finds
            # no int and raises again (measured in Wasm mode); we raise that, with no host call.
            _PENDING[0] = TypeError("Each promise index should be an integer")
            return None
        buf = bytearray()
        for item in promise_indices:
            if type(item) is not int:  # mp_obj_is_int: small or big int, not bool
                _PENDING[0] = TypeError("Each promise index should be an integer")
                return None
            buf += _as_u64(_mp_obj_get_int(item)).to_bytes(8, "little")
        return self._logic.promise_and(self._mem.put(bytes(buf)), len(promise_indices))

    def promise_batch_create(self, account_id, /):
        acc = _str_data(account_id)
        return self._logic.promise_batch_create(len(acc), self._mem.put(acc))

    def promise_batch_then(self, promise_index, account_id, /):
        acc = _str_data(account_id)
        return self._logic.promise_batch_then(_mp_int_to_u64(promise_index), len(acc),
                                              self._mem.put(acc))

    def promise_batch_action_create_account(self, promise_index, /):
        self._logic.promise_batch_action_create_account(_mp_int_to_u64(promise_index))

    def promise_batch_action_deploy_contract(self, promise_index, code, /):
        code = _bytes_data(code)
        self._logic.promise_batch_action_deploy_contract(_mp_int_to_u64(promise_index),
                                                         len(code), self._mem.put(code))

    def promise_batch_action_function_call(self, promise_index, function_name, arguments,
                                           amount, gas, /):
        fn, args = _str_data(function_name), _str_data(arguments)
        amount = _mp_int_to_u128(amount)
        mem = self._mem
        self._logic.promise_batch_action_function_call(
            _mp_int_to_u64(promise_index), len(fn), mem.put(fn), len(args), mem.put(args),
            self._u128_in(amount), _mp_int_to_u64(gas))

    def promise_batch_action_function_call_weight(self, promise_index, function_name, arguments,
                                                  amount, gas, weight, /):
        fn, args = _str_data(function_name), _str_data(arguments)
        amount = _mp_int_to_u128(amount)
        mem = self._mem
        self._logic.promise_batch_action_function_call_weight(
            _mp_int_to_u64(promise_index), len(fn), mem.put(fn), len(args), mem.put(args),
            self._u128_in(amount), _mp_int_to_u64(gas), _mp_int_to_u64(weight))

    def promise_batch_action_transfer(self, promise_index, amount, /):
        amount = _mp_int_to_u128(amount)
        self._logic.promise_batch_action_transfer(_mp_int_to_u64(promise_index),
                                                  self._u128_in(amount))

    def promise_batch_action_stake(self, promise_index, amount, pub_key, /):
        amount = _mp_int_to_u128(amount)
        pk = _str_or_bytes_data(pub_key)
        self._logic.promise_batch_action_stake(_mp_int_to_u64(promise_index),
                                               self._u128_in(amount), len(pk),
                                               self._mem.put(pk))

    def promise_batch_action_add_key_with_full_access(self, promise_index, public_key, nonce, /):
        pk = _str_or_bytes_data(public_key)
        self._logic.promise_batch_action_add_key_with_full_access(
            _mp_int_to_u64(promise_index), len(pk), self._mem.put(pk), _mp_int_to_u64(nonce))

    def promise_batch_action_add_key_with_function_call(self, promise_index, public_key, nonce,
                                                        allowance, receiver_id,
                                                        function_names, /):
        pk = _str_or_bytes_data(public_key)
        allowance = _mp_int_to_u128(allowance)
        receiver = _str_data(receiver_id)
        names = _str_data(function_names)  # modnear.c: "todo: support function_names as list"
        mem = self._mem
        self._logic.promise_batch_action_add_key_with_function_call(
            _mp_int_to_u64(promise_index), len(pk), mem.put(pk), _mp_int_to_u64(nonce),
            self._u128_in(allowance), len(receiver), mem.put(receiver), len(names),
            mem.put(names))

    def promise_batch_action_delete_key(self, promise_index, public_key, /):
        pk = _str_or_bytes_data(public_key)
        self._logic.promise_batch_action_delete_key(_mp_int_to_u64(promise_index), len(pk),
                                                    self._mem.put(pk))

    def promise_batch_action_delete_account(self, promise_index, beneficiary_id, /):
        ben = _str_or_bytes_data(beneficiary_id)
        self._logic.promise_batch_action_delete_account(_mp_int_to_u64(promise_index),
                                                        len(ben), self._mem.put(ben))

    def promise_yield_create(self, function_name, arguments, gas, gas_weight, /):
        fn, args = _str_data(function_name), _str_data(arguments)
        mem = self._mem
        # modnear.c converts gas and gas_weight with mp_obj_get_int (a 32-bit C int)
        promise_id = self._logic.promise_yield_create(
            len(fn), mem.put(fn), len(args), mem.put(args), _as_u64(_mp_obj_get_int(gas)),
            _as_u64(_mp_obj_get_int(gas_weight)), TEMP_REGISTER)
        return (promise_id, self._read_register_as_str(TEMP_REGISTER))

    def promise_yield_resume(self, data_id, payload, /):
        did = _str_data(data_id)
        data = _str_or_bytes_data(payload)
        mem = self._mem
        return bool(self._logic.promise_yield_resume(len(did), mem.put(did), len(data),
                                                     mem.put(data)))

    def promise_results_count(self, /):
        return self._logic.promise_results_count()

    def promise_result(self, result_idx, /):
        status = self._logic.promise_result(_as_u64(_mp_obj_get_int(result_idx)), TEMP_REGISTER)
        data = self._read_register_as_bytes(TEMP_REGISTER) if status == 1 else None
        return (status, data)

    def promise_result_as_str(self, result_idx, /):
        status = self._logic.promise_result(_as_u64(_mp_obj_get_int(result_idx)), TEMP_REGISTER)
        data = self._read_register_as_str(TEMP_REGISTER) if status == 1 else None
        return (status, data)

    def promise_return(self, promise_id, /):
        self._logic.promise_return(_as_u64(_mp_obj_get_int(promise_id)))

    # Storage API
    def storage_write(self, key, value, /):
        k, v = _str_or_bytes_data(key), _str_or_bytes_data(value)
        mem = self._mem
        result = self._logic.storage_write(len(k), mem.put(k), len(v), mem.put(v),
                                           TEMP_REGISTER)
        return self._read_register_as_bytes(TEMP_REGISTER) if result == 1 else None

    def storage_read(self, key, /):
        k = _str_or_bytes_data(key)
        result = self._logic.storage_read(len(k), self._mem.put(k), TEMP_REGISTER)
        return self._read_register_as_bytes(TEMP_REGISTER) if result == 1 else None

    def storage_remove(self, key, /):
        k = _str_or_bytes_data(key)
        result = self._logic.storage_remove(len(k), self._mem.put(k), TEMP_REGISTER)
        return self._read_register_as_bytes(TEMP_REGISTER) if result == 1 else None

    def storage_has_key(self, key, /):
        k = _str_or_bytes_data(key)
        return self._logic.storage_has_key(len(k), self._mem.put(k)) > 0

    # Validator API
    def validator_stake(self, account_id, /):
        acc = _str_data(account_id)
        return self._u128_out(self._logic.validator_stake, len(acc), self._mem.put(acc))

    def validator_total_stake(self, /):
        return self._u128_out(self._logic.validator_total_stake)

    # Alt BN128 API
    def alt_bn128_g1_multiexp(self, value, /):
        return self._hash(self._logic.alt_bn128_g1_multiexp, value)

    def alt_bn128_g1_sum(self, value, /):
        return self._hash(self._logic.alt_bn128_g1_sum, value)

    def alt_bn128_pairing_check(self, value, /):
        data = _bytes_data(value)
        return bool(self._logic.alt_bn128_pairing_check(len(data), self._mem.put(data)))


_MEM_BASE = ScratchMemory.BASE

# modnear.c arities that differ from what the function reads: (declared, read)
_ARITY = {"ed25519_verify": (4, 3), "abort": (4, 1)}


def _guard(name, fn):
    """Wrap a NearHost function like MicroPython calls a C builtin under NLR_WASM:

    * argument checks (``mp_arg_check_num_sig``) leave their TypeError pending and the function
      still runs on the C argument array (positional arguments, then each keyword's name and
      value), so ``near.log_utf8(msg="x")`` logs "msg" and then raises; with fewer arguments
      than it reads, C would read past the array, and we raise at once instead;
    * the last pending exception is raised when the function returns (module comment above);
    * a host error aborts the whole call: HostAbort, re-raised by any later near.* call."""
    import inspect

    params = [p for p in inspect.signature(fn).parameters.values()][1:]
    declared, reads = _ARITY.get(name, (len(params), len(params)))
    too_many_or_few = f"function takes {declared} positional arguments but {{}} were given"
    odd = declared != reads

    def method(self, *args, **kwargs):
        if self._abort is not None:
            raise self._abort
        pending = None
        if kwargs or len(args) != declared or odd:
            if kwargs:
                pending = TypeError("function doesn't take keyword arguments")
            if len(args) != declared:
                pending = TypeError(too_many_or_few.format(len(args)))
            if kwargs:
                args += tuple(x for item in kwargs.items() for x in item)
            if len(args) < reads:
                raise pending
            args = args[:reads]
        _PENDING[0] = pending
        self._mem.top = _MEM_BASE
        try:
            result = fn(self, *args)
        except self._abort_types as error:
            _PENDING[0] = None
            self._abort = HostAbort(_as_vm_error(error))
            raise self._abort from None
        exc = _PENDING[0]
        if exc is not None:
            _PENDING[0] = None
            raise exc
        return result

    method.__name__ = method.__qualname__ = name
    method.__doc__ = fn.__doc__
    return method


NEAR_FUNCTIONS = tuple(
    name for name, value in list(vars(NearHost).items())
    if not name.startswith("_") and callable(value)
)
for _name in NEAR_FUNCTIONS:
    setattr(NearHost, _name, _guard(_name, vars(NearHost)[_name]))
del _name


# ------------------------------------------------------------ main.c's stdout/stderr buffer

LOG_LINE_MAX = 119  # main.c: char log_buffer[120]; flushed before it would hold 120 bytes


class LogBuffer:
    """``log_buffer_append`` / ``log_buffer_flush`` of nearc's ``main.c``: bytes written to
    stdout or stderr collect in a 120-byte buffer that becomes one ``log_utf8`` per line (or per
    119 bytes of a longer line); a ``\\n`` flushes and is dropped, empty lines are not logged."""

    def __init__(self, host: NearHost):
        self._host = host
        self._buf = bytearray()

    def write_bytes(self, data: bytes) -> None:
        buf = self._buf
        start, n = 0, len(data)
        while start < n:
            nl = data.find(b"\n", start)
            end = n if nl < 0 else nl
            while start < end:
                # main.c flushes a full buffer when the NEXT byte comes, before appending it
                room = LOG_LINE_MAX - len(buf)
                if room <= 0:
                    self.flush()
                    room = LOG_LINE_MAX
                stop = min(start + room, end)
                buf += data[start:stop]
                start = stop
            if nl < 0:
                break
            self.flush()
            start = nl + 1

    def flush(self) -> None:
        if self._buf:
            data = bytes(self._buf)
            self._buf.clear()
            self._host.log_utf8(data)


class _LogStream:
    """``sys.stdout``/``sys.stderr`` during a call.  MicroPython's text streams are "cooked":
    ``\\n`` goes out as ``\\r\\n`` (so a line logged through ``sys.stdout.write`` ends with
    ``\\r``, as seen in Wasm mode), into main.c's log buffer."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, log: LogBuffer):
        self._log = log

    def write(self, text: str) -> int:
        self._log.write_bytes(text.replace("\n", "\r\n").encode("utf-8", "surrogatepass"))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:  # main.c flushes only on newline, when full and at the end
        pass

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True


_real_print = builtins.print


def _mp_print(*args, sep=" ", end="\n", file=None, flush=False):
    """``print`` inside nearc's Wasm: its output never reaches the logs (measured: print to
    stdout or stderr logs nothing, while ``sys.stdout.write`` does).  The arguments are still
    converted with ``str`` (their ``__str__`` runs).  A print to another file object works."""
    if file is None or isinstance(file, _LogStream):
        for arg in args:
            str(arg)
        return None
    return _real_print(*args, sep=sep, end=end, file=file, flush=flush)



# ------------------------------------------------------------ MicroPython's json module
#
# Contracts parse their input and build their results with ``json``; MicroPython's json
# (extmod/modjson.c) differs from CPython's where tests look: ``dumps`` writes non-ASCII text as
# UTF-8 (no \uXXXX), bytes as strings, floats with 16 significant digits, and accepts anything
# (an object prints its repr); ``loads`` treats commas and colons as whitespace (so ``[1,2,]``
# parses), rejects NaN, and every error is ``ValueError("syntax error in JSON")``.  CPython mode
# swaps these in for ``json.loads``/``json.dumps`` during a call; objects come out in
# MicroPython's dict order (see MicroPython's dict order below).


def _mp_json_dumps(obj, *args, separators=None, **kwargs):
    if args:
        raise TypeError(f"function takes 1 positional arguments but {1 + len(args)} were given")
    if kwargs:
        raise TypeError(f"unexpected keyword argument '{next(iter(kwargs))}'")
    if separators is None:
        item_sep, key_sep = ", ", ": "
    else:
        if type(separators) not in (tuple, list):
            raise TypeError(f"object '{type(separators).__name__}' isn't a tuple or list")
        if len(separators) != 2:
            raise ValueError("tuple/list has wrong length")
        item_sep, key_sep = separators
    out = []
    _mp_json_print(obj, out, item_sep, key_sep)
    return "".join(out)


def _mp_json_str(data: bytes) -> str:
    """``mp_str_print_json``: byte by byte; non-ASCII bytes pass through."""
    out = bytearray(b'"')
    for b in data:
        if b == 0x22 or b == 0x5C:
            out += b"\\" + bytes((b,))
        elif b >= 32:
            out.append(b)
        elif b == 0x0A:
            out += b"\\n"
        elif b == 0x0D:
            out += b"\\r"
        elif b == 0x09:
            out += b"\\t"
        else:
            out += b"\\u%04x" % b
    out += b'"'
    return out.decode("utf-8", "surrogateescape")


def _mp_float_repr(value: float) -> str:
    """``float_print``: 16 significant digits, ``.0`` added to integral values; inf, nan."""
    if math.isnan(value):
        return "nan"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    text = format(value, ".16g")
    if "." not in text and "e" not in text:
        text += ".0"
    return text


def _mp_json_print(obj, out: list, item_sep: str, key_sep: str) -> None:
    t = type(obj)
    if obj is None:
        out.append("null")
    elif t is bool:
        out.append("true" if obj else "false")
    elif t is int:
        out.append(str(obj))
    elif t is float:
        out.append(_mp_float_repr(obj))
    elif t is str:
        out.append(_mp_json_str(obj.encode("utf-8", "surrogatepass")))
    elif t in (bytes, bytearray):
        out.append(_mp_json_str(bytes(obj)))
    elif t in (list, tuple):
        out.append("[")
        for i, item in enumerate(obj):
            if i:
                out.append(item_sep)
            _mp_json_print(item, out, item_sep, key_sep)
        out.append("]")
    elif isinstance(obj, dict):
        out.append("{")
        for i, key in enumerate(_mp_order(obj)):
            value = dict.__getitem__(obj, key)
            if i:
                out.append(item_sep)
            quote = type(key) not in (str, bytes)
            if quote:
                out.append('"')
            _mp_json_print(key, out, item_sep, key_sep)
            if quote:
                out.append('"')
            out.append(key_sep)
            _mp_json_print(value, out, item_sep, key_sep)
        out.append("}")
    else:
        out.append(repr(obj))  # MicroPython prints any object (its repr), CPython raises


_JSON_SKIP = frozenset(b" \t\n\r,:")
_JSON_SPACE = frozenset(b" \t\n\r\v\f")
_JSON_NUM = frozenset(b"+-0123456789")
_NULL = object()


def _mp_json_loads(obj):
    """``mod_json_load``, byte for byte (a superset of JSON; see the section comment)."""
    if isinstance(obj, str):
        data = obj.encode("utf-8", "surrogatepass")
    elif isinstance(obj, (bytes, bytearray, memoryview)):
        data = bytes(obj)
    else:
        data = b""  # mp_get_buffer_raise's TypeError is then overwritten by the parse failure
    syntax = ValueError("syntax error in JSON")
    n = len(data)
    pos = 0
    pending = None
    stack = []
    top = key = _NULL

    def cur():
        return data[pos] if pos < n else 0

    while True:
        if pos >= n:
            break
        c = data[pos]
        pos += 1
        enter = False
        if c in _JSON_SKIP:
            continue
        if c in b"nft":
            word = {0x6E: b"ull", 0x66: b"alse", 0x74: b"rue"}[c]
            if data[pos:pos + len(word)] != word:
                raise syntax
            pos += len(word)
            value = {0x6E: None, 0x66: False, 0x74: True}[c]
        elif c == 0x22:
            buf = bytearray()
            while pos < n and data[pos] != 0x22:
                b = data[pos]
                if b == 0x5C:
                    pos += 1
                    b = cur()
                    if b == 0x75:  # \uXXXX: lenient hex, any code point
                        num = 0
                        for _ in range(4):
                            pos += 1
                            d = ((cur() | 0x20) - 0x30) & 0xFF
                            if d > 9:
                                d = (d - 0x27) & 0xFF
                            num = ((num << 4) | d) & 0xFFFFFFFF
                        buf += chr(min(num, 0x10FFFF)).encode("utf-8", "surrogatepass")
                        pos += 1
                        continue
                    b = {0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09}.get(b, b)
                buf.append(b)
                pos += 1
            if pos >= n:
                raise syntax
            pos += 1
            try:
                value = buf.decode("utf-8", "surrogatepass")
            except UnicodeDecodeError:
                pending, value = UnicodeError(), None
        elif c in _JSON_NUM:
            start, flt = pos - 1, False
            while pos < n:
                b = data[pos]
                if b in b".eE":
                    flt = True
                elif b not in _JSON_NUM:
                    break
                pos += 1
            text = data[start:pos].decode()
            try:
                value = float(text) if flt else int(text, 10)
            except ValueError:
                value = None
                pending = ValueError("invalid syntax for number" if flt else
                                     "invalid syntax for integer with base 10")
        elif c == 0x5B:
            value, enter = [], True
        elif c == 0x7B:
            value, enter = MPDict(), True  # mp_obj_new_dict(0)
        elif c in b"]}":
            if top is _NULL:
                raise syntax
            if not stack:
                break  # finished: a compound object
            top = stack.pop()
            continue
        else:
            raise syntax
        if top is _NULL:
            top = value
            if not enter:
                break  # finished: a single primitive
        else:
            if type(top) is list:
                top.append(value)
            elif key is _NULL:
                key = value
                if enter:
                    raise syntax
            else:
                top[key] = value
                key = _NULL
            if enter:
                stack.append(top)
                top = value
    while pos < n and data[pos] in _JSON_SPACE:
        pos += 1
    if pos < n or top is _NULL or stack:
        raise syntax
    if pending is not None:
        raise pending
    return top


# ------------------------------------------------------- MicroPython's exception printing

_NEAR_SAFE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_STDLIB_DIRS = tuple(
    os.path.join(os.path.realpath(p), "")
    for p in {__import__("sysconfig").get_paths()[k] for k in ("stdlib", "platstdlib")}
)


def _frozen_source_name(filename: str, module_name, contract) -> str | None:
    """The name MicroPython's traceback shows for a frame (the frozen module's path relative
    to its base, e.g. ``near_sdk_py/decorators.py``), or None for a frame MicroPython would not
    have (CPython's own library, the simulator)."""
    if filename == contract.path:
        return contract.frozen_name
    if filename.startswith(contract.dir_prefix):
        return filename[len(contract.dir_prefix):].replace(os.sep, "/")
    if filename.startswith("<"):
        return None
    if filename.startswith(os.path.join(_NEAR_SAFE_DIR, "")):
        rel = filename[len(_NEAR_SAFE_DIR) + 1:].replace(os.sep, "/")
        # only the contract side is frozen into the Wasm (docs/architecture.md)
        return "near_safe/" + rel if rel == "__init__.py" or rel.startswith("contract/") else None
    real = os.path.realpath(filename)
    if real.startswith(_STDLIB_DIRS) and "-packages" + os.sep not in real:
        return None
    if not module_name:
        return os.path.basename(filename)
    tail = "/__init__.py" if os.path.basename(filename) == "__init__.py" else ".py"
    return module_name.replace(".", "/") + tail


def _mp_exception_text(exc: BaseException) -> str:
    """``mp_obj_print_helper(exc, PRINT_EXC)``: ``Name: arg`` (str of a single argument, the
    tuple's repr for several, nothing for none)."""
    args = exc.args
    if not args:
        text = ""
    elif len(args) == 1:
        text = str(args[0])
    else:
        text = repr(tuple(args))
    return f"{type(exc).__name__}: {text}"


def format_mp_exception(exc: BaseException, tb, contract) -> str:
    """``mp_obj_print_exception``: MicroPython's traceback format, frames outermost first."""
    lines = []
    while tb is not None:
        frame = tb.tb_frame
        name = _frozen_source_name(frame.f_code.co_filename, frame.f_globals.get("__name__"),
                                   contract)
        if name is not None:
            lines.append(f'  File "{name}", line {tb.tb_lineno}, in {frame.f_code.co_name}\n')
        tb = tb.tb_next
    head = "Traceback (most recent call last):\n" if lines else ""
    return head + "".join(lines) + _mp_exception_text(exc) + "\n"


# ------------------------------------------------------------------ the contract's code


class _Contract:
    """A contract source compiled the way near_safe's builder freezes it (cached per path,
    mtime and size).

    ``code``: the module the Wasm runs - the source plus what nearc's injections append
    (``inject_contract_exports`` for class-based contracts: an instance and module-level names
    bound to its exported methods; ``inject_abi``: ``__contract_abi``;
    ``inject_metadata_function``: ``contract_source_metadata``), produced by the same nearc
    functions on a staged copy, as ``near_safe.builder`` does.  Compiled with the real file
    name, so debuggers and coverage see the real file (the injected code follows its last
    line).  ``exports``: the builder's export list (``near_safe.builder._analyze``).
    ``frozen_name``: the frozen module's name, the contract's file name (tracebacks)."""

    def __init__(self, path: str, source: str):
        from pathlib import Path

        from ...builder import _analyze

        self.path = path
        self.dir = os.path.dirname(path)
        self.dir_prefix = os.path.join(self.dir, "")
        self.frozen_name = os.path.basename(path)
        # a syntax error is the builder's BuildError, naming the line and the fix
        exports, _ = _analyze.find_exports(_analyze.parse_source(Path(path), source))
        self.exports = frozenset(exports) | _analyze.NEARC_INJECTED_EXPORTS
        self.code = compile_contract_code(_nearc_injected_source(path, source), path)


class _Subscripts(ast.NodeTransformer):
    """Contract code rewritten for MicroPython semantics, lines kept:

    * ``obj[key]`` (a load) becomes ``__mp_subscr__(obj, key)`` (:func:`_mp_subscr`); slices and
      augmented assignments (``d[k] += 1``) are left as CPython does them;
    * ``a / b``, ``a // b`` and ``a % b`` go through :func:`_mp_divide` (error text);
    * ``{k: v, ...}`` becomes ``__mp_dict__(n, k, v, ...)``, ``{k: v for ...}``
      ``__mp_dict_pairs__(((k, v) for ...))``: dicts that iterate in MicroPython's order
      (:class:`MPDict`);
    * ``dict(...)``, ``int(...)`` and ``float(...)`` become ``__mp_call__(dict, ...)`` ...
      (:func:`_mp_call`)."""

    def visit_Dict(self, node):
        self.generic_visit(node)
        if any(k is None for k in node.keys):  # {**other, ...}: left to CPython
            return node
        args = [ast.Constant(len(node.keys))]
        for k, v in zip(node.keys, node.values):
            args += [k, v]
        call = ast.Call(func=ast.Name("__mp_dict__", ast.Load()), args=args, keywords=[])
        return ast.copy_location(call, node)

    def visit_DictComp(self, node):
        self.generic_visit(node)
        pairs = ast.GeneratorExp(elt=ast.Tuple([node.key, node.value], ast.Load()),
                                 generators=node.generators)
        call = ast.Call(func=ast.Name("__mp_dict_pairs__", ast.Load()),
                        args=[ast.copy_location(pairs, node)], keywords=[])
        return ast.copy_location(call, node)

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in ("dict", "int", "float"):
            call = ast.Call(func=ast.Name("__mp_call__", ast.Load()),
                            args=[node.func, *node.args], keywords=node.keywords)
            return ast.copy_location(call, node)
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        op = _DIVISIONS.get(type(node.op))
        if op is None:
            return node
        call = ast.Call(func=ast.Name("__mp_divide__", ast.Load()),
                        args=[node.left, node.right, ast.Constant(op)], keywords=[])
        return ast.copy_location(call, node)

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load) or _has_slice(node.slice):
            return node
        call = ast.Call(func=ast.Name("__mp_subscr__", ast.Load()),
                        args=[node.value, node.slice], keywords=[])
        return ast.copy_location(call, node)


# -------------------------------------------------------------- MicroPython's dict order
#
# MicroPython's dict is an open-addressing hash table (py/map.c): a key goes to slot
# ``hash % alloc`` or the next free one, the table grows to the next size of
# ``hash_allocation_sizes`` only when full, and iteration walks the slots.  So the order of a
# dict's keys - in ``for k in d``, ``repr`` and ``json.dumps`` - follows the keys' hashes and
# the dict's history, not insertion.  MPDict keeps a shadow of that table next to CPython's
# storage; contract code's dict displays, comprehensions and ``dict()`` calls make MPDicts,
# and so does json.loads.  Checked against Wasm mode on literal, incremental and parsed dicts.

_MP_HASH_SIZES = (0, 2, 4, 6, 8, 10, 12, 17, 23, 29, 37, 47, 59, 73, 97, 127, 167, 223, 293,
                  389, 521, 691, 919, 1223, 1627, 2161, 3229, 4831, 7243, 10861, 16273, 24407,
                  36607, 54907)
_SLOT_FREE, _SLOT_DELETED = object(), object()  # MP_OBJ_NULL, MP_OBJ_SENTINEL


def _mp_alloc_at_least(n: int) -> int:
    for size in _MP_HASH_SIZES:
        if size >= n:
            return size
    return (n + n // 2) | 1


def _mp_hash(key) -> int:
    """MicroPython's hash of a key, as the map uses it (mp_uint_t, 32-bit): str and bytes hash
    with qstr_compute_hash (djb2, 16 bits as MICROPY_QSTR_BYTES_IN_HASH = 2, never 0), ints and
    bools are their value.  Other keys (None, floats, tuples: rare in contracts) get 0, an
    approximation: MicroPython hashes them by address or by type-specific rules."""
    t = type(key)
    if t is str or t is bytes:
        h = 5381
        for b in key.encode("utf-8", "surrogatepass") if t is str else key:
            h = ((h << 5) + h) ^ b
        return (h & 0xFFFF) or 1
    if t is int or t is bool:
        return int(key) & 0xFFFFFFFF
    return 0


class _MPTable:
    """The slot table of one MicroPython map (keys only; the values live in the dict)."""

    __slots__ = ("slots",)

    def __init__(self, alloc: int = 0):
        self.slots = [_SLOT_FREE] * alloc

    def copy(self):
        table = _MPTable()
        table.slots = list(self.slots)
        return table

    def _rehash(self):
        old = self.slots
        self.slots = [_SLOT_FREE] * _mp_alloc_at_least(len(old) + 1)
        for key in old:
            if key is not _SLOT_FREE and key is not _SLOT_DELETED:
                self.add(key)

    def add(self, key) -> None:
        """``mp_map_lookup(..., MP_MAP_LOOKUP_ADD_IF_NOT_FOUND)`` for a key not in the map."""
        if not self.slots:
            self._rehash()
        h = _mp_hash(key)
        slots = self.slots
        pos = start = h % len(slots)
        avail = None
        while True:
            slot = slots[pos]
            if slot is _SLOT_FREE:
                slots[pos if avail is None else avail] = key
                return
            if slot is _SLOT_DELETED and avail is None:
                avail = pos
            pos = (pos + 1) % len(slots)
            if pos == start:
                if avail is not None:
                    slots[avail] = key
                    return
                self._rehash()
                slots = self.slots
                pos = start = h % len(slots)

    def remove(self, key) -> None:
        """``MP_MAP_LOOKUP_REMOVE_IF_FOUND``: the slot becomes free if the next one is, else
        deleted (a tombstone later insertions may reuse)."""
        slots = self.slots
        pos = slots.index(key) if key in slots else None
        if pos is None:
            return
        nxt = slots[(pos + 1) % len(slots)]
        slots[pos] = _SLOT_FREE if nxt is _SLOT_FREE else _SLOT_DELETED

    def ordered(self) -> list:
        """The keys in slot order: MicroPython's iteration order."""
        return [k for k in self.slots if k is not _SLOT_FREE and k is not _SLOT_DELETED]


class _MPKeyError(KeyError):
    """KeyError as MicroPython prints it: ``str(KeyError("k"))`` is ``k`` there (one argument:
    its str), ``'k'`` in CPython.  Named KeyError, so ``type(e).__name__`` reads the same."""

    def __str__(self):
        return str(self.args[0]) if len(self.args) == 1 else super().__str__()


_MPKeyError.__name__ = _MPKeyError.__qualname__ = "KeyError"


class MPDict(dict):
    """A dict that iterates, prints and pops items in MicroPython's order (section comment).
    Lookups, equality and everything else are CPython's dict."""

    __slots__ = ("_mp",)

    def __init__(self, *args, **kwargs):
        dict.__init__(self)
        self._mp = _MPTable()
        if args or kwargs:
            self.update(*args, **kwargs)

    @classmethod
    def with_alloc(cls, alloc: int):
        d = cls()
        d._mp = _MPTable(alloc)
        return d

    def __setitem__(self, key, value):
        if key not in self:
            self._mp.add(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key):
        if key not in self:
            raise _MPKeyError(key)
        dict.__delitem__(self, key)
        self._mp.remove(key)

    def __iter__(self):
        return iter(self._mp.ordered())

    def __reversed__(self):
        return reversed(self._mp.ordered())

    def keys(self):
        return self._mp.ordered()

    def values(self):
        return [dict.__getitem__(self, k) for k in self._mp.ordered()]

    def items(self):
        return [(k, dict.__getitem__(self, k)) for k in self._mp.ordered()]

    def __repr__(self):
        return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in self.items()) + "}"

    __str__ = __repr__

    def update(self, *args, **kwargs):
        if args:
            other = args[0]
            if isinstance(other, dict):  # dict_update walks the other map's slots
                pairs = [(k, dict.__getitem__(other, k)) for k in _mp_order(other)]
            elif hasattr(other, "keys"):
                pairs = [(k, other[k]) for k in other.keys()]  # noqa: SIM118  a mapping
            else:
                pairs = other
            for k, v in pairs:
                self[k] = v
        for k, v in kwargs.items():
            self[k] = v

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def pop(self, key, *default):
        if key in self:
            value = dict.pop(self, key)
            self._mp.remove(key)
            return value
        if default:
            return default[0]
        raise _MPKeyError(key)

    def popitem(self):
        """``dict_popitem``: the FIRST slot's item; its slot is always marked deleted."""
        keys = self._mp.ordered()
        if not keys:
            raise _MPKeyError("popitem(): dictionary is empty")
        key = keys[0]
        value = dict.pop(self, key)
        self._mp.slots[self._mp.slots.index(key)] = _SLOT_DELETED
        return (key, value)

    def clear(self):
        dict.clear(self)
        self._mp = _MPTable()  # mp_map_clear: alloc back to 0

    def copy(self):
        d = MPDict()
        dict.update(d, self)
        d._mp = self._mp.copy()
        return d

    @classmethod
    def fromkeys(cls, iterable, value=None):
        d = cls.with_alloc(len(iterable) if hasattr(iterable, "__len__") else 0)
        for key in iterable:
            d[key] = value
        return d

    def __or__(self, other):
        d = self.copy()
        d.update(other)
        return d

    def __ior__(self, other):
        self.update(other)
        return self

    def __reduce__(self):
        return (MPDict, (list(self.items()),))


def _mp_dict(n, *kv):
    """A dict display ``{k: v, ...}``: BUILD_MAP n (``mp_obj_new_dict(n)``: alloc n), then
    each entry stored in order."""
    d = MPDict.with_alloc(n)
    for i in range(0, len(kv), 2):
        d[kv[i]] = kv[i + 1]
    return d


def _mp_dict_pairs(pairs):
    """A dict comprehension: an empty dict (alloc 0) filled in order."""
    d = MPDict()
    for k, v in pairs:
        d[k] = v
    return d


def _mp_call(fn, *args, **kwargs):
    """A call of the name ``dict``, ``int`` or ``float``: when it is the builtin, as
    MicroPython does it - ``dict(...)`` starts from alloc 0 (an MPDict), ``int``/``float`` fail
    with MicroPython's texts ("invalid syntax for integer with base 10", "can't convert
    NoneType to int"; measured in Wasm mode)."""
    if fn is dict:
        return MPDict(*args, **kwargs)
    if fn is int or fn is float:
        try:
            return fn(*args, **kwargs)
        except ValueError:
            if fn is float:
                raise ValueError("invalid syntax for number") from None
            base = args[1] if len(args) > 1 else kwargs.get("base", 10)
            raise ValueError(f"invalid syntax for integer with base {base}") from None
        except TypeError:
            if len(args) == 1 and not kwargs:
                raise TypeError(f"can't convert {type(args[0]).__name__} to "
                                f"{fn.__name__}") from None
            raise
    return fn(*args, **kwargs)


def _mp_order(d) -> list:
    """The keys of ``d`` in MicroPython's order: an MPDict knows its table; a plain dict (made
    outside contract code: near_sdk_py, near_safe, **kwargs) is taken as a display of
    ``len(d)`` entries inserted in order, the common case (an approximation)."""
    if type(d) is MPDict:
        return d._mp.ordered()
    table = _MPTable(len(d))
    for key in d:
        table.add(key)
    return table.ordered()


_DIVISIONS = {ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}
_DIVIDE = {"/": operator.truediv, "//": operator.floordiv, "%": operator.mod}


def _mp_divide(a, b, op):
    """``a / b``, ``a // b``, ``a % b`` with MicroPython's one message for a zero divisor,
    ``ZeroDivisionError: divide by zero`` (CPython has three)."""
    try:
        return _DIVIDE[op](a, b)
    except ZeroDivisionError:
        raise ZeroDivisionError("divide by zero") from None


def _has_slice(node) -> bool:
    return isinstance(node, ast.Slice) or (
        isinstance(node, ast.Tuple) and any(isinstance(e, ast.Slice) for e in node.elts))


def compile_contract_code(source: str, path: str):
    """Compile contract code (the contract, its local modules) for CPython mode: the real file
    name and lines, with dict and list subscripts failing as in nearc's MicroPython."""
    tree = _Subscripts().visit(ast.parse(source, path))
    ast.fix_missing_locations(tree)
    return compile(tree, path, "exec", dont_inherit=True)


def _mp_subscr(obj, key):
    """``obj[key]`` as nearc's MicroPython does it under NLR_WASM (measured in Wasm mode).

    A missing dict key leaves its KeyError pending, ``dict_subscr`` returns NULL and
    ``mp_obj_subscr`` raises ``TypeError: 'dict' object isn't subscriptable`` over it.  A list
    index out of range leaves IndexError pending and then reads ``items[index]`` anyway: a
    zeroed slot of the list's allocation (NULL) gives the same TypeError, memory past the
    allocation gives garbage and the IndexError surfaces.  That part is undefined behaviour; we
    take the allocation as MicroPython's minimum of 4 or the length.  str, bytes and tuple
    indexes raise IndexError as usual."""
    try:
        return obj[key]
    except KeyError:
        if type(obj) is dict or type(obj) is MPDict:
            raise TypeError("'dict' object isn't subscriptable") from None
        raise
    except IndexError:
        if type(obj) is list and type(key) is int:
            index = key + len(obj) if key < 0 else key
            if 0 <= index < max(4, len(obj)):
                raise TypeError("'list' object isn't subscriptable") from None
        raise



def _nearc_injected_source(path: str, source: str) -> str:
    """The contract source after nearc's three injections, run exactly as
    ``near_safe.builder._build._stage_sources`` runs them: on a copy in a side folder holding
    the contract's pyproject.toml, never in the user's folder.  Without nearc installed (CPython
    mode does not need the build toolchain) the source runs as written: ``__contract_abi`` and
    ``contract_source_metadata`` are then missing (the call panics with a NameError)."""
    import shutil
    import tempfile
    from pathlib import Path

    try:
        from nearc.abi import inject_abi
        from nearc.exports import inject_contract_exports
        from nearc.metadata import inject_metadata_function
        from nearc.utils import console
    except ImportError:
        return source
    pyproject = Path(path).parent / "pyproject.toml"
    quiet = console.quiet
    console.quiet = True
    try:
        with tempfile.TemporaryDirectory(prefix="near_safe_pymode_") as tmp:
            inject = Path(tmp) / "inject"
            inject.mkdir()
            staged = inject / os.path.basename(path)
            staged.write_text(source, encoding="utf-8")
            if pyproject.is_file():
                shutil.copyfile(pyproject, inject / "pyproject.toml")
            step = inject_contract_exports(staged)
            try:
                step = inject_abi(step)
            except Exception:  # noqa: BLE001, S110  the builder refuses such a contract: no ABI
                pass
            step = inject_metadata_function(step)
            return step.read_text(encoding="utf-8")
    finally:
        console.quiet = quiet


_contracts: dict = {}  # path -> (stat key, _Contract)
_by_code: dict = {}  # (source_path, sha256 of the deployed source) -> _Contract
_module_code: dict = {}  # local module path -> (stat key, code)


def _stat_key(path: str):
    st = os.stat(path)
    return (st.st_mtime_ns, st.st_size)


def load_contract(path, source: bytes | None = None, digest=None) -> _Contract:
    """The compiled contract at ``path``.  With ``source`` (the deployed bytes) and its
    ``digest``, cached per (path, digest): what runs is what was deployed, even if the file
    changed since.  Without, the file is read and cached per (path, mtime, size)."""
    path = os.path.abspath(path)
    if source is not None:
        key = digest if digest is not None else hash(source)
    else:
        key = _stat_key(path)
    hit = _contracts.get(path)
    if hit is not None and hit[0] == key:
        return hit[1]
    if source is None:
        with open(path, "rb") as f:
            source = f.read()
    contract = _Contract(path, source.decode("utf-8"))
    _contracts[path] = (key, contract)
    return contract


# ------------------------------------------------------------- local sibling modules


# imported once per process and shared between calls (see module docstring)
SHARED_MODULES = frozenset({"near", "near_sdk_py", "near_safe"})


def _local_code(path: str):
    key = _stat_key(path)
    hit = _module_code.get(path)
    if hit is not None and hit[0] == key:
        return hit[1]
    with open(path, "rb") as f:
        code = compile_contract_code(f.read().decode("utf-8"), path)
    _module_code[path] = (key, code)
    return code


class _LocalLoader:
    def __init__(self, path: str):
        self.path = path

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__dict__["__builtins__"] = _FROZEN_BUILTINS
        exec(_local_code(self.path), module.__dict__)  # noqa: S102  contract code


class _LocalFinder:
    """Imports the contract folder's own modules afresh for each call (nearc freezes every
    ``.py`` under the contract's folder; MicroPython re-runs them per call)."""

    def __init__(self, root: str):
        self.root = root
        self.prefix = os.path.join(root, "")
        self.loaded = []

    def find_spec(self, fullname, path=None, target=None):
        import importlib.util

        if path is None:
            if fullname in SHARED_MODULES:
                return None
            base, name = self.root, fullname
        else:
            base = next((p for p in path if p == self.root or p.startswith(self.prefix)), None)
            if base is None:
                return None
            name = fullname.rpartition(".")[2]
        candidate = os.path.join(base, name)
        if os.path.isfile(candidate + ".py"):
            file, search = candidate + ".py", None
        elif os.path.isfile(os.path.join(candidate, "__init__.py")):
            file, search = os.path.join(candidate, "__init__.py"), [candidate]
        else:
            return None
        self.loaded.append(fullname)
        return importlib.util.spec_from_file_location(
            fullname, file, loader=_LocalLoader(file), submodule_search_locations=search)

    def local_names(self):
        """Top-level names this finder serves, and the ``name.`` prefixes of the packages."""
        names, packages = [], []
        for entry in os.listdir(self.root):
            stem, ext = os.path.splitext(entry)
            if ext == ".py" and stem not in SHARED_MODULES:
                names.append(stem)
            elif (os.path.isfile(os.path.join(self.root, entry, "__init__.py"))
                  and entry not in SHARED_MODULES):
                names.append(entry)
                packages.append(entry + ".")
        return tuple(names), tuple(packages)


class _SharedModuleState:
    """Give the shared contract-side packages the module state they have right after import at
    the start of every call, as MicroPython re-imports them per call in the Wasm.

    ``near_sdk_py`` and near_safe's contract side (``near_safe``, ``near_safe.contract.*``) are
    imported once per process (re-executing them per call would cost more than the call).  Their
    module-level data - globals rebound by a call (``_op = ...``) and the contents of module-level
    dicts, lists and sets (a registry filled by decorators) - is recorded once, right after
    import, and put back after every call.  Not covered (documented): attributes of classes and
    objects, and the state of other installed packages a contract imports."""

    _PACKAGES = ("near_sdk_py", "near_safe.contract")
    _MODULES = ("near_safe",)
    _CONTAINERS = (dict, list, set, bytearray)
    _SKIP = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)

    def __init__(self):
        import importlib
        import pkgutil

        for package in self._PACKAGES:
            module = importlib.import_module(package)
            for info in pkgutil.walk_packages(module.__path__, package + "."):
                importlib.import_module(info.name)
        self.saved = []  # (module dict, name, value, copy of the container's contents or None)
        for name, module in list(sys.modules.items()):
            if not (name in self._MODULES
                    or any(name == p or name.startswith(p + ".") for p in self._PACKAGES)):
                continue
            for key, value in list(vars(module).items()):
                if key.startswith("__") or isinstance(value, self._SKIP):
                    continue
                if getattr(type(value), "__module__", None) == "typing":
                    continue  # typing aliases (List, Optional, ...)
                contents = value.copy() if isinstance(value, self._CONTAINERS) else None
                if contents is None and key.isupper():
                    continue  # an immutable CONSTANT: not rebound by contract code
                self.saved.append((vars(module), key, value, contents))

    def restore(self):
        for namespace, key, value, contents in self.saved:
            if namespace.get(key, _MISSING) is not value:
                namespace[key] = value
            if contents is not None and value != contents:
                if isinstance(value, (list, bytearray)):
                    value[:] = contents
                else:
                    value.clear()
                    value.update(contents)


_MISSING = object()
_shared_state = None


def _shared():
    global _shared_state
    if _shared_state is None:
        _shared_state = _SharedModuleState()
    return _shared_state


class _LocalImports:
    """Context manager: serve the contract folder's modules fresh, then put ``sys.modules``
    back as it was (modules of the same names imported by the caller are restored)."""

    _names_cache: ClassVar[dict] = {}  # folder -> (mtime, (names, package prefixes))

    def __init__(self, root: str):
        self.finder = _LocalFinder(root)
        st = os.stat(root).st_mtime_ns
        hit = self._names_cache.get(root)
        if hit is None or hit[0] != st:
            hit = self._names_cache[root] = (st, self.finder.local_names())
        self.names, self.packages = hit[1]

    def __enter__(self):
        modules = sys.modules
        self.saved = {}
        for name in self.names:
            if name in modules:
                self.saved[name] = modules.pop(name)
        if self.packages:  # submodules of a local package the caller imported
            for name in [m for m in modules if m.startswith(self.packages)]:
                self.saved[name] = modules.pop(name)
        sys.meta_path.insert(0, self.finder)
        return self

    def __exit__(self, *exc):
        try:
            sys.meta_path.remove(self.finder)
        except ValueError:
            pass
        modules = sys.modules
        for name in self.finder.loaded:
            modules.pop(name, None)
        modules.update(self.saved)


# ----------------------------------------------------------------------------- one call


_ABORT_TYPES = (VMLogicError, GasError, IntegerOverflow)


def _as_vm_error(error):
    """GasCounter errors raised by a host function directly become VMLogic aborts, as
    ``VMLogic.call_host`` does for the Wasm runner."""
    if isinstance(error, GasError):
        return host_error(error.kind)
    if isinstance(error, IntegerOverflow):
        return host_error("IntegerOverflow")
    return error


def run_python(code, method_name: str, context, storage: dict, ext, config):
    """Run ``method_name`` of the contract at ``code.source_path`` under CPython (CPython mode's
    ``vm.run``).  Returns the VMOutcome, like the Wasm runner."""
    from . import nop_outcome

    if not method_name:
        return nop_outcome(context, FunctionCallError(
            "MethodEmptyName", "MethodEmptyName", "MethodEmptyName"))
    source = getattr(code, "code", None) or None
    if source is not None:
        key = (code.source_path, code.hash)
        contract = _by_code.get(key)
        if contract is None:
            contract = _by_code[key] = load_contract(code.source_path, source, code.hash)
    else:
        contract = load_contract(code.source_path)
    # the Wasm exports exactly the builder's list: anything else is a nop MethodNotFound, with
    # no loading fee (as wasm.run_wasm)
    if method_name not in contract.exports:
        return nop_outcome(context, FunctionCallError(
            "MethodNotFound", "MethodNotFound", "MethodNotFound"))

    memory = ScratchMemory()
    logic = VMLogic(context, storage, ext, config, memory)
    host = NearHost(logic, memory, _ABORT_TYPES)
    log = LogBuffer(host)
    stream = _LogStream(log)
    try:
        _call(contract, method_name, host, log, stream)
    except HostAbort:
        pass
    aborted = host._abort
    return logic.outcome(aborted.error.error if aborted is not None else None)


NEAR_ABORT_LINE = b"NEAR_ABORT() called by handle_uncaught_exception() (main.c:143), terminating\n"


def _trap_abort(kind: str):
    return HostAbort(VMLogicError(FunctionCallError("WasmTrap", f"WebAssembly trap: {kind}",
                                                    kind)))


class _FrozenBuiltins(dict):
    """The builtins contract code (the contract module, its local modules) sees: CPython's,
    with MicroPython's ``print``, and a name found nowhere traps at once, as in the Wasm
    (``unreachable``, even inside ``try``) - CPython looks builtins up through ``__missing__``
    when they are not an exact dict."""

    def __missing__(self, name):
        host = _running[0]
        if host is None:
            raise NameError(f"name '{name}' is not defined", name=name)
        raise _trap(host, "Unreachable")


_running = [None]  # the NearHost of the call in progress
_FROZEN_BUILTINS = _FrozenBuiltins(vars(builtins), print=_mp_print, __mp_subscr__=_mp_subscr,
                                   __mp_dict__=_mp_dict, __mp_dict_pairs__=_mp_dict_pairs,
                                   __mp_call__=_mp_call, __mp_divide__=_mp_divide)


def _wasm_trap_for(exc: BaseException):
    """The trap the Wasm hits where CPython raises ``exc`` (measured in Wasm mode), or None:
    an undefined name (``unreachable``: nearc's NLR_WASM leaves a NULL object on the stack;
    normally caught earlier by :class:`_FrozenBuiltins`) and too deep a recursion (the Wasm
    stack overflows; MicroPython's limit is lower than CPython's 1000 frames).  Both trap even
    inside ``try`` in the Wasm; CPython mode sees a recursion only when it escapes."""
    if _is_lookup_name_error(exc):
        return "Unreachable"
    if isinstance(exc, RecursionError):
        return "StackOverflow"
    return None


def _is_lookup_name_error(exc: BaseException) -> bool:
    """A NameError from looking up an undefined name (not ``raise NameError(...)``).  Under
    nearc's NLR_WASM the lookup's pending exception leaves a NULL object on the stack and the
    Wasm traps (``unreachable``), even inside ``try``; measured in Wasm mode."""
    return type(exc) is NameError and getattr(exc, "name", None) is not None


def _call(contract: _Contract, method_name: str, host: NearHost, log: LogBuffer, stream):
    """``run_frozen_fn(file, fn)`` of nearc's main.c."""
    bind = _host.bind
    shared = _shared()
    previous = bind(host)
    _running[0] = host
    saved = (sys.stdout, sys.stderr, builtins.print, sys.breakpointhook, json.loads,
             json.dumps)
    sys.stdout = sys.stderr = stream
    builtins.print = _mp_print
    sys.breakpointhook = _debugger_for(saved[0])
    json.loads, json.dumps = _mp_json_loads, _mp_json_dumps
    try:
        with _LocalImports(contract.dir):
            # the frozen module runs as __main__, without __file__ (reading it traps in Wasm)
            namespace = {"__name__": "__main__", "__builtins__": _FROZEN_BUILTINS}
            # pyexec_frozen_module: an exception escaping the module body is printed (through
            # mp_plat_print: cooked, "\r\n") and the call goes on; SystemExit silently
            try:
                exec(contract.code, namespace)  # noqa: S102
            except HostAbort:
                raise
            except SystemExit:
                pass
            except BaseException as exc:  # noqa: BLE001  mirrors MicroPython's handler
                if _wasm_trap_for(exc):
                    raise _trap(host, _wasm_trap_for(exc)) from None
                _print_exception(exc, contract, log, cooked=True)
            # mp_load_name + mp_call_function_0; uncaught -> handle_uncaught_exception:
            # mp_obj_print_exception(&mp_stderr_print) (raw), NEAR_ABORT() = printf + panic()
            fn = namespace.get(method_name, vars(builtins).get(method_name))
            if fn is None:  # mp_load_name's NameError leaves NULL: the Wasm traps
                raise _trap(host, "Unreachable")
            try:
                fn()
            except HostAbort:
                raise
            except BaseException as exc:  # noqa: BLE001
                if _wasm_trap_for(exc):
                    raise _trap(host, _wasm_trap_for(exc)) from None
                _print_exception(exc, contract, log, cooked=False)
                log.flush()
                log.write_bytes(NEAR_ABORT_LINE)
                log.flush()
                host.panic()  # -> "Smart contract panicked: explicit guest panic"
            log.flush()
    finally:
        (sys.stdout, sys.stderr, builtins.print, sys.breakpointhook, json.loads,
         json.dumps) = saved
        bind(previous)
        _running[0] = None
        shared.restore()


last_exception = None
"""The last exception that escaped a contract method or module body in CPython mode (the logs
only hold MicroPython's short traceback).  For debugging: ``pdb.post_mortem(
last_exception.__traceback__)`` or ``traceback.print_exception(last_exception)``."""


def _debugger_for(terminal):
    """``breakpoint()`` inside a contract (CPython mode only: MicroPython has no debugger, the
    Wasm traps on the unknown name): pdb talks to the streams of the caller (``terminal``), not
    to the contract's stdout, which goes to the logs.  Under pytest, run with ``-s``."""

    def hook(*args, **kwargs):
        if os.environ.get("PYTHONBREAKPOINT") == "0":
            return
        import pdb  # noqa: T100  the point of this hook

        debugger = pdb.Pdb(stdin=sys.stdin, stdout=terminal)
        debugger.set_trace(sys._getframe(1))
        return

    return hook


def _trap(host: NearHost, kind: str) -> HostAbort:
    host._abort = _trap_abort(kind)
    return host._abort


def _print_exception(exc: BaseException, contract: _Contract, log: LogBuffer,
                     cooked: bool) -> None:
    global last_exception
    last_exception = exc
    tb = exc.__traceback__
    # drop this module's own frames (run_frozen_fn is C in the Wasm)
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    text = format_mp_exception(exc, tb, contract)
    if cooked:
        text = text.replace("\n", "\r\n")
    log.write_bytes(text.encode("utf-8", "surrogatepass"))
