package record_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
	"github.com/khanhhoa/investportal/seed"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
)

// editorID is the known actor of every row's edit.
const editorID = "u-editor"

// domainAt is the clock of the rows' writes.
var domainAt = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// latest is a record's newest history entry, what it says changed, and
// how many entries the record has.
type latest struct {
	head   *record.Change
	fields []record.FieldChange
	count  int
}

// domainStore is one domain's public store API as the test drives it, on
// a fresh database: create a record, make the row's one change at the
// version read, read the stored version and the history.
type domainStore struct {
	create  func(ctx context.Context) (id string, version int64, err error)
	edit    func(ctx context.Context, id string, version int64) (newVersion int64, err error)
	version func(ctx context.Context, id string) (int64, error)
	history func(ctx context.Context, id string) (latest, error)
}

// domainRow names a domain, the one field its edit changes (from and to,
// as its history writes them; from is known only once the record exists)
// and an id no record has.
type domainRow struct {
	name    string
	field   string
	change  func() (from, to string)
	missing string
	open    func(t *testing.T, db *mongo.Database) domainStore
}

// newestOf returns the newest of entries stored oldest first.
func newestOf(entries []record.Change) latest {
	if len(entries) == 0 {
		return latest{}
	}
	last := entries[len(entries)-1]
	return latest{head: last.Head(), fields: last.Fields, count: len(entries)}
}

func projectRow() domainRow {
	var jobs int
	return domainRow{
		name: "project", field: "jobs", missing: "FDI-NONE-999",
		change: func() (string, string) { return strconv.Itoa(jobs), strconv.Itoa(jobs + 5) },
		open: func(t *testing.T, db *mongo.Database) domainStore {
			s := project.NewStore(db)
			if err := s.EnsureIndexes(context.Background()); err != nil {
				t.Fatal(err)
			}
			editor := project.Actor{ID: editorID, Name: "Board editor", Role: "board"}
			return domainStore{
				create: func(ctx context.Context) (string, int64, error) {
					p := seed.Projects(1, domainAt)[700]
					jobs = p.Jobs
					err := s.CreateBy(ctx, &p, editor, domainAt)
					return p.Code, p.Version, err
				},
				edit: func(ctx context.Context, code string, version int64) (int64, error) {
					p, err := valueOf(s.Update(ctx, code, version, project.Changes{Jobs: new(jobs + 5)}, editor, domainAt.Add(time.Hour)))
					return p.Version, err
				},
				version: func(ctx context.Context, code string) (int64, error) {
					p, err := valueOf(s.Get(ctx, code))
					return p.Version, err
				},
				// A project's History is newest first.
				history: func(ctx context.Context, code string) (latest, error) {
					h, err := s.History(ctx, code)
					if err != nil || len(h) == 0 {
						return latest{}, err
					}
					return latest{head: h[0].Head(), fields: h[0].Fields, count: len(h)}, nil
				},
			}
		},
	}
}

func opportunityRow() domainRow {
	var area int64
	return domainRow{
		name: "opportunity", field: "land_area", missing: "OPP-NONE-999",
		change: func() (string, string) {
			return strconv.FormatInt(area, 10), strconv.FormatInt(area+100, 10)
		},
		open: func(t *testing.T, db *mongo.Database) domainStore {
			s := opportunity.NewStore(db)
			if err := s.EnsureIndexes(context.Background()); err != nil {
				t.Fatal(err)
			}
			editor := record.Actor{ID: editorID, Email: "editor@ipc.example"}
			return domainStore{
				create: func(ctx context.Context) (string, int64, error) {
					list, err := seed.Opportunities()
					if err != nil {
						return "", 0, err
					}
					o := list[0]
					area = o.LandAreaCentiHa
					err = s.Create(ctx, &o)
					return o.Code, o.Version, err
				},
				edit: func(ctx context.Context, code string, version int64) (int64, error) {
					o, err := valueOf(s.Update(ctx, code, version, opportunity.Changes{LandAreaCentiHa: new(area + 100)}, editor, "surveyed again"))
					return o.Version, err
				},
				version: func(ctx context.Context, code string) (int64, error) {
					o, err := valueOf(s.Get(ctx, code))
					return o.Version, err
				},
				history: func(ctx context.Context, code string) (latest, error) {
					h, err := s.History(ctx, code)
					return newestOf(h), err
				},
			}
		},
	}
}

