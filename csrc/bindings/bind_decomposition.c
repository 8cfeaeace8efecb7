/* bind_decomposition.c: PCA and truncated SVD. */
#include "bind.h"

PyMethodDef mlc_decomposition_methods[] = {
    {NULL, NULL, 0, NULL},
};
