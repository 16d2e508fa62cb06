"""A public init that stores only metadata (no account that receives money or control); the
owner is fixed in the code."""
from near_safe import INT, STR, init, state

OWNER = "dao.near"


@init(args={"name": STR, "symbol": STR, "decimals": INT})
def new(name, symbol, decimals):
    state.set("meta", {"name": name, "symbol": symbol, "decimals": decimals})
    state.set("owner", OWNER)
