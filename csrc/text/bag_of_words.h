/* bag_of_words.h: documents to a vocabulary and a document-term count matrix, the work of
 * scikit-learn's CountVectorizer with its defaults (the token pattern (?u)\b\w\w+\b, terms sorted).
 *
 * Legend: N documents, B bytes of text, V terms (distinct tokens), NNZ (document, term) pairs with a
 * nonzero count.
 * text (B) in: the documents' UTF-8, already lowercased; document i is text[doc_start[i],
 *   doc_start[i + 1]), doc_start (N + 1) in, nondecreasing from 0 to B.
 * word (MLC_TEXT_CODE_POINTS / 8) in: a bitset of the code points that are word characters (Python's
 *   \w: str.isalnum() or '_'; bit c % 8 of byte c / 8), or NULL: ASCII [0-9A-Za-z_] only.
 * A token is a maximal run of word characters at least 2 code points long. Bytes that are not UTF-8
 * (possible only in a direct call) are single non-word characters.
 * Terms are sorted bytewise, which for UTF-8 is the code-point order of Python's sorted().
 */
#ifndef MLC_TEXT_BAG_OF_WORDS_H
#define MLC_TEXT_BAG_OF_WORDS_H

#include "mlc.h"

#define MLC_TEXT_CODE_POINTS 0x110000

/* What mlc_text_count found, owned until mlc_text_bag_free (zero-initialise before the count). The
 * sizes are public: the caller allocates the outputs of mlc_text_emit from them. */
typedef struct mlc_text_chunk mlc_text_chunk;
typedef struct {
    int64_t n_docs, n_terms, nnz;
    int64_t terms_bytes; /* the bytes of every term, each followed by '\n' */
    int64_t max_row;     /* the most terms in one document */
    /* private */
    int n_chunks;
    mlc_text_chunk *chunks; /* (n_chunks): documents split by bytes, each tokenised by one thread */
    int64_t *row_start;     /* (N + 1): document i's pairs are [row_start[i], row_start[i + 1]) */
    int32_t *rank;          /* (sum of the chunks' terms): each chunk's local term to its sorted column */
    char *bytes;            /* the terms' bytes, one after another */
    char **sorted;          /* (V): the terms in sorted order (pointers into bytes) */
    int32_t *sorted_len;    /* (V) their byte lengths */
    int64_t *df, *tf;       /* (V) documents containing each term, its total count */
} mlc_text_bag;

/* NULL, or why the documents cannot be counted (a document longer than INT32_MAX bytes). */
const char *mlc_text_check_params(const int64_t *doc_start, int64_t n);

/* Tokenises and counts every document (the chunks in parallel), merges the chunks' vocabularies and
 * sorts the terms. MLC_EINVAL if the vocabulary outgrows int32 columns; MLC_EINTERRUPTED if progress
 * asked to stop. On any status bag owns memory only until mlc_text_bag_free. */
int mlc_text_count(mlc_text_bag *bag, const char *text, const int64_t *doc_start, int64_t n,
                   const uint8_t *word, const mlc_progress *progress, int n_threads);

/* Writes what mlc_text_count found, in the sorted term order:
 *   terms (terms_bytes) out: each term's UTF-8 followed by '\n'
 *   df (V) out, tf (V) out: document frequency and total count of each term
 *   indptr (N + 1) out, indices (NNZ) out, counts (NNZ) out: the CSR count matrix, columns sorted
 *   within each row */
int mlc_text_emit(char *terms, int64_t *df, int64_t *tf, int64_t *indptr, int32_t *indices, int64_t *counts,
                  const mlc_text_bag *bag, int n_threads);

void mlc_text_bag_free(mlc_text_bag *bag);

/* Keeps some columns of a CSR matrix, in place: column j becomes new_index[j], or is dropped where
 * new_index[j] < 0 (new_index must be increasing over the kept columns, so rows stay sorted).
 *   indptr (N + 1) inout, indices (NNZ) inout, counts (NNZ) inout: the kept pairs move to the front,
 *   indptr[N] is their number.  new_index (V) in. MLC_EINVAL if an index is outside [0, V). */
int mlc_text_prune(int64_t *indptr, int32_t *indices, int64_t *counts, const int32_t *new_index, int64_t n,
                   int64_t n_terms);

#endif
