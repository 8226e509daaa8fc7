package obstacle

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/holidays"
	"go.mongodb.org/mongo-driver/bson"
)

// TestCreateKeyBoundToSubmission: an idempotency key answers again only
// the submission it came with.
func TestCreateKeyBoundToSubmission(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	now := at("2026-03-02 09:00")
	sub := submission(1)
	sub.IdempotencyKey = "invoice-2026-0001"
	first, key, err := create(ctx, s, sub, now)
	if err != nil {
		t.Fatal(err)
	}
	again, key2, err := create(ctx, s, sub, now.Add(time.Minute))
	if err != nil || again.ID != first.ID || key2 != key {
		t.Fatalf("same submission: %v %s", err, again.ID)
	}
	// Spaces around fields are not a different submission.
	padded := sub
	padded.Title = "  " + sub.Title + " "
	if again, _, err := create(ctx, s, padded, now); err != nil || again.ID != first.ID {
		t.Fatalf("padded submission: %v", err)
	}
	refused := func(name string, sub Submission, when time.Time) {
		t.Helper()
		o, k, err := create(ctx, s, sub, when)
		if e := apperr.As(err); e.Code != apperr.CodeInvalid || e.Fields["idempotency_key"] != MsgKeyReused {
			t.Errorf("%s: %v", name, err)
		}
		if o.ID != "" || o.TrackingCode != "" || k != "" {
			t.Errorf("%s: the refusal carries %q %q %q", name, o.ID, o.TrackingCode, k)
		}
	}
	other := sub
	other.Filer.Email, other.Filer.BusinessName = "ke.do@attacker.example", "Công ty Kẻ Dò"
	refused("OtherFiler", other, now)
	desc := sub
	desc.Description += " Thêm một câu."
	refused("OtherDescription", desc, now)
	files := sub
	files.FilesDigest = FilesDigest([]string{"a.pdf"}, [][32]byte{{1}})
	refused("WithFiles", files, now)
	refused("AfterTheWindow", sub, now.Add(IdempotencyWindow+time.Minute))
	if n, _ := s.obstacles.CountDocuments(ctx, bson.M{}); n != 1 {
		t.Fatalf("%d obstacles stored, want 1", n)
	}
	// Racing submissions with one key and two contents: one obstacle; each
	// racer gets it only with the content that made it.
	sub2 := submission(2)
	sub2.IdempotencyKey = "race-two-contents-0123456789"
	other2 := sub2
	other2.Title = "Một tiêu đề khác"
	var wg sync.WaitGroup
	var mu sync.Mutex
	made := map[string]string{}
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := sub2
			if i%2 == 1 {
				in = other2
			}
			o, _, err := create(ctx, s, in, now)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				made[in.Title] = o.ID
			case apperr.As(err).Fields["idempotency_key"] != MsgKeyReused:
				t.Errorf("racer %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if len(made) != 1 {
		t.Errorf("both contents were answered: %v", made)
	}
	if n, _ := s.obstacles.CountDocuments(ctx, bson.M{"idempotencyKey": bson.M{"$exists": true}}); n != 2 {
		t.Errorf("%d obstacles stored, want 2", n)
	}
}

func TestTextRefusesControlCharacters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v         string
		multiline bool
		want      string
	}{
		{"Chậm bàn giao mặt bằng", false, ""},
		{"a\x00b", false, MsgControlChars},
		{"a\x00b", true, MsgControlChars},
		{"dòng 1\r\ndòng 2\tcột", true, ""},
		{"dòng 1\ndòng 2", false, MsgControlChars},
		{"tab\there", false, MsgControlChars},
		{"esc \x1b[0m", true, MsgControlChars},
		{"c1 \u0085", true, MsgControlChars},
		{"del \x7f", true, MsgControlChars},
		{"bad \xff utf-8", true, "error.field.invalid"},
	} {
		if got := TextProblem(tc.v, tc.multiline); got != tc.want {
			t.Errorf("TextProblem(%q, %v) = %q, want %q", tc.v, tc.multiline, got, tc.want)
		}
	}

	o := validObstacle()
	o.Title = "Chậm\x00"
	o.Filer.BusinessName = "Công ty\x1b"
	o.Description = "Còn 2 ha chưa bồi thường,\r\n\tgiải phóng mặt bằng xong.\x00"
	e := apperr.As(o.Validate())
	for _, f := range []string{"title", "business_name", "description"} {
		if e.Fields[f] != MsgControlChars {
			t.Errorf("%s: %q", f, e.Fields[f])
		}
	}
	if len(e.Fields) != 3 {
		t.Errorf("fields %v", e.Fields)
	}

	now := at("2026-03-10 10:00")
	tf := actorFor(RoleTaskforce)
	if _, _, err := Transition(fixture(Accepted, now), ActNote, Input{Note: "họp\x00"}, tf, now, cal, DefaultRules); apperr.As(err).Fields["note"] != MsgControlChars {
		t.Errorf("note: %v", err)
	}
	if _, _, err := Transition(fixture(InProgress, now), ActResolve, Input{Resolution: "xong\x1b"}, tf, now, cal, DefaultRules); apperr.As(err).Fields["resolution"] != MsgControlChars {
		t.Errorf("resolution: %v", err)
	}
	if _, _, err := Transition(fixture(WaitingForBusiness, now), ActAnswer, Input{Note: "đã gửi\u0000"}, FilerActor, now, cal, DefaultRules); apperr.As(err).Fields["note"] != MsgControlChars {
		t.Errorf("answer: %v", err)
	}
	if _, _, err := Transition(fixture(Accepted, now), ActNote, Input{Note: "dòng 1\r\ndòng 2"}, tf, now, cal, DefaultRules); err != nil {
		t.Errorf("note with a line break: %v", err)
	}
	p := PolicyIssue{Title: "Bảng giá\x00"}
	if apperr.As(p.Validate()).Fields["title"] != MsgControlChars {
		t.Error("policy issue title")
	}

	s, _ := newStore(t)
	ctx := context.Background()
	ob, _, _ := create(ctx, s, submission(3), now)
	if _, _, err := s.AddAttachment(ctx, ob.ID, "ban\x00ve.pdf", bytes.NewReader([]byte(tinyPDF)), FilerActor, now); apperr.As(err).Fields["file"] != MsgControlChars {
		t.Errorf("file name: %v", err)
	}
	if got, _ := s.Get(ctx, ob.ID); len(got.Attachments) != 0 {
		t.Error("a refused file was recorded")
	}
}

func TestAssignDeadlineWindow(t *testing.T) {
	t.Parallel()
	now := at("2026-03-10 10:00")
	tf := actorFor(RoleTaskforce)
	for _, tc := range []struct {
		deadline time.Time
		want     string
	}{
		{at("2026-03-10 00:00"), ""},
		{at("2027-03-10 00:00"), ""},
		{now.AddDate(0, 0, MaxDeadlineDays+1), "obstacle.error.deadline_far"},
		{time.Date(9999, 12, 31, 0, 0, 0, 0, holidays.Location()), "obstacle.error.deadline_far"},
		{at("2026-03-09 00:00"), "obstacle.error.deadline_past"},
	} {
		d := tc.deadline
		_, _, err := Transition(fixture(Accepted, now), ActAssign, Input{LeadAgency: "sxd", Deadline: &d}, tf, now, cal, DefaultRules)
		if got := apperr.As(err).Fields["deadline"]; err != nil && got != tc.want || err == nil && tc.want != "" {
			t.Errorf("deadline %s: %v, want %q", holidays.DateKey(d), err, tc.want)
		}
	}
}
