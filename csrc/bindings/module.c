/* module.c: mlc._mlc. Merges the families' method tables into one, imports NumPy's C API and exports
 * the enums of core/enums.h. */
#define MLC_BIND_MODULE
#include "bind.h"
#include "core/dispatch.h"
#include "core/enums.h"

static PyMethodDef *family_tables[] = {
    mlc_core_methods, mlc_distance_methods, mlc_neighbors_methods, mlc_metrics_methods,
    mlc_preprocessing_methods, mlc_cluster_methods, mlc_mixture_methods, mlc_naive_bayes_methods, mlc_decomposition_methods,
    mlc_least_squares_methods, mlc_logistic_methods, mlc_kernel_svm_methods, mlc_linear_svm_methods,
    mlc_sgd_methods, mlc_nn_dense_methods, mlc_nn_loss_methods, mlc_nn_conv_methods, mlc_nn_norm_methods,
    mlc_nn_optim_methods, mlc_discriminant_analysis_methods,
    mlc_text_methods,
    mlc_tree_methods,
    mlc_ensemble_methods,
    mlc_ensemble_forest_methods,
};

static PyMethodDef *merged = NULL;

/* Every enum of core/enums.h as rows (constant without MLC_, name, value), one table per enum. */
typedef struct {
    const char *constant, *name;
    int value;
} enum_row;
#define ENUM_ROW(c, v, s) {&#c[4], s, c},
#define ENUM_TABLE(key, LIST, valid) {key, (const enum_row[]){LIST(ENUM_ROW){NULL, NULL, 0}}},
static const struct {
    const char *key;
    const enum_row *rows;
} enum_tables[] = {MLC_ENUMS(ENUM_TABLE)};

/* Adds each constant as an int attribute (mod.PENALTY_L1) and ENUMS = {key: {name: value}}. */
static int add_enums(PyObject *mod) {
    PyObject *all = PyDict_New(), *one = NULL, *v = NULL;
    if (all == NULL) return -1;
    for (size_t t = 0; t < sizeof enum_tables / sizeof *enum_tables; t++) {
        if ((one = PyDict_New()) == NULL) goto fail;
        for (const enum_row *r = enum_tables[t].rows; r->constant != NULL; r++) {
            if (PyModule_AddIntConstant(mod, r->constant, r->value) < 0) goto fail;
            if ((v = PyLong_FromLong(r->value)) == NULL || PyDict_SetItemString(one, r->name, v) < 0) goto fail;
            Py_CLEAR(v);
        }
        if (PyDict_SetItemString(all, enum_tables[t].key, one) < 0) goto fail;
        Py_CLEAR(one);
    }
    if (PyModule_AddObject(mod, "ENUMS", all) < 0) goto fail;
    return 0;
fail:
    Py_XDECREF(v);
    Py_XDECREF(one);
    Py_DECREF(all);
    return -1;
}

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
    mlc_cpu_select(mlc_cpu_best()); /* mlc's import then applies MLC_CPU */
    PyObject *mod = PyModule_Create(&moduledef);
    if (mod == NULL) return NULL;
    if (PyModule_AddIntConstant(mod, "OK", MLC_OK) < 0 || add_enums(mod) < 0 ||
        PyModule_AddIntConstant(mod, "SERIAL_WORK", (long)MLC_SERIAL_WORK) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
