"""Promise host functions: TV24 (creation gas), TV10 (joint promises), TV19 (balance
visibility), docs/protocol.md 2.7 fee helpers, refund_to, yields (docs/protocol.md 2.8), weights
through the outcome."""

import pytest
from vmhelpers import C, F, context, make_logic, read_mem, utf8, write_reg

from near_safe.testing._types import FunctionCall, Transfer
from near_safe.testing.params import NEAR, TGAS
from near_safe.testing.vm.logic import VMLogicError

BOB, M, AMOUNT, ME = 0, 50, 100, 200  # memory layout: "bob.near", "m", u128, "alice.near"


def setup(**kw):
    lg = make_logic(context(**kw))
    lg.memory.write(BOB, b"bob.near")
    lg.memory.write(M, b"m")
    lg.memory.write(ME, b"alice.near")
    return lg


def amount(lg, v):
    lg.memory.write(AMOUNT, v.to_bytes(16, "little"))


def err(fn, *args):
    with pytest.raises(VMLogicError) as e:
        fn(*args)
    return e.value.error


def test_tv24_promise_create_gas():
    lg = setup()
    amount(lg, 0)
    G = 7 * TGAS
    b0, u0 = lg.gas_counter.burnt, lg.gas_counter.used_gas
    p = lg.promise_create(8, BOB, 1, M, 0, 0, AMOUNT, G)
    fc, arc = F["function_call_base"], F["action_receipt_creation"]
    per_byte = F["function_call_per_byte"]
    # promise_batch_create: base + read(8) + utf8(8) + action_receipt_creation.send
    # promise_batch_action_function_call: base + read u128 + read(1) + read(0)
    #   + function_call send + 1 byte send (not sir)
    expected_burnt = (C["base"] + read_mem(8) + utf8(8) + arc.send_not_sir
                      + C["base"] + read_mem(16) + read_mem(1) + read_mem(0)
                      + fc.send_not_sir + 1 * per_byte.send_not_sir)
    assert lg.gas_counter.burnt - b0 == expected_burnt == 324_615_628_955  # TV24's figure
    reserved = arc.execution + fc.execution + 1 * per_byte.execution
    assert reserved == 888_061_735_934  # TV24's figure
    assert lg.gas_counter.used_gas - u0 == expected_burnt + reserved + G
    out = lg.outcome()
    assert p == 0 and out.new_receipts[0].receiver_id == "bob.near"
    assert out.new_receipts[0].actions == [FunctionCall("m", b"", G, 0, 0)]


def test_tv24_promise_then_receipt_part():
    # callback receiver = current account (sir), dependency on bob.near (not sir)
    lg = setup()
    amount(lg, 0)
    p = lg.promise_batch_create(8, BOB)
    b0, u0 = lg.gas_counter.burnt, lg.gas_counter.used_gas
    lg.promise_batch_then(p, 10, ME)
    arc, drc = F["action_receipt_creation"], F["data_receipt_creation_base"]
    receipt_part = arc.send_sir + drc.send_not_sir + drc.execution
    assert receipt_part == 181_032_964_624  # TV24's figure
    assert lg.gas_counter.burnt - b0 == C["base"] + read_mem(10) + utf8(10) + receipt_part
    assert lg.gas_counter.used_gas - u0 - (lg.gas_counter.burnt - b0) == arc.execution
    assert lg.outcome().new_receipts[1].input_receipt_indices == [0]


def test_tv10_joint_promise_cost_and_errors():
    lg = setup()
    p1 = lg.promise_batch_create(8, BOB)
    p2 = lg.promise_batch_create(8, BOB)
    lg.memory.write(300, p1.to_bytes(8, "little") + p2.to_bytes(8, "little"))
    b0 = lg.gas_counter.burnt
    j = lg.promise_and(300, 2)
    assert lg.gas_counter.burnt - b0 == (C["base"] + C["promise_and_base"]
                                         + C["promise_and_per_promise"] * 16 + read_mem(16))
    cb = lg.promise_batch_then(j, 10, ME)
    assert lg.receipts[lg.promises[cb][1]].input_receipt_indices == [0, 1]
    amount(lg, 1)
    e = err(lg.promise_batch_action_transfer, j, AMOUNT)
    assert e.detail == "CannotAppendActionToJointPromise"
    assert err(lg.promise_return, j).detail == "CannotReturnJointPromise"
    assert err(lg.promise_set_refund_to, j, 10, ME).detail == "CannotSetRefundToOnJointPromise"
    # promise_and flattens nested joins
    lg.memory.write(400, j.to_bytes(8, "little") + p1.to_bytes(8, "little"))
    j2 = lg.promise_and(400, 2)
    assert lg.promises[j2] == ("and", [0, 1, 0])