// obstacleRow differs in what its history says changed: an obstacle is
// edited by a workflow step (here the task force accepts it), and its
// timeline event records the status before and after in FromStatus and
// ToStatus rather than as field changes, since the step, not a form of
// fields, is what the business and the officers follow. The row reads that
// status change as the entry's one field change, "status"; everything else
// (version, actor, time, conflict, not found) is asserted as for the others.
func obstacleRow() domainRow {
	return domainRow{
		name: "obstacle", field: "status", missing: primitive.NewObjectID().Hex(),
		change: func() (string, string) { return string(obstacle.Submitted), string(obstacle.Accepted) },
		open: func(t *testing.T, db *mongo.Database) domainStore {
			s := obstacle.NewStore(db, holidays.MustEmbedded(), obstacle.Options{KeySecret: []byte("test-secret")})
			if err := s.EnsureIndexes(context.Background()); err != nil {
				t.Fatal(err)
			}
			editor := obstacle.Actor{ID: editorID, Role: obstacle.RoleTaskforce}
			return domainStore{
				create: func(ctx context.Context) (string, int64, error) {
					f, err := s.Create(ctx, obstacle.Submission{
						Filer: obstacle.Filer{BusinessName: "Công ty TNHH Thử Nghiệm", TaxCode: "0100109106",
							ContactPerson: "Nguyễn Văn An", Email: "an@congty.example", Phone: "0905 123 456", Lang: "vi"},
						Category: obstacle.LandSiteClearance, Title: "Chậm bàn giao mặt bằng",
						Description: "Còn 2 ha chưa bồi thường, giải phóng mặt bằng.",
					}, domainAt)
					return f.Obstacle.ID, f.Obstacle.Version, err
				},
				edit: func(ctx context.Context, id string, version int64) (int64, error) {
					o, err := s.Apply(ctx, id, version, obstacle.ActAccept, obstacle.Input{}, editor, domainAt.Add(time.Hour))
					return o.Version, err
				},
				version: func(ctx context.Context, id string) (int64, error) {
					o, err := s.Get(ctx, id)
					return o.Version, err
				},
				// The timeline comes with the obstacle, oldest first.
				history: func(ctx context.Context, id string) (latest, error) {
					o, err := s.Get(ctx, id)
					if err != nil || len(o.Timeline) == 0 {
						return latest{}, err
					}
					ev := o.Timeline[len(o.Timeline)-1]
					status := []record.FieldChange{{Field: "status", From: string(ev.FromStatus), To: string(ev.ToStatus)}}
					return latest{head: ev.Head(), fields: status, count: len(o.Timeline)}, nil
				},
			}
		},
	}
}

