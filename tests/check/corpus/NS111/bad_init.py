"""near-sdk-py's @init runs every time it is called: anyone can take ownership."""
from near_sdk_py import Context, Storage, init, view


class Owned:
    @init
    def new(self, owner_id):  # expect: NS111, NS117
        Storage.set("owner", owner_id)
        Storage.set("created", str(Context.block_height()))

    @view
    def owner(self):
        return Storage.get_string("owner")
