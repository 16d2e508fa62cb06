"""CPython-side errors.  One root, :class:`NearSafeError`; each message names the object, the
problem and the fix.  (On-chain errors are short panic strings, not these classes.)"""


class NearSafeError(Exception):
    """Root of every error near_safe's CPython tooling raises."""


class UsageError(NearSafeError):
    """Bad input to a tool (a path, an option, a configuration): the CLI exits with code 2."""


class BuildError(UsageError):
    """A contract could not be compiled to Wasm (missing emcc, syntax error, unfreezable import)."""


class RuntimeSimError(NearSafeError):
    """Misuse of the embedded runtime (unknown account, bad argument) - not a contract failure."""


class UnsupportedHostFunction(NearSafeError):
    """A contract called a NEAR host function the embedded runtime does not implement."""


class ExecutionFailure(NearSafeError):
    """Raised by helpers that expect success (e.g. ``Runtime.view`` or ``out.unwrap()``) when a
    receipt failed; carries the outcome so tests can inspect it."""

    def __init__(self, message, outcome=None):
        super().__init__(message)
        self.outcome = outcome
