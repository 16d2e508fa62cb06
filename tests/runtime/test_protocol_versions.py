"""Runtime(protocol=N): versioned parameters and the behaviours that differ between the
supported protocol versions (docs/protocol.md section 8).

The spot values are copied from nearcore's resolved configuration snapshots
(core/parameters/src/snapshots/near_parameters__config_store__tests__N.json.snap) and diff
files (core/parameters/res/runtime_configs/N.yaml): they check that the base-plus-diffs table
in params.py resolves to what nearcore runs.  Behaviour tests compute their figures from the
selected config."""

import pytest
from rtwat import Wat

from near_safe.errors import RuntimeSimError
from near_safe.testing import NEAR, TGAS, Config, Runtime, params

# (version, snapshot field, value): one row per fact read from nearcore
SNAPSHOT_FACTS = [
    (73, ("ext_costs", "touching_trie_node"), 16_101_955_926),  # snapshot 73
    (73, ("limits", "max_gas_burnt"), 300 * TGAS),  # snapshot 73
    (73, ("limits", "max_total_prepaid_gas"), 300 * TGAS),  # snapshot 73
    (73, ("pessimistic_gas_price_inflation",), (103, 100)),  # snapshot 73
    (73, ("burnt_gas_reward",), (3, 10)),  # snapshot 73
    (73, ("limits", "max_functions_number_per_contract"), 10_000),  # snapshot 73
    (73, ("limits", "max_locals_per_contract"), 1_000_000),  # snapshot 73
    (82, ("ext_costs", "touching_trie_node"), 2_280_000_000),  # snapshot 82 (81.yaml)
    (82, ("pessimistic_gas_price_inflation",), (1, 1)),  # snapshot 82 (78.yaml)
    (82, ("limits", "max_gas_burnt"), 300 * TGAS),  # snapshot 82
    (83, ("limits", "max_gas_burnt"), 10**15),  # snapshot 83 (83.yaml)
    (83, ("limits", "max_deploy_actions_per_receipt"), 100),  # snapshot 83
    (84, ("limits", "max_deploy_actions_per_receipt"), 10),  # snapshot 84
    (84, ("ext_costs", "linear_op_base_cost"), 26_328_192),  # snapshot 84 (84.yaml)
    (84, ("limits", "max_function_body_size"), 196_608),  # snapshot 84
    (84, ("action_fees", "create_account"), params.Fee(3_850_000_000_000, 3_850_000_000_000,
                                                       3_850_000_000_000)),  # snapshot 84
    (84, ("min_gas_purchase_price",), 0),  # snapshot 84
    (85, ("action_fees", "create_account"), params.Fee(500_000_000_000, 500_000_000_000,
                                                       7_200_000_000_000)),  # snapshot 85
    (85, ("min_gas_purchase_price",), 1_000_000_000),  # snapshot 85
    (85, ("account_creation_charge",), 7_000_000_000_000_000_000_000),  # snapshot 85
    (85, ("burnt_gas_reward",), (3, 10)),  # snapshot 85
    (87, ("burnt_gas_reward",), (0, 1)),  # snapshot 87 (87.yaml)
    (87, ("limits", "max_receipt_total_input_size"), 4_194_944),  # 87.yaml
    (87, ("limits", "min_contract_size_per_local"), 2),  # 87.yaml
    (88, ("limits", "max_globals_per_contract"), 65_536),  # 88.yaml
    (88, ("burnt_gas_reward",), (0, 1)),
]


@pytest.mark.parametrize("version,path,value", SNAPSHOT_FACTS)
def test_resolved_parameters_match_nearcore(version, path, value):
    cfg = Config.for_protocol(version)
    got = getattr(cfg, path[0])
    for key in path[1:]:
        got = got[key]
    assert got == value


def test_every_supported_version_resolves_and_runtime_takes_it():
    for version in params.SUPPORTED_PROTOCOLS:
        rt = Runtime(protocol=version)
        assert rt.config.protocol_version == version
        assert rt.config.action_fees["function_call_base"].execution == 780_000_000_000


