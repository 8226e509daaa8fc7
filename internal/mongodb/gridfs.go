package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/gridfs"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Bucket opens the GridFS bucket name, its reads and writes bounded by
// ctx's deadline (GridFS streams do not take a context of their own).
func Bucket(ctx context.Context, db *mongo.Database, name string) (*gridfs.Bucket, error) {
	b, err := gridfs.NewBucket(db, options.GridFSBucket().SetName(name))
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = b.SetWriteDeadline(dl)
		_ = b.SetReadDeadline(dl)
	}
	return b, nil
}
