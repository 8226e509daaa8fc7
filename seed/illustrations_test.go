package seed

import (
	"testing"

	"github.com/khanhhoa/investportal/internal/media"
)

// TestIllustrationsPassTheUploadChecks: every demo picture is a PNG the
// board could upload (type, size, dimensions, alt text in both
// languages), is drawn the same on every call, and goes with a demo
// opportunity.
func TestIllustrationsPassTheUploadChecks(t *testing.T) {
	opps, err := Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, o := range opps {
		codes[o.Code] = true
	}
	for _, il := range Illustrations() {
		b := il.Draw()
		it, err := media.Check(media.Upload{Owner: il.Owner, Kind: media.KindImage, Name: il.Name, Data: b, Alt: il.Alt})
		if err != nil {
			t.Fatalf("%s: %v", il.Name, err)
		}
		if it.ContentType != "image/png" || it.Width != illW || it.Height != illH {
			t.Errorf("%s: %s %dx%d", il.Name, it.ContentType, it.Width, it.Height)
		}
		if string(il.Draw()) != string(b) {
			t.Errorf("%s: not deterministic", il.Name)
		}
		if !codes[il.Owner] {
			t.Errorf("%s: no demo opportunity %s", il.Name, il.Owner)
		}
	}
}
