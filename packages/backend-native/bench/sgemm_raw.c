/* The baseline for the addon's GEMM: cblas_sgemm called straight from C on n x n matrices.
 * usage: sgemm_raw <n> <reps> <threads>
 * prints one JSON line: {"n":..,"threads":..,"medianMs":..,"bestMs":..,"gflops":..} (gflops from the median). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s <n> <reps> <threads>\n", argv[0]);
    return 2;
  }
  int n = atoi(argv[1]), reps = atoi(argv[2]), threads = atoi(argv[3]);
  if (n < 1 || reps < 1 || threads < 1) return 2;
#ifdef OPENBLAS_VERSION
  openblas_set_num_threads(threads);
#endif
  size_t sz = (size_t)n * n;
  float *a = malloc(sz * 4), *b = malloc(sz * 4), *c = malloc(sz * 4);
  double* times = malloc(sizeof(double) * reps);
  if (!a || !b || !c || !times) return 1;
  unsigned s = 12345;
  for (size_t i = 0; i < sz; i++) {
    s = s * 1103515245u + 12345u;
    a[i] = (float)((s >> 8) & 0xffff) / 65536.0f - 0.5f;
    s = s * 1103515245u + 12345u;
    b[i] = (float)((s >> 8) & 0xffff) / 65536.0f - 0.5f;
    c[i] = 0;
  }
  for (int w = 0; w < 3; w++) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.f, a, n, b, n, 0.f, c, n);
  for (int r = 0; r < reps; r++) {
    double t0 = now_ms();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.f, a, n, b, n, 0.f, c, n);
    times[r] = now_ms() - t0;
  }
  qsort(times, reps, sizeof(double), cmp);
  double med = times[reps / 2];
  printf("{\"n\":%d,\"threads\":%d,\"medianMs\":%.4f,\"bestMs\":%.4f,\"gflops\":%.2f,\"check\":%g}\n", n, threads, med,
         times[0], 2.0 * n * (double)n * n / (med * 1e6), (double)c[sz / 2]);
  free(a); free(b); free(c); free(times);
  return 0;
}
