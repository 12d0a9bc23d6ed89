import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

/**
 * The first 16 bits of the advisory lock key by which an appending transaction
 * announces the lowest position it may still commit: "cp" in ASCII. The other 48
 * bits are that position (the log stays below 2^48 positions). Keys of this form
 * are apart from the migration lock, from the previous append lock and from the
 * per-stream locks (two-integer keys, which PostgreSQL keeps apart from one-bigint keys).
 */
export const FLOOR_PREFIX = 0x6370

/** The first integer of the two-integer key of the per-stream append lock: "cart" in ASCII. */
export const STREAM_LOCK_SPACE = 0x63617274

/**
 * The floor, announced once per transaction (a transaction-local setting remembers
 * it): the floor of its first append is below every position it draws later.
 * Inlined in each append function: a nested PL/pgSQL call costs a few µs per append.
 */
const holdFloor = `
            IF coalesce(current_setting('cartable.floor', true), '') = '' THEN
              SELECT s.last_value, s.is_called INTO seq_last, seq_called FROM cartable_events_position_seq s;
              floor_position := CASE WHEN seq_called THEN seq_last + 1 ELSE seq_last END;
              PERFORM pg_advisory_xact_lock_shared((${FLOOR_PREFIX}::bigint << 48) | floor_position);
              PERFORM set_config('cartable.floor', floor_position::text, true);
            END IF;`

/** The variables {@link holdFloor} uses. */
const floorVariables = `
            seq_last BIGINT;
            seq_called BOOLEAN;
            floor_position BIGINT;`

/**
 * PostgreSQL only: parallel appends, and readers that stop below the oldest
 * position still in flight (docs/operations.md, "Global order on PostgreSQL").
 *
 * Until this migration every append took one advisory lock held until commit, so
 * that positions were committed in position order. Now appends run in parallel and
 * commit in any order; what keeps a reader from skipping an event is this rule:
 * - before it draws its first position, an appending transaction takes a shared
 *   advisory lock whose key holds the sequence's next value (its *floor*: every
 *   position it draws is at least that), held until it ends;
 * - `cartable_read_all` reads the sequence's last drawn value, then the floors of
 *   the transactions in flight (`pg_locks`), then, in a statement of its own (a
 *   later snapshot), the rows up to the lower of the two, minus one for a floor.
 * A position at most that bound was drawn before the reader looked; its writer had
 * announced a floor at most that position before drawing it, so that writer is not
 * in flight any more when the reader looks at the floors, and its rows, if it
 * committed, are in the snapshot of the rows. A position above the bound is left
 * for a later call. A transaction-id rule alone (`transaction_id <
 * pg_snapshot_xmin(...)`, as Emmett orders its reads) is not enough here: it keeps
 * the order of transaction ids, and a transaction that took its id first can draw
 * its position last, so in position order it would let a reader pass a position
 * that a later commit fills (the test "a writer that took its transaction id first
 * and its position last" shows it).
 *
 * A per-stream lock (two-integer key, the stream name's hash) replaces the global
 * one for what it also did, for the appends that read the head (a batch, or `any`):
 * a concurrent append to the same stream waits for the first to end, then reads the
 * new head, so that a lost race is a refused append and not a unique violation
 * (which would abort the caller's transaction). A one-event append with an expected
 * version needs no lock: `ON CONFLICT DO NOTHING` does the same for one row.
 *
 * The functions of the previous migrations are dropped, so that a process of an
 * older version fails to append rather than append under the old rule; its readers
 * assume the old rule too: stop older processes before this migration runs
 * (docs/operations.md). No table is rewritten.
 */