// accountStore is the account store on db, with cheap password hashing.
func accountStore(t *testing.T, db *mongo.Database) *account.Store {
	t.Helper()
	s := account.NewStore(db, account.Options{Hash: account.HashParams{Time: 1, MemoryKiB: 256, Threads: 1}})
	if err := s.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

var accountEditor = account.Actor{ID: editorID, Name: "Admin", Email: "admin@portal.example", Role: string(account.RoleAdmin)}

func userRow() domainRow {
	const before, after = "Nguyễn Văn A", "Nguyễn Văn Bình"
	return domainRow{
		name: "user", field: "name", missing: primitive.NewObjectID().Hex(),
		change: func() (string, string) { return before, after },
		open: func(t *testing.T, db *mongo.Database) domainStore {
			s := accountStore(t, db)
			return domainStore{
				create: func(ctx context.Context) (string, int64, error) {
					u, err := s.CreateUser(ctx, account.NewUser{Email: "a@board.example", Name: before,
						Role: account.RoleBoard, Password: "correct horse"}, accountEditor, domainAt)
					return u.ID, u.Version, err
				},
				edit: func(ctx context.Context, id string, version int64) (int64, error) {
					u, err := s.UpdateUser(ctx, id, version, account.UserUpdate{Name: new(after)}, accountEditor, domainAt.Add(time.Hour))
					return u.Version, err
				},
				version: func(ctx context.Context, id string) (int64, error) {
					u, err := s.GetUser(ctx, id)
					return u.Version, err
				},
				history: func(ctx context.Context, id string) (latest, error) {
					h, err := s.UserHistory(ctx, id)
					return newestOf(h), err
				},
			}
		},
	}
}

func agencyRow() domainRow {
	before := account.Text{VI: "Sở Thử nghiệm", EN: "Department of Trials"}
	after := account.Text{VI: "Sở Thử nghiệm và Đo lường", EN: before.EN}
	return domainRow{
		name: "agency", field: "name.vi", missing: "no_such_agency",
		change: func() (string, string) { return before.VI, after.VI },
		open: func(t *testing.T, db *mongo.Database) domainStore {
			s := accountStore(t, db)
			return domainStore{
				create: func(ctx context.Context) (string, int64, error) {
					a, err := s.CreateAgency(ctx, account.Agency{ID: "trials", Name: before}, accountEditor, domainAt)
					return a.ID, a.Version, err
				},
				edit: func(ctx context.Context, id string, version int64) (int64, error) {
					a, err := s.UpdateAgency(ctx, id, version, after, accountEditor, domainAt.Add(time.Hour))
					return a.Version, err
				},
				version: func(ctx context.Context, id string) (int64, error) {
					a, err := s.GetAgency(ctx, id)
					return a.Version, err
				},
				history: func(ctx context.Context, id string) (latest, error) {
					h, err := s.AgencyHistory(ctx, id)
					return newestOf(h), err
				},
			}
		},
	}
}

// TestEveryDomainWritesTheSameWay: each domain stores a versioned record
// through record.Collection, so one edit at the version read behaves the
// same everywhere: the version goes up by one, the newest history entry
// names that version, the actor, the time and the field changed, a repeat
// at the stale version is a conflict (HTTP 412) that writes nothing, and a
// record that does not exist is not found.
func TestEveryDomainWritesTheSameWay(t *testing.T) {
	t.Parallel()
	for _, row := range []domainRow{projectRow(), opportunityRow(), obstacleRow(), userRow(), agencyRow()} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := row.open(t, mongotest.MustOpenDB(t))

			id, read, err := s.create(ctx)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if stored, err := s.version(ctx, id); err != nil || stored != read {
				t.Fatalf("created at version %d, stored %d (%v)", read, stored, err)
			}
			before, err := s.history(ctx, id)
			if err != nil {
				t.Fatalf("history after create: %v", err)
			}

			got, err := s.edit(ctx, id, read)
			if err != nil {
				t.Fatalf("edit at version %d: %v", read, err)
			}
			if got != read+1 {
				t.Errorf("edit returned version %d, want %d", got, read+1)
			}
			if stored, err := s.version(ctx, id); err != nil || stored != read+1 {
				t.Errorf("stored version %d (%v), want %d", stored, err, read+1)
			}
			after, err := s.history(ctx, id)
			if err != nil {
				t.Fatalf("history after edit: %v", err)
			}
			if after.count != before.count+1 || after.head == nil {
				t.Fatalf("history has %d entries after the edit, %d before: want one more", after.count, before.count)
			}
			if h := after.head; h.Version != read+1 || h.By.ID != editorID || h.At.IsZero() {
				t.Errorf("newest entry version %d by %q at %v, want version %d by %q at a time",
					h.Version, h.By.ID, h.At, read+1, editorID)
			}
			from, to := row.change()
			want := record.FieldChange{Field: row.field, From: from, To: to}
			if !slices.Contains(after.fields, want) {
				t.Errorf("newest entry's changes %+v lack %+v", after.fields, want)
			}

			_, err = s.edit(ctx, id, read)
			if code := apperr.As(err).Code; err == nil || code != apperr.CodeConflict {
				t.Errorf("edit at the stale version %d: %v (code %q), want a conflict", read, err, code)
			}
			if stored, err := s.version(ctx, id); err != nil || stored != read+1 {
				t.Errorf("after the stale edit the stored version is %d (%v), want %d", stored, err, read+1)
			}
			if again, err := s.history(ctx, id); err != nil || again.count != after.count {
				t.Errorf("after the stale edit the history has %d entries (%v), want %d", again.count, err, after.count)
			}

			for what, err := range map[string]error{
				"read":    second(s.version(ctx, row.missing)),
				"history": second(s.history(ctx, row.missing)),
				"edit":    second(s.edit(ctx, row.missing, 1)),
			} {
				if code := apperr.As(err).Code; err == nil || code != apperr.CodeNotFound {
					t.Errorf("%s of missing %q: %v (code %q), want not found", what, row.missing, err, code)
				}
			}
		})
	}
}

// valueOf returns what a call gave through a pointer (the zero value for
// nil, as with an error), so a row reads a field without checking first.
func valueOf[R any](r *R, err error) (R, error) {
	if r == nil {
		var zero R
		return zero, err
	}
	return *r, err
}

// second returns the error of a two-value call.
func second[T any](_ T, err error) error { return err }
