package mongodb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/mongo"
)

// Lookups by _id on the embedded FerretDB. Its SQLite backend keeps each
// collection in one table with one JSON column and pushes exactly one
// filter shape down to SQL, {_id: <ObjectID or string>}, as
//
//	WHERE _ferretdb_sjson->'$._id' = ?
//
// (for a find, a findAndModify and the two statements of an update: the
// SELECT that reads the document and the UPDATE that writes it back). But
// the unique _id index it creates is on _ferretdb_sjson->"_id", a different
// expression, which SQLite's planner does not match: every lookup by _id
// scans the table and parses every document's JSON until it finds the one.
// At 100 times the demo (73,500 projects, 2.3 kB each) that is about 5 s
// for each find of a late document and 5-9 s for each update, whatever
// the filter.
//
// EnsureLookupIndex adds an index on FerretDB's own expression to the
// SQLite table, so those statements become indexed reads (about 2 ms and
// 4-15 ms at 100x). FerretDB does not know the index: it keeps it up to
// date like any SQLite index, drops it with the table and never lists it.
// Only the embedded database opened by Open gets it (Features.Embedded and
// a known data directory); on MongoDB _id lookups are indexed already.

// sqliteDirs maps a client opened by Open on the embedded database to the
// directory of its SQLite files ("<database>.sqlite").
var sqliteDirs sync.Map // *mongo.Client → string

// lookupIndexed remembers the collections whose lookup index exists.
var lookupIndexed sync.Map // "<client>/<db>.<coll>" → struct{}

// EnsureLookupIndex makes lookups of c's documents by _id indexed reads on
// the embedded database (see above); elsewhere it does nothing. It creates
// the index once per collection and process (the first call on a large
// table costs one pass over it: about 2.4 s at 73,500 projects) and is a
// map lookup afterwards. A collection that does not exist yet is left for
// a later call.
func EnsureLookupIndex(ctx context.Context, c *mongo.Collection) error {
	db := c.Database()
	if !FeaturesOf(db).Embedded {
		return nil
	}
	dir, ok := sqliteDirs.Load(db.Client())
	if !ok {
		return nil
	}
	key := fmt.Sprintf("%p/%s.%s", db.Client(), db.Name(), c.Name())
	if _, done := lookupIndexed.Load(key); done {
		return nil
	}
	made, err := createLookupIndexes(ctx, filepath.Join(dir.(string), db.Name()+".sqlite"), c.Name())
	if err != nil {
		return err
	}
	if made > 0 {
		lookupIndexed.Store(key, struct{}{})
	}
	return nil
}

// ensureAllLookupIndexes adds the lookup index to every collection of every
// database in dir, at start; a failure only costs speed, so it is logged.
func ensureAllLookupIndexes(ctx context.Context, dir string, log *slog.Logger) {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return
	}
	for _, f := range files {
		if _, err := createLookupIndexes(ctx, f, ""); err != nil {
			log.Warn("index _id lookups of the embedded database", "file", f, "err", err)
		}
	}
}

// metadataTable is where FerretDB's SQLite backend lists a database's
// collections and their tables.
const metadataTable = "_ferretdb_collections"

// createLookupIndexes creates the lookup index on the table of collection
// coll in the SQLite file path (of every collection when coll is empty),
// and returns how many tables have it. A missing file or collection is 0.
func createLookupIndexes(ctx context.Context, path, coll string) (int, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, nil
	}
	// The driver is modernc.org/sqlite, which the embedded FerretDB
	// registers as "sqlite". mode=rw never creates a file; the busy
	// timeout waits out FerretDB's own writers.
	db, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	q := `SELECT table_name FROM "` + metadataTable + `"`
	var args []any
	if coll != "" {
		q += ` WHERE name = ?`
		args = append(args, coll)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return 0, nil // no collection created yet
		}
		return 0, fmt.Errorf("list tables of %s: %w", path, err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return 0, err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var errs []error
	made := 0
	for _, t := range tables {
		if _, err := db.ExecContext(ctx, LookupIndexSQL(t)); err != nil {
			errs = append(errs, fmt.Errorf("index %s: %w", t, err))
			continue
		}
		made++
	}
	return made, errors.Join(errs...)
}

// LookupIndexName is the SQLite name of the lookup index on table.
func LookupIndexName(table string) string { return table + "__id_lookup" }

// LookupIndexSQL creates the lookup index on table: the expression must be
// the very text of FerretDB's WHERE clause for SQLite to use it.
func LookupIndexSQL(table string) string {
	return fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, LookupIndexName(table), table)
}

// ExplainLookup returns SQLite's plan for the statement the embedded
// FerretDB runs to find one of c's documents by _id ("SEARCH ... USING
// INDEX ..." once EnsureLookupIndex has run, "SCAN ..." before), for tests
// and diagnosis. It is empty elsewhere, and for a collection not created
// yet.
func ExplainLookup(ctx context.Context, c *mongo.Collection) (string, error) {
	db := c.Database()
	dir, ok := sqliteDirs.Load(db.Client())
	if !FeaturesOf(db).Embedded || !ok {
		return "", nil
	}
	path := filepath.Join(dir.(string), db.Name()+".sqlite")
	if _, err := os.Stat(path); err != nil {
		return "", nil
	}
	sdb, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return "", err
	}
	defer sdb.Close()
	var table string
	err = sdb.QueryRowContext(ctx, `SELECT table_name FROM "`+metadataTable+`" WHERE name = ?`, c.Name()).Scan(&table)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	rows, err := sdb.QueryContext(ctx, fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, table), `{"$o":"000000000000000000000000"}`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; "), rows.Err()
}
