/* bind_least_squares.c: least squares: LinearRegression, Ridge, Lasso, ElasticNet. */
#include "bind.h"

PyMethodDef mlc_least_squares_methods[] = {
    {NULL, NULL, 0, NULL},
};
