package holidays

import (
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, Location())
	if err != nil {
		panic(err)
	}
	return t
}

func TestEmbeddedCoversEveryYear(t *testing.T) {
	c := MustEmbedded()
	for y := FirstYear; y <= LastYear; y++ {
		for _, md := range []string{"-01-01", "-04-30", "-05-01", "-09-02"} {
			d, ok := c.Lookup(date(itoa(y) + md))
			if !ok || !d.Kind.Off() {
				t.Errorf("%d%s is not a day off", y, md)
			}
		}
		tet := 0
		for _, d := range c.Days() {
			if d.Occasion == OccasionTet && d.Date[:4] == itoa(y) {
				tet++
			}
		}
		if tet < 5 {
			t.Errorf("%d: only %d Tết days", y, tet)
		}
	}
}

func itoa(y int) string { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") }

func TestIsWorkingDay(t *testing.T) {
	c := MustEmbedded()
	cases := []struct {
		day  string
		want bool
	}{
		{"2026-02-13", true},  // Friday before Tết 2026
		{"2026-02-14", false}, // Tết break starts (Saturday)
		{"2026-02-16", false}, // Monday in the Tết break
		{"2026-02-20", false}, // Friday in the Tết break
		{"2026-02-23", true},  // back to work
		{"2026-01-02", false}, // swapped Friday
		{"2026-01-10", true},  // make-up Saturday
		{"2026-01-11", false}, // ordinary Sunday
		{"2024-05-04", true},  // make-up Saturday 2024
		{"2025-01-27", false}, // Tết 2025
		{"2025-02-03", true},
		{"2026-04-27", false}, // Hùng Kings compensatory
		{"2030-03-05", true},  // outside the data: weekday rule only
	}
	for _, tc := range cases {
		if got := c.IsWorkingDay(date(tc.day)); got != tc.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tc.day, got, tc.want)
		}
	}
	// A late-evening UTC instant is already the next civil day in Vietnam.
	sat := time.Date(2026, 2, 13, 18, 0, 0, 0, time.UTC) // 01:00 Saturday 14 Feb in Hanoi
	if c.IsWorkingDay(sat) {
		t.Error("18:00 UTC on 13 Feb 2026 is Saturday 14 Feb in Vietnam, a day off")
	}
}

func TestAddWorkingDaysAcrossTet2026(t *testing.T) {
	c := MustEmbedded()
	// Filed Wednesday 11 Feb 2026: Thu 12, Fri 13 are working days, then the
	// break 14-22 Feb, then Mon 23 onwards.
	from := date("2026-02-11").Add(15 * time.Hour)
	cases := []struct {
		n    int
		want string
	}{
		{0, "2026-02-11"},
		{1, "2026-02-12"},
		{2, "2026-02-13"},
		{3, "2026-02-23"},
		{7, "2026-02-27"},
		{10, "2026-03-04"},
		{-3, "2026-02-06"},
	}
	for _, tc := range cases {
		got := c.AddWorkingDays(from, tc.n)
		if DateKey(got) != tc.want {
			t.Errorf("AddWorkingDays(11 Feb, %d) = %s, want %s", tc.n, DateKey(got), tc.want)
		}
		if !got.Equal(StartOfDay(got)) {
			t.Errorf("AddWorkingDays should return a midnight, got %v", got)
		}
		if tc.n > 0 {
			if back := c.WorkingDaysBetween(from, got); back != tc.n {
				t.Errorf("WorkingDaysBetween(11 Feb, %s) = %d, want %d", tc.want, back, tc.n)
			}
		}
	}
	if n := c.WorkingDaysBetween(date("2026-02-13"), date("2026-02-23")); n != 1 {
		t.Errorf("13 Feb to 23 Feb 2026 = %d working days, want 1", n)
	}
	if n := c.WorkingDaysBetween(date("2026-02-23"), date("2026-02-13")); n != -1 {
		t.Errorf("backwards = %d, want -1", n)
	}
	if n := c.WorkingDaysBetween(date("2026-02-14"), date("2026-02-22")); n != 0 {
		t.Errorf("inside the break = %d, want 0", n)
	}
}

func TestWithAddsAndOverrides(t *testing.T) {
	c := MustEmbedded()
	c2, err := c.With(Day{Date: "2026-03-10", Occasion: OccasionCustom, Kind: Custom},
		Day{Date: "2026-02-21", Occasion: OccasionCustom, Kind: Makeup})
	if err != nil {
		t.Fatal(err)
	}
	if c2.IsWorkingDay(date("2026-03-10")) {
		t.Error("custom day off is a working day")
	}
	if !c2.IsWorkingDay(date("2026-02-21")) {
		t.Error("override to a make-up day did not apply")
	}
	if !c.IsWorkingDay(date("2026-03-10")) {
		t.Error("With changed the original calendar")
	}
	if _, err := c.With(Day{Date: "2026-13-01", Occasion: "x", Kind: Custom}); err == nil {
		t.Error("bad date accepted")
	}
	if _, err := c.With(Day{Date: "2026-03-01", Occasion: "x", Kind: "party"}); err == nil {
		t.Error("bad kind accepted")
	}
}

func TestEstimatesAreMarked(t *testing.T) {
	c := MustEmbedded()
	d, _ := c.Lookup(date("2026-02-17"))
	if d.Estimate {
		t.Error("Tết 2026 is decreed, not an estimate")
	}
	d, _ = c.Lookup(date("2027-02-08"))
	if !d.Estimate {
		t.Error("Tết 2027 should be marked as an estimate")
	}
}
