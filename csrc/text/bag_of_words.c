/* bag_of_words.c: the tokeniser, the vocabulary and the count matrix (see bag_of_words.h).
 *
 * The documents are cut into one contiguous chunk per thread (balanced by bytes). Each thread
 * tokenises its chunk into its own hash table of terms (a term is kept as its first occurrence in
 * the text: no copies) and writes each document's (term, count) pairs in its local term numbers. The
 * chunks' vocabularies are then merged into one table and sorted, and the emit pass renames every pair
 * to its sorted column and sorts each row. Sorted terms and sorted rows make the output the same
 * for any number of threads.
 */
#include "text/bag_of_words.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* Tokenising and counting one byte of the Rotten Tomatoes snippets costs 5-15 ns at one thread here
 * (the hash lookups included; measured on a loaded machine): at least 256 of mlc.h's steps. */
#define TEXT_BYTE_WORK 256
#define TEXT_TICK 1024 /* documents between two progress checks */

typedef struct {
    int64_t start;    /* the term is the table's bytes[start, start + len) */
    uint64_t hash;
    int64_t last_doc; /* the document it was last counted in, and its pair's index there */
    int64_t pair;
    int64_t df, tf;
    int32_t len;
} term_info;

typedef struct {
    int32_t term, count;
} term_count;

/* A vocabulary: the terms in order of first occurrence, found by hash. Their bytes are copied into one
 * compact block, so the comparison that confirms a hash match stays in cache (in the text it would be
 * a miss per token). */
typedef struct {
    term_info *terms; /* (n_terms) */
    int64_t n_terms, cap_terms;
    int32_t *slots;   /* (n_slots): open addressing, term index or -1 */
    int64_t n_slots;
    char *bytes;      /* (n_bytes) */
    int64_t n_bytes, cap_bytes;
} term_table;

static void table_free(term_table *tb) {
    mlc_free(tb->terms);
    mlc_free(tb->slots);
    mlc_free(tb->bytes);
    memset(tb, 0, sizeof *tb);
}

struct mlc_text_chunk {
    int64_t doc0, doc1;                 /* its documents [doc0, doc1) */
    term_table table;                   /* its vocabulary */
    term_count *pairs;                  /* (n_pairs): its documents' pairs, document after document */
    int64_t n_pairs, cap_pairs;
    int64_t rank0;                      /* its terms' first entry in bag->rank */
};

const char *mlc_text_check_params(const int64_t *doc_start, int64_t n) {
    if (n < 0) return "the number of documents must be >= 0";
    if (doc_start[0] < 0) return "doc_start must start at >= 0";
    for (int64_t i = 0; i < n; i++) {
        if (doc_start[i + 1] < doc_start[i]) return "doc_start must be nondecreasing";
        if (doc_start[i + 1] - doc_start[i] > INT32_MAX) return "a document is longer than 2^31 - 1 bytes";
    }
    return NULL;
}

/* *p (cap elements of `size` bytes) grown to hold at least `need`, contents kept. */
static int grow(void **p, int64_t *cap, int64_t need, size_t size) {
    if (need <= *cap) return MLC_OK;
    int64_t c = *cap > 0 ? *cap : 256;
    while (c < need) c *= 2;
    void *q = mlc_malloc((size_t)c * size);
    if (q == NULL) return MLC_ENOMEM;
    if (*cap > 0) memcpy(q, *p, (size_t)*cap * size);
    mlc_free(*p);
    *p = q;
    *cap = c;
    return MLC_OK;
}

/* The slot of the term tok[0, len) with hash h: the one holding it, or the empty one where it goes. */
static int64_t find(const term_table *tb, const char *tok, int32_t len, uint64_t h) {
    const int64_t mask = tb->n_slots - 1;
    for (int64_t i = (int64_t)(h & (uint64_t)mask);; i = (i + 1) & mask) {
        const int32_t t = tb->slots[i];
        if (t < 0) return i;
        const term_info *ti = &tb->terms[t];
        if (ti->hash == h && ti->len == len && memcmp(tb->bytes + ti->start, tok, (size_t)len) == 0) return i;
    }
}

