# pyloop.py - the pure-Python workload of scripts/bench's real-program table.
#
#   python3 pyloop.py N        (N rounds; the script passes 60000 * BENCH_SCALE / 100)
#
# Interpreter-bound work, no C extension does the heavy lifting: integer
# arithmetic in a loop (a linear congruential generator, divisions,
# shifts), dict insertions, lookups and deletions keyed by strings, string
# formatting, slicing, joining and splitting, list sorting with a key
# function and a small class with method calls.  It prints a few checksums
# that must be the same natively and under emulation.
import sys


class Account:
    __slots__ = ("name", "balance", "ops")

    def __init__(self, name):
        self.name = name
        self.balance = 0
        self.ops = 0

    def apply(self, amount):
        self.balance += amount
        self.ops += 1
        return self.balance


def rounds(n):
    x = 12345
    table = {}
    accounts = [Account("acct%03d" % i) for i in range(64)]
    words = []
    acc = 0
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        key = "k%05d" % (x % 20011)
        v = table.get(key, 0) + (x >> 7) % 1000
        table[key] = v
        if v > 5000:
            del table[key]
        acc = (acc + v * 3 + (x // 97)) % 1000000007
        a = accounts[x & 63]
        a.apply((x % 201) - 100)
        if i % 16 == 0:
            s = "%s:%d:%x" % (a.name, a.balance, x)
            words.append(s[2:12].upper())
        if len(words) >= 256:
            joined = "|".join(sorted(words, key=lambda w: (w[-3:], w)))
            acc = (acc + sum(len(p) for p in joined.split("|")) + joined.count("A")) % 1000000007
            words = []
    return acc, len(table), sum(t.balance for t in accounts), sum(t.ops for t in accounts)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
    acc, size, bal, ops = rounds(n)
    print("rounds", n, "checksum", acc, "dict", size, "balance", bal, "ops", ops)


main()
