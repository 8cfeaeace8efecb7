/* module.c: mlc._mlc. Merges the families' method tables into one and imports NumPy's C API. */
#define MLC_BIND_MODULE
#include "bind.h"

static PyMethodDef *family_tables[] = {
    mlc_core_methods, mlc_distance_methods, mlc_neighbors_methods, mlc_metrics_methods,
    mlc_preprocessing_methods, mlc_cluster_methods, mlc_mixture_methods, mlc_decomposition_methods,
    mlc_least_squares_methods, mlc_logistic_methods, mlc_kernel_svm_methods, mlc_linear_svm_methods,
    mlc_sgd_methods, mlc_nn_dense_methods, mlc_nn_conv_methods, mlc_nn_norm_methods, mlc_nn_optim_methods,
};

static PyMethodDef *merged = NULL;

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "mlc._mlc", "mlc's C kernels (internal: use the mlc package).", -1, NULL,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__mlc(void) {
    import_array();
    if (merged == NULL) {
        size_t count = 0;
        for (size_t t = 0; t < sizeof family_tables / sizeof *family_tables; t++)
            for (PyMethodDef *m = family_tables[t]; m->ml_name != NULL; m++) count++;
        merged = PyMem_RawCalloc(count + 1, sizeof *merged); /* lives as long as the process */
        if (merged == NULL) return PyErr_NoMemory();
        size_t i = 0;
        for (size_t t = 0; t < sizeof family_tables / sizeof *family_tables; t++)
            for (PyMethodDef *m = family_tables[t]; m->ml_name != NULL; m++) merged[i++] = *m;
        moduledef.m_methods = merged;
    }
    PyObject *mod = PyModule_Create(&moduledef);
    if (mod == NULL) return NULL;
    if (PyModule_AddIntConstant(mod, "OK", MLC_OK) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
