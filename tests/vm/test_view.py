"""View calls (docs/protocol.md 2.0): the listed host functions abort with ProhibitedInView{name};
the others work; prepaid gas is unlimited and only max_gas_burnt_view applies."""

import pytest
from vmhelpers import C, L, context, make_logic

from near_safe.testing.vm.gas import U64_MAX
from near_safe.testing.vm.logic import VMLogicError

# (host function, args) - every one is prohibited in a view, by the same name
PROHIBITED = [
    ("signer_account_id", (0,)), ("signer_account_pk", (0,)),
    ("predecessor_account_id", (0,)), ("refund_to_account_id", (0,)),
    ("prepaid_gas", ()), ("used_gas", ()),
    ("storage_write", (1, 0, 1, 0, 0)), ("storage_remove", (1, 0, 0)),
    ("promise_batch_create", (8, 0)), ("promise_batch_then", (0, 8, 0)),
    ("promise_and", (0, 0)), ("promise_results_count", ()), ("promise_result", (0, 0)),
    ("promise_return", (0,)), ("promise_set_refund_to", (0, 8, 0)),
    ("promise_yield_create", (1, 0, 0, 0, 0, 0, 0)), ("promise_yield_resume", (32, 0, 0, 0)),
    ("promise_batch_action_create_account", (0,)),
    ("promise_batch_action_deploy_contract", (0, 0, 0)),
    ("promise_batch_action_function_call", (0, 1, 0, 0, 0, 0, 0)),
    ("promise_batch_action_function_call_weight", (0, 1, 0, 0, 0, 0, 0, 1)),
    ("promise_batch_action_transfer", (0, 0)),
    ("promise_batch_action_stake", (0, 0, 33, 0)),
    ("promise_batch_action_add_key_with_full_access", (0, 33, 0, 0)),
    ("promise_batch_action_add_key_with_function_call", (0, 33, 0, 0, 0, 8, 0, 0, 0)),
    ("promise_batch_action_delete_key", (0, 33, 0)),
    ("promise_batch_action_delete_account", (0, 8, 0)),
]


@pytest.mark.parametrize("name, args", PROHIBITED)
def test_prohibited_in_view(name, args):
    lg = make_logic(context(is_view=True))
    lg.memory.write(0, b"bob.near")
    with pytest.raises(VMLogicError) as e:
        getattr(lg, name)(*args)
    err = e.value.error
    assert (err.kind, err.detail) == ("HostError", "ProhibitedInView")
    # nearcore names the batch function for promise_batch_action_function_call(_weight)
    expected = "promise_batch_action_function_call" if name.startswith(
        "promise_batch_action_function_call") else name
    assert err.data == {"method_name": expected}


def test_allowed_in_view():
    lg = make_logic(context(is_view=True, input=b"{}", attached_deposit=0))
    lg.memory.write(0, b"k")
    assert lg.storage_read(1, 0, 0) == 0
    assert lg.storage_has_key(1, 0) == 0
    lg.input(1)
    lg.value_return(1, 0)
    lg.log_utf8(1, 0)
    lg.account_balance(100)
    lg.attached_deposit(100)
    lg.current_account_id(2)
    assert lg.block_index() == 100
    out = lg.outcome()
    assert out.aborted is None and out.return_data == ("value", b"k") and out.logs == ["k"]


def test_view_gas_is_bounded_by_max_gas_burnt_view_only():
    lg = make_logic(context(is_view=True, prepaid_gas=0))
    assert lg.gas_counter.prepaid == U64_MAX
    assert lg.gas_counter.gas_limit == L["max_gas_burnt_view"]
    lg.block_index()  # would exceed a prepaid of 0 in a call
    assert lg.gas_counter.burnt == C["base"]
