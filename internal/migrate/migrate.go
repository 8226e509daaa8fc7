// Package migrate brings a database made by an older portal up to date.
// This file holds only the types of the shared contract (issue 15); the
// agencies work owns the package and its runner.
package migrate

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/mongo"
)

// Change is one planned or applied change, for the report.
type Change struct {
	Step, Collection, ID, Field, From, To, Note string
	Uncertain                                   bool // could not be decided from the data; left unchanged, listed for a person
}

// Step migrates one kind of record; Run with apply=false changes nothing and returns
// what it would do; a second Run after apply returns no changes (idempotent).
type Step struct {
	Name string
	Run  func(ctx context.Context, db *mongo.Database, apply bool, now time.Time) ([]Change, error)
}
