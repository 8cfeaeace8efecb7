/* select.c: top-k partial selection with a bounded max-heap.
 *
 * Order is lexicographic on (value, index): of two equal values the smaller index ranks first,
 * which is what a stable sort of the whole row would give. A push costs one comparison when the
 * value cannot enter (the common case once the heap is full) and O(log k) otherwise. */
#include "mlc.h"

static inline int greater(double va, int64_t ia, double vb, int64_t ib) {
    return va > vb || (va == vb && ia > ib);
}

static void sift_down(double *vals, int64_t *idx, int64_t size, int64_t pos) {
    double v = vals[pos];
    int64_t i = idx[pos];
    for (;;) {
        int64_t c = 2 * pos + 1;
        if (c >= size) break;
        if (c + 1 < size && greater(vals[c + 1], idx[c + 1], vals[c], idx[c])) c++;
        if (!greater(vals[c], idx[c], v, i)) break;
        vals[pos] = vals[c];
        idx[pos] = idx[c];
        pos = c;
    }
    vals[pos] = v;
    idx[pos] = i;
}

void mlc_topk_push(double *vals, int64_t *idx, int64_t *size, int64_t k, double v, int64_t i) {
    if (*size < k) {
        // sift up the new leaf
        int64_t pos = (*size)++;
        while (pos > 0) {
            int64_t parent = (pos - 1) / 2;
            if (!greater(v, i, vals[parent], idx[parent])) break;
            vals[pos] = vals[parent];
            idx[pos] = idx[parent];
            pos = parent;
        }
        vals[pos] = v;
        idx[pos] = i;
        return;
    }
    if (!greater(vals[0], idx[0], v, i)) return;
    vals[0] = v;
    idx[0] = i;
    sift_down(vals, idx, k, 0);
}

void mlc_topk_sort(double *vals, int64_t *idx, int64_t size) {
    // heapsort: repeatedly move the max to the end
    for (int64_t end = size - 1; end > 0; end--) {
        double tv = vals[0];
        int64_t ti = idx[0];
        vals[0] = vals[end];
        idx[0] = idx[end];
        vals[end] = tv;
        idx[end] = ti;
        sift_down(vals, idx, end, 0);
    }
}
