package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/media"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
)

// pngOf draws a w×h PNG whose bytes differ with seed.
func pngOf(t testing.TB, w, h int, seed uint8) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x) + seed, uint8(y), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegOf(t testing.TB, w, h int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// webpVP8L is the header of a lossless WebP of w×h (enough to be sniffed
// and measured; the picture data is not read).
func webpVP8L(w, h int) []byte {
	b := []byte("RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f")
	v := uint32(w-1) | uint32(h-1)<<14
	b = binary.LittleEndian.AppendUint32(b, v)
	return append(b, make([]byte, 32)...)
}

var alt = bilingual.Text{VI: "Bãi biển", EN: "A beach"}

func field(t *testing.T, err error, name string) string {
	t.Helper()
	e := apperr.As(err)
	if e.Code != apperr.CodeInvalid {
		t.Fatalf("want invalid, got %v", err)
	}
	return e.Fields[name]
}

func TestCheck(t *testing.T) {
	t.Run("KindsAndDimensions", func(t *testing.T) {
		for name, c := range map[string]struct {
			data   []byte
			ct     string
			w, h   int
			errKey string
		}{
			"PNG":        {pngOf(t, 400, 300, 1), "image/png", 400, 300, ""},
			"JPEG":       {jpegOf(t, 640, 360), "image/jpeg", 640, 360, ""},
			"WebP":       {webpVP8L(1024, 768), "image/webp", 1024, 768, ""},
			"TooSmall":   {pngOf(t, 100, 300, 1), "", 0, 0, "media.error.image_dimensions"},
			"TooWide":    {webpVP8L(9000, 400), "", 0, 0, "media.error.image_dimensions"},
			"PDFAsImage": {[]byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n"), "", 0, 0, "media.error.image_type"},
			"HTML":       {[]byte("<html><script>alert(1)</script></html>"), "", 0, 0, "media.error.image_type"},
			"TooLarge":   {make([]byte, media.MaxImageSize+1), "", 0, 0, "media.error.image_size"},
		} {
			it, err := media.Check(media.Upload{Owner: "OPP-VP-001", Kind: media.KindImage, Name: "x.bin", Data: c.data, Alt: alt})
			if c.errKey != "" {
				if got := field(t, err, media.FieldImage); got != c.errKey {
					t.Errorf("%s: %q, want %q", name, got, c.errKey)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if it.ContentType != c.ct || it.Width != c.w || it.Height != c.h {
				t.Errorf("%s: %s %dx%d", name, it.ContentType, it.Width, it.Height)
			}
		}
	})
	t.Run("AltRequiredInBothLanguages", func(t *testing.T) {
		_, err := media.Check(media.Upload{Kind: media.KindImage, Data: pngOf(t, 300, 300, 1), Alt: bilingual.Text{VI: "Ảnh"}})
		if got := field(t, err, media.FieldAltEN); got != "error.field.required" {
			t.Errorf("alt_en: %q", got)
		}
	})
	t.Run("Brochure", func(t *testing.T) {
		it, err := media.Check(media.Upload{Kind: media.KindBrochure, Name: `..\evil"name.exe`, Data: []byte("%PDF-1.7\n1 0 obj\n")})
		if err != nil || it.ContentType != "application/pdf" || it.Name != "evilname.pdf" {
			t.Fatalf("%+v %v", it, err)
		}
		_, err = media.Check(media.Upload{Kind: media.KindBrochure, Data: pngOf(t, 300, 300, 1)})
		if got := field(t, err, media.FieldBrochure); got != "media.error.brochure_type" {
			t.Errorf("png as brochure: %q", got)
		}
		big := append([]byte("%PDF-1.7\n"), make([]byte, media.MaxBrochureSize)...)
		_, err = media.Check(media.Upload{Kind: media.KindBrochure, Data: big})
		if got := field(t, err, media.FieldBrochure); got != "media.error.brochure_size" {
			t.Errorf("big brochure: %q", got)
		}
	})
}

// TestStoreRoundTrip stores pictures and a brochure in GridFS on the
// embedded database, reads them back byte for byte, lists them by owner,
// and deletes one so that it is neither listed nor served.
func TestStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := media.NewStore(mongotest.MustOpenDB(t))
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	img := pngOf(t, 1200, 800, 7) // several GridFS chunks
	a, err := s.Add(ctx, media.Upload{Owner: "OPP-VP-001", Kind: media.KindImage, Name: "a.png", Data: img, Alt: alt, By: "board@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("stream "), 50000)...)
	b, err := s.Add(ctx, media.Upload{Owner: "OPP-VP-001", Kind: media.KindBrochure, Name: "brochure.pdf", Data: pdf})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(ctx, media.Upload{Owner: "OPP-CR-001", Kind: media.KindImage, Name: "c.png", Data: pngOf(t, 300, 300, 2), Alt: alt}); err != nil {
		t.Fatal(err)
	}
	it, data, err := s.Open(ctx, a.ID)
	if err != nil || !bytes.Equal(data, img) || it.Width != 1200 || it.Alt != alt {
		t.Fatalf("open: %+v %d bytes %v", it, len(data), err)
	}
	if _, data, err := s.Open(ctx, b.ID); err != nil || !bytes.Equal(data, pdf) {
		t.Fatalf("open brochure: %d bytes %v", len(data), err)
	}
	list, err := s.List(ctx, "OPP-VP-001")
	if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
		t.Fatalf("list: %+v %v", list, err)
	}
	first, err := s.FirstImages(ctx, []string{"OPP-VP-001", "OPP-CR-001", "OPP-NONE"})
	if err != nil || len(first) != 2 || first["OPP-VP-001"].ID != a.ID {
		t.Fatalf("first images: %+v %v", first, err)
	}
	if err := s.Delete(ctx, "OPP-CR-001", a.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("delete under another owner: %v", err)
	}
	if err := s.Delete(ctx, "OPP-VP-001", a.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Open(ctx, a.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("open after delete: %v", err)
	}
	if list, _ := s.List(ctx, "OPP-VP-001"); len(list) != 1 {
		t.Errorf("after delete: %d items", len(list))
	}
	owners, err := s.ImageOwners(ctx)
	if err != nil || len(owners) != 1 || owners[0] != "OPP-CR-001" {
		t.Errorf("image owners: %v %v", owners, err)
	}
}

// TestAddRefusesWithoutStoring: a refused file leaves no record and no
// GridFS file behind.
func TestAddRefusesWithoutStoring(t *testing.T) {
	ctx := context.Background()
	db := mongotest.MustOpenDB(t)
	s := media.NewStore(db)
	_, err := s.Add(ctx, media.Upload{Owner: "OPP-VP-001", Kind: media.KindImage, Data: []byte("GIF89a......"), Alt: alt})
	if field(t, err, media.FieldImage) != "media.error.image_type" {
		t.Fatalf("%v", err)
	}
	for _, c := range []string{media.Collection, media.Bucket + ".files", media.Bucket + ".chunks"} {
		if n, err := db.Collection(c).CountDocuments(ctx, map[string]any{}); err != nil || n != 0 {
			t.Errorf("%s: %d documents, %v", c, n, err)
		}
	}
}
