// Debian installs OpenBLAS's header under the multiarch include folder; its `cblas.h` also
// declares the openblas_* functions used below.
#if __has_include(<openblas-pthread/cblas.h>)
#include <openblas-pthread/cblas.h>
#elif __has_include(<openblas/cblas.h>)
#include <openblas/cblas.h>
#else
#include <cblas.h>
#endif

// Function-pointer types taken from the header's own prototypes, so the pointers that
// Tensors finds with dlsym are called with exactly the signatures OpenBLAS declares.
// __typeof__ names a declaration's type without referring to the symbol.
typedef __typeof__(&cblas_sgemm) tensorcell_sgemm_fn;
typedef __typeof__(&cblas_dgemm) tensorcell_dgemm_fn;
typedef __typeof__(&openblas_set_num_threads) tensorcell_set_threads_fn;
typedef __typeof__(&openblas_get_corename) tensorcell_corename_fn;
typedef __typeof__(&openblas_get_parallel) tensorcell_parallel_fn;
