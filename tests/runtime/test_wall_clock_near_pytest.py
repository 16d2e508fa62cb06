"""Issue 16 section 3, "sleeping tests": a near-pytest suite written for the sandbox, as NEAR's
auction tutorial writes it - the end time taken from ``time.time()``, a bid before it, a sleep
past it, a bid refused after it - passes unchanged through near_safe.compat (Wasm mode)."""

import time
from pathlib import Path

import pytest

import near_safe.compat

import near_pytest.models as near_pytest_models  # the [compat] extra (Python < 3.12: .ci/lane313)
from near_pytest.testing import NearTestCase

AUCTION = Path(__file__).resolve().parent / "contracts" / "auction.py"


@pytest.fixture(scope="module", autouse=True)
def _compat_backend():
    """What ``-p near_safe.compat.plugin`` does for a user's suite."""
    if near_safe.compat.is_active():
        yield
        return
    near_safe.compat.activate()
    yield
    near_safe.compat.deactivate()


class TestAuctionDeadline(NearTestCase):
    @classmethod
    def setup_class(cls):
        super().setup_class()
        cls.wasm = cls.compile_contract(AUCTION)
        cls.create_account("auctioneer")
        cls.create_account("alice")

    def test_bids_stop_once_the_end_time_has_passed(self):
        end = int((time.time() + 1.0) * 10**9)  # a second from now, as on the sandbox
        auction = self.deploy_contract(self.auctioneer, self.wasm, init_args={"end_ns": end})
        placed_at = auction.call_as(self.alice, "bid").json()
        assert placed_at < end
        time.sleep(1.5)
        with pytest.raises(near_pytest_models.ContractCallError) as info:
            auction.call_as(self.alice, "bid")
        assert "auction over" in str(info.value)
        assert auction.view("last_bid_at").json() == placed_at