/* Room for one more term: the table at most half full, doubled and refilled when it would not be. */
static int make_room(term_table *tb) {
    if (2 * (tb->n_terms + 1) <= tb->n_slots) return MLC_OK;
    const int64_t n = tb->n_slots > 0 ? 2 * tb->n_slots : 1024;
    int32_t *s = mlc_malloc((size_t)n * sizeof *s);
    if (s == NULL) return MLC_ENOMEM;
    memset(s, 0xff, (size_t)n * sizeof *s);
    for (int64_t t = 0; t < tb->n_terms; t++) {
        int64_t i = (int64_t)(tb->terms[t].hash & (uint64_t)(n - 1));
        while (s[i] >= 0) i = (i + 1) & (n - 1);
        s[i] = (int32_t)t;
    }
    mlc_free(tb->slots);
    tb->slots = s;
    tb->n_slots = n;
    return MLC_OK;
}

/* The index of the term tok[0, len) (hash h) in the table, added with zero counts if new; a negative
 * status if the table cannot grow. */
static int64_t intern(term_table *tb, const char *tok, int32_t len, uint64_t h) {
    int st = make_room(tb);
    if (st != MLC_OK) return st;
    const int64_t i = find(tb, tok, len, h);
    if (tb->slots[i] >= 0) return tb->slots[i];
    if (tb->n_terms >= INT32_MAX) return MLC_EINVAL; /* columns are int32 */
    if ((st = grow((void **)&tb->terms, &tb->cap_terms, tb->n_terms + 1, sizeof *tb->terms)) != MLC_OK ||
        (st = grow((void **)&tb->bytes, &tb->cap_bytes, tb->n_bytes + len, 1)) != MLC_OK)
        return st;
    memcpy(tb->bytes + tb->n_bytes, tok, (size_t)len);
    tb->terms[tb->n_terms] = (term_info){tb->n_bytes, h, -1, 0, 0, 0, len};
    tb->n_bytes += len;
    tb->slots[i] = (int32_t)tb->n_terms;
    return tb->n_terms++;
}

static inline int ascii_word(unsigned c) {
    return (c | 0x20) - 'a' < 26u || c - '0' < 10u || c == '_';
}

