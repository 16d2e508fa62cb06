"""A price oracle: the contract being queried.  ``get_price`` returns an asset's price in
yoctoNEAR as a decimal string and fails for an unknown asset.  Its owner (the contract account)
sets prices; nothing stops it from setting a malformed one, which is what a consumer must
survive."""

from near_safe import STR, call, require, state, view


@call(private=True, args={"asset": STR, "price": STR})
def set_price(asset, price):
    state.set("price:" + asset, price)


@view(args={"asset": STR})
def get_price(asset):
    price = state.get("price:" + asset)
    require(price is not None, "unknown asset: " + asset)
    return price