def test_an_unsupported_version_names_the_supported_ones():
    with pytest.raises(RuntimeSimError) as info:
        Runtime(protocol=80)
    message = str(info.value)
    assert "80" in message
    for version in params.SUPPORTED_PROTOCOLS:
        assert str(version) in message
    with pytest.raises(ValueError, match="73, 82"):
        Config.for_protocol(100)


def test_protocol_and_a_config_of_another_version_conflict():
    with pytest.raises(RuntimeSimError, match="with_protocol"):
        Runtime(protocol=73, config=Config.for_protocol(84))
    assert Runtime(protocol=73, config=Config.for_protocol(73)).config.protocol_version == 73


def test_with_protocol_keeps_the_other_knobs_and_an_explicit_field_is_kept():
    cfg = Config(gas_price=5 * 10**8, genesis_time_ns=7).with_protocol(73)
    assert (cfg.gas_price, cfg.genesis_time_ns, cfg.protocol_version) == (5 * 10**8, 7, 73)
    assert cfg.ext_costs["touching_trie_node"] == 16_101_955_926
    ext = dict(Config.for_protocol(73).ext_costs, touching_trie_node=1)
    assert Config(protocol_version=73, ext_costs=ext).ext_costs["touching_trie_node"] == 1


def test_default_is_the_declared_default_version():
    assert Config().protocol_version == params.DEFAULT_PROTOCOL
    assert Runtime().config.protocol_version == params.DEFAULT_PROTOCOL
    assert params.EXT_COSTS == Config().ext_costs


# ------------------------------------------------------------------ behaviour per version


def _before_82(wat_text: str) -> str:
    """rtwat's modules import promise_set_refund_to, which nearcore links only from 82 (see
    test_promise_set_refund_to_links_only_from_82): drop that import for older versions."""
    return "\n".join(line for line in wat_text.splitlines()
                     if '"promise_set_refund_to"' not in line)


def _writer():
    w = Wat()
    w.method("put", f"(drop (call $storage_write {w.s('k')} {w.s('v')} (i64.const 0)))")
    w.method("echo", """(call $input (i64.const 0))
      (call $value_return (i64.const -1) (i64.const 0))""")
    return _before_82(w.build())


def test_a_storage_write_pays_the_versions_trie_node_price():
    """81.yaml: touching_trie_node 16.1 Ggas -> 2.28 Ggas; the same write differs between 73
    and 84 by a whole number (>= 1) of nodes times the price difference, nothing else."""
    burnt = {}
    for v in (73, 84):
        rt = Runtime(protocol=v)
        c = rt.deploy("c.near", _writer(), balance=10 * NEAR)
        user = rt.create_account("u.near", balance=10 * NEAR)
        burnt[v] = user.call(c, "put", gas=100 * TGAS).receipts[0].vm_gas_burnt
    cfg73, cfg84 = Config.for_protocol(73), Config.for_protocol(84)
    per_node = cfg73.ext_costs["touching_trie_node"] - cfg84.ext_costs["touching_trie_node"]
    nodes, rest = divmod(burnt[73] - burnt[84], per_node)
    assert rest == 0 and nodes >= 1


def test_input_pays_per_byte_only_before_82():
    """logic.rs `input`: charge_bytes_gas = !deterministic_account_ids (snapshot 82)."""
    args = b"x" * 1000
    burnt = {}
    for v in (73, 82):
        rt = Runtime(protocol=v)
        c = rt.deploy("c.near", _writer(), balance=10 * NEAR)
        user = rt.create_account("u.near", balance=10 * NEAR)
        burnt[v] = user.call(c, "echo", args, gas=100 * TGAS).receipts[0].vm_gas_burnt
    byte = Config.for_protocol(73).ext_costs["write_register_byte"]
    assert burnt[73] - burnt[82] == byte * len(args)


def test_the_300_tgas_limit_before_83():
    for version, limit in ((73, 300 * TGAS), (82, 300 * TGAS), (83, 10**15), (88, 10**15)):
        rt = Runtime(protocol=version)
        alice = rt.create_account("alice.near", balance=100 * NEAR)
        with pytest.raises(Exception, match="TotalPrepaidGasExceeded"):
            alice.submit("bob.near", "hello", gas=limit + 1)
        alice.submit("bob.near", "hello", gas=limit)


