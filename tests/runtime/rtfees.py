"""Fee arithmetic of docs/protocol.md 3.1 / 5.1 for the runtime tests: expected figures are computed
from the protocol's constants (near_safe.testing.params, docs/protocol.md 5), never hard-coded."""

from near_safe.testing.params import ACTION_FEES, EXT_COSTS, GAS_PRICE

P = GAS_PRICE
F = ACTION_FEES
EXT = EXT_COSTS
U64_MAX = 2**64 - 1


def send(name, sir=False, n=1):
    return F[name].send(sir) * n


def exe(name, n=1):
    return F[name].execution * n


def fc_send(method, args, sir=False):
    n = len(method) + len(args)
    return send("function_call_base", sir) + send("function_call_per_byte", sir, n)


def fc_exec(method, args):
    n = len(method) + len(args)
    return exe("function_call_base") + exe("function_call_per_byte", n)


def call_conversion_burn(method, args, sir=False):
    """docs/protocol.md 3.1: gas burnt converting a one-FunctionCall transaction."""
    return send("action_receipt_creation", sir) + fc_send(method, args, sir)


def call_exec_fees(method, args):
    """docs/protocol.md 3.1: the exec fees prepaid at conversion (receipt creation +
    FunctionCall)."""
    return exe("action_receipt_creation") + fc_exec(method, args)


def reward(vm_burnt):
    """docs/protocol.md 5.4 / TV22: floor(0.3 * VM burnt gas) * price."""
    return (vm_burnt * 3 // 10) * P
