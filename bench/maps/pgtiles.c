// The PostGIS side of the cold vector tile benchmark: C connections (threads, one libpq
// connection each) take the tiles of a fixed list from one shared counter, the same way wrk's
// connections take paths in bench/maps/list.lua, until every tile of every pass is answered.
//   pgtiles CONNINFO SQLFILE TILES.txt CONNECTIONS PASSES [SIZES.tsv]
// SQLFILE: one statement with $1 $2 $3 = z x y (int4) returning one bytea (the tile). Prints one
// line: "RESULT tiles=N seconds=S tiles_per_s=R bytes=B errors=E p50_ms=.. p99_ms=..".
// Build: cc -O2 -o pgtiles pgtiles.c -I$(pg_config --includedir) -lpq -lpthread
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char* conninfo;
static char* sql;
static int (*tiles)[3];
static long ntiles, total;
static atomic_long next_index, errors, bytes_total;
static double* latencies;  // per request, in completion slot order
static long* sizes;        // bytes per tile of the first pass
static pthread_barrier_t ready;  // every connection open and prepared before the clock starts

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void* worker(void* arg) {
  (void)arg;
  PGconn* conn = PQconnectdb(conninfo);
  if (PQstatus(conn) != CONNECTION_OK) {
    fprintf(stderr, "pgtiles: %s", PQerrorMessage(conn));
    exit(1);
  }
  PGresult* prep = PQprepare(conn, "tile", sql, 3, NULL);
  if (PQresultStatus(prep) != PGRES_COMMAND_OK) {
    fprintf(stderr, "pgtiles: prepare: %s", PQerrorMessage(conn));
    exit(1);
  }
  PQclear(prep);
  pthread_barrier_wait(&ready);
  for (;;) {
    long i = atomic_fetch_add(&next_index, 1);
    if (i >= total) break;
    const int* t = tiles[i % ntiles];
    char z[16], x[16], y[16];
    snprintf(z, sizeof z, "%d", t[0]);
    snprintf(x, sizeof x, "%d", t[1]);
    snprintf(y, sizeof y, "%d", t[2]);
    const char* values[3] = {z, x, y};
    double t0 = now();
    // Binary result: the tile bytes as they are, like the HTTP body on the other side.
    PGresult* r = PQexecPrepared(conn, "tile", 3, values, NULL, NULL, 1);
    latencies[i] = now() - t0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
      if (atomic_fetch_add(&errors, 1) < 3) fprintf(stderr, "pgtiles: %s", PQerrorMessage(conn));
    } else {
      long n = PQgetisnull(r, 0, 0) ? 0 : PQgetlength(r, 0, 0);
      atomic_fetch_add(&bytes_total, n);
      if (i < ntiles) sizes[i] = n;
    }
    PQclear(r);
  }
  PQfinish(conn);
  return NULL;
}

static int by_value(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static char* slurp(const char* path) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* s = malloc(n + 1);
  if (fread(s, 1, n, f) != (size_t)n) exit(1);
  s[n] = 0;
  fclose(f);
  return s;
}

int main(int argc, char** argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: pgtiles CONNINFO SQLFILE TILES.txt CONNECTIONS PASSES [SIZES.tsv]\n");
    return 2;
  }
  conninfo = argv[1];
  sql = slurp(argv[2]);
  int nconn = atoi(argv[4]);
  long passes = atol(argv[5]);
  FILE* f = fopen(argv[3], "r");
  if (!f) {
    perror(argv[3]);
    return 1;
  }
  long cap = 1024;
  tiles = malloc(sizeof *tiles * cap);
  int z, x, y;
  while (fscanf(f, "%d %d %d", &z, &x, &y) == 3) {
    if (ntiles == cap) tiles = realloc(tiles, sizeof *tiles * (cap *= 2));
    tiles[ntiles][0] = z, tiles[ntiles][1] = x, tiles[ntiles][2] = y;
    ntiles++;
  }
  fclose(f);
  total = ntiles * passes;
  latencies = calloc(total, sizeof *latencies);
  sizes = calloc(ntiles, sizeof *sizes);
  pthread_t* threads = malloc(sizeof *threads * nconn);
  // Connections are opened and statements prepared before the clock starts.
  pthread_barrier_init(&ready, NULL, nconn + 1);
  for (int i = 0; i < nconn; i++) pthread_create(&threads[i], NULL, worker, NULL);
  pthread_barrier_wait(&ready);
  double t0 = now();
  for (int i = 0; i < nconn; i++) pthread_join(threads[i], NULL);
  double seconds = now() - t0;
  qsort(latencies, total, sizeof *latencies, by_value);
  printf("RESULT tiles=%ld seconds=%.3f tiles_per_s=%.2f bytes=%ld errors=%ld p50_ms=%.2f "
         "p99_ms=%.2f\n",
         total, seconds, total / seconds, (long)bytes_total, (long)errors,
         1000 * latencies[total / 2], 1000 * latencies[(long)(total * 0.99)]);
  if (argc > 6) {
    FILE* s = fopen(argv[6], "w");
    for (long i = 0; i < ntiles; i++)
      fprintf(s, "%d/%d/%d\t%ld\n", tiles[i][0], tiles[i][1], tiles[i][2], sizes[i]);
    fclose(s);
  }
  return 0;
}
