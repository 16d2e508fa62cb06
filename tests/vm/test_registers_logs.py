"""Registers, logs and their limits: TV23, docs/protocol.md 2.0, 2.1, 2.5."""

import pytest
from vmhelpers import (
    U64_MAX,
    C,
    F,
    L,
    context,
    make_logic,
    read_mem,
    read_reg,
    write_mem,
    write_reg,
)

from near_safe.testing.vm.logic import VMLogicError


def err(fn, *args):
    with pytest.raises(VMLogicError) as e:
        fn(*args)
    return e.value.error


def test_register_len_of_unset_is_u64_max_and_read_fails():
    lg = make_logic()
    assert lg.register_len(3) == U64_MAX
    e = err(lg.read_register, 3, 0)
    assert (e.kind, e.detail) == ("HostError", "InvalidRegisterId")
    assert e.message == "Accessed invalid register id: 3"


def test_write_then_read_register_costs():
    lg = make_logic()
    lg.memory.write(10, b"hello")
    b0 = lg.gas_counter.burnt
    lg.write_register(1, 5, 10)
    assert lg.gas_counter.burnt - b0 == C["base"] + read_mem(5) + write_reg(5)
    b0 = lg.gas_counter.burnt
    lg.read_register(1, 100)
    assert lg.gas_counter.burnt - b0 == C["base"] + read_reg(5) + write_mem(5)
    assert lg.memory.read(100, 5) == b"hello"


def test_input_charges_only_write_register_base():
    # docs/protocol.md 2.0: protocol >= 82 set_rc_data has no per-byte cost
    lg = make_logic(context(input=b"x" * 1000))
    b0 = lg.gas_counter.burnt
    lg.input(0)
    assert lg.gas_counter.burnt - b0 == C["base"] + C["write_register_base"]
    assert lg.registers[0] == b"x" * 1000


def test_101st_log_exceeds_number_of_logs():
    lg = make_logic()
    lg.memory.write(0, b"x")
    for _ in range(L["max_number_logs"]):
        lg.log_utf8(1, 0)
    e = err(lg.log_utf8, 1, 0)
    assert e.detail == "NumberOfLogsExceeded" and e.data == {"limit": 100}


def test_total_log_length_exceeded():
    lg = make_logic()
    lg.memory.write(0, b"y" * 10_000)
    lg.log_utf8(10_000, 0)
    e = err(lg.log_utf8, L["max_total_log_length"] - 10_000 + 1, 0)
    assert e.detail == "TotalLogLengthExceeded"
    assert e.data["limit"] == 16_384


def test_log_utf8_cost_and_nul_terminated():
    lg = make_logic()
    lg.memory.write(0, b"hi\0")
    b0 = lg.gas_counter.burnt
    lg.log_utf8(2, 0)
    assert lg.gas_counter.burnt - b0 == (C["base"] + C["utf8_decoding_base"] + read_mem(2)
                                         + C["utf8_decoding_byte"] * 2 + C["log_base"]
                                         + C["log_byte"] * 2)
    lg.log_utf8(U64_MAX, 0)  # NUL-terminated
    assert lg.logs == ["hi", "hi"]


def test_log_utf16_and_bad_utf8():
    lg = make_logic()
    lg.memory.write(0, "hé".encode("utf-16-le"))
    lg.log_utf16(4, 0)
    assert lg.logs == ["hé"]
    lg.memory.write(10, b"\xff\xfe")
    assert err(lg.log_utf8, 2, 10).detail == "BadUTF8"


def test_panic_utf8_message():
    lg = make_logic()
    lg.memory.write(0, b"boom")
    e = err(lg.panic_utf8, 4, 0)
    assert (e.kind, e.message) == ("GuestPanic", "Smart contract panicked: boom")
    assert err(lg.panic).message == "Smart contract panicked: explicit guest panic"


def test_memory_access_violation():
    lg = make_logic()
    assert err(lg.log_utf8, 10, (1 << 16) - 5).detail == "MemoryAccessViolation"


def test_register_count_limit_even_when_replacing():
    # docs/protocol.md 2.0: with 100 registers set, setting ANY register fails (kept protocol bug)
    lg = make_logic()
    for i in range(L["max_number_registers"]):
        lg.write_register(i, 0, 0)
    assert err(lg.write_register, 0, 0, 0).detail == "MemoryAccessViolation"


def test_1025th_promise_exceeds_the_limit():  # TV23
    lg = make_logic(context(prepaid_gas=10**15))
    lg.memory.write(0, b"bob.near")
    for _ in range(L["max_promises_per_function_call_action"]):
        lg.promise_batch_create(8, 0)
    e = err(lg.promise_batch_create, 8, 0)
    assert e.detail == "NumberPromisesExceeded"
    assert e.data == {"number_of_promises": 1025, "limit": 1024}


