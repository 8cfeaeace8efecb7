/* bind_kernel_svm.c: kernel SVMs by SMO. */
#include "bind.h"

PyMethodDef mlc_kernel_svm_methods[] = {
    {NULL, NULL, 0, NULL},
};
