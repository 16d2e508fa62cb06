"""The ``near`` module of nearc's ``modnear.c``, on VMLogic's host functions (CPython mode).

:class:`NearHost` is bound as ``near`` for one call.  See the package docstring for what it
mirrors (argument conversions, NLR_WASM's pending exceptions, host aborts).  CPython only.
"""

from __future__ import annotations

from ..._types import FunctionCallError
from .._pymemory import ScratchMemory
from ..gas import GasError, IntegerOverflow
from ..logic import VMLogicError, host_error
from ._mpport import charge_obj, mp_size

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
_LAST_WINS = [True]  # nearc's port: a later raise replaces the pending one (near_safe's: the first wins)


def _pend(exc: BaseException) -> None:
    """``mp_raise_*`` under NLR_WASM: record ``exc`` as pending (on nearc's port it replaces
    an earlier one; on near_safe's patched port the first one raised stays)."""
    if _LAST_WINS[0] or _PENDING[0] is None:
        _PENDING[0] = exc


def _mp_obj_get_int(value) -> int:
    """``mp_obj_get_int`` on the 32-bit port: bool or int that fits a C ``int``; on error the
    exception is pending and the value is 0."""
    t = type(value)
    if t is int or t is bool:
        if _MP_INT_MIN <= value <= _MP_INT_MAX:
            return int(value)
        _pend(OverflowError("overflow converting long int to machine word"))
        return 0
    _pend(TypeError(f"can't convert {t.__name__} to int"))
    return 0


def _as_u64(c_int: int) -> int:
    """A C ``int`` passed as ``uint64_t`` (sign-extended)."""
    return c_int & U64


def _mp_int_to_u128(value) -> int:
    """``mp_int_to_u128``: any int (not bool), two's complement modulo 2**128; else 0."""
    if type(value) is not int:
        _pend(TypeError("Input must be an integer"))
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
    _pend(TypeError("A str value is required"))
    return b""


def _bytes_data(value) -> bytes:
    if type(value) is bytes:
        return value
    _pend(TypeError("A bytes value is required"))
    return b""


def _str_or_bytes_data(value) -> bytes:
    t = type(value)
    if t is str:
        return value.encode("utf-8", "surrogatepass")
    if t is bytes:
        return value
    _pend(TypeError("A str or bytes value is required"))
    return b""


def _new_str(data: bytes):
    """``mp_obj_new_str`` with MICROPY_PY_BUILTINS_STR_UNICODE_CHECK: invalid UTF-8 gives a
    bare UnicodeError (pending) and NULL."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        _pend(UnicodeError())
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

    # Context API, Economics API, random_seed: made from _SIMPLE (below the class)

    # Math API
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
            _pend(TypeError("hash and sig must be bytes and malleability_flag must be bool"))
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
            _pend(TypeError("sig, msg and pub_key must be bytes"))
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

    # modnear.c binds near.log to its own C function (near_log_obj), whose body is
    # near_log_utf8_obj's
    log = log_utf8

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
            # On near_safe's port the first exception wins (measured).
            _pend(TypeError("promise_indices should be a list of promise indices"))
            if _LAST_WINS[0]:
                _pend(TypeError("Each promise index should be an integer"))
            return None
        buf = bytearray()
        for item in promise_indices:
            if type(item) is not int:  # mp_obj_is_int: small or big int, not bool
                _pend(TypeError("Each promise index should be an integer"))
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

    def promise_set_refund_to(self, promise_index, account_id, /):  # port patch 0001
        acc = _str_data(account_id)
        self._logic.promise_set_refund_to(_mp_int_to_u64(promise_index), len(acc),
                                          self._mem.put(acc))

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


def _simple(name: str, host_fn: str, result: str):
    """The near function ``name`` of _SIMPLE."""
    if result == "int":
        def fn(self, /):
            return getattr(self._logic, host_fn)()
    elif result == "u128":
        def fn(self, /):
            return self._u128_out(getattr(self._logic, host_fn))
    else:
        read = (NearHost._read_register_as_str if result == "str"
                else NearHost._read_register_as_bytes)

        def fn(self, /):
            getattr(self._logic, host_fn)(TEMP_REGISTER)
            return read(self, TEMP_REGISTER)
    fn.__name__, fn.__qualname__ = name, f"NearHost.{name}"
    return fn


#: modnear.c's functions that take no argument and call one host function, by how they return
#: its result: "str"/"bytes" read back from the temp register (read_default_temp_register_as_*),
#: "int" as returned, "u128" read from the 16 bytes it wrote.  name -> (host function, result)
_SIMPLE = {
    "current_account_id": ("current_account_id", "str"),
    "signer_account_id": ("signer_account_id", "str"),
    "signer_account_pk": ("signer_account_pk", "bytes"),
    "predecessor_account_id": ("predecessor_account_id", "str"),
    "refund_to_account_id": ("refund_to_account_id", "str"),  # near_safe's port patch 0001
    "input": ("input", "bytes"),
    "input_as_str": ("input", "bytes"),  # modnear.c returns bytes here too
    "block_height": ("block_index", "int"),  # modnear.c uses the deprecated block_index()
    "block_timestamp": ("block_timestamp", "int"),
    "epoch_height": ("epoch_height", "int"),
    "storage_usage": ("storage_usage", "int"),
    "account_balance": ("account_balance", "u128"),
    "account_locked_balance": ("account_locked_balance", "u128"),
    "attached_deposit": ("attached_deposit", "u128"),
    "prepaid_gas": ("prepaid_gas", "int"),
    "used_gas": ("used_gas", "int"),
    "random_seed": ("random_seed", "bytes"),
    "promise_results_count": ("promise_results_count", "int"),
}
for _name, (_host_fn, _result) in _SIMPLE.items():
    setattr(NearHost, _name, _simple(_name, _host_fn, _result))
del _name, _host_fn, _result


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
            if len(args) != declared and (pending is None or _LAST_WINS[0]):
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
        if type(result) is bytes or type(result) is str:
            charge_obj(result, mp_size(result))  # the heap budget (_mpport)
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


# ---------------------------------------------------------------- aborts and traps

_ABORT_TYPES = (VMLogicError, GasError, IntegerOverflow)


def _as_vm_error(error):
    """GasCounter errors raised by a host function directly become VMLogic aborts, as
    ``VMLogic.call_host`` does for the Wasm runner."""
    if isinstance(error, GasError):
        return host_error(error.kind)
    if isinstance(error, IntegerOverflow):
        return host_error("IntegerOverflow")
    return error


def _trap_abort(kind: str):
    return HostAbort(VMLogicError(FunctionCallError("WasmTrap", f"WebAssembly trap: {kind}",
                                                    kind)))


def _trap(host: NearHost, kind: str) -> HostAbort:
    host._abort = _trap_abort(kind)
    return host._abort
