"""ED25519 points in pure Python (CPython only): the public key of a seed, and nearcore's
staking-key rule.

nearcore accepts a Stake action only with a key ``near_crypto::key_conversion::
is_valid_staking_key`` accepts: an ED25519 key whose 32 bytes decompress to a curve point
(curve25519-dalek ``CompressedEdwardsY::decompress``) that is torsion-free (in the prime-order
subgroup, so it converts to ristretto); a SECP256K1 key never.  verifier.rs
``validate_stake_action`` raises ``ActionsValidationError::UnsuitableStakingKey`` otherwise
(docs/protocol.md 4.9).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493  # the prime subgroup's order
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
_IDENTITY = (0, 1, 1, 0)  # extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z


def _add(p, q):
    """Twisted Edwards addition (a = -1), extended coordinates (RFC 8032 5.1.4)."""
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * t1 * t2 * D % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def double_and_add(k: int, point, add, identity):
    """``k`` x ``point`` by double-and-add with the curve's ``add`` (also vm/_secp256k1.py)."""
    out = identity
    while k:
        if k & 1:
            out = add(out, point)
        point = add(point, point)
        k >>= 1
    return out


def _mul(k: int, p):
    return double_and_add(k, p, _add, _IDENTITY)


def _is_identity(p) -> bool:
    x, y, z, _ = p
    return x % P == 0 and (y - z) % P == 0


def _decompress(key: bytes):
    """curve25519-dalek ``CompressedEdwardsY::decompress``: y is the low 255 bits taken mod p
    (a non-canonical y is accepted), the top bit is x's sign; None when no x exists."""
    n = int.from_bytes(key, "little")
    y, sign = (n & ((1 << 255) - 1)) % P, n >> 255
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    vxx = v * x * x % P
    if vxx == u:
        pass
    elif vxx == (-u) % P:
        x = x * SQRT_M1 % P
    else:
        return None
    if (x & 1) != sign:
        x = (-x) % P  # dalek negates conditionally: x = 0 with the sign bit set stays 0
    return (x, y, 1, x * y % P)


def _compress(p) -> bytes:
    x, y, z, _ = p
    zi = pow(z, P - 2, P)
    x, y = x * zi % P, y * zi % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


_BASE = _decompress((4 * pow(5, P - 2, P) % P).to_bytes(32, "little"))


@lru_cache(maxsize=4096)
def public_key_of_seed(seed: bytes) -> bytes:
    """RFC 8032 5.1.5: the 32-byte ED25519 public key of a 32-byte secret seed (PyNaCl's when
    it is installed: the [run] and [testing] extras have it; about 100 times faster)."""
    try:
        from nacl.signing import SigningKey
    except ImportError:
        return _public_key_of_seed(seed)
    return bytes(SigningKey(seed).verify_key)


def _public_key_of_seed(seed: bytes) -> bytes:
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return _compress(_mul(a, _BASE))


def is_valid_staking_key(public_key: bytes) -> bool:
    """``key_conversion::is_valid_staking_key`` on a borsh PublicKey (tag 0: ED25519 + 32
    bytes, tag 1: SECP256K1 + 64 bytes)."""
    if len(public_key) != 33 or public_key[0] != 0:
        return False  # SECP256K1 (or not a key at all)
    point = _decompress(public_key[1:])
    return point is not None and _is_identity(_mul(L, point))
