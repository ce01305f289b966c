// The SQLite limit for Conveyor's hot path: the same schema, claim and outcome statements as
// the SQLite store, driven from C on one connection (WAL, synchronous=NORMAL), no Swift.
//
//   bash benchmarks/sqlite-limit.sh            (builds this, makes fresh databases, runs it)
//   sqlite_limit DATABASE JOBS BATCH [split]    (DATABASE: an empty file made by `conveyor migrate`)
//
// Each round claims BATCH jobs in one statement and completes each with the fenced outcome
// statement. Without "split" claim and outcomes share one transaction; with it they use two,
// as Conveyor does (its claims and its outcome batches are separate transactions).
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: %s DATABASE JOBS BATCH [split]\n", argv[0]); return 2; }
    int jobs = atoi(argv[2]), batch = atoi(argv[3]), split = argc > 4 && strcmp(argv[4], "split") == 0;
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3 *db;
    check(sqlite3_open(argv[1], &db), db, "open");
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", 0, 0, 0), db, "pragma");

    sqlite3_stmt *insert, *claim, *complete;
    check(sqlite3_prepare_v2(db,
        "INSERT INTO conveyor_jobs (kind, queue, state, priority, args, max_attempts, inserted_at, scheduled_at) "
        "VALUES ('noop', 'bench', 'available', 0, '{\"n\":1}', 20, 1, 1)", -1, &insert, 0), db, "insert");
    check(sqlite3_exec(db, "BEGIN", 0, 0, 0), db, "begin");
    for (int i = 0; i < jobs; i++) { sqlite3_step(insert); sqlite3_reset(insert); }
    check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");

    check(sqlite3_prepare_v2(db,
        "UPDATE conveyor_jobs SET state = 'executing', attempt = attempt + 1, attempted_at = ?1, attempted_by = ?2 "
        "WHERE id IN (SELECT id FROM conveyor_jobs INDEXED BY conveyor_jobs_fetch WHERE state = 'available' AND queue = ?3 "
        "AND NOT EXISTS (SELECT 1 FROM conveyor_queues WHERE name = ?3 AND paused = 1) "
        "ORDER BY priority, scheduled_at, id LIMIT ?4) "
        "RETURNING id, kind, queue, state, priority, args, meta, tags, attempt, max_attempts, errors, "
        "inserted_at, scheduled_at, attempted_at, finished_at, attempted_by, unique_key", -1, &claim, 0), db, "claim");
    check(sqlite3_prepare_v2(db,
        "UPDATE conveyor_jobs SET state = ?1, scheduled_at = coalesce(?2, scheduled_at), finished_at = ?3, "
        "errors = CASE WHEN ?4 IS NULL THEN errors ELSE json_insert(errors, '$[#]', json(?4)) END, "
        "meta = CASE WHEN ?5 IS NULL THEN meta ELSE json_set(meta, '$.result', json(?5)) END, "
        "max_attempts = max_attempts + ?6 "
        "WHERE id = ?7 AND attempt = ?8 AND attempted_by = ?9 AND state = 'executing'", -1, &complete, 0), db, "complete");

    long long *ids = malloc(sizeof(long long) * batch);
    int *attempts = malloc(sizeof(int) * batch);
    int done = 0;
    double start = now();
    while (done < jobs) {
        check(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0), db, "begin");
        sqlite3_bind_int64(claim, 1, 2);
        sqlite3_bind_text(claim, 2, "node-c", -1, SQLITE_STATIC);
        sqlite3_bind_text(claim, 3, "bench", -1, SQLITE_STATIC);
        sqlite3_bind_int(claim, 4, batch);
        int n = 0;
        while (sqlite3_step(claim) == SQLITE_ROW) {
            ids[n] = sqlite3_column_int64(claim, 0);
            attempts[n] = sqlite3_column_int(claim, 8);
            for (int c = 1; c < 17; c++) sqlite3_column_text(claim, c);  // read every column, as the store does
            n++;
        }
        sqlite3_reset(claim);
        if (split) {
            check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
            check(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0), db, "begin");
        }
        for (int i = 0; i < n; i++) {
            sqlite3_bind_text(complete, 1, "completed", -1, SQLITE_STATIC);
            sqlite3_bind_null(complete, 2);
            sqlite3_bind_int64(complete, 3, 3);
            sqlite3_bind_null(complete, 4);
            sqlite3_bind_null(complete, 5);
            sqlite3_bind_int(complete, 6, 0);
            sqlite3_bind_int64(complete, 7, ids[i]);
            sqlite3_bind_int(complete, 8, attempts[i]);
            sqlite3_bind_text(complete, 9, "node-c", -1, SQLITE_STATIC);
            check(sqlite3_step(complete), db, "complete");
            if (sqlite3_changes(db) != 1) { fprintf(stderr, "fence failed for %lld\n", ids[i]); return 1; }
            sqlite3_reset(complete);
        }
        check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
        done += n;
        if (n == 0) break;
    }
    double elapsed = now() - start;
    printf("{\"jobs\": %d, \"batch\": %d, \"transactions_per_batch\": %d, \"jobs_per_s\": %.0f}\n",
           done, batch, split ? 2 : 1, done / elapsed);
    sqlite3_close(db);
    return 0;
}
