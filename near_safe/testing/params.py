"""Protocol parameters of NEAR protocol versions 73 and 82-88, as nearcore resolves them.

nearcore keeps one table of base values (core/parameters/res/runtime_configs/parameters.yaml)
and one diff file per protocol version (``NN.yaml``); the configuration a node runs at version
N is the base with every diff up to N applied, and the resolved result is checked in as
``core/parameters/src/snapshots/near_parameters__config_store__tests__N.json.snap``
("snapshot N").  This module does the same: ``_BASE`` holds the values of protocol 73 (snapshot
73, the version the neard 2.4.0 sandbox of near-pytest 1.0.0 runs), ``_DIFFS`` the changes of
each later version that the simulator models, each citing its source.  What each group means
is in docs/protocol.md sections 5.1-5.4; what each version models, section 8.

``Config.for_protocol(n)`` (or ``Runtime(protocol=n)``) gives version n; ``Config()`` is
``DEFAULT_PROTOCOL`` (mainnet's current version).  A version that is not in
``SUPPORTED_PROTOCOLS`` is refused with a message naming the supported ones: versions 74-81
are left out because their diffs were not all checked against snapshots.  The module-level
tables ``ACTION_FEES``, ``EXT_COSTS``, ``LIMITS`` are the default version's.  The units NEAR and
TGAS are re-exported from near_safe/_units.py.  CPython only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from .._units import NEAR, TGAS  # noqa: F401  (re-exported: near_safe.testing.NEAR, params.NEAR)

GAS_PRICE = 100_000_000  # MIN_GAS_PRICE; an idle chain stays at the floor (docs/protocol.md 5.4)


@dataclass(frozen=True)
class Fee:
    """An action or receipt fee: ``send_sir``/``send_not_sir`` burnt when the receipt or action
    is created, ``execution`` prepaid then and burnt when it executes (docs/protocol.md 5.1)."""

    send_sir: int
    send_not_sir: int
    execution: int

    def send(self, sir: bool) -> int:
        return self.send_sir if sir else self.send_not_sir


# ------------------------------------------------------------------ base: protocol 73
# Every value below is snapshot 73's (nearcore @ 0a3ac12f, near_parameters__config_store__
# tests__73.json.snap); names are the snapshot's (YAML `wasm_base` is ext_costs["base"],
# YAML `action_function_call` is action_fees["function_call_base"]).

_BASE_ACTION_FEES = {  # transaction_costs (docs/protocol.md 5.1): send_sir, send_not_sir, exec
    "action_receipt_creation": Fee(108_059_500_000, 108_059_500_000, 108_059_500_000),
    "data_receipt_creation_base": Fee(36_486_732_312, 36_486_732_312, 36_486_732_312),
    "data_receipt_creation_per_byte": Fee(17_212_011, 47_683_715, 17_212_011),
    "create_account": Fee(3_850_000_000_000, 3_850_000_000_000, 3_850_000_000_000),
    "deploy_contract_base": Fee(184_765_750_000, 184_765_750_000, 184_765_750_000),
    "deploy_contract_per_byte": Fee(6_812_999, 47_683_715, 64_572_944),
    "function_call_base": Fee(200_000_000_000, 200_000_000_000, 780_000_000_000),
    "function_call_per_byte": Fee(2_235_934, 47_683_715, 2_235_934),
    "transfer": Fee(115_123_062_500, 115_123_062_500, 115_123_062_500),
    "stake": Fee(141_715_687_500, 141_715_687_500, 102_217_625_000),
    "add_full_access_key": Fee(101_765_125_000, 101_765_125_000, 101_765_125_000),
    "add_function_call_key_base": Fee(102_217_625_000, 102_217_625_000, 102_217_625_000),
    "add_function_call_key_per_byte": Fee(1_925_331, 47_683_715, 1_925_331),
    "delete_key": Fee(94_946_625_000, 94_946_625_000, 94_946_625_000),
    "delete_account": Fee(147_489_000_000, 147_489_000_000, 147_489_000_000),
    "delegate": Fee(200_000_000_000, 200_000_000_000, 200_000_000_000),
}

_BASE_EXT_COSTS = {  # wasm_config.ext_costs and the op costs (docs/protocol.md 5.2)
    "base": 264_768_111,
    "contract_loading_base": 35_445_963,
    "contract_loading_bytes": 1_089_295,
    "regular_op_cost": 822_756,
    # Bulk memory is off before 84: nearcore prices its operators prohibitively
    # (84.yaml `wasm_linear_op_base_cost: {old: 300_000_000_000_000, ...}`; snapshot 83).
    "linear_op_base_cost": 300_000_000_000_000,
    "linear_op_unit_cost": 300_000_000_000_000,
    "grow_mem_cost": 1,
    "read_memory_base": 2_609_863_200,
    "read_memory_byte": 3_801_333,
    "write_memory_base": 2_803_794_861,
    "write_memory_byte": 2_723_772,
    "read_register_base": 2_517_165_186,
    "read_register_byte": 98_562,
    "write_register_base": 2_865_522_486,
    "write_register_byte": 3_801_564,
    "utf8_decoding_base": 3_111_779_061,
    "utf8_decoding_byte": 291_580_479,
    "utf16_decoding_base": 3_543_313_050,
    "utf16_decoding_byte": 163_577_493,
    "sha256_base": 4_540_970_250,
    "sha256_byte": 24_117_351,
    "keccak256_base": 5_879_491_275,
    "keccak256_byte": 21_471_105,
    "keccak512_base": 5_811_388_236,
    "keccak512_byte": 36_649_701,
    "ripemd160_base": 853_675_086,
    "ripemd160_block": 680_107_584,
    "ed25519_verify_base": 210_000_000_000,
    "ed25519_verify_byte": 9_000_000,
    "ecrecover_base": 278_821_988_457,
    "log_base": 3_543_313_050,
    "log_byte": 13_198_791,
    "storage_write_base": 64_196_736_000,
    "storage_write_key_byte": 70_482_867,
    "storage_write_value_byte": 31_018_539,
    "storage_write_evicted_byte": 32_117_307,
    "storage_read_base": 56_356_845_749,
    "storage_read_key_byte": 30_952_533,
    "storage_read_value_byte": 5_611_004,
    "storage_large_read_overhead_base": 1,
    "storage_large_read_overhead_byte": 1,
    "storage_remove_base": 53_473_030_500,
    "storage_remove_key_byte": 38_220_384,
    "storage_remove_ret_value_byte": 11_531_556,
    "storage_has_key_base": 54_039_896_625,
    "storage_has_key_byte": 30_790_845,
    "touching_trie_node": 16_101_955_926,
    "read_cached_trie_node": 2_280_000_000,
    "promise_and_base": 1_465_013_400,
    "promise_and_per_promise": 5_452_176,
    "promise_return": 560_152_386,
    "validator_stake_base": 911_834_726_400,
    "validator_total_stake_base": 911_834_726_400,
    "yield_create_base": 153_411_779_276,
    "yield_create_byte": 15_643_988,
    "yield_resume_base": 1_195_627_285_210,
    "yield_resume_byte": 47_683_715,
    "alt_bn128_g1_multiexp_base": 713_000_000_000,
    "alt_bn128_g1_multiexp_element": 320_000_000_000,
    "alt_bn128_g1_sum_base": 3_000_000_000,
    "alt_bn128_g1_sum_element": 5_000_000_000,
    "alt_bn128_pairing_check_base": 9_686_000_000_000,
    "alt_bn128_pairing_check_element": 5_102_000_000_000,
}

_BASE_LIMITS = {  # wasm_config.limit_config (docs/protocol.md 5.3)
    "max_gas_burnt": 300 * TGAS,
    "max_total_prepaid_gas": 300 * TGAS,
    "max_gas_burnt_view": 300 * TGAS,  # 83.yaml `max_gas_burnt_view: {old: 300 Tgas, ...}`
    "chunk_gas_limit": 10**15,  # nearcore INITIAL_GAS_LIMIT (genesis), not a runtime parameter
    "max_stack_height": 262_144,
    "max_register_size": 104_857_600,
    "max_number_registers": 100,
    "registers_memory_limit": 1_073_741_824,
    "max_number_logs": 100,
    "max_total_log_length": 16_384,
    "max_actions_per_receipt": 100,
    # Absent before 84 (snapshot 73); snapshot 83 resolves it to 100, the same bound as
    # max_actions_per_receipt.
    "max_deploy_actions_per_receipt": 100,
    "max_number_bytes_method_names": 2_000,
    "max_length_method_name": 256,
    "max_arguments_length": 4_194_304,
    "max_length_returned_data": 4_194_304,
    "max_contract_size": 4_194_304,
    "max_transaction_size": 1_572_864,
    "max_receipt_size": 4_194_304,
    "max_length_storage_key": 2_048,
    "max_length_storage_value": 4_194_304,
    "max_promises_per_function_call_action": 1_024,
    "max_number_input_data_dependencies": 128,
    # Before 87 unbounded (87.yaml `max_receipt_total_input_size: {old: 4_294_967_295, ...}`).
    "max_receipt_total_input_size": 4_294_967_295,
    "max_functions_number_per_contract": 10_000,
    "max_locals_per_contract": 1_000_000,
    # Contract-shape limits of preparation: None = not enforced at this version
    # (docs/protocol.md 2.11).
    "min_contract_size_per_local": None,
    "max_globals_per_contract": None,
    "max_tables_per_contract": None,
    "max_elements_per_contract_table": None,
    "max_params_per_contract": None,
    "max_params_per_function": None,
    "max_function_body_size": None,
    "max_types_per_contract": None,
    "max_blocks_per_function": None,
    "max_blocks_per_contract": None,
    "account_id_validity_rules_version": 1,
    "yield_timeout_length_in_blocks": 200,
    "max_yield_payload_size": 1_024,
}

_BASE_ECONOMICS = {
    # The share of function-call gas credited to the contract (docs/protocol.md 3.4 step 7).
    "burnt_gas_reward": (3, 10),
    # Gas for the prepaid part of a transaction is bought at the block price inflated by this
    # ratio per possible hop; the difference comes back with the refund (docs/protocol.md 3.1).
    "pessimistic_gas_price_inflation": (103, 100),
    # NEP-642 (85): the lowest price gas is bought at, and what creating an account costs.
    "min_gas_purchase_price": 0,
    "account_creation_charge": 0,
}

# Behaviour switches nearcore keeps as config flags (snapshot names) or ProtocolFeature gates.
_BASE_FEATURES = {
    "refund_gas_price_changes": True,  # 78.yaml
    "deterministic_account_ids": False,  # snapshot 82 (NEP-616): refund_to, no per-byte input
    "instant_promise_yield": False,  # version.rs InstantPromiseYield => 83 (not gated: yields
    # are registered at once at every version here, docs/protocol.md 2.8)
    "instant_delete_account": False,  # version.rs InstantDeleteAccount => 83
    "reftypes_bulk_memory": False,  # 84.yaml
    "saturating_float_to_int": False,  # 78.yaml `saturating_float_to_int: {old: false, new: true}`
    "account_cost_increase": False,  # version.rs AccountCostIncrease => 85 (NEP-642)
    "one_yocto_on_promise": False,  # snapshot 85
    "yield_with_id_host_fns": False,  # snapshot 85 (links the two yield-id functions)
    "fix_contract_loading_error": False,  # 87.yaml (not modelled: no effect on loading code)
    "reject_empty_method_name": False,  # version.rs RejectEmptyMethodName => 87
}

# ------------------------------------------------------------------ per-version diffs
# {version: ({group: {name: new value}}, source)}; applied in order on top of the base.
_DIFFS = {
    78: ({"economics": {"pessimistic_gas_price_inflation": (1, 1)},
          "features": {"refund_gas_price_changes": False, "saturating_float_to_int": True}},
         "78.yaml (NEP-536: pessimistic_gas_price_inflation 103/100 -> 1/1, "
         "refund_gas_price_changes true -> false; saturating_float_to_int false -> true); "
         "snapshot 82 has 1/1"),
    81: ({"ext_costs": {"touching_trie_node": 2_280_000_000}},
         "81.yaml (wasm_touching_trie_node 16_101_955_926 -> 2_280_000_000); snapshot 82"),
    82: ({"limits": {"max_tables_per_contract": 1, "max_elements_per_contract_table": 10_000},
          "features": {"deterministic_account_ids": True}},
         "snapshot 82 (`deterministic_account_ids: true`, NEP-616; max_tables_per_contract 1, "
         "max_elements_per_contract_table 10_000, absent from snapshot 73); "
         "version.rs _DeprecatedDeterministicAccountIds => 82"),
    83: ({"limits": {"max_gas_burnt": 10**15, "max_gas_burnt_view": 10**15,
                    "max_total_prepaid_gas": 10**15, "account_id_validity_rules_version": 2},
          "features": {"instant_promise_yield": True, "instant_delete_account": True}},
         "83.yaml (1 PGas limits, account_id_validity_rules_version 1 -> 2); version.rs "
         "InstantPromiseYield, InstantDeleteAccount => 83"),
    84: ({"ext_costs": {"linear_op_base_cost": 26_328_192, "linear_op_unit_cost": 822_756},
          "limits": {"max_deploy_actions_per_receipt": 10, "max_params_per_contract": 50_000,
                     "max_params_per_function": 64, "max_blocks_per_function": 5_000,
                     "max_blocks_per_contract": 50_000, "max_function_body_size": 196_608,
                     "max_types_per_contract": 1_024},
          "features": {"reftypes_bulk_memory": True}},
         "84.yaml (reftypes_bulk_memory, wasm_linear_op_*, vm_kind Wasmtime); snapshot 84 "
         "(max_deploy_actions_per_receipt 10 and the contract-shape limits)"),
    85: ({"action_fees": {"create_account": Fee(500_000_000_000, 500_000_000_000,
                                                7_200_000_000_000)},
          "ext_costs": {"yield_create_with_id_base": 290_000_000_000},
          "economics": {"min_gas_purchase_price": 10**9,
                        "account_creation_charge": 7 * 10**21},
          "features": {"account_cost_increase": True, "one_yocto_on_promise": True,
                       "yield_with_id_host_fns": True}},
         "snapshot 85 (action_create_account 0.5 / 7.2 Tgas, min_gas_purchase_price 10^9, "
         "account_creation_charge 0.007 NEAR, one_yocto_on_promise, yield_with_id_host_fns); "
         "version.rs AccountCostIncrease => 85"),
    87: ({"economics": {"burnt_gas_reward": (0, 1)},
          "limits": {"min_contract_size_per_local": 2,
                     "max_receipt_total_input_size": 4_194_944},
          "features": {"reject_empty_method_name": True, "fix_contract_loading_error": True}},
         "87.yaml (burnt_gas_reward 3/10 -> 0/1, min_contract_size_per_local 2, "
         "max_receipt_total_input_size 4_194_944, fix_contract_loading_error); snapshot 87; "
         "version.rs RejectEmptyMethodName => 87.  86 changes no parameter (no 86.yaml in "
         "current trees; an older draft 86.yaml held fix_contract_loading_error)"),
    88: ({"limits": {"max_globals_per_contract": 65_536}},
         "88.yaml (max_globals_per_contract 65_536, wasmtime48)"),
}

SUPPORTED_PROTOCOLS = (73, 82, 83, 84, 85, 86, 87, 88)
DEFAULT_PROTOCOL = 88


def _resolve(version: int) -> dict:
    """The parameter groups of ``version``: the base with every diff up to it applied."""
    if version not in SUPPORTED_PROTOCOLS:
        raise ValueError(
            f"protocol version {version!r} is not modelled: choose one of "
            f"{', '.join(map(str, SUPPORTED_PROTOCOLS))} (docs/protocol.md section 8)")
    groups = {"action_fees": dict(_BASE_ACTION_FEES), "ext_costs": dict(_BASE_EXT_COSTS),
              "limits": dict(_BASE_LIMITS), "economics": dict(_BASE_ECONOMICS),
              "features": dict(_BASE_FEATURES)}
    for v in sorted(_DIFFS):
        if v > version:
            break
        for group, values in _DIFFS[v][0].items():
            groups[group].update(values)
    for group, values in _OVERRIDES.items():
        groups[group].update(values)
    return groups


_OVERRIDES: dict = {}


def override(group: str, **values) -> None:
    """Replace parameters of ``group`` ("limits" or "ext_costs") at every protocol
    version, for the rest of the process: NOT NEAR's parameters.  For tools that run what no
    chain would: near_safe.builder.pyprofile runs tests on cpython-near-wasm-opt's instrumented
    builds (8.4 MB, a flag global per function), with Wasm ops nearly free so that the gas the
    instrumentation burns changes no path.  Configs made earlier keep theirs, except
    DEFAULT_CONFIG's."""
    base = {"limits": _BASE_LIMITS, "ext_costs": _BASE_EXT_COSTS}.get(group)
    unknown = set(values) - set(base or ())
    if base is None or unknown:
        raise ValueError(f"override: {group!r} {sorted(unknown)}: name the group limits or "
                         "ext_costs and parameters it has")
    _OVERRIDES.setdefault(group, {}).update(values)
    _DEFAULT[group].update(values)
    if "DEFAULT_CONFIG" in globals():
        getattr(DEFAULT_CONFIG, group).update(values)


