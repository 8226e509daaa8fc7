package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/inbox"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/locales"
)

func item(id string) inbox.Item {
	return inbox.Item{ID: id, Kind: inbox.KindObstacleFiled, Args: map[string]string{"Code": "VM-" + id, "Title": "t"}, Link: "/staff/obstacles/" + id}
}

// TestAddReadAndCounts: items come newest first, the same event is kept
// once, marking read lowers the count, and one user cannot mark another's
// item.
func TestAddReadAndCounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := inbox.NewStore(mongotest.MustOpenDB(t))
	if n := s.Unread(ctx, "u1"); n != 0 {
		t.Fatalf("empty inbox counts %d", n)
	}
	for _, id := range []string{"a", "b", "c"} {
		if added, err := s.Add(ctx, "u1", item(id)); err != nil || !added {
			t.Fatalf("add %s: %v %v", id, added, err)
		}
	}
	if added, err := s.Add(ctx, "u1", item("b")); err != nil || added {
		t.Fatalf("the same event again: added %v %v", added, err)
	}
	if _, err := s.Add(ctx, "u2", item("x")); err != nil {
		t.Fatal(err)
	}
	b, err := s.Get(ctx, "u1")
	if err != nil || len(b.Items) != 3 || b.Items[0].ID != "c" || b.Items[2].ID != "a" || b.Unread != 3 {
		t.Fatalf("inbox %+v %v", b, err)
	}
	if n := s.Unread(ctx, "u1"); n != 3 {
		t.Errorf("unread %d, want 3", n)
	}
	it, err := s.MarkRead(ctx, "u1", "b")
	if err != nil || it.ReadAt == nil || it.Link != "/staff/obstacles/b" {
		t.Fatalf("mark read: %+v %v", it, err)
	}
	if n := s.Unread(ctx, "u1"); n != 2 {
		t.Errorf("unread after one read %d, want 2", n)
	}
	// u2 cannot mark u1's item, nor read it: it is not in u2's inbox.
	if _, err := s.MarkRead(ctx, "u2", "c"); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another's item: %v", err)
	}
	if n := s.Unread(ctx, "u1"); n != 2 {
		t.Errorf("u1's count changed by u2: %d", n)
	}
	n, err := s.MarkAllRead(ctx, "u1")
	if err != nil || n != 2 || s.Unread(ctx, "u1") != 0 || s.Unread(ctx, "u2") != 1 {
		t.Errorf("mark all: %d %v, counts %d %d", n, err, s.Unread(ctx, "u1"), s.Unread(ctx, "u2"))
	}
}

// TestCountIsCached: repeated counts for one user read the database once
// within CountTTL; the user's own write updates the cache at once, and
// another process's write shows after CountTTL.
func TestCountIsCached(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mongotest.MustOpenDB(t)
	now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s := inbox.NewStore(db)
	s.SetClock(clock)
	other := inbox.NewStore(db)
	other.SetClock(clock)
	for range 50 {
		s.Unread(ctx, "u1")
	}
	if r := s.CountReads(); r != 1 {
		t.Errorf("50 counts read the database %d times", r)
	}
	if _, err := s.Add(ctx, "u1", item("a")); err != nil {
		t.Fatal(err)
	}
	if n := s.Unread(ctx, "u1"); n != 1 || s.CountReads() != 1 {
		t.Errorf("own write: count %d after %d reads", n, s.CountReads())
	}
	if _, err := other.Add(ctx, "u1", item("b")); err != nil {
		t.Fatal(err)
	}
	if n := s.Unread(ctx, "u1"); n != 1 {
		t.Errorf("within the TTL the cached count stands: %d", n)
	}
	now = now.Add(inbox.CountTTL + time.Second)
	if n := s.Unread(ctx, "u1"); n != 2 {
		t.Errorf("after the TTL: %d, want 2", n)
	}
}

// TestConcurrentAddsKeepEveryItem: adds racing on one inbox retry on the
// version and none is lost; the inbox keeps at most MaxItems.
func TestConcurrentAddsKeepEveryItem(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := inbox.NewStore(mongotest.MustOpenDB(t))
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Add(ctx, "u1", item(fmt.Sprint("c", i)))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	b, err := s.Get(ctx, "u1")
	if err != nil || len(b.Items) != 6 || b.Unread != 6 {
		t.Fatalf("after 6 racing adds: %d items, %d unread, %v", len(b.Items), b.Unread, err)
	}
	for i := range inbox.MaxItems {
		if _, err := s.Add(ctx, "u1", item(fmt.Sprint("m", i))); err != nil {
			t.Fatal(err)
		}
	}
	b, _ = s.Get(ctx, "u1")
	if len(b.Items) != inbox.MaxItems || b.Items[0].ID != fmt.Sprint("m", inbox.MaxItems-1) || b.Unread != inbox.MaxItems {
		t.Errorf("capped inbox: %d items, first %s, %d unread", len(b.Items), b.Items[0].ID, b.Unread)
	}
}

// TestTitleInReadersLanguage: the item keeps ids and arguments; the text
// comes out in the reader's language, a bilingual title in that language,
// tagged [VI] where it has no English.
func TestTitleInReadersLanguage(t *testing.T) {
	t.Parallel()
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	it := inbox.Item{ID: "e1", Kind: inbox.KindEnquiry, Args: map[string]string{"Code": "OPP-1", "Name": "Kim"},
		Texts: map[string]bilingual.Text{"Title": {VI: "Khu du lịch", EN: "Resort"}}}
	if got, want := it.Title(b.For("en")), "New enquiry from Kim about OPP-1: Resort"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	if got, want := it.Title(b.For("vi")), "Yêu cầu thông tin mới của Kim về OPP-1: Khu du lịch"; got != want {
		t.Errorf("vi: %q, want %q", got, want)
	}
	it.Texts["Title"] = bilingual.Text{VI: "Khu du lịch"}
	if got, want := it.Title(b.For("en")), "New enquiry from Kim about OPP-1: Khu du lịch [VI]"; got != want {
		t.Errorf("en without translation: %q, want %q", got, want)
	}
}

// TestUnreadCountPlurals: go-i18n's plural forms, one/other in English
// and the single form in Vietnamese.
func TestUnreadCountPlurals(t *testing.T) {
	t.Parallel()
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "1 new item"}, {"en", 2, "2 new items"}, {"en", 21, "21 new items"},
		{"vi", 1, "1 mục mới"}, {"vi", 5, "5 mục mới"},
	} {
		if got := b.For(tc.lang).T("inbox.unread_count", "Count", tc.n); got != tc.want {
			t.Errorf("%s %d: %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}
