#!/usr/bin/env python3
"""An independent model of viewstats's published numbers, written from their
documentation (README, "perturbed_count: the cell key method" and "Distinct
units, hashing and memory"; src/core/ck_core.h), not from the C code, for
the pinned-answer test test/t/017_pinned_values.pl.

It computes, with Python integers and floats only:
  - SipHash-2-4 (Aumasson and Bernstein), checked against the reference
    implementation's published vectors before anything else runs;
  - PostgreSQL's hash of an integer (hash_bytes_uint32_extended, Bob
    Jenkins's lookup3 "final" mix), with which int2, int4 and int8 units are
    hashed, and hash_bytes over 32-bit words, with which dayset_hash hashes
    a dayset's runs;
  - the stable unit hash of every other supported unit type: SipHash-2-4,
    keyed by the 16 ASCII bytes "viewstats/unit/" and a letter naming the
    type's family, over a canonical, byte-order-free encoding of the value;
  - the record key derived from the secret, the cell key (sum of record
    keys mod 2^32), and the p-table's maximum-entropy rows, computed here
    by Newton's method in floating point; a cell key picks the first j whose
    cumulative probability times 2^32 exceeds it.  The C code rounds the
    probabilities to integer weights, which moves a boundary by a few units
    in 2^32; the model refuses a cell key within MARGIN of a boundary, where
    the two could honestly disagree.

Input (stdin), one line each:
  secret HEX                the 32-byte secret
  settings THRESHOLD D V    viewstats.min_group_size, ptable_max_deviation, ptable_variance
  unit NAME GROUP TYPE VALUE  a unit of group GROUP in the set NAME (VALUE as text)
  dayset NAME FIRST LAST [FIRST LAST ...]  runs as day numbers (days from 2000-01-01)
  inthash VALUE             PostgreSQL's hash of an integer with the unit seed
Output: for each set and group, "perturbed NAME GROUP COUNT" (COUNT or NULL);
for each dayset, "dayset_hash NAME VALUE" and "dayset_hash_extended NAME SEED VALUE"
for the seeds 0, 1 and 2^62 + 12345; "inthash VALUE HASH" (signed), for a
check of the model against hashint8extended itself.
"""

import decimal
import math
import struct
import sys
import uuid

M64 = (1 << 64) - 1
M32 = (1 << 32) - 1
MARGIN = 1 << 12

# ---- SipHash-2-4 ------------------------------------------------------------


def rotl64(x, b):
    return ((x << b) | (x >> (64 - b))) & M64


def siphash24(k0, k1, msg):
    v0 = 0x736F6D6570736575 ^ k0
    v1 = 0x646F72616E646F6D ^ k1
    v2 = 0x6C7967656E657261 ^ k0
    v3 = 0x7465646279746573 ^ k1

    def rounds(n):
        nonlocal v0, v1, v2, v3
        for _ in range(n):
            v0 = (v0 + v1) & M64
            v1 = rotl64(v1, 13) ^ v0
            v0 = rotl64(v0, 32)
            v2 = (v2 + v3) & M64
            v3 = rotl64(v3, 16) ^ v2
            v0 = (v0 + v3) & M64
            v3 = rotl64(v3, 21) ^ v0
            v2 = (v2 + v1) & M64
            v1 = rotl64(v1, 17) ^ v2
            v2 = rotl64(v2, 32)

    full = len(msg) - len(msg) % 8
    for i in range(0, full, 8):
        m = int.from_bytes(msg[i:i + 8], "little")
        v3 ^= m
        rounds(2)
        v0 ^= m
    last = (len(msg) & 0xFF) << 56
    for i, byte in enumerate(msg[full:]):
        last |= byte << (8 * i)
    v3 ^= last
    rounds(2)
    v0 ^= last
    v2 ^= 0xFF
    rounds(4)
    return v0 ^ v1 ^ v2 ^ v3


def key_from_bytes(b16):
    return int.from_bytes(b16[:8], "little"), int.from_bytes(b16[8:16], "little")


def check_siphash():
    # The reference implementation's vectors: key 00..0f, message 00..(n-1).
    key = key_from_bytes(bytes(range(16)))
    want = {0: 0x726FDB47DD0E0E31, 1: 0x74F839C593DC67FD, 7: 0xAB0200F58B01D137,
            8: 0x93F5F5799A932462, 15: 0xA129CA6149BE45E5, 63: 0x958A324CEB064572}
    for n, v in want.items():
        got = siphash24(*key, bytes(range(n)))
        if got != v:
            sys.exit("SipHash-2-4 model fails vector %d: %x != %x" % (n, got, v))


