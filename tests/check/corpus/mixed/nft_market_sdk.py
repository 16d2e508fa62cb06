"""An NFT marketplace in near-sdk-py: buy pays the seller after the NFT moved."""
from near_sdk_py import ONE_TGAS, Context, Promise, Storage, call, init, view
from near_sdk_py.promises import callback


class Market:
    @init
    def new(self, owner_id):  # expect: NS117
        if Storage.has("owner"):
            raise Exception("already initialized")
        Storage.set("owner", owner_id)

    @call
    def list_token(self, nft_contract, token_id, price):
        if Context.attached_deposit() != 1:
            raise Exception("attach 1 yoctoNEAR")
        seller = Context.predecessor_account_id()
        Storage.set_json("listing:" + nft_contract + ":" + token_id,
                         {"seller": seller, "price": str(price)})

    @call
    def buy(self, nft_contract, token_id):
        key = "listing:" + nft_contract + ":" + token_id
        listing = Storage.get_json(key)
        deposit = Context.attached_deposit()
        if deposit < int(listing["price"]):
            raise Exception("not enough attached")
        buyer = Context.predecessor_account_id()
        Storage.remove(key)
        return Promise.create_batch(nft_contract).function_call(
            "nft_transfer", {"receiver_id": buyer, "token_id": token_id}, 1, 30 * ONE_TGAS,
        ).then(Context.current_account_id()).function_call(
            "on_transfer",
            {"seller": listing["seller"], "buyer": buyer, "price": listing["price"],
             "deposit": deposit},  # expect: NS113
            0, 25 * ONE_TGAS,
        ).value()

    @callback
    def on_transfer(self, result, seller, buyer, price, deposit):
        if result.success:
            Promise.create_batch(seller).transfer(int(price))
        else:
            Promise.create_batch(buyer).transfer(int(deposit))

    @call
    def withdraw_fees(self, amount):  # expect: NS112
        if Context.predecessor_account_id() != Storage.get_string("owner"):
            raise Exception("owner only")
        Promise.create_batch(Context.predecessor_account_id()).transfer(int(amount))

    @view
    def get_listing(self, nft_contract, token_id):
        return Storage.get_json("listing:" + nft_contract + ":" + token_id)
