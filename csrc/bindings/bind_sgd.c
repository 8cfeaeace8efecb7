/* bind_sgd.c: SGDClassifier / SGDRegressor epochs. */
#include "bind.h"

PyMethodDef mlc_sgd_methods[] = {
    {NULL, NULL, 0, NULL},
};