def test_tv19_balance_visibility_and_balance_exceeded():
    lg = setup(account_balance=10 * NEAR, attached_deposit=1 * NEAR)
    lg.account_balance(500)
    assert int.from_bytes(lg.memory.read(500, 16), "little") == 11 * NEAR
    p = lg.promise_batch_create(8, BOB)
    amount(lg, 2 * NEAR)
    lg.promise_batch_action_transfer(p, AMOUNT)
    lg.account_balance(500)
    assert int.from_bytes(lg.memory.read(500, 16), "little") == 9 * NEAR
    amount(lg, 12 * NEAR)
    e = err(lg.promise_batch_action_transfer, p, AMOUNT)
    assert (e.detail, e.message) == ("BalanceExceeded", "Exceeded the account balance.")
    e = err(lg.promise_batch_action_function_call, p, 1, M, 0, 0, AMOUNT, 0)
    assert e.detail == "BalanceExceeded"
    out = lg.outcome()
    assert out.balance == 9 * NEAR
    assert out.new_receipts[0].actions == [Transfer(2 * NEAR)]


def test_transfer_fee_to_implicit_accounts():
    # docs/protocol.md 2.7: NEAR-implicit = transfer + create_account + add_full_access_key
    lg = setup()
    implicit = "a" * 64
    lg.memory.write(600, implicit.encode())
    p = lg.promise_batch_create(64, 600)
    amount(lg, 1)
    b0, u0 = lg.gas_counter.burnt, lg.gas_counter.used_gas
    lg.promise_batch_action_transfer(p, AMOUNT)
    names = ("transfer", "create_account", "add_full_access_key")
    send = sum(F[n].send_not_sir for n in names)
    assert lg.gas_counter.burnt - b0 == C["base"] + read_mem(16) + send
    assert lg.gas_counter.used_gas - u0 - (lg.gas_counter.burnt - b0) == \
        sum(F[n].execution for n in names)


def test_promise_errors():
    lg = setup()
    amount(lg, 0)
    assert err(lg.promise_batch_action_create_account, 5).detail == "InvalidPromiseIndex"
    assert err(lg.promise_batch_action_create_account, 5).message == \
        "5 does not correspond to existing promises"
    p = lg.promise_batch_create(8, BOB)
    assert err(lg.promise_batch_action_function_call, p, 0, M, 0, 0, AMOUNT, 1).detail == \
        "EmptyMethodName"
    lg.memory.write(700, b"Not Valid!")
    assert err(lg.promise_batch_create, 10, 700).detail == "InvalidAccountId"
    lg.memory.write(720, b"\xff\xfe")
    assert err(lg.promise_batch_create, 2, 720).detail == "BadUTF8"
    assert err(lg.promise_result, 0, 0).detail == "InvalidPromiseResultIndex"


def test_attached_gas_over_prepaid_is_gas_exceeded():
    from near_safe.testing.vm.gas import GasError
    lg = setup(prepaid_gas=10 * TGAS)
    amount(lg, 0)
    p = lg.promise_batch_create(8, BOB)
    with pytest.raises(GasError) as e:
        lg.promise_batch_action_function_call(p, 1, M, 0, 0, AMOUNT, 20 * TGAS)
    assert e.value.kind == "GasExceeded"
    # and through call_host it is an abort with nearcore's message
    lg2 = setup(prepaid_gas=10 * TGAS)
    amount(lg2, 0)
    p = lg2.promise_batch_create(8, BOB)
    with pytest.raises(VMLogicError) as e2:
        lg2.call_host("promise_batch_action_function_call", p, 1, M, 0, 0, AMOUNT, 20 * TGAS)
    assert e2.value.error.kind == "GasExceeded"
    assert e2.value.error.message == "Exceeded the prepaid gas."


def test_weighted_calls_get_the_unused_gas_in_the_outcome():
    # docs/protocol.md 5.5: after the call, unused = prepaid - used is distributed by weight
    lg = setup(prepaid_gas=100 * TGAS)
    amount(lg, 0)
    p1 = lg.promise_batch_create(8, BOB)
    lg.promise_batch_action_function_call_weight(p1, 1, M, 0, 0, AMOUNT, 1 * TGAS, 1)
    p2 = lg.promise_batch_create(8, BOB)
    lg.promise_batch_action_function_call_weight(p2, 1, M, 0, 0, AMOUNT, 0, 3)
    used = lg.gas_counter.used_gas
    out = lg.outcome()
    unused = 100 * TGAS - used
    a1, a2 = out.new_receipts[0].actions[0], out.new_receipts[1].actions[0]
    assert a1.gas == 1 * TGAS + unused * 1 // 4
    assert a2.gas == unused - unused * 1 // 4
    assert out.used_gas == 100 * TGAS  # nothing left to refund


