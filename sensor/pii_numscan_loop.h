/* pii_numscan_loop.h -- the digit scan's loop (see pii_numscan.c), once per
 * vector width: the includer defines NS_NAME (the function), NS_ATTR (its
 * attributes: a target), NS_W (bytes a vector: 16, 32; 0 = eight-byte words
 * only) and for NS_W > 0 the vector type and operations NS_VEC, NS_LOAD(p)
 * (unaligned), NS_SET1(c), NS_SUB, NS_MIN (unsigned), NS_EQ, NS_MASK (one
 * bit a byte), NS_IN_RANGE(v, lo, cnt) and NS_IS_BYTE(v, c) (bit j: byte j in
 * [lo, lo + cnt), byte j == c). Everything else (run_start, back, dig, sep)
 * is pii_numscan.c's, the same for every width. Included more than once. */

NS_ATTR static size_t NS_NAME(struct pii_numscan *st, const uint8_t *p, size_t n, uint32_t *out)
{
    size_t no = 0, i = 0;
    while (i < n) {
#if NS_W
        if (!st->run && i >= 1 && i + NS_W <= n) {
            /* Outside a run only a digit that may start a live run matters:
             * one after a digit, a lower-case letter, '_', '.' or '/' cannot
             * (run_start would drop it), so NS_W bytes are judged at once
             * from the bytes and the bytes before them. */
            const NS_VEC v = NS_LOAD(p + i);
            uint32_t m = NS_IN_RANGE(v, '0', 10);
            if (m) {
                const NS_VEC pv = NS_LOAD(p + i - 1);
                uint32_t dead = NS_IN_RANGE(pv, '0', 10) | NS_IN_RANGE(pv, 'a', 26) | NS_IS_BYTE(pv, '_') |
                                NS_IS_BYTE(pv, '.') | NS_IS_BYTE(pv, '/');
                uint32_t live = m & ~dead;
                if (live) {
                    /* A live digit whose run (digits and separators) ends
                     * in this vector with fewer than 6 digits, no four
                     * separators in a row and no capital or '-' before it
                     * reports nothing (no 7th digit, no NIR 2A/2B, no
                     * letters-then-digit): the run is crossed off the live
                     * digits without the byte walk. Version ranges
                     * ("^1.2.3") of npm JSON are most of such runs. Any
                     * other live digit: the walk, from it. */
                    const uint32_t all = NS_W == 32 ? ~0u : (1u << NS_W) - 1;
                    uint32_t ext = m | NS_IS_BYTE(v, ' ') | NS_IS_BYTE(v, '-') | NS_IS_BYTE(v, '.') |
                                   NS_IS_BYTE(v, '(') | NS_IS_BYTE(v, ')') | NS_IS_BYTE(v, '/');
                    uint32_t lead = NS_IN_RANGE(pv, 'A', 26) | NS_IS_BYTE(pv, '-');
                    do {
                        unsigned j = (unsigned)__builtin_ctz(live);
                        uint32_t stop = ~(ext >> j) & (all >> j);
                        uint32_t in = stop ? (1u << __builtin_ctz(stop)) - 1 : 0;
                        uint32_t sp = (ext & ~m) >> j & in;
                        if (!stop || (lead >> j & 1) || __builtin_popcount(m >> j & in) >= 6 ||
                            (sp & sp >> 1 & sp >> 2 & sp >> 3)) {
                            i += j;
                            goto scalar;
                        }
                        live &= ~(in << j);
                    } while (live);
                }
                i += NS_W;
                continue;
            }
        }
        if (!st->run && i + NS_W <= n) {
            /* No digit in sight: 4 x NS_W bytes a step. */
            const NS_VEC zero = NS_SET1('0'), nine = NS_SET1(9);
            while (i + 4 * NS_W <= n) {
                NS_VEC a = NS_SUB(NS_LOAD(p + i), zero);
                NS_VEC b = NS_SUB(NS_LOAD(p + i + NS_W), zero);
                NS_VEC c2 = NS_SUB(NS_LOAD(p + i + 2 * NS_W), zero);
                NS_VEC d2 = NS_SUB(NS_LOAD(p + i + 3 * NS_W), zero);
                NS_VEC lo = NS_MIN(NS_MIN(a, b), NS_MIN(c2, d2));
                if (NS_MASK(NS_EQ(NS_MIN(lo, nine), lo)) != 0) break;
                i += 4 * NS_W;
            }
            if (i + NS_W > n) continue;
            NS_VEC v = NS_SUB(NS_LOAD(p + i), zero);
            uint32_t m = NS_MASK(NS_EQ(NS_MIN(v, nine), v));
            if (m == 0) {
                i += NS_W;
                continue;
            }
            i += (size_t)__builtin_ctz(m);
        } else
#endif
        if (!st->run && i + 8 <= n) {
            /* The same eight bytes at a time (SWAR). The lowest flagged byte
             * of the has-less-than test is exact. */
            uint64_t w;
            memcpy(&w, p + i, 8);
            uint64_t y = w ^ 0x3030303030303030ull;
            uint64_t m = (y - 0x0a0a0a0a0a0a0a0aull) & ~y & 0x8080808080808080ull;
            if (m == 0) {
                i += 8;
                continue;
            }
            i += (size_t)__builtin_ctzll(m) >> 3;
        }
#if NS_W
scalar:;
#endif
        uint8_t c = p[i];
        if (dig(c)) {
            if (st->run) {
                st->cnt = st->cnt < 255 ? (uint8_t)(st->cnt + 1) : 255;
                st->sep = 0;
            } else {
                if (!run_start(st, p, i, out, &no)) {
                    /* Its other digits could not start a run either. */
                    do i++; while (i < n && dig(p[i]));
                    continue;
                }
                st->run = true;
                st->cnt = 1;
                st->sep = 0;
                st->emitted = false;
            }
            if (st->cnt == 7 && st->lead_ok && !st->emitted) {
                out[no++] = (uint32_t)(i + 1) << 8 | PAT_NUM;
                st->emitted = true;
            }
        } else if (st->run && sep(c)) {
            if (++st->sep > 3) st->run = false;
        } else if (st->run) {
            if ((c == 'A' || c == 'B') && st->sep == 0 && st->cnt == 6 && back(st, p, i, 1) == '2')
                out[no++] = (uint32_t)(i + 1) << 8 | PAT_NIR2A;
            st->run = false;
        }
        i++;
    }
    if (n >= 8) {
        memcpy(st->tail, p + n - 8, 8);
    } else {
        memmove(st->tail, st->tail + n, 8 - n);
        memcpy(st->tail + 8 - n, p, n);
    }
    return no;
}
