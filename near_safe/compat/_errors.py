"""Errors of the near-pytest compatibility backend (CPython only)."""

from near_safe.errors import NearSafeError


class UnsupportedOnEmbedded(NearSafeError, NotImplementedError):
    """A near-pytest / py-near feature the embedded runtime cannot honour.

    Raised instead of silently doing something else.  The message names the feature and what to
    use instead (usually: run that test against the real sandbox with
    ``--near-backend=sandbox``, or use the embedded runtime's own API)."""

    def __init__(self, feature, alternative):
        self.feature = feature
        self.alternative = alternative
        super().__init__(
            f"{feature} is not available on near_safe's embedded runtime "
            f"(NEAR_SAFE_BACKEND=embedded). {alternative}"
        )


SANDBOX_ALTERNATIVE = (
    "Run this test against the real neard sandbox instead: drop -p near_safe.compat.plugin "
    "or pass --near-backend=sandbox (needs the near-sandbox binary)."
)


class AccountCreationFailed(NearSafeError):
    """near-pytest's ``create_account`` ignores a failed creation on the sandbox (and every
    later call from the account then fails on its key); the embedded backend reports it at
    once, with the runtime's reason."""