def test_promise_results_and_return():
    lg = setup(promise_results=[b"42", None, b""])
    assert lg.promise_results_count() == 3
    assert lg.promise_result(0, 1) == 1 and lg.registers[1] == b"42"
    assert lg.promise_result(1, 2) == 2 and lg.register_len(2) == 2**64 - 1
    assert lg.promise_result(2, 3) == 1 and lg.registers[3] == b""
    p = lg.promise_batch_create(8, BOB)
    b0 = lg.gas_counter.burnt
    lg.promise_return(p)
    assert lg.gas_counter.burnt - b0 == C["base"] + C["promise_return"]  # TV9
    assert lg.outcome().return_data == ("receipt", 0)


def test_refund_to_and_batch_actions():
    from near_safe.testing._types import (
        AddKey,
        CreateAccount,
        DeleteAccount,
        DeleteKey,
        DeployContract,
    )
    lg = setup()
    p = lg.promise_batch_create(8, BOB)
    lg.promise_set_refund_to(p, 10, ME)
    lg.promise_batch_action_create_account(p)
    lg.memory.write(800, b"\0asm")
    lg.promise_batch_action_deploy_contract(p, 4, 800)
    pk = b"\0" + b"\5" * 32
    lg.memory.write(900, pk)
    lg.promise_batch_action_add_key_with_full_access(p, 33, 900, 7)
    amount(lg, 0)
    lg.memory.write(1000, b"a,bc")
    b0, u0 = lg.gas_counter.burnt, lg.gas_counter.used_gas
    lg.promise_batch_action_add_key_with_function_call(p, 33, 900, 1, AMOUNT, 10, ME, 4, 1000)
    nbytes = (1 + 1) + (2 + 1)  # sum(len(name) + 1)
    fb, fpb = F["add_function_call_key_base"], F["add_function_call_key_per_byte"]
    assert lg.gas_counter.burnt - b0 == (C["base"] + read_mem(33) + read_mem(16) + read_mem(10)
                                         + utf8(10) + read_mem(4) + fb.send_not_sir
                                         + fpb.send_not_sir * nbytes)
    assert lg.gas_counter.used_gas - u0 - (lg.gas_counter.burnt - b0) == \
        fb.execution + fpb.execution * nbytes
    lg.promise_batch_action_delete_key(p, 33, 900)
    lg.promise_batch_action_delete_account(p, 10, ME)
    r = lg.outcome().new_receipts[0]
    assert r.refund_to == "alice.near"
    kinds = [type(a) for a in r.actions]
    assert kinds == [CreateAccount, DeployContract, AddKey, AddKey, DeleteKey, DeleteAccount]
    fk = r.actions[3].access_key
    assert (fk.allowance, fk.receiver_id, fk.method_names) == (None, "alice.near", ["a", "bc"])
    lg.memory.write(1100, b"\3" + b"\0" * 32)
    assert err(lg.promise_batch_action_delete_key, p, 33, 1100).detail == "InvalidPublicKey"


def test_yield_create_and_resume():
    lg = setup()
    b0 = lg.gas_counter.burnt
    u0 = lg.gas_counter.used_gas
    G = 5 * TGAS
    p = lg.promise_yield_create(1, M, 0, 0, G, 0, 4)
    data_id = lg.registers[4]
    assert len(data_id) == 32
    arc, drc = F["action_receipt_creation"], F["data_receipt_creation_base"]
    fc, fpb = F["function_call_base"], F["function_call_per_byte"]
    burn = (C["base"] + C["yield_create_base"] + read_mem(1) + read_mem(0)
            + C["yield_create_byte"] * 1 + arc.send_sir + drc.send_sir + drc.execution
            + fc.send_sir + fpb.send_sir * 1 + write_reg(32))
    assert lg.gas_counter.burnt - b0 == burn
    assert lg.gas_counter.used_gas - u0 == burn + G + arc.execution + fc.execution \
        + fpb.execution
    lg.memory.write(1200, data_id)
    lg.memory.write(1300, b"payload")
    assert lg.promise_yield_resume(32, 1200, 7, 1300) == 1
    lg.memory.write(1400, b"\x09" * 32)
    assert lg.promise_yield_resume(32, 1400, 7, 1300) == 0  # unknown id
    assert err(lg.promise_yield_resume, 31, 1400, 0, 0).detail == "DataIdMalformed"
    lg.memory.write(2000, b"x" * 1025)
    e = err(lg.promise_yield_resume, 32, 1200, 1025, 2000)
    assert e.detail == "YieldPayloadLength"  # TV25
    out = lg.outcome()
    r = out.new_receipts[p]
    assert r.is_yield and r.yield_data_id == data_id and r.receiver_id == "alice.near"
    assert [y.payload for y in out.yield_resumes] == [b"payload"]


def test_resume_of_a_yield_pending_in_the_runtime():
    lg = setup()
    lg.ext.pending.add(("alice.near", b"\x08" * 32))
    lg.memory.write(1200, b"\x08" * 32)
    assert lg.promise_yield_resume(32, 1200, 0, 0) == 1
