package backup_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/backup"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/gridfs"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// fill stores documents of many BSON types, an index and a GridFS file.
func fill(t *testing.T, db *mongo.Database) []byte {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 2, 3, 4, 5, 6, 789_000_000, time.UTC)
	docs := []any{
		bson.D{{Key: "_id", Value: "DA-0001"}, {Key: "i32", Value: int32(7)}, {Key: "i64", Value: int64(363_240_000_000_000)},
			{Key: "f", Value: 1.5}, {Key: "at", Value: at}, {Key: "ok", Value: true}, {Key: "nothing", Value: nil},
			{Key: "name", Value: bson.D{{Key: "vi", Value: "Khu nghỉ dưỡng"}, {Key: "en", Value: "Resort"}}},
			{Key: "list", Value: bson.A{int32(1), "hai", bson.D{{Key: "x", Value: int64(3)}}}},
			{Key: "version", Value: int64(2)}},
		bson.D{{Key: "_id", Value: primitive.NewObjectID()}, {Key: "bin", Value: primitive.Binary{Subtype: 0, Data: []byte{0, 1, 2, 255}}}},
	}
	if _, err := db.Collection("things").InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("things").Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys: bson.D{{Key: "i64", Value: -1}, {Key: "name.vi", Value: 1}}, Options: options.Index().SetName("by_capital").SetUnique(true)}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCollection(ctx, "empty"); err != nil {
		t.Fatal(err)
	}
	b, err := gridfs.NewBucket(db, options.GridFSBucket().SetName("obstacle_files"))
	if err != nil {
		t.Fatal(err)
	}
	file := bytes.Repeat([]byte("Khánh Hòa \x00\xff "), 40_000) // several chunks
	if _, err := b.UploadFromStream("plan.pdf", bytes.NewReader(file)); err != nil {
		t.Fatal(err)
	}
	return file
}

func readDir(t *testing.T, dir string, m backup.Manifest) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, c := range m.Collections {
		b, err := os.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		out[c.Name] = b
	}
	return out
}

