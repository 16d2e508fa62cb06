"""A near-sdk-py view that counts its readers and pays a referral bonus: as a transaction it
writes and pays."""
from near_sdk_py import Promise, Storage, view


class Stats:
    @view
    def get_price(self, referrer_id):
        hits = int(Storage.get_string("hits") or "0")
        Storage.set("hits", str(hits + 1))  # expect: NS120
        if hits % 1000 == 0:
            Promise.create_batch(referrer_id).transfer(10**22)  # expect: NS120
        return Storage.get_string("price")