@pytest.mark.parametrize("version", [84, 87])
def test_the_contract_reward_is_30_percent_until_87(version):
    rt = Runtime(protocol=version)
    c = rt.deploy("c.near", _writer(), balance=10 * NEAR)
    user = rt.create_account("u.near", balance=10 * NEAR)
    before = c.balance
    r = user.call(c, "put", gas=100 * TGAS).receipts[0]
    num, den = rt.config.burnt_gas_reward
    expected = (r.vm_gas_burnt * num // den) * rt.config.gas_price
    assert r.contract_reward == expected
    assert (expected > 0) == (version < 87)
    assert c.balance - before == expected


# ------------------------------------------------------------------ buying and burning gas


def _inflated(price, hops, num=103, den=100):
    """config.rs ``safe_gas_price_inflated``: price x (num/den)^hops, rounded up."""
    return (num**hops * price + den**hops - 1) // den**hops


def _signer_cost(rt, user):
    c = rt.deploy("c.near", _writer(), balance=10 * NEAR)
    before = user.balance
    out = user.call(c, "put", gas=100 * TGAS)
    return out, before - user.balance


def test_before_78_gas_is_bought_at_the_pessimistically_inflated_price():
    """73: the receipt's gas is bought at price x 1.03^hops (config.rs tx_cost), so the signer
    must hold far more than the gas will cost; the difference comes back with the refund and
    the signer's net cost is what was burnt, at the block's price."""
    rt = Runtime(protocol=73)
    cfg = rt.config
    fees = cfg.action_fees
    min_gas = sum(min(f.send_sir, f.send_not_sir) + f.execution
                  for f in (fees["action_receipt_creation"], fees["function_call_base"]))
    hops = 1 + (100 * TGAS) // min_gas
    purchase = _inflated(cfg.gas_price, hops)
    assert purchase > 10 * cfg.gas_price  # 1.03^84: the sandbox's famous 12x
    user = rt.create_account("u.near", balance=10 * NEAR)
    out, spent = _signer_cost(rt, user)
    assert out.status == "success"
    burnt_at_block_price = sum(r.gas_burnt for r in out.receipts if not r.is_refund) \
        * cfg.gas_price + out.conversion_tokens_burnt
    assert spent == burnt_at_block_price
    refunds = [r for r in out.receipts if r.is_refund]
    # the unused gas at the purchase price, and the price difference of the burnt gas
    work = [r for r in out.receipts if not r.is_refund]
    prepaid = 100 * TGAS + fees["action_receipt_creation"].execution \
        + fees["function_call_base"].execution \
        + fees["function_call_per_byte"].execution * len("put")
    unused = prepaid - work[0].gas_burnt
    assert sum(r.deposit for r in refunds) == unused * purchase \
        + work[0].gas_burnt * (purchase - cfg.gas_price)


def test_before_78_a_signer_without_the_inflated_cost_is_refused():
    rt73, rt84 = Runtime(protocol=73), Runtime(protocol=84)
    # a balance that covers 100 Tgas at the block price but not at the inflated one
    balance = 100 * TGAS * rt84.config.gas_price * 3
    for rt, ok in ((rt84, True), (rt73, False)):
        c = rt.deploy("c.near", _writer(), balance=10 * NEAR)
        user = rt.create_account("u.near", balance=balance)
        if ok:
            assert user.call(c, "put", gas=100 * TGAS).status == "success"
        else:
            with pytest.raises(Exception, match="NotEnoughBalance"):
                user.call(c, "put", gas=100 * TGAS)


def test_from_85_gas_is_bought_at_the_minimum_purchase_price_and_the_difference_refunded():
    """NEP-642 (snapshot 85 min_gas_purchase_price; lib.rs gas_burn_price, price_surplus): a
    plain transfer burns at the block price; the surplus of the purchase price comes back as a
    gas refund, which at 84 does not exist."""
    for version in (84, 85):
        rt = Runtime(protocol=version)
        cfg = rt.config
        alice = rt.create_account("alice.near", balance=10 * NEAR)
        bob = rt.create_account("bob.near", balance=0)
        before = alice.balance
        out = alice.transfer(bob, 1 * NEAR)
        receipt = [r for r in out.receipts if not r.is_refund][0]
        refunds = [r for r in out.receipts if r.is_refund]
        assert receipt.tokens_burnt == receipt.gas_burnt * cfg.gas_price
        spent = before - alice.balance - 1 * NEAR
        assert spent == out.conversion_tokens_burnt + receipt.tokens_burnt
        if version == 84:
            assert not refunds
        else:
            assert cfg.min_gas_purchase_price > cfg.gas_price
            assert len(refunds) == 1
            surplus = (cfg.min_gas_purchase_price - cfg.gas_price) * receipt.gas_burnt
            assert refunds[0].deposit == surplus


def test_from_85_creating_an_account_costs_the_account_creation_charge():
    """NEP-642: account_creation_charge (0.007 NEAR) less the create_account execution fee
    already burnt is taken out of the refund and burnt (lib.rs refund_unspent_gas_and_deposits)."""
    from near_safe.testing import CreateAccount, Transfer

    spent = {}
    for version in (84, 85):
        rt = Runtime(protocol=version)
        cfg = rt.config
        alice = rt.create_account("alice.near", balance=10 * NEAR)
        before = alice.balance
        out = alice.execute("sub.alice.near", [CreateAccount(), Transfer(deposit=1 * NEAR)])
        assert out.status == "success" and rt.exists("sub.alice.near")
        receipt = [r for r in out.receipts if not r.is_refund][0]
        charge = receipt.tokens_burnt - receipt.gas_burnt * cfg.gas_price
        spent[version] = before - alice.balance - 1 * NEAR
        assert spent[version] == out.conversion_tokens_burnt + receipt.tokens_burnt
        if version == 84:
            assert charge == 0
        else:
            expected = (cfg.account_creation_charge
                        - cfg.action_fees["create_account"].execution * cfg.gas_price)
            assert charge == expected > 0
    # 85 also changed the create_account fees: 0.5 Tgas send, 7.2 Tgas execution
    assert spent[85] > spent[84]


# ------------------------------------------------------------------ 87: empty method names


def test_from_87_an_empty_method_name_is_refused_at_validation():
    """RejectEmptyMethodName => 87 (action_validation.rs validate_function_call_action): the
    transaction is invalid with FunctionCallEmptyMethodName; before, the receipt runs and the
    VM fails it with MethodEmptyName."""
    for version in (84, 87, 88):
        rt = Runtime(protocol=version)
        c = rt.deploy("c.near", _writer(), balance=10 * NEAR)
        user = rt.create_account("u.near", balance=10 * NEAR)
        if version < 87:
            out = user.call(c, "", gas=10 * TGAS)
            assert out.status == "failure"
            assert out.final_failure.detail == "MethodEmptyName"
        else:
            with pytest.raises(Exception, match="FunctionCallEmptyMethodName"):
                user.call(c, "", gas=10 * TGAS)


# ------------------------------------------------------------------ 87: promise input size


def _fan_out(size):
    """fan: two self-calls returning ``size`` zero bytes each, joined, then cb (records
    that it ran)."""
    from rtwat import store_i64

    w = Wat()
    w.method("big", f"(call $value_return (i64.const {size}) (i64.const 131072))")
    call = (f'(call $promise_create {w.s("c.near")} {w.s("big")} {w.s("")} {w.u128(0)} '
            f'(i64.const {150 * TGAS}))')
    w.method("fan", f"""
      (i64.store (i32.const 32) {call})
      (i64.store (i32.const 40) {call})
      (drop (call $promise_then (call $promise_and (i64.const 32) (i64.const 2))
                                {w.s("c.near")} {w.s("cb")} {w.s("")} {w.u128(0)}
                                (i64.const {20 * TGAS})))""")
    w.method("cb", store_i64(w, "ran", "(call $promise_results_count)"))
    return w.build()


@pytest.mark.parametrize("version", [84, 87])
def test_from_87_a_callback_over_4_mib_of_promise_inputs_fails_without_running(version):
    """ReceiptPromiseInputSizeLimit (87.yaml max_receipt_total_input_size 4_194_944): the
    callback's two inputs of 2.2 MB each (borsh ReceivedData: 5 bytes + data) exceed it, so
    the callback fails with TotalPromiseInputSizeExceeded and its code never runs."""
    size = 2_200_000
    rt = Runtime(protocol=version)
    c = rt.deploy("c.near", _fan_out(size), balance=50 * NEAR)
    user = rt.create_account("u.near", balance=50 * NEAR)
    out = user.call(c, "fan", gas=400 * TGAS)
    cb = [r for r in out.receipts if r.method == "cb"][0]
    total = 2 * (5 + size)
    if total > rt.config.limits["max_receipt_total_input_size"]:
        assert version == 87
        assert cb.status == "failure"
        assert cb.failure.kind == "TotalPromiseInputSizeExceeded"
        assert cb.failure.data == {"size": total, "limit": 4_194_944}
        assert b"ran" not in rt.storage(c)
        assert cb.gas_burnt == rt.config.action_fees["action_receipt_creation"].execution
    else:
        assert version == 84
        assert cb.status == "success"
        assert rt.storage(c)[b"ran"] == (2).to_bytes(8, "little")


# ------------------------------------------------------------------ 85: one yocto on promise


def _yocto_caller():
    """A contract small enough for a zero-balance account (NEP-448: <= 770 bytes in all):
    send() attaches 1 yocto to d.near.f."""
    return """(module
      (import "env" "promise_create" (func $pc (param i64 i64 i64 i64 i64 i64 i64 i64)
                                               (result i64)))
      (memory 1)
      (data (i32.const 0) "d.nearf")
      (data (i32.const 16) "\\01")
      (func (export "send")
        (drop (call $pc (i64.const 6) (i64.const 0) (i64.const 1) (i64.const 6)
                        (i64.const 0) (i64.const 0) (i64.const 16) (i64.const %d)))))""" % (
        5 * TGAS)


@pytest.mark.parametrize("version", [84, 85])
def test_from_85_a_contract_with_no_balance_may_attach_one_yocto(version):
    """one_yocto_on_promise (snapshot 85): an account holding 0 may attach exactly 1 yocto to
    a function call (wasmtime_runner/logic.rs skip_deduct); before, BalanceExceeded."""
    rt = Runtime(protocol=version)
    c = rt.deploy("c.near", _yocto_caller(), balance=0)
    user = rt.create_account("u.near", balance=10 * NEAR)
    out = user.call(c, "send", gas=50 * TGAS)
    first = out.receipts[0]
    if version == 84:
        assert first.failure.data == {"host_error": "BalanceExceeded"}
    else:
        assert first.status == "success"
        assert any(r.receiver == "d.near" and r.deposit == 1 for r in out.receipts)
        # d.near does not exist: the yocto comes back to c, with the call's 30% reward
        assert rt.balance(c) == first.contract_reward + 1


# ------------------------------------------------------------------ 82: refund_to


def test_promise_set_refund_to_links_only_from_82():
    """NEP-616 (snapshot 82 deterministic_account_ids): before 82 nearcore does not link
    promise_set_refund_to / refund_to_account_id, so a contract importing one fails with a
    LinkError after the loading fee."""
    w = Wat()
    w.method("f", f"""(local.set $p (call $promise_batch_create {w.s("d.near")}))
      (call $promise_set_refund_to (local.get $p) {w.s("u.near")})""")
    for version in (73, 82):
        rt = Runtime(protocol=version)
        c = rt.deploy("c.near", w.build(), balance=10 * NEAR)
        user = rt.create_account("u.near", balance=10 * NEAR)
        first = user.call(c, "f", gas=50 * TGAS).receipts[0]
        if version == 73:
            assert first.failure.detail == "LinkError"
            assert "promise_set_refund_to" in first.failure.message
            assert first.vm_gas_burnt > 0  # the loading fee
        else:
            assert first.status == "success"


# ------------------------------------------------------------------ the explorer


def test_the_explorer_runs_the_machines_protocol():
    """near_safe.explore: Machine.protocol selects the version (None: the default)."""
    from near_safe.explore import Machine

    class Old(Machine):
        protocol = 73
        attacker = None

        def setup(self, rt):
            pass

    class Default(Old):
        protocol = None

    assert Old.replay().rt.config.protocol_version == 73
    assert Old.replay().rt.config.ext_costs["touching_trie_node"] == 16_101_955_926
    assert Default.replay().rt.config.protocol_version == params.DEFAULT_PROTOCOL
