/* bind_nn_optim.c: network optimisers over the flat buffer, clipping, initialisers. */
#include "bind.h"

PyMethodDef mlc_nn_optim_methods[] = {
    {NULL, NULL, 0, NULL},
};
