"""escrow: a purchase whose seller side can fail; the buyer gets the exact payment back.

Money figures are exact: a buyer's change is her balance change plus the gas she paid; the
market's is its balance change net of its 30% gas rewards."""

from pathlib import Path

import pytest

from near_safe.testing import NEAR, TGAS

HERE = Path(__file__).parent
PRICE = 3 * NEAR


@pytest.fixture(scope="module")
def seller(near_deploy):
    seller = near_deploy(HERE / "seller.py")
    seller.call(seller, "add_item", {"item": "lamp", "price": str(PRICE), "stock": 1}).unwrap()
    return seller


@pytest.fixture(scope="module")
def market(near_deploy):
    return near_deploy(HERE / "market.py")


def buy(runtime, market, buyer, seller, item="lamp", price=PRICE):
    """Buy and return (outcome, buyer's change without gas, market's change without rewards)."""
    buyer0, market0 = runtime.balance(buyer), runtime.balance(market)
    out = buyer.call(market, "buy", {"seller": seller.id, "item": item}, deposit=price,
                     gas=300 * TGAS)
    rewards = sum(r.contract_reward for r in out.receipts if r.receiver == market.id)
    return (out, runtime.balance(buyer) - buyer0 + out.tokens_burnt,
            runtime.balance(market) - market0 - rewards)


@pytest.mark.backend_refuses
def test_purchase_pays_the_seller_and_records_the_sale(runtime, market, seller, alice):
    seller0 = runtime.balance(seller)
    out, buyer_change, market_change = buy(runtime, market, alice, seller)
    assert out.error is None and out.value == {"item": "lamp", "sold": True}
    assert buyer_change == -PRICE and market_change == 0
    assert runtime.balance(seller) - seller0 >= PRICE  # the price (plus its gas rewards)
    assert seller.view("owned", {"item": "lamp", "account_id": alice.id}) == 1
    assert market.view("purchases_of", {"account_id": alice.id}) == 1


@pytest.mark.parametrize("item, price, error", [
    ("lamp", 2 * NEAR, f"the price of lamp is {PRICE}"),
    ("chair", PRICE, "no such item: chair"),
])
@pytest.mark.backend_refuses
def test_failed_sale_refunds_the_buyer(runtime, market, seller, alice, item, price, error):
    out, buyer_change, market_change = buy(runtime, market, alice, seller, item, price)
    assert error in out.error
    assert out.value == {"item": item, "sold": False}
    assert buyer_change == 0  # the exact payment came back to the buyer...
    assert market_change == 0  # ...and the market kept nothing
    assert market.view("purchases_of", {"account_id": alice.id}) == 0
    assert seller.view("stock_of", {"item": "lamp"}) == 1


@pytest.mark.backend_refuses
def test_second_buyer_of_the_last_item_is_refunded(runtime, market, seller, alice, bob):
    buy(runtime, market, alice, seller)
    out, buyer_change, market_change = buy(runtime, market, bob, seller)
    assert "out of stock: lamp" in out.error
    assert buyer_change == 0 and market_change == 0
    assert seller.view("owned", {"item": "lamp", "account_id": bob.id}) == 0


@pytest.mark.backend_refuses
def test_hostile_seller_keeping_the_payment_costs_the_market_nothing(runtime, market, near_deploy,
                                                                      alice):
    """The seller keeps the payment and answers with a failing promise: the buyer chose that
    seller and paid it; the market pays no "refund" out of the other buyers' money."""
    hostile = near_deploy(HERE / "hostile_seller.py")
    hostile0 = runtime.balance(hostile)
    out, buyer_change, market_change = buy(runtime, market, alice, hostile)
    assert out.value == {"item": "lamp", "sold": False}  # the callback saw a failure
    assert market_change == 0
    assert buyer_change == -PRICE  # paid to the seller she named
    assert runtime.balance(hostile) - hostile0 >= PRICE
    assert market.view("purchases_of", {"account_id": alice.id}) == 0
