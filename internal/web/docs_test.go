package web_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/swaggo/swag/gen"
)

// TestDocsAreCurrent regenerates the OpenAPI document with the same
// settings as the go:generate line in api.go and compares it with docs/.
func TestDocsAreCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("swag generation is slow")
	}
	out := t.TempDir()
	err := gen.New().Build(&gen.Config{
		SearchDir:          ".,./projects,./board,./opportunities,./obstacles,./opendata,../project,../obstacle,../obstacle/obstaclestats,../money,../opportunity,../bilingual,../record",
		MainAPIFile:        "api.go",
		OutputDir:          out,
		OutputTypes:        []string{"json"},
		ParseInternal:      true,
		PropNamingStrategy: "camelcase",
		ParseDepth:         100,
		LeftTemplateDelim:  "{{",
		RightTemplateDelim: "}}",
		PackageName:        "docs",
		CollectionFormat:   "csv",
		Debugger:           quiet{},
	})
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(out, "swagger.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../docs/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatal("docs/ is stale: run `go generate ./internal/web/` and commit docs/")
	}
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}
