"""Fee arithmetic of docs/protocol.md 3.1 / 5.1 for the runtime tests: expected figures are computed
from the configuration of the protocol version the test runs (near_safe.testing.params,
docs/protocol.md 5), never hard-coded.  ``Fees(config)`` for a given version; the module-level
names are the default version's."""

from near_safe.testing.params import Config

U64_MAX = 2**64 - 1


class Fees:
    def __init__(self, config: Config):
        self.config = config
        self.P = config.gas_price  # the block's gas price: what burnt gas costs
        self.F = config.action_fees
        self.EXT = config.ext_costs

    def send(self, name, sir=False, n=1):
        return self.F[name].send(sir) * n

    def exe(self, name, n=1):
        return self.F[name].execution * n

    def fc_send(self, method, args, sir=False):
        n = len(method) + len(args)
        return self.send("function_call_base", sir) + self.send("function_call_per_byte", sir, n)

    def fc_exec(self, method, args):
        n = len(method) + len(args)
        return self.exe("function_call_base") + self.exe("function_call_per_byte", n)

    def call_conversion_burn(self, method, args, sir=False):
        """docs/protocol.md 3.1: gas burnt converting a one-FunctionCall transaction."""
        return self.send("action_receipt_creation", sir) + self.fc_send(method, args, sir)

    def call_exec_fees(self, method, args):
        """docs/protocol.md 3.1: the exec fees prepaid at conversion (receipt creation +
        FunctionCall)."""
        return self.exe("action_receipt_creation") + self.fc_exec(method, args)

    def reward(self, vm_burnt):
        """docs/protocol.md 5.4 / TV22: floor(burnt_gas_reward x VM burnt gas) x price (3/10
        before protocol 87, 0 from 87)."""
        num, den = self.config.burnt_gas_reward
        return (vm_burnt * num // den) * self.P


_DEFAULT = Fees(Config())
P, F, EXT = _DEFAULT.P, _DEFAULT.F, _DEFAULT.EXT
send, exe, fc_send, fc_exec = _DEFAULT.send, _DEFAULT.exe, _DEFAULT.fc_send, _DEFAULT.fc_exec
call_conversion_burn, call_exec_fees = _DEFAULT.call_conversion_burn, _DEFAULT.call_exec_fees
reward = _DEFAULT.reward
