/* bind_logistic.c: logistic regression and the first-order optimizers. */
#include "bind.h"

PyMethodDef mlc_logistic_methods[] = {
    {NULL, NULL, 0, NULL},
};
