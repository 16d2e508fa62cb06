"""secp256k1 public-key recovery for the ``ecrecover`` host function, in pure Python (a
simulator recovers a handful of keys; speed does not matter).  Affine arithmetic over the
curve y^2 = x^3 + 7 mod p."""

from .._ed25519 import double_and_add

P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G = (0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
     0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8)


def _add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and (a[1] + b[1]) % P == 0:
        return None
    if a == b:
        lam = 3 * a[0] * a[0] * pow(2 * a[1], -1, P) % P
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, P) % P
    x = (lam * lam - a[0] - b[0]) % P
    return x, (lam * (a[0] - x) - a[1]) % P


def mul(k: int, pt):
    return double_and_add(k, pt, _add, None)  # None: the point at infinity


def check_signature_values(r: int, s: int, reject_upper: bool) -> bool:
    """nearcore Secp256K1Signature::check_signature_values: 0 < r, s < n, and with the
    malleability flag s <= n/2."""
    if not (0 < r < N and 0 < s < N):
        return False
    return not (reject_upper and s > N // 2)


def recover(msg_hash: bytes, r: int, s: int, v: int):
    """The 64-byte uncompressed public key (x || y) or None."""
    x = r + (v >> 1) * N
    if x >= P:
        return None
    y2 = (pow(x, 3, P) + 7) % P
    y = pow(y2, (P + 1) // 4, P)
    if y * y % P != y2:
        return None
    if y & 1 != v & 1:
        y = P - y
    e = int.from_bytes(msg_hash, "big") % N
    rinv = pow(r, -1, N)
    q = _add(mul(s * rinv % N, (x, y)), mul((-e * rinv) % N, G))
    if q is None:
        return None
    return q[0].to_bytes(32, "big") + q[1].to_bytes(32, "big")