def diff_source(version: int) -> Optional[str]:
    """Where version ``version``'s changes come from (None when it changes nothing modelled)."""
    entry = _DIFFS.get(version)
    return entry[1] if entry else None


_DEFAULT = _resolve(DEFAULT_PROTOCOL)
ACTION_FEES = _DEFAULT["action_fees"]
EXT_COSTS = _DEFAULT["ext_costs"]
LIMITS = _DEFAULT["limits"]

# docs/protocol.md 5.4 / section 6; the same at every supported version
STORAGE_AMOUNT_PER_BYTE = 10**19
STORAGE_NUM_BYTES_ACCOUNT = 100
STORAGE_NUM_EXTRA_BYTES_RECORD = 40
ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT = 770
MAX_ACCOUNT_DELETION_STORAGE_USAGE = 10_000

_VERSIONED = ("action_fees", "ext_costs", "limits", "burnt_gas_reward",
              "pessimistic_gas_price_inflation", "min_gas_purchase_price",
              "account_creation_charge", "features")


@dataclass(frozen=True)
class Config:
    """The knobs a simulation runs with.  ``protocol_version`` selects the parameters of that
    version (the versioned fields left as None are filled from the tables above); a field
    given explicitly is kept, so ``Config(protocol_version=73, ext_costs=...)`` prices ops
    its own way.  ``Config.for_protocol(n)`` / ``cfg.with_protocol(n)`` switch versions
    (docs/protocol.md section 8)."""

    protocol_version: int = DEFAULT_PROTOCOL
    gas_price: int = GAS_PRICE
    action_fees: Optional[dict] = None
    ext_costs: Optional[dict] = None
    limits: Optional[dict] = None
    burnt_gas_reward: Optional[tuple] = None
    pessimistic_gas_price_inflation: Optional[tuple] = None
    min_gas_purchase_price: Optional[int] = None
    account_creation_charge: Optional[int] = None
    features: Optional[dict] = None
    # The contract's memory, in 64 KiB pages: nearcore replaces whatever the module declares by
    # an imported env.memory of these limits (prepare_v2.rs; parameters.yaml
    # initial_memory_pages / max_memory_pages, unchanged from protocol 42 to 88;
    # docs/protocol.md 2.0).
    initial_memory_pages: int = 1024
    max_memory_pages: int = 2048
    # A top-level account id shorter than this is created only by the registrar
    # (CreateAccountOnlyByRegistrar).  parameters.yaml's base value is 32, but the config the
    # node runs says 65 at every supported version (snapshots 73-87 account_creation_config),
    # above the 64-character maximum id: only the registrar creates named top-level accounts
    # (docs/protocol.md 1.1).
    min_allowed_top_level_account_length: int = 65
    # Time (docs/protocol.md 1.5): block h's timestamp is genesis_time_ns + h * block_time_ns plus
    # what Runtime.advance added.  genesis_time_ns None: the wall clock when the Runtime is made
    # (as a sandbox starts at the current time); pass a number for runs that must agree
    # across processes.  One block a second, as the neard sandbox produces them.
    block_time_ns: int = 10**9
    genesis_time_ns: Optional[int] = None
    # Validators and epochs (testing/_validators.py, docs/protocol.md 10), as the neard sandbox's
    # genesis sets them (nearcore/src/config.rs init_configs, localnet): epochs of
    # EXPECTED_EPOCH_LENGTH = 5 min / 600 ms = 500 blocks, one validator test.near with
    # TESTING_INIT_STAKE (50,000,000 NEAR; an account here only if a test creates it),
    # NUM_BLOCK_PRODUCER_SEATS 50, minimum_stake_ratio 160/1,000,000, minimum_stake_divisor 10,
    # max_inflation_rate 1/20, protocol_reward_rate 1/10 (the treasury share goes to
    # protocol_treasury_account when that account exists; None: nobody).
    epoch_length: int = 500
    genesis_validators: tuple = (("test.near", 50_000_000 * NEAR),)
    validator_seats: int = 50
    minimum_stake_ratio: tuple = (160, 1_000_000)
    minimum_stake_divisor: int = 10
    max_inflation_rate: tuple = (1, 20)
    protocol_reward_rate: tuple = (1, 10)
    protocol_treasury_account: Optional[str] = None
    # Shards (docs/protocol.md 11): nearcore's ShardLayout by boundary accounts (ShardLayoutV1/V2
    # ``boundary_accounts``; ``account_id_to_shard_id``: an account's shard is the number of
    # boundaries <= its id).  () is one shard, as the sandbox runs.
    shard_boundaries: tuple = ()

    def __post_init__(self):
        groups = _resolve(self.protocol_version)
        groups.update(groups.pop("economics"))
        for name in _VERSIONED:
            if getattr(self, name) is None:
                object.__setattr__(self, name, groups[name])

    @classmethod
    def for_protocol(cls, version: int, **overrides) -> "Config":
        """Protocol ``version``'s parameters (one of SUPPORTED_PROTOCOLS)."""
        return cls(protocol_version=version, **overrides)

    def with_protocol(self, version: int) -> "Config":
        """This config at protocol ``version``: every versioned parameter is replaced by that
        version's, the other knobs (gas price, memory pages, time, ...) are kept."""
        return replace(self, protocol_version=version, **{name: None for name in _VERSIONED})

    def feature(self, name: str) -> bool:
        """A behaviour switch of this version (``_BASE_FEATURES`` names)."""
        return self.features[name]


DEFAULT_CONFIG = Config()
