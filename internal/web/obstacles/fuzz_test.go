package obstacles

// Fuzz targets for the task force's queue query and for uploads; seed
// corpora in testdata/fuzz/<name>/.

import (
	"bytes"
	"mime/multipart"
	"testing"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/web/webtest"
)

// FuzzListQuery checks the obstacle queue's query-string parser with any
// query string: no panic; a refusal is "invalid" naming only the queue's
// own parameters; an accepted page does not overflow the offset.
func FuzzListQuery(f *testing.F) {
	f.Fuzz(func(t *testing.T, query string) {
		uri := "/api/v1/projects?" + query

		c := webtest.Ctx(t, uri, "", nil)
		qq, err := parseQueueQuery(func(k string) string { return c.Query(k) })
		if err != nil {
			webtest.CheckInvalid(t, err, queueKeys)
		} else if qq.Filter.Page != 0 {
			webtest.NoOverflowOffset(t, "queue", qq.Filter.Page, obstacle.MaxPerPage)
		}
	})
}

// executableMagic are the first bytes of programs that must never pass as
// a document: Windows PE, ELF, scripts.
var executableMagic = [][]byte{[]byte("MZ"), []byte("\x7fELF"), []byte("#!")}

// FuzzMultipartUpload checks the upload path of obstacle filing with a
// file of any name and content, and with any multipart body: no panic; a
// refused file is "invalid" naming the file, a malformed body "invalid",
// never internal; an accepted file
// is a PDF, JPEG or PNG by content, and a program (MZ, ELF, #!) under any
// allowed name is refused.
func FuzzMultipartUpload(f *testing.F) {
	f.Fuzz(func(t *testing.T, name string, content []byte, raw []byte) {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		_ = w.SetBoundary("fuzzboundary")
		_ = w.WriteField("title", "x")
		if fw, err := w.CreateFormFile("files", name); err == nil {
			_, _ = fw.Write(content)
		}
		_ = w.Close()
		ct := "multipart/form-data; boundary=fuzzboundary"

		for i, b := range [][]byte{body.Bytes(), raw} {
			c := webtest.Ctx(t, "/api/v1/obstacles", ct, b)
			files, err := uploadedFiles(c, "files")
			if err != nil {
				// A body that is not multipart at all is refused as a
				// whole (no field to name), but never as internal.
				if e := apperr.As(err); e.Code != apperr.CodeInvalid {
					t.Fatalf("body %d: error is %s, want invalid: %v", i, e.Code, err)
				}
				continue
			}
			err = checkUploads(files, 0)
			if err != nil {
				webtest.CheckInvalid(t, err, []string{"file"})
				continue
			}
			for _, fh := range files {
				fr, err := fh.Open()
				if err != nil {
					t.Fatal(err)
				}
				var head [512]byte
				n, _ := fr.Read(head[:])
				_ = fr.Close()
				if _, ok := obstacle.SniffContentType(head[:n]); !ok {
					t.Fatalf("body %d: file %q accepted with content %q", i, fh.Filename, head[:n])
				}
				for _, m := range executableMagic {
					if bytes.HasPrefix(head[:n], m) {
						t.Fatalf("body %d: program %q accepted as %q", i, head[:n], fh.Filename)
					}
				}
			}
		}
	})
}
