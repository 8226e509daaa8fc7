// Package migrate brings a database made by an older portal up to date:
// each Step plans its changes, prints them, and writes them only when
// asked (`portal migrate --apply`). Running a step again after it applied
// finds nothing left to change.
package migrate

import (
	"context"
	"fmt"
	"io"
	"time"

	"go.mongodb.org/mongo-driver/mongo"
)

// Change is one planned or applied change, for the report.
type Change struct {
	Step       string `json:"step"`
	Collection string `json:"collection"`
	ID         string `json:"id"`
	Field      string `json:"field"`
	From       string `json:"from"`
	To         string `json:"to"`
	Note       string `json:"note,omitempty"`
	// Uncertain marks a change that could not be decided from the data:
	// the record is left unchanged and listed for a person.
	Uncertain bool `json:"uncertain,omitempty"`
}

// Step migrates one kind of record; Run with apply=false changes nothing
// and returns what it would do; a second Run after apply returns no
// changes (idempotent).
type Step struct {
	Name string
	Run  func(ctx context.Context, db *mongo.Database, apply bool, now time.Time) ([]Change, error)
}

// Steps are the registered steps, in the order they run: the locations
// of projects and opportunities, then the agencies.
func Steps() []Step {
	// Locations first: the agencies step sends an obstacle of a split city
	// committee to the committee of its project's current unit.
	return append(LocationSteps(), AgenciesStep())
}

// Run runs steps in order on db and returns every change; with apply
// false nothing is written. It stops at the first step that fails.
func Run(ctx context.Context, db *mongo.Database, steps []Step, apply bool, now time.Time) ([]Change, error) {
	var all []Change
	for _, s := range steps {
		ch, err := s.Run(ctx, db, apply, now)
		for i := range ch {
			if ch[i].Step == "" {
				ch[i].Step = s.Name
			}
		}
		all = append(all, ch...)
		if err != nil {
			return all, fmt.Errorf("step %s: %w", s.Name, err)
		}
	}
	return all, nil
}

// Count returns how many changes are certain (made, or to be made) and
// how many are uncertain (left for a person).
func Count(changes []Change) (n, uncertain int) {
	for _, c := range changes {
		if c.Uncertain {
			uncertain++
		} else {
			n++
		}
	}
	return n, uncertain
}

// Report writes every change, one a line, and the summary.
func Report(w io.Writer, changes []Change, apply bool) error {
	for _, c := range changes {
		mark := ""
		if c.Uncertain {
			mark = "UNCERTAIN "
		}
		line := fmt.Sprintf("%s[%s] %s %s %s: %q -> %q", mark, c.Step, c.Collection, c.ID, c.Field, c.From, c.To)
		if c.Note != "" {
			line += " (" + c.Note + ")"
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	n, u := Count(changes)
	verb := "would be made (dry run; --apply writes them)"
	if apply {
		verb = "made"
	}
	_, err := fmt.Fprintf(w, "%d changes %s, %d uncertain (left unchanged for a person)\n", n, verb, u)
	return err
}