export const parallelAppends = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.onDialectOrElse({
    pg: () =>
      Effect.forEach(
        [
          "DROP FUNCTION IF EXISTS cartable_append(BIGINT, TEXT, TEXT, INTEGER, TEXT[], INTEGER[], TEXT[], TEXT[])",
          "DROP FUNCTION IF EXISTS cartable_append_one(BIGINT, TEXT, TEXT, INTEGER, TEXT, INTEGER, TEXT, TEXT)",
          // The append: the stream's lock, the floor, a head read after both (a VOLATILE
          // function's statement takes a new snapshot), the expectation, the insert.
          // p_expected: NULL for any version, 0 for no stream, n for exactly n. No
          // rows when the expectation or a tombstone refuses the append.
          `CREATE OR REPLACE FUNCTION cartable_append(
            p_tenant TEXT, p_stream TEXT, p_expected INTEGER,
            p_types TEXT[], p_schema_versions INTEGER[], p_data TEXT[], p_metadata TEXT[],
            OUT o_position BIGINT, OUT o_version INTEGER
          ) RETURNS SETOF record LANGUAGE plpgsql VOLATILE AS $$
          DECLARE
            head_version INTEGER;
            head_type TEXT;${floorVariables}
          BEGIN
            PERFORM pg_advisory_xact_lock(${STREAM_LOCK_SPACE}, hashtext(p_stream));${holdFloor}
            SELECT e.stream_version, e.type INTO head_version, head_type FROM cartable_events e
            WHERE e.tenant = p_tenant AND e.stream_name = p_stream
            ORDER BY e.stream_version DESC LIMIT 1;
            IF head_type = '$tombstone' OR (p_expected IS NOT NULL AND COALESCE(head_version, 0) <> p_expected) THEN
              RETURN;
            END IF;
            RETURN QUERY
              INSERT INTO cartable_events (tenant, stream_name, stream_version, type, schema_version, data, metadata)
              SELECT p_tenant, p_stream, COALESCE(head_version, 0) + u.k, u.type, u.schema_version, u.data, u.metadata
              FROM unnest(p_types, p_schema_versions, p_data, p_metadata)
                WITH ORDINALITY AS u (type, schema_version, data, metadata, k)
              ORDER BY u.k
              RETURNING position, stream_version;
          END
          $$`,
          // The same for one event, with scalars: [version, position], or NULL when refused.
          // With an expected version, the guard and the unique key decide without reading the
          // head (about 15 µs less): no stream means version 1 is free, exactly n means event
          // n exists and is not the tombstone and n + 1 is free. ON CONFLICT waits for a
          // concurrent insert of the same version and refuses if it commits, without an error;
          // a single row cannot be half written, so no stream lock is needed. Any version
          // reads the head, under the stream's lock, like the batch.
          `CREATE OR REPLACE FUNCTION cartable_append_one(
            p_tenant TEXT, p_stream TEXT, p_expected INTEGER,
            p_type TEXT, p_schema_version INTEGER, p_data TEXT, p_metadata TEXT
          ) RETURNS BIGINT[] LANGUAGE plpgsql VOLATILE AS $$
          DECLARE
            head_version INTEGER;
            head_type TEXT;
            new_position BIGINT;${floorVariables}
          BEGIN${holdFloor}
            IF p_expected IS NULL THEN
              PERFORM pg_advisory_xact_lock(${STREAM_LOCK_SPACE}, hashtext(p_stream));
              SELECT e.stream_version, e.type INTO head_version, head_type FROM cartable_events e
              WHERE e.tenant = p_tenant AND e.stream_name = p_stream
              ORDER BY e.stream_version DESC LIMIT 1;
              IF head_type = '$tombstone' THEN
                RETURN NULL;
              END IF;
              head_version := COALESCE(head_version, 0);
            ELSIF p_expected = 0 THEN
              head_version := 0;
            ELSIF NOT EXISTS (SELECT 1 FROM cartable_events e WHERE e.tenant = p_tenant AND e.stream_name = p_stream
                AND e.stream_version = p_expected AND e.type <> '$tombstone') THEN
              RETURN NULL;
            ELSE
              head_version := p_expected;
            END IF;
            INSERT INTO cartable_events (tenant, stream_name, stream_version, type, schema_version, data, metadata)
            VALUES (p_tenant, p_stream, head_version + 1, p_type, p_schema_version, p_data, p_metadata)
            ON CONFLICT ON CONSTRAINT cartable_events_stream_version DO NOTHING
            RETURNING position INTO new_position;
            IF new_position IS NULL THEN
              RETURN NULL;
            END IF;
            RETURN ARRAY[head_version + 1, new_position];
          END
          $$`,
          // The bound a reader may read up to (see above): the sequence first, the floors
          // second, the rows in a later statement.
          `CREATE OR REPLACE FUNCTION cartable_read_all(p_after BIGINT, p_limit INTEGER)
          RETURNS TABLE (
            o_position BIGINT, o_stream_name TEXT, o_stream_version INTEGER, o_type TEXT,
            o_schema_version INTEGER, o_data TEXT, o_metadata TEXT
          ) LANGUAGE plpgsql VOLATILE AS $$
          DECLARE
            seq_last BIGINT;
            seq_called BOOLEAN;
            bound BIGINT;
            lowest_floor BIGINT;
          BEGIN
            -- Under REPEATABLE READ every statement reads the transaction's first snapshot, older
            -- than the floors read below: the bound would pass rows that snapshot cannot see.
            IF current_setting('transaction_isolation') <> 'read committed' THEN
              RAISE EXCEPTION 'cartable_read_all reads the log in READ COMMITTED only, not in %',
                current_setting('transaction_isolation') USING ERRCODE = '25001';
            END IF;
            SELECT s.last_value, s.is_called INTO seq_last, seq_called FROM cartable_events_position_seq s;
            bound := CASE WHEN seq_called THEN seq_last ELSE 0 END;
            SELECT min(((l.classid::bigint & 65535) << 32) | l.objid::bigint) INTO lowest_floor
            FROM pg_locks l
            WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND (l.classid::bigint >> 16) = ${FLOOR_PREFIX}
              AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database());
            IF lowest_floor IS NOT NULL AND lowest_floor - 1 < bound THEN
              bound := lowest_floor - 1;
            END IF;
            IF bound <= p_after OR p_limit <= 0 THEN
              RETURN;
            END IF;
            RETURN QUERY
              SELECT e.position, e.stream_name, e.stream_version, e.type, e.schema_version, e.data, e.metadata
              FROM cartable_events e
              WHERE e.position > p_after AND e.position <= bound AND e.type <> '$tombstone'
              ORDER BY e.position LIMIT p_limit;
          END
          $$`,
        ],
        (statement) => sql.unsafe(statement),
        { discard: true },
      ),
    orElse: () => Effect.void,
  })
})