func TestRoundTripIsIdentical(t *testing.T) {
	ctx := context.Background()
	src := mongotest.MustOpenDB(t)
	file := fill(t, src)

	dir1 := t.TempDir()
	var last [2]int
	m1, err := backup.Export(ctx, src, dir1, func(done, total int) { last = [2]int{done, total} })
	if err != nil {
		t.Fatal(err)
	}
	if m1.Total() != 2+1+int64(len(file)/(255*1024)+1) {
		t.Errorf("exported %d documents", m1.Total())
	}
	if last[0] != int(m1.Total()) || last[1] != int(m1.Total()) {
		t.Errorf("progress ended at %v, want %d/%d", last, m1.Total(), m1.Total())
	}

	dst := mongotest.MustOpenDB(t)
	if _, err := backup.Import(ctx, dst, dir1, backup.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	dir2 := t.TempDir()
	m2, err := backup.Export(ctx, dst, dir2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m1.Collections) != len(m2.Collections) {
		t.Fatalf("collections %v then %v", m1.Collections, m2.Collections)
	}
	for i := range m1.Collections {
		a, b := m1.Collections[i], m2.Collections[i]
		if a.Name != b.Name || a.Count != b.Count || a.SHA256 != b.SHA256 || len(a.Indexes) != len(b.Indexes) {
			t.Errorf("collection %d: %+v then %+v", i, a, b)
		}
		for j := range a.Indexes {
			if a.Indexes[j].Name != b.Indexes[j].Name || string(a.Indexes[j].Key) != string(b.Indexes[j].Key) || a.Indexes[j].Unique != b.Indexes[j].Unique {
				t.Errorf("index %s: %+v then %+v", a.Name, a.Indexes[j], b.Indexes[j])
			}
		}
	}
	f1, f2 := readDir(t, dir1, m1), readDir(t, dir2, m2)
	for name, b := range f1 {
		if !bytes.Equal(b, f2[name]) {
			t.Errorf("%s differs after the round trip", name)
		}
	}
	for _, want := range []string{"things", "empty", "obstacle_files.files", "obstacle_files.chunks"} {
		if _, ok := f1[want]; !ok {
			t.Errorf("collection %s not exported", want)
		}
	}

	// Types survive: read back through the driver.
	var got bson.M
	if err := dst.Collection("things").FindOne(ctx, bson.D{{Key: "_id", Value: "DA-0001"}}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["i32"].(int32); !ok {
		t.Errorf("i32 came back as %T", got["i32"])
	}
	if v, ok := got["i64"].(int64); !ok || v != 363_240_000_000_000 {
		t.Errorf("i64 came back as %T %v", got["i64"], got["i64"])
	}
	if v, ok := got["at"].(primitive.DateTime); !ok || v.Time().UnixMilli() != time.Date(2026, 2, 3, 4, 5, 6, 789_000_000, time.UTC).UnixMilli() {
		t.Errorf("at came back as %T %v", got["at"], got["at"])
	}
	// The stored file reads back byte for byte.
	b, err := gridfs.NewBucket(dst, options.GridFSBucket().SetName("obstacle_files"))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := b.OpenDownloadStreamByName("plan.pdf")
	if err != nil {
		t.Fatal(err)
	}
	back, err := io.ReadAll(ds)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, file) {
		t.Errorf("GridFS file: %d bytes back, want %d", len(back), len(file))
	}
	// The unique index is back.
	_, err = dst.Collection("things").InsertOne(ctx, bson.D{{Key: "i64", Value: int64(363_240_000_000_000)}, {Key: "name", Value: bson.D{{Key: "vi", Value: "Khu nghỉ dưỡng"}}}})
	if !mongo.IsDuplicateKeyError(err) {
		t.Errorf("unique index not restored: insert gave %v", err)
	}
}

func TestImportRefusesNonEmptyUnlessForced(t *testing.T) {
	ctx := context.Background()
	src := mongotest.MustOpenDB(t)
	fill(t, src)
	dir := t.TempDir()
	m, err := backup.Export(ctx, src, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	dst := mongotest.MustOpenDB(t)
	if _, err := dst.Collection("things").InsertOne(ctx, bson.D{{Key: "_id", Value: "stale"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Import(ctx, dst, dir, backup.ImportOptions{}); !errors.Is(err, backup.ErrNotEmpty) {
		t.Fatalf("import into a non-empty database: %v", err)
	}
	if n, _ := dst.Collection("things").CountDocuments(ctx, bson.D{}); n != 1 {
		t.Fatalf("a refused import wrote: %d documents", n)
	}
	if _, err := backup.Import(ctx, dst, dir, backup.ImportOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Collections {
		n, err := dst.Collection(c.Name).CountDocuments(ctx, bson.D{})
		if err != nil || n != c.Count {
			t.Errorf("%s: %d documents after a forced import, want %d (%v)", c.Name, n, c.Count, err)
		}
	}
	if n, _ := dst.Collection("things").CountDocuments(ctx, bson.D{{Key: "_id", Value: "stale"}}); n != 0 {
		t.Error("forced import kept a document the backup does not have")
	}
}

func TestImportRejectsDamagedBackup(t *testing.T) {
	ctx := context.Background()
	src := mongotest.MustOpenDB(t)
	fill(t, src)
	dir := t.TempDir()
	if _, err := backup.Export(ctx, src, dir, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Export(ctx, src, dir, nil); err == nil {
		t.Error("export over an existing backup was allowed")
	}
	p := filepath.Join(dir, "things.jsonl")
	b, _ := os.ReadFile(p)
	b[10] ^= 1
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	dst := mongotest.MustOpenDB(t)
	if _, err := backup.Import(ctx, dst, dir, backup.ImportOptions{}); err == nil {
		t.Fatal("a damaged file was imported")
	}
	names, _ := dst.ListCollectionNames(ctx, bson.D{})
	for _, n := range names {
		if c, _ := dst.Collection(n).CountDocuments(ctx, bson.D{}); c > 0 {
			t.Errorf("a rejected import wrote into %s", n)
		}
	}
}
