"""ft_transfer_call: the receiver uses part of the amount and the rest comes back."""

from pathlib import Path

import pytest

from near_safe.testing import TGAS

HERE = Path(__file__).parent
SUPPLY = 1000  # alice's tokens
GAS = 300 * TGAS  # NEAR's most per transaction: room for the CPython backend's start-up too


@pytest.fixture(scope="module")
def ft(near_deploy, alice):
    ft = near_deploy(HERE / "ft.py")
    ft.call(ft, "mint", {"account_id": alice.id, "amount": str(SUPPLY)}).unwrap()
    return ft


@pytest.fixture(scope="module")
def shop(near_deploy):
    return near_deploy(HERE / "receiver.py")


def balance(ft, who):
    return int(ft.view("ft_balance_of", {"account_id": who.id}))


def transfer_call(ft, sender, receiver, amount, msg):
    return sender.call(ft, "ft_transfer_call", {"receiver_id": receiver.id,
                                                "amount": str(amount), "msg": msg},
                       deposit=1, gas=GAS)


def test_receiver_uses_part_and_the_rest_comes_back(ft, shop, alice):
    out = transfer_call(ft, alice, shop, 100, "keep:30")
    assert out.error is None
    assert out.value == "30"  # used by the receiver
    assert balance(ft, alice) == SUPPLY - 30 and balance(ft, shop) == 30
    assert shop.view("paid_by", {"account_id": alice.id}) == "30"


def test_receiver_keeps_everything(ft, shop, alice):
    out = transfer_call(ft, alice, shop, 100, "keep:100")
    assert out.value == "100" and balance(ft, alice) == SUPPLY - 100


@pytest.mark.parametrize("msg, error", [("fail", "receiver refuses the tokens"),
                                        ("garbage", None)])
def test_failing_or_garbled_receiver_gets_nothing(ft, shop, alice, msg, error):
    out = transfer_call(ft, alice, shop, 100, msg)
    assert out.status == "success" and out.value == "0"
    assert (error in out.error) if error else out.error is None
    assert balance(ft, alice) == SUPPLY and balance(ft, shop) == 0


def test_refund_is_capped_by_what_the_receiver_still_holds(runtime, ft, shop, alice, bob):
    """The receiver (a contract account with its own key here) spends the tokens while the
    transfer-and-call is in flight: only what it still holds when ft_resolve_transfer runs
    can come back, however much it reported unused."""
    tx = alice.submit(ft, "ft_transfer_call", {"receiver_id": shop.id, "amount": "100",
                                               "msg": "keep:0"}, deposit=1, gas=GAS)
    assert runtime.step().method == "ft_transfer_call"  # the shop holds the 100 tokens now
    spend = shop.submit(ft, "ft_transfer", {"receiver_id": bob.id, "amount": "60"}, deposit=1)
    runtime.run()
    out = tx.outcome()
    assert spend.outcome().receipts[0].block_height <= out.receipt(
        "ft_resolve_transfer").block_height
    assert out.value == "60"  # 100 unused, but only 40 could be taken back
    assert balance(ft, alice) == SUPPLY - 60
    assert balance(ft, shop) == 0 and balance(ft, bob) == 60


def test_resolve_cannot_be_called_from_outside(ft, shop, alice):
    out = alice.call(ft, "ft_resolve_transfer", {"sender_id": alice.id,
                                                 "receiver_id": shop.id, "amount": "5"})
    assert "Method ft_resolve_transfer is private" in out.error
    assert balance(ft, alice) == SUPPLY
