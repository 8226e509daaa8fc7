package search

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestPlaceNamesFromSeed: the place names matched as phrases are the seed's
// (every name seed/projects.go draws project names from is in the list)
// and none is invented (each occurs in the seed data) or a single syllable.
func TestPlaceNamesFromSeed(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "../../seed/projects.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var seedNames []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "places" || len(vs.Values) != 1 {
			return true
		}
		// map[string][]string{"nha_trang": {"Nha Trang", …}, …}: the values' strings.
		for _, e := range vs.Values[0].(*ast.CompositeLit).Elts {
			ast.Inspect(e.(*ast.KeyValueExpr).Value, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					seedNames = append(seedNames, s)
				}
				return true
			})
		}
		return false
	})
	if len(seedNames) < 50 {
		t.Fatalf("found %d place names in seed/projects.go's places, want the whole table", len(seedNames))
	}
	for _, n := range seedNames {
		if len(strings.Fields(n)) > 1 && !slices.Contains(placeNames, n) {
			t.Errorf("seed place %q is not in placeNames", n)
		}
	}
	var seedText strings.Builder
	for _, path := range []string{"../../seed/projects.go", "../../seed/opportunities.json"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		seedText.Write(b)
	}
	for _, n := range placeNames {
		if len(strings.Fields(n)) < 2 {
			t.Errorf("place %q has one syllable: it is a word like any other", n)
		}
		if !strings.Contains(seedText.String(), n) {
			t.Errorf("place %q does not occur in the seed data", n)
		}
	}
}

func TestQueryUnits(t *testing.T) {
	for q, want := range map[string]string{
		"nha trang resort":          "[nha trang] resort*",
		"Resort NHA TRANG ":         "resort [nha trang]",
		"khu du lịch bắc vân phong": "khu du lich [bac van phong]",
		"van phong":                 "[van phong]",
		"nha":                       "nha*",
		"trang nha":                 "trang nha*",
	} {
		var got []string
		for _, u := range parseText(q).units() {
			s := strings.Join(u.terms, " ")
			switch {
			case u.place:
				s = "[" + s + "]"
			case u.prefix:
				s += "*"
			}
			got = append(got, s)
		}
		if g := strings.Join(got, " "); g != want {
			t.Errorf("%q: units %s, want %s", q, g, want)
		}
	}
}
