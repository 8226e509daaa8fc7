package project

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/gob"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/gridfs"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// The checkpoint. Reading all 73,500 projects of a hundred-fold province
// from the embedded FerretDB takes about half a minute (it decodes each
// whole document, history included, before projecting), so a start-up
// would not be ready in 15 s. The read model is therefore also kept as one
// gzipped gob file in GridFS (bucket CheckpointBucket), with the change-log
// sequence it covers; a process starts from the newest checkpoint and
// applies the change log after it, reloading everything only when there is
// no usable checkpoint or the log no longer reaches back to it. It lives in
// the database rather than DATA_DIR so that every process (and a fresh
// one on MongoDB) shares it. Start's loop writes it every checkpointEvery
// when the log has moved, and after a full load.

// CheckpointBucket is the GridFS bucket of the read-model checkpoint.
const CheckpointBucket = "project_checkpoint"

const (
	checkpointName  = "projects"
	checkpointEvery = time.Minute
	// checkpointFormat changes whenever Project's shape does.
	checkpointFormat = 2
)

type checkpoint struct {
	Format int
	Seq    int64
	Items  []Project
}

func (s *Store) bucket() (*gridfs.Bucket, error) {
	return gridfs.NewBucket(s.c.Database(), options.GridFSBucket().SetName(CheckpointBucket))
}

type checkpointFile struct {
	ID       any `bson:"_id"`
	Metadata struct {
		Seq int64 `bson:"seq"`
	} `bson:"metadata"`
}

// checkpointFiles lists the stored checkpoints, newest sequence first.
func (s *Store) checkpointFiles(ctx context.Context) ([]checkpointFile, error) {
	b, err := s.bucket()
	if err != nil {
		return nil, err
	}
	cur, err := b.FindContext(ctx, bson.D{{Key: "filename", Value: checkpointName}})
	if err != nil {
		return nil, err
	}
	var fs []checkpointFile
	if err := cur.All(ctx, &fs); err != nil {
		return nil, err
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].Metadata.Seq > fs[j].Metadata.Seq })
	return fs, nil
}

// loadCheckpoint fills the model from the newest checkpoint the change log
// still reaches back to, and returns where it came from ("" with no
// usable one).
func (s *Store) loadCheckpoint(ctx context.Context) (string, error) {
	fs, err := s.checkpointFiles(ctx)
	if err != nil || len(fs) == 0 {
		return "", err
	}
	f := fs[0]
	// The log must hold every entry after the checkpoint (its oldest entry
	// is at most seq+1) and must not have been reset since (its newest is
	// at least seq); otherwise load everything.
	var first changeEntry
	err = s.changes().FindOne(ctx, bson.D{}, options.FindOne().SetSort(bson.D{{Key: "_id", Value: 1}})).Decode(&first)
	switch {
	case mongodb.IsNoDocuments(err):
		if f.Metadata.Seq != 0 {
			return "", nil
		}
	case err != nil:
		return "", fmt.Errorf("read project change log: %w", err)
	case first.Seq > f.Metadata.Seq+1:
		return "", nil
	}
	if last, err := s.lastSeq(ctx); err != nil || last < f.Metadata.Seq {
		return "", err
	}
	b, err := s.bucket()
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := b.DownloadToStream(f.ID, &buf); err != nil {
		return "", fmt.Errorf("read projects checkpoint: %w", err)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		return "", fmt.Errorf("read projects checkpoint: %w", err)
	}
	var cp checkpoint
	if err := gob.NewDecoder(zr).Decode(&cp); err != nil {
		return "", fmt.Errorf("decode projects checkpoint: %w", err)
	}
	if cp.Format != checkpointFormat || cp.Seq != f.Metadata.Seq {
		return "", nil
	}
	ps := make([]*Project, len(cp.Items))
	for i := range cp.Items {
		ps[i] = &cp.Items[i]
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Code < ps[j].Code })
	s.f.m.replaceAll(ps, cp.Seq)
	return "checkpoint@" + strconv.FormatInt(cp.Seq, 10), nil
}

// saveCheckpointIfBehind writes a checkpoint when the newest stored one
// is behind the model, and returns the sequence the newest checkpoint
// covers (0 with none).
func (s *Store) saveCheckpointIfBehind(ctx context.Context) (int64, error) {
	fs, err := s.checkpointFiles(ctx)
	if err != nil {
		return 0, err
	}
	var have int64
	if len(fs) > 0 {
		have = fs[0].Metadata.Seq
	}
	s.f.m.mu.RLock()
	seq := s.f.m.seq
	s.f.m.mu.RUnlock()
	if len(fs) > 0 && have >= seq {
		return have, nil
	}
	if err := s.SaveCheckpoint(ctx); err != nil {
		return have, err
	}
	return seq, nil
}

// SaveCheckpoint stores the read model as the newest checkpoint and
// deletes the older ones. The model holds every change up to its cursor
// (and perhaps later ones of this process, which replaying re-reads).
func (s *Store) SaveCheckpoint(ctx context.Context) error {
	if err := s.ensureLoaded(ctx); err != nil {
		return err
	}
	m := &s.f.m
	m.mu.RLock()
	cp := checkpoint{Format: checkpointFormat, Seq: m.seq, Items: make([]Project, len(m.items))}
	for i, e := range m.items {
		cp.Items[i] = *e.p
	}
	m.mu.RUnlock()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err := gob.NewEncoder(zw).Encode(&cp); err != nil {
		return fmt.Errorf("encode projects checkpoint: %w", err)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	b, err := s.bucket()
	if err != nil {
		return err
	}
	old, err := s.checkpointFiles(ctx)
	if err != nil {
		return err
	}
	if _, err := b.UploadFromStream(checkpointName, &buf, options.GridFSUpload().
		SetMetadata(bson.D{{Key: "seq", Value: cp.Seq}})); err != nil {
		return fmt.Errorf("store projects checkpoint: %w", err)
	}
	for _, f := range old {
		if f.Metadata.Seq <= cp.Seq {
			_ = b.DeleteContext(ctx, f.ID)
		}
	}
	return nil
}
