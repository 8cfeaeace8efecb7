/* dispatch.c: the tables of the dispatched kernels (core/dispatch.h), the level in force, and each
 * kernel's public name as one call through its table. */
#include "core/dispatch.h"

typedef struct {
#define MEMBER(ret, name, params, args) ret(*name) params;
    MLC_DISPATCH(MEMBER)
#undef MEMBER
} isa_table;

#define BASELINE(ret, name, params, args) .name = name##_baseline,
#define AVX2(ret, name, params, args) .name = name##_avx2,
#define AVX512(ret, name, params, args) .name = name##_avx512,
static const isa_table tables[MLC_CPU_COUNT] = {
    {MLC_DISPATCH(BASELINE)},
#ifdef MLC_ISA_X86 /* setup.py compiles the AVX2 and AVX-512 copies on x86-64 only */
    {MLC_DISPATCH(AVX2)},
    {MLC_DISPATCH(AVX512)},
#endif
};

static int level = MLC_CPU_BASELINE;
static const isa_table *table = &tables[MLC_CPU_BASELINE];

#define PUBLIC(ret, name, params, args) ret name params { return table->name args; }
MLC_DISPATCH(PUBLIC)

const char *mlc_cpu_name(int lvl) {
#define NAME(c, v, s) [c] = s,
    static const char *const names[MLC_CPU_COUNT] = {MLC_CPU_LIST(NAME)};
    return lvl >= 0 && lvl < MLC_CPU_COUNT ? names[lvl] : NULL;
}

int mlc_cpu_supported(int lvl) {
    if (lvl == MLC_CPU_BASELINE) return 1;
#ifdef MLC_ISA_X86
    __builtin_cpu_init();
    const int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (lvl == MLC_CPU_AVX2) return avx2;
    if (lvl == MLC_CPU_AVX512)
        return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#endif
    return 0;
}

int mlc_cpu_best(void) {
    int best = MLC_CPU_BASELINE;
    for (int lvl = 1; lvl < MLC_CPU_COUNT; lvl++)
        if (mlc_cpu_supported(lvl)) best = lvl;
    return best;
}

int mlc_cpu_select(int lvl) {
    if (!mlc_cpu_supported(lvl)) return MLC_EINVAL;
    level = lvl;
    table = &tables[lvl];
    return MLC_OK;
}

int mlc_cpu_level(void) { return level; }
