"""A marketplace on near_safe, with two leftovers from its near-sdk-py version."""
import near

from near_safe import ACCOUNT, AMOUNT, STR, call, callback, init, safe_call, state, view


@init(args={"owner_id": ACCOUNT})
def new(owner_id):  # expect: NS117
    state.set("owner", owner_id)


@call(one_yocto=True, args={"token_id": STR, "price": AMOUNT})
def list_token(token_id, price):
    state.set("listing:" + token_id, [near.predecessor_account_id(), str(price)])


@call(payable=True, args={"token_id": STR})
def buy(token_id):
    seller, price = state.get("listing:" + token_id)
    paid = near.attached_deposit()
    if paid < int(price):
        near.panic_utf8("not enough attached")
    return safe_call("nft.near", "nft_transfer",
                     {"receiver_id": near.predecessor_account_id(), "token_id": token_id},
                     deposit=1, then="on_transferred", then_args={"token_id": token_id},
                     refund=paid, lock=token_id)


@callback(args={"token_id": STR})
def on_transferred(result, token_id):
    if result.ok:
        seller, price = state.get("listing:" + token_id)
        state.remove("listing:" + token_id)
        p = near.promise_batch_create(seller)
        near.promise_batch_action_transfer(p, int(price))


@call(private=True, args={"token_id": STR})
def on_delisted(token_id):
    status, _ = near.promise_result(0)
    assert status == 1, "delist failed"  # expect: NS109
    state.remove("listing:" + token_id)


@call(args={"token_id": STR})
def delist(token_id):  # expect: NS112
    seller, _ = state.get("listing:" + token_id)
    if near.predecessor_account_id() != seller:
        near.panic_utf8("seller only")
    p = near.promise_create("nft.near", "nft_revoke", '{"token_id": "%s"}' % token_id, 1,
                            20 * 10**12)
    near.promise_then(p, near.current_account_id(), "on_delisted",
                      '{"token_id": "%s"}' % token_id, 0, 15 * 10**12)


@view(args={"token_id": STR})
def listing(token_id):
    return state.get("listing:" + token_id)