def test_promise_and_over_128_receipts():  # TV23
    lg = make_logic(context(prepaid_gas=10**15))
    lg.memory.write(0, b"bob.near")
    idx = [lg.promise_batch_create(8, 0) for _ in range(129)]
    lg.memory.write(100, b"".join(i.to_bytes(8, "little") for i in idx))
    e = err(lg.promise_and, 100, 129)
    assert e.detail == "NumberInputDataDependenciesExceeded"
    assert e.data["limit"] == L["max_number_input_data_dependencies"] == 128
    # 128 is fine
    assert lg.promise_and(100, 128) == 129


def test_value_return_charges_per_data_receiver():
    # TV8: one non-sir receiver -> (send_not_sir + exec) per byte, burnt
    lg = make_logic(context(output_data_receivers=["x.near"]))
    lg.memory.write(0, b"42")
    b0 = lg.gas_counter.burnt
    lg.value_return(2, 0)
    f = F["data_receipt_creation_per_byte"]
    assert lg.gas_counter.burnt - b0 == C["base"] + read_mem(2) + 2 * (f.send_not_sir
                                                                        + f.execution)
    assert 2 * (f.send_not_sir + f.execution) == 129_791_452  # TV8's figure
    assert lg.outcome().return_data == ("value", b"42")


def test_hashes():
    import hashlib
    lg = make_logic()
    lg.memory.write(0, b"abc")
    lg.sha256(3, 0, 1)
    assert lg.registers[1] == hashlib.sha256(b"abc").digest()
    lg.keccak256(3, 0, 2)
    assert lg.registers[2].hex() == \
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    lg.ripemd160(3, 0, 3)
    assert lg.registers[3].hex() == "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"
    b0 = lg.gas_counter.burnt
    lg.ripemd160(3, 0, 3)
    blocks = (3 + 8) // 64 + 1
    assert lg.gas_counter.burnt - b0 == (C["ripemd160_base"] + read_mem(3)
                                         + C["ripemd160_block"] * blocks + write_reg(20))


def test_ed25519_verify():
    from nacl.signing import SigningKey
    sk = SigningKey(b"\1" * 32)
    sig = sk.sign(b"msg").signature
    lg = make_logic()
    lg.memory.write(0, sig)
    lg.memory.write(100, b"msg")
    lg.memory.write(200, bytes(sk.verify_key))
    assert lg.ed25519_verify(64, 0, 3, 100, 32, 200) == 1
    lg.memory.write(100, b"msh")
    assert lg.ed25519_verify(64, 0, 3, 100, 32, 200) == 0


def test_unsupported_host_function_aborts_naming_it():
    lg = make_logic()
    e = err(lg.alt_bn128_g1_sum, 0, 0, 0)
    assert e.detail == "UnsupportedHostFunction" and "alt_bn128_g1_sum" in e.message


def test_pure_python_hash_fallbacks_match():
    # used when pycryptodome / OpenSSL's legacy ripemd160 are missing
    import hashlib

    from near_safe.testing.vm._keccak import keccak
    from near_safe.testing.vm._ripemd160 import ripemd160
    for m in (b"", b"abc", b"x" * 200):
        assert ripemd160(m) == hashlib.new("ripemd160", m).digest()
    assert keccak(b"", 256).hex() == \
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak(b"", 512).hex().startswith("0eab42de4c3ceb9235fc91acffe746b29c29a8c3")


def test_ecrecover_recovers_the_signing_key():
    from near_safe.testing.vm import _secp256k1 as k1
    d, k = 0xC0FFEE1234, 0xABCDEF987654321
    h = bytes(range(32))
    rpt = k1.mul(k, k1.G)
    r = rpt[0] % k1.N
    s = pow(k, -1, k1.N) * (int.from_bytes(h, "big") + r * d) % k1.N
    v = rpt[1] & 1
    if s > k1.N // 2:  # low-s form, flips the parity
        s, v = k1.N - s, v ^ 1
    q = k1.mul(d, k1.G)
    lg = make_logic()
    lg.memory.write(0, h)
    lg.memory.write(100, r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    b0 = lg.gas_counter.burnt
    assert lg.ecrecover(32, 0, 64, 100, v, 1, 5) == 1
    assert lg.registers[5] == q[0].to_bytes(32, "big") + q[1].to_bytes(32, "big")
    assert lg.gas_counter.burnt - b0 == C["ecrecover_base"] + read_mem(64) + read_mem(32) \
        + write_reg(64)
    assert lg.ecrecover(32, 0, 64, 100, v ^ 1, 1, 6) in (0, 1)  # other key or none
    assert lg.registers.get(6) != lg.registers[5]
    assert err(lg.ecrecover, 32, 0, 64, 100, 4, 0, 0).detail == "ECRecoverError"
