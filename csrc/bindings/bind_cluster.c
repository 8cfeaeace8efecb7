/* bind_cluster.c: k-means. */
#include "bind.h"

PyMethodDef mlc_cluster_methods[] = {
    {NULL, NULL, 0, NULL},
};