/* Whether the character at p (before end) is a word character; *width its bytes. */
static inline int word_at(const unsigned char *p, const unsigned char *end, const uint8_t *word, int *width) {
    const unsigned c = p[0];
    *width = 1;
    if (c < 0x80) return ascii_word(c);
    const int n = c >= 0xf8 ? 0 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
    if (n == 0 || end - p < n) return 0;
    uint32_t cp = c & (0x7fu >> n);
    for (int k = 1; k < n; k++) {
        if ((p[k] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (p[k] & 0x3fu);
    }
    *width = n;
    return word != NULL && cp < MLC_TEXT_CODE_POINTS && (word[cp >> 3] >> (cp & 7) & 1);
}

/* Counts one token of document d into the chunk. */
static int count_token(mlc_text_chunk *ch, const char *tok, int32_t len, uint64_t h, int64_t d) {
    const int64_t t = intern(&ch->table, tok, len, h);
    if (t < 0) return (int)t;
    term_info *ti = &ch->table.terms[t];
    ti->tf++;
    if (ti->last_doc == d) {
        ch->pairs[ti->pair].count++;
        return MLC_OK;
    }
    const int st = grow((void **)&ch->pairs, &ch->cap_pairs, ch->n_pairs + 1, sizeof *ch->pairs);
    if (st != MLC_OK) return st;
    ti->last_doc = d;
    ti->df++;
    ti->pair = ch->n_pairs;
    ch->pairs[ch->n_pairs++] = (term_count){(int32_t)t, 1};
    return MLC_OK;
}

/* Tokenises the chunk's documents; row_len[d] out: document d's number of distinct terms. */
static int count_chunk(mlc_text_chunk *ch, int64_t *row_len, const char *text, const int64_t *doc_start,
                       const uint8_t *word, const mlc_progress *progress, int64_t n, int *stop) {
    for (int64_t d = ch->doc0; d < ch->doc1; d++) {
        if ((d - ch->doc0) % TEXT_TICK == 0) {
            if (omp_get_thread_num() == 0 && mlc_progress_tick(progress, d, n)) {
#pragma omp atomic write
                *stop = 1;
            }
            int s;
#pragma omp atomic read
            s = *stop;
            if (s) return MLC_EINTERRUPTED;
        }
        const unsigned char *p = (const unsigned char *)text + doc_start[d];
        const unsigned char *end = (const unsigned char *)text + doc_start[d + 1];
        const int64_t first = ch->n_pairs;
        int w;
        while (p < end) {
            if (!word_at(p, end, word, &w)) {
                p += w;
                continue;
            }
            const unsigned char *s = p;
            int64_t chars = 0;
            uint64_t h = 0xcbf29ce484222325u; /* FNV-1a over the token's bytes, made as they are read */
            do {
                for (int k = 0; k < w; k++) h = (h ^ p[k]) * 0x100000001b3u;
                p += w;
                chars++;
            } while (p < end && word_at(p, end, word, &w));
            if (chars >= 2) {
                h ^= h >> 33; /* FNV's low bits, which pick the slot, mix only the bytes' low bits: fmix64 */
                h *= 0xff51afd7ed558ccdu;
                h ^= h >> 33;
                const int st = count_token(ch, (const char *)s, (int32_t)(p - s), h, d);
                if (st != MLC_OK) return st;
            }
        }
        row_len[d] = ch->n_pairs - first;
    }
    return MLC_OK;
}

typedef struct {
    const char *p;
    int32_t len, id;
} sort_term;

static int cmp_term(const void *a, const void *b) {
    const sort_term *x = a, *y = b;
    const int c = memcmp(x->p, y->p, (size_t)MLC_MIN(x->len, y->len));
    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/* One vocabulary from the chunks' ones, sorted: bag->rank, sorted, sorted_len, df, tf, n_terms, bytes. */
static int merge(mlc_text_bag *bag) {
    int64_t total = 0;
    for (int c = 0; c < bag->n_chunks; c++) {
        bag->chunks[c].rank0 = total;
        total += bag->chunks[c].table.n_terms;
    }
    term_table g = {0};
    sort_term *order = NULL;
    int32_t *column = NULL;
    int st = MLC_ENOMEM;
    bag->rank = mlc_malloc((size_t)MLC_MAX(total, 1) * sizeof *bag->rank);
    if (bag->rank == NULL) goto done;
    for (int c = 0; c < bag->n_chunks; c++) {
        const term_table *tb = &bag->chunks[c].table;
        for (int64_t t = 0; t < tb->n_terms; t++) {
            const term_info *ti = &tb->terms[t];
            const int64_t k = intern(&g, tb->bytes + ti->start, ti->len, ti->hash);
            if (k < 0) {
                st = (int)k;
                goto done;
            }
            g.terms[k].df += ti->df;
            g.terms[k].tf += ti->tf;
            bag->rank[bag->chunks[c].rank0 + t] = (int32_t)k;
        }
    }
    const int64_t v = g.n_terms, v1 = MLC_MAX(v, 1);
    order = mlc_malloc((size_t)v1 * sizeof *order);
    column = mlc_malloc((size_t)v1 * sizeof *column);
    bag->sorted = mlc_malloc((size_t)v1 * sizeof *bag->sorted);
    bag->sorted_len = mlc_malloc((size_t)v1 * sizeof *bag->sorted_len);
    bag->df = mlc_malloc((size_t)v1 * sizeof *bag->df);
    bag->tf = mlc_malloc((size_t)v1 * sizeof *bag->tf);
    if (order == NULL || column == NULL || bag->sorted == NULL || bag->sorted_len == NULL || bag->df == NULL ||
        bag->tf == NULL)
        goto done;
    for (int64_t k = 0; k < v; k++) order[k] = (sort_term){g.bytes + g.terms[k].start, g.terms[k].len, (int32_t)k};
    qsort(order, (size_t)v, sizeof *order, cmp_term);
    bag->terms_bytes = 0;
    for (int64_t r = 0; r < v; r++) {
        const int32_t k = order[r].id;
        column[k] = (int32_t)r;
        bag->sorted[r] = (char *)order[r].p;
        bag->sorted_len[r] = order[r].len;
        bag->df[r] = g.terms[k].df;
        bag->tf[r] = g.terms[k].tf;
        bag->terms_bytes += order[r].len + 1;
    }
    for (int64_t i = 0; i < total; i++) bag->rank[i] = column[bag->rank[i]];
    bag->bytes = g.bytes; /* sorted points into it */
    g.bytes = NULL;
    bag->n_terms = v;
    st = MLC_OK;
done:
    table_free(&g);
    mlc_free(order);
    mlc_free(column);
    return st;
}

int mlc_text_count(mlc_text_bag *bag, const char *text, const int64_t *doc_start, int64_t n,
                   const uint8_t *word, const mlc_progress *progress, int n_threads) {
    const int64_t bytes = doc_start[n] - doc_start[0];
    const int n_chunks = (int)MLC_MAX(1, MLC_MIN(n, mlc_team_size(bytes * TEXT_BYTE_WORK, n_threads)));
    bag->n_docs = n;
    bag->n_chunks = n_chunks;
    bag->chunks = mlc_malloc((size_t)n_chunks * sizeof *bag->chunks);
    if (bag->chunks == NULL) return MLC_ENOMEM;
    memset(bag->chunks, 0, (size_t)n_chunks * sizeof *bag->chunks);
    bag->row_start = mlc_malloc((size_t)(n + 1) * sizeof *bag->row_start);
    if (bag->row_start == NULL) return MLC_ENOMEM;
    for (int c = 0, d = 0; c < n_chunks; c++) { /* chunk c starts at the first document at or after c/n_chunks of the bytes */
        bag->chunks[c].doc0 = d;
        const int64_t target = doc_start[0] + bytes * (c + 1) / n_chunks;
        while (d < n && (c == n_chunks - 1 || doc_start[d] < target)) d++;
        bag->chunks[c].doc1 = d;
    }
    int status = MLC_OK, stop = 0;
#pragma omp parallel for num_threads(n_chunks) schedule(static, 1)
    for (int c = 0; c < n_chunks; c++) {
        const int st = count_chunk(&bag->chunks[c], bag->row_start + 1, text, doc_start, word, progress, n, &stop);
        if (st != MLC_OK) {
#pragma omp critical(mlc_text_status)
            if (status == MLC_OK || status == MLC_EINTERRUPTED) status = st;
#pragma omp atomic write
            stop = 1;
        }
    }
    if (status != MLC_OK) return status;
    bag->row_start[0] = 0;
    bag->max_row = 0;
    for (int64_t d = 0; d < n; d++) {
        bag->max_row = MLC_MAX(bag->max_row, bag->row_start[d + 1]);
        bag->row_start[d + 1] += bag->row_start[d];
    }
    bag->nnz = bag->row_start[n];
    const int st = merge(bag);
    for (int c = 0; c < n_chunks; c++) table_free(&bag->chunks[c].table); /* the pairs stay for the emit */
    return st;
}

static int cmp_u64(const void *a, const void *b) {
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void sort_u64(uint64_t *a, int64_t n) {
    if (n > 64) {
        qsort(a, (size_t)n, sizeof *a, cmp_u64);
        return;
    }
    for (int64_t i = 1; i < n; i++) {
        const uint64_t x = a[i];
        int64_t j = i;
        for (; j > 0 && a[j - 1] > x; j--) a[j] = a[j - 1];
        a[j] = x;
    }
}

int mlc_text_emit(char *terms, int64_t *df, int64_t *tf, int64_t *indptr, int32_t *indices, int64_t *counts,
                  const mlc_text_bag *bag, int n_threads) {
    for (int64_t r = 0; r < bag->n_terms; r++) {
        memcpy(terms, bag->sorted[r], (size_t)bag->sorted_len[r]);
        terms += bag->sorted_len[r];
        *terms++ = '\n';
    }
    memcpy(df, bag->df, (size_t)bag->n_terms * sizeof *df);
    memcpy(tf, bag->tf, (size_t)bag->n_terms * sizeof *tf);
    memcpy(indptr, bag->row_start, (size_t)(bag->n_docs + 1) * sizeof *indptr);
    const int nthr = (int)MLC_MIN(bag->n_chunks, mlc_team_size(bag->nnz * MLC_WORK_STREAM * 4, n_threads));
    uint64_t *keys = mlc_malloc((size_t)(bag->n_chunks * MLC_MAX(bag->max_row, 1)) * sizeof *keys);
    if (keys == NULL) return MLC_ENOMEM;
#pragma omp parallel for num_threads(nthr) schedule(static, 1)
    for (int c = 0; c < bag->n_chunks; c++) {
        const mlc_text_chunk *ch = &bag->chunks[c];
        const int32_t *rank = bag->rank + ch->rank0;
        uint64_t *key = keys + (int64_t)c * bag->max_row;
        const int64_t base = bag->row_start[ch->doc0];
        for (int64_t d = ch->doc0; d < ch->doc1; d++) {
            const int64_t k0 = bag->row_start[d], m = bag->row_start[d + 1] - k0;
            const term_count *pc = ch->pairs + (k0 - base);
            // column in the high half, count in the low half: sorting the keys sorts the row
            for (int64_t j = 0; j < m; j++) key[j] = (uint64_t)rank[pc[j].term] << 32 | (uint32_t)pc[j].count;
            sort_u64(key, m);
            for (int64_t j = 0; j < m; j++) {
                indices[k0 + j] = (int32_t)(key[j] >> 32);
                counts[k0 + j] = (int64_t)(key[j] & 0xffffffffu);
            }
        }
    }
    mlc_free(keys);
    return MLC_OK;
}

void mlc_text_bag_free(mlc_text_bag *bag) {
    if (bag->chunks != NULL)
        for (int c = 0; c < bag->n_chunks; c++) {
            table_free(&bag->chunks[c].table);
            mlc_free(bag->chunks[c].pairs);
        }
    mlc_free(bag->chunks);
    mlc_free(bag->row_start);
    mlc_free(bag->rank);
    mlc_free(bag->sorted);
    mlc_free(bag->sorted_len);
    mlc_free(bag->df);
    mlc_free(bag->tf);
    mlc_free(bag->bytes);
    memset(bag, 0, sizeof *bag);
}

int mlc_text_prune(int64_t *indptr, int32_t *indices, int64_t *counts, const int32_t *new_index, int64_t n,
                   int64_t n_terms) {
    int64_t kept = 0, a = indptr[0];
    for (int64_t i = 0; i < n; i++) {
        const int64_t b = indptr[i + 1];
        for (int64_t k = a; k < b; k++) {
            if (indices[k] < 0 || indices[k] >= n_terms) return MLC_EINVAL;
            const int32_t j = new_index[indices[k]];
            if (j < 0) continue;
            indices[kept] = j;
            counts[kept++] = counts[k];
        }
        indptr[i + 1] = kept;
        a = b;
    }
    indptr[0] = 0;
    return MLC_OK;
}
