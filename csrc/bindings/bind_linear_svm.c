/* bind_linear_svm.c: LinearSVC by dual coordinate descent (LIBLINEAR). */
#include "bind.h"

PyMethodDef mlc_linear_svm_methods[] = {
    {NULL, NULL, 0, NULL},
};
