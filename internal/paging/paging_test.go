package paging

import "testing"

func TestBounds(t *testing.T) {
	for _, c := range []struct{ page, per, wantPage, wantPer int }{
		{0, 0, 1, 20},
		{-3, -1, 1, 20},
		{2, 5, 2, 5},
		{7, 100, 7, 100},
		{7, 101, 7, 100},
		{1, 1 << 40, 1, 100},
	} {
		p, n := Bounds(c.page, c.per, 20, 100)
		if p != c.wantPage || n != c.wantPer {
			t.Errorf("Bounds(%d, %d) = %d, %d; want %d, %d", c.page, c.per, p, n, c.wantPage, c.wantPer)
		}
	}
}

func TestSkip(t *testing.T) {
	for _, c := range []struct {
		page, per int
		want      int64
	}{{1, 20, 0}, {0, 20, 0}, {3, 20, 40}, {1 << 31, 100, (1<<31 - 1) * 100}} {
		if got := Skip(c.page, c.per); got != c.want {
			t.Errorf("Skip(%d, %d) = %d; want %d", c.page, c.per, got, c.want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, c := range []struct {
		total int64
		per   int
		want  int
	}{{0, 20, 0}, {1, 20, 1}, {20, 20, 1}, {21, 20, 2}, {735, 100, 8}, {5, 0, 0}, {5, -1, 0}} {
		if got := Count(c.total, c.per); got != c.want {
			t.Errorf("Count(%d, %d) = %d; want %d", c.total, c.per, got, c.want)
		}
	}
	if got := Count(41, 20); got != 3 {
		t.Errorf("Count(int 41, 20) = %d; want 3", got)
	}
}