# ---- PostgreSQL's Jenkins hash (lookup3) --------------------------------------


def rot32(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


def mix(a, b, c):
    a = (a - c) & M32; a ^= rot32(c, 4); c = (c + b) & M32
    b = (b - a) & M32; b ^= rot32(a, 6); a = (a + c) & M32
    c = (c - b) & M32; c ^= rot32(b, 8); b = (b + a) & M32
    a = (a - c) & M32; a ^= rot32(c, 16); c = (c + b) & M32
    b = (b - a) & M32; b ^= rot32(a, 19); a = (a + c) & M32
    c = (c - b) & M32; c ^= rot32(b, 4); b = (b + a) & M32
    return a, b, c


def final(a, b, c):
    c ^= b; c = (c - rot32(b, 14)) & M32
    a ^= c; a = (a - rot32(c, 11)) & M32
    b ^= a; b = (b - rot32(a, 25)) & M32
    c ^= b; c = (c - rot32(b, 16)) & M32
    a ^= c; a = (a - rot32(c, 4)) & M32
    b ^= a; b = (b - rot32(a, 14)) & M32
    c ^= b; c = (c - rot32(b, 24)) & M32
    return a, b, c


def hash_words(words, seed=None):
    """lookup3 over 32-bit values (hash_bytes on a key of whole words): the
    32-bit result, or, when a seed is given (0 meaning none, as in
    hash_bytes_extended), the 64-bit one."""
    a = b = c = (0x9E3779B9 + 4 * len(words) + 3923095) & M32
    if seed:
        a = (a + (seed >> 32)) & M32
        b = (b + (seed & M32)) & M32
        a, b, c = mix(a, b, c)
    i = 0
    while len(words) - i >= 3:
        a = (a + words[i]) & M32
        b = (b + words[i + 1]) & M32
        c = (c + words[i + 2]) & M32
        a, b, c = mix(a, b, c)
        i += 3
    rest = len(words) - i
    if rest >= 2:
        b = (b + words[i + 1]) & M32
    if rest >= 1:
        a = (a + words[i]) & M32
    a, b, c = final(a, b, c)
    return c if seed is None else ((b << 32) | c)


def hash_uint32_extended(k, seed):
    # a single word, hashed as hash_bytes_uint32_extended does
    a = b = c = (0x9E3779B9 + 4 + 3923095) & M32
    if seed:
        a = (a + (seed >> 32)) & M32
        b = (b + (seed & M32)) & M32
        a, b, c = mix(a, b, c)
    a = (a + (k & M32)) & M32
    a, b, c = final(a, b, c)
    return (b << 32) | c


# ---- unit hashes ----------------------------------------------------------------

INT_SEED = int.from_bytes(b"viewstat", "big")      # 0x7669657773746174


def family_key(letter):
    return key_from_bytes(b"viewstats/unit/" + letter)


def int_unit_hash(v):
    if not -(1 << 63) <= v < (1 << 63):
        raise ValueError("integer unit out of range")
    lo, hi = v & M32, (v >> 32) & M32
    # int2 and int4 hash their value; int8 folds its high half in so that
    # values that fit in 32 bits hash alike
    lo ^= hi if v >= 0 else (~hi & M32)
    return hash_uint32_extended(lo, INT_SEED)


def canonical_numeric(text):
    d = decimal.Decimal(text)
    if d.is_nan():
        return "NaN"
    if d.is_infinite():
        return "Infinity" if d > 0 else "-Infinity"
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s


def canonical_float(text, single=False):
    x = float(text)
    if single:
        # a float4's text is the shortest that reads back as the same float4
        x = struct.unpack(">f", struct.pack(">f", x))[0]
    if math.isnan(x):
        return bytes.fromhex("7ff8000000000000")
    if x == 0.0:
        x = 0.0
    return struct.pack(">d", x)


def stable_unit_hash(typ, value):
    if typ in ("text", "enum"):
        letter, msg = b"t", value.encode("utf-8")
    elif typ == "bpchar":
        letter, msg = b"t", value.rstrip(" ").encode("utf-8")
    elif typ == "uuid":
        letter, msg = b"u", uuid.UUID(value).bytes
    elif typ == "bytea":
        letter, msg = b"b", bytes.fromhex(value[2:])
    elif typ == "numeric":
        letter, msg = b"n", canonical_numeric(value).encode("ascii")
    elif typ in ("float8", "float4"):
        letter, msg = b"f", canonical_float(value, typ == "float4")
    else:
        raise ValueError("no model for unit type " + typ)
    return siphash24(*family_key(letter), msg)


def unit_hash(typ, value):
    if typ in ("int2", "int4", "int8"):
        return int_unit_hash(int(value))
    return stable_unit_hash(typ, value)


# ---- keys, cell keys and the p-table ---------------------------------------------

RECORD_KEY_LABEL = b"viewstats/perturbed_count/record-key/v1"


def derive_key(secret, label):
    master = key_from_bytes(secret[:16])
    k0 = siphash24(*master, label + secret[16:] + b"\x00")
    k1 = siphash24(*master, label + secret[16:] + b"\x01")
    return k0, k1


def record_key(key, h):
    return siphash24(*key, h.to_bytes(8, "little")) & M32


def maxent_row(lo, hi, v):
    """p_j proportional to exp(a j + b j^2) on [lo, hi] with mean 0 and
    second moment v: Newton's method on the two moment equations."""
    a = b = 0.0
    js = list(range(lo, hi + 1))
    for _ in range(500):
        e = [a * j + b * j * j for j in js]
        top = max(e)
        w = [math.exp(x - top) for x in e]
        z = sum(w)
        p = [x / z for x in w]
        m = [sum(q * j ** k for q, j in zip(p, js)) for k in range(5)]
        g1, g2 = m[1], m[2] - v
        if abs(g1) < 1e-15 and abs(g2) < 1e-15:
            return p
        h11, h12, h22 = m[2] - m[1] ** 2, m[3] - m[1] * m[2], m[4] - m[2] ** 2
        det = h11 * h22 - h12 * h12
        d1 = -(h22 * g1 - h12 * g2) / det
        d2 = -(h11 * g2 - h12 * g1) / det
        step = math.hypot(d1, d2)
        if step > 1.0:
            d1, d2 = d1 / step, d2 / step
        a, b = a + d1, b + d2
    sys.exit("the p-table model did not converge for [%d, %d], V = %g" % (lo, hi, v))


def perturbation(d, v, headroom, cell_key):
    h = min(headroom, d)
    if h == 0:
        return 0
    p = maxent_row(-h, d, v)
    cum = 0.0
    for j, q in zip(range(-h, d + 1), p):
        cum += q
        bound = cum * (1 << 32)
        if abs(cell_key - bound) < MARGIN and j < d:
            sys.exit("cell key %d lies within %d of a p-table boundary: "
                     "the model cannot decide it; change the fixture" % (cell_key, MARGIN))
        if cell_key < bound and j < d:
            return j
    return d


def main():
    check_siphash()
    secret = None
    threshold, d, v = 10, 2, 1.0
    groups = {}
    daysets = []
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        if f[0] == "secret":
            secret = bytes.fromhex(f[1])
        elif f[0] == "settings":
            threshold, d, v = int(f[1]), int(f[2]), float(f[3])
        elif f[0] == "unit":
            name, group, typ = f[1], int(f[2]), f[3]
            value = line.split(None, 4)[4].rstrip("\n") if len(f) > 4 else ""
            groups.setdefault((name, group), set()).add(unit_hash(typ, value))
        elif f[0] == "dayset":
            daysets.append((f[1], [int(x) for x in f[2:]]))
        elif f[0] == "inthash":
            h = int_unit_hash(int(f[1]))
            print("inthash %s %d" % (f[1], struct.unpack("<q", struct.pack("<Q", h))[0]))
        else:
            sys.exit("unknown input line: " + line)
    if groups and (secret is None or len(secret) != 32):
        sys.exit("a 32-byte secret is needed")
    if groups:
        key = derive_key(secret, RECORD_KEY_LABEL)
    for (name, group) in sorted(groups):
        units = groups[(name, group)]
        n = len(units)
        if n < threshold:
            print("perturbed %s %d NULL" % (name, group))
            continue
        cell_key = sum(record_key(key, h) for h in units) & M32
        print("perturbed %s %d %d" % (name, group, n + perturbation(d, v, n - threshold, cell_key)))
    for name, days in daysets:
        words = [x & M32 for x in days]
        print("dayset_hash %s %d" % (name, struct.unpack("<i", struct.pack("<I", hash_words(words)))[0]))
        for seed in (0, 1, (1 << 62) + 12345):
            h = hash_words(words, seed)
            print("dayset_hash_extended %s %d %d" % (name, seed, struct.unpack("<q", struct.pack("<Q", h))[0]))


if __name__ == "__main__":
    main()
