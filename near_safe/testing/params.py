"""Protocol parameters of NEAR protocol version 84, the simulator's baseline.

Every figure comes from nearcore's config snapshot for protocol 84
(core/parameters/src/snapshots/near_parameters__config_store__tests__84.json.snap); what each
group means, and the nearcore parameter names, are in docs/protocol.md sections 5.1-5.4.  This
module is the one home of these values: docs cite the names, not the figures.  Shared by the VM
(ext costs, limits) and the runtime (action fees, economics).  The units NEAR and TGAS are
re-exported from near_safe/_units.py.  CPython only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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


# docs/protocol.md 5.1 (send_sir, send_not_sir, execution)
ACTION_FEES = {
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

# docs/protocol.md 5.2 (wasm / host-function "ext" costs)
EXT_COSTS = {
    "base": 264_768_111,
    "contract_loading_base": 35_445_963,
    "contract_loading_bytes": 1_089_295,
    "regular_op_cost": 822_756,
    "linear_op_base_cost": 26_328_192,
    "linear_op_unit_cost": 822_756,
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
    "touching_trie_node": 2_280_000_000,
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

# docs/protocol.md 5.3
LIMITS = {
    "max_gas_burnt": 1_000_000_000_000_000,
    "max_total_prepaid_gas": 1_000_000_000_000_000,
    "max_gas_burnt_view": 1_000_000_000_000_000,
    "chunk_gas_limit": 10**15,
    "max_stack_height": 262_144,
    "max_register_size": 104_857_600,
    "max_number_registers": 100,
    "registers_memory_limit": 1_073_741_824,
    "max_number_logs": 100,
    "max_total_log_length": 16_384,
    "max_actions_per_receipt": 100,
    "max_deploy_actions_per_receipt": 10,
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
    "max_functions_number_per_contract": 10_000,
    "max_locals_per_contract": 1_000_000,
    "yield_timeout_length_in_blocks": 200,
    "max_yield_payload_size": 1_024,
}

# docs/protocol.md 5.4 / section 6
STORAGE_AMOUNT_PER_BYTE = 10**19
STORAGE_NUM_BYTES_ACCOUNT = 100
STORAGE_NUM_EXTRA_BYTES_RECORD = 40
ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT = 770
BURNT_GAS_REWARD = (3, 10)
MAX_ACCOUNT_DELETION_STORAGE_USAGE = 10_000


@dataclass(frozen=True)
class Config:
    """The knobs a simulation runs with.  ``protocol_version`` gates the few behaviours that
    differ between 82, 83 and 84 (docs/protocol.md 5.6); the fee tables above are protocol 84's."""

    protocol_version: int = 84
    gas_price: int = GAS_PRICE
    action_fees: dict = field(default_factory=lambda: dict(ACTION_FEES))
    ext_costs: dict = field(default_factory=lambda: dict(EXT_COSTS))
    limits: dict = field(default_factory=lambda: dict(LIMITS))
    # Trie-node touches charged per storage write/remove.  nearcore charges one
    # touching_trie_node per node on the key's path in a real Merkle-Patricia trie; the
    # simulator has no trie, so it charges this estimate (docs/protocol.md 5.4; documented
    # approximation).
    ttn_per_write: int = 2
    # The contract's memory, in 64 KiB pages: nearcore replaces whatever the module declares by
    # an imported env.memory of these limits (prepare_v2.rs; parameters.yaml
    # initial_memory_pages / max_memory_pages, unchanged from protocol 42 to 88;
    # docs/protocol.md 2.0).
    initial_memory_pages: int = 1024
    max_memory_pages: int = 2048
    # A top-level account id shorter than this is created only by the registrar
    # (CreateAccountOnlyByRegistrar).  parameters.yaml's base value is 32, but the config the
    # node runs at 84 says 65 (snapshot 84 account_creation_config), above the 64-character
    # maximum id: only the registrar creates named top-level accounts (docs/protocol.md 1.1).
    min_allowed_top_level_account_length: int = 65
    # Time (docs/protocol.md 1.5): block h's timestamp is genesis_time_ns + h * block_time_ns plus
    # what Runtime.advance added.  genesis_time_ns None: the wall clock when the Runtime is made
    # (as a sandbox starts at the current time); pass a number for runs that must agree
    # across processes.  One block a second, as the neard sandbox produces them.
    block_time_ns: int = 10**9
    genesis_time_ns: Optional[int] = None

    def with_protocol(self, version: int) -> "Config":
        limits = dict(self.limits)
        if version <= 82:
            limits["max_gas_burnt"] = limits["max_total_prepaid_gas"] = 300 * TGAS
        return replace(self, protocol_version=version, limits=limits)


DEFAULT_CONFIG = Config()
