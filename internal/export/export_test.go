package export_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/export"
	"github.com/xuri/excelize/v2"
)

func sample() export.Table {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("ICT", 7*3600))
	return export.Table{
		Sheet:  "Dự án: 2026/03",
		Header: []string{"Mã", "Tên", "Vốn", "Tiền tệ", "Ngày"},
		Rows: [][]export.Cell{
			{export.Text("DA-0001"), export.Text("Khu nghỉ dưỡng Vân Phong, \"giai đoạn 1\""), export.Int(363_240_000_000_000), export.Text("VND"), export.Time(at)},
			{export.Text("FDI-0001"), export.Text("=HYPERLINK(\"x\")"), export.Int(-5), export.Text("USD"), export.TimePtr(nil)},
		},
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]export.Format{"csv": export.CSV, " XLSX": export.XLSX} {
		if got, ok := export.ParseFormat(in); !ok || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := export.ParseFormat("pdf"); ok {
		t.Error("pdf accepted")
	}
	if f, ok := export.FromAccept("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"); !ok || f != export.XLSX {
		t.Error("xlsx Accept not recognised")
	}
	if _, ok := export.FromAccept("application/json"); ok {
		t.Error("json Accept taken for an export")
	}
}

func TestCSVParsesBack(t *testing.T) {
	var buf bytes.Buffer
	if err := export.Write(&buf, export.CSV, sample()); err != nil {
		t.Fatal(err)
	}
	body := buf.String()
	if !strings.HasPrefix(body, export.BOM) {
		t.Fatal("no byte order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, export.BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Mã", "Tên", "Vốn", "Tiền tệ", "Ngày"},
		{"DA-0001", "Khu nghỉ dưỡng Vân Phong, \"giai đoạn 1\"", "363240000000000", "VND", "2026-03-03T22:06:07Z"},
		{"FDI-0001", "'=HYPERLINK(\"x\")", "-5", "USD", ""},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i := range want {
		for j := range want[i] {
			if recs[i][j] != want[i][j] {
				t.Errorf("row %d col %d = %q, want %q", i, j, recs[i][j], want[i][j])
			}
		}
	}
}

func TestXLSXCellByCell(t *testing.T) {
	tb := sample()
	var buf bytes.Buffer
	if err := export.Write(&buf, export.XLSX, tb, export.Table{Sheet: tb.Sheet, Header: []string{"x"}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[0] != "Dự án- 2026-03" || sheets[1] == sheets[0] {
		t.Fatalf("sheets %q", sheets)
	}
	s := sheets[0]
	cell := func(ref string) string {
		v, err := f.GetCellValue(s, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for i, h := range tb.Header {
		ref, _ := excelize.CoordinatesToCellName(i+1, 1)
		if got := cell(ref); got != h {
			t.Errorf("header %s = %q, want %q", ref, got, h)
		}
	}
	if got := cell("B2"); got != "Khu nghỉ dưỡng Vân Phong, \"giai đoạn 1\"" {
		t.Errorf("B2 = %q", got)
	}
	if got := cell("B3"); got != "=HYPERLINK(\"x\")" {
		t.Errorf("B3 = %q (text must be kept as text, not a formula)", got)
	}
	if f, _ := f.GetCellFormula(s, "B3"); f != "" {
		t.Errorf("B3 became a formula %q", f)
	}
	if typ, _ := f.GetCellType(s, "C2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("C2 type %v, want a number", typ)
	}
	if got := cell("C2"); got != "363240000000000" {
		t.Errorf("C2 = %q", got)
	}
	if got := cell("C3"); got != "-5" {
		t.Errorf("C3 = %q", got)
	}
	serial, err := strconv.ParseFloat(cell("E2"), 64)
	if err != nil {
		t.Fatalf("E2 is not a date-time number: %v", err)
	}
	got, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 3, 22, 6, 7, 0, time.UTC); got.Round(time.Second) != want {
		t.Errorf("E2 = %v, want %v", got, want)
	}
	if got := cell("E3"); got != "" {
		t.Errorf("E3 = %q, want empty", got)
	}
}

func TestSheetName(t *testing.T) {
	if got := export.SheetName(strings.Repeat("a", 40)); len(got) != 31 {
		t.Errorf("long name kept %d characters", len(got))
	}
	if got := export.SheetName(" "); got != "Sheet" {
		t.Errorf("empty name gave %q", got)
	}
}

// TestFormulaGuardSeesThroughDisguises: a cell a spreadsheet would run as a
// formula is guarded even when its first character is a fullwidth or
// other compatibility form of = + - @ (NFKC), or comes after leading
// whitespace, NUL or other control characters, as older stored data may
// hold.
func TestFormulaGuardSeesThroughDisguises(t *testing.T) {
	for _, s := range []string{
		"=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1",
		"＝1+1", "＋1+1", "－1+1", "＠SUM(A1)", "﹦1+1", "﹢1",
		"\x00=1+1", " =1+1", "\u00a0=1+1", "\u200b=1+1", "\ufeff=1+1", "\x00\x01 ＝HYPERLINK(\"http://x\")", "\n=1+1",
	} {
		if got := export.NeutralizeFormula(s); !strings.HasPrefix(got, "'") {
			t.Errorf("NeutralizeFormula(%q) = %q, not guarded", s, got)
		}
	}
	for _, s := range []string{"", "Khu nghỉ dưỡng", "1+1", "a=b", "DA-0001", "Công ty (=)"} {
		if got := export.NeutralizeFormula(s); got != s {
			t.Errorf("NeutralizeFormula(%q) = %q, want it unchanged", s, got)
		}
	}
}

// TestCSVHasNoControlCharacters: text cells lose control characters other
// than tab and line breaks, and what is left is still guarded.
func TestCSVHasNoControlCharacters(t *testing.T) {
	var buf bytes.Buffer
	tb := export.Table{Header: []string{"a", "b", "c"}, Rows: [][]export.Cell{{
		export.Text("\x00=1+1"), export.Text("Tên\x1b[31m dự án\x7f"), export.Text("dòng một\r\ndòng hai\tcột"),
	}}}
	if err := export.Write(&buf, export.CSV, tb); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), export.BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"'=1+1", "Tên[31m dự án", "dòng một\ndòng hai\tcột"}
	for i, w := range want {
		if recs[1][i] != w {
			t.Errorf("cell %d = %q, want %q", i, recs[1][i], w)
		}
	}
}

// moneyTable has money of 12 to 18 digits, an empty text cell and a
// count, to read back how each is written.
func moneyTable() export.Table {
	return export.Table{
		Sheet:  "Money",
		Header: []string{"Code", "Note", "Capital", "Currency", "Jobs"},
		Rows: [][]export.Cell{
			{export.Text("DA-0001"), export.Text(""), export.Money(363_240_000_000_000), export.Text("VND"), export.Int(2023)},
			{export.Text("FDI-0001"), export.Text("\x00"), export.Money(123_456_789_012), export.Text("USD"), export.Int(5)},
			{export.Text("DA-0002"), export.Text("x"), export.Money(999_999_999_999_999_999), export.Text("VND"), export.Cell{}},
		},
	}
}

// TestXLSXMoneyIsGroupedNeverScientific: money cells are numbers with the
// #,##0 format (digit groups, whatever their length), other numbers keep
// the general format, and an empty text cell is no cell at all rather than
// an empty string.
func TestXLSXMoneyIsGroupedNeverScientific(t *testing.T) {
	var buf bytes.Buffer
	if err := export.Write(&buf, export.XLSX, moneyTable()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := f.GetSheetList()[0]
	numFmt := func(ref string) string {
		id, err := f.GetCellStyle(s, ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.CustomNumFmt != nil {
			return *st.CustomNumFmt
		}
		return ""
	}
	for ref, raw := range map[string]string{"C2": "363240000000000", "C3": "123456789012", "C4": "999999999999999999"} {
		if got := numFmt(ref); got != export.MoneyFormat {
			t.Errorf("%s number format %q, want %q", ref, got, export.MoneyFormat)
		}
		if typ, _ := f.GetCellType(s, ref); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s type %v, want a number", ref, typ)
		}
		v, _ := f.GetCellValue(s, ref, excelize.Options{RawCellValue: true})
		if v != raw {
			t.Errorf("%s raw value %q, want %q", ref, v, raw)
		}
		if shown, _ := f.GetCellValue(s, ref); strings.ContainsAny(shown, "Ee") || !strings.Contains(shown, ",") {
			t.Errorf("%s shown as %q, want digit groups and no exponent", ref, shown)
		}
	}
	if shown, _ := f.GetCellValue(s, "C2"); shown != "363,240,000,000,000" {
		t.Errorf("C2 shown as %q", shown)
	}
	if got := numFmt("E2"); got != "" {
		t.Errorf("a count has number format %q; only money is grouped", got)
	}
	if shown, _ := f.GetCellValue(s, "E2"); shown != "2023" {
		t.Errorf("E2 shown as %q", shown)
	}
	rows, err := f.Rows(s)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for r := 1; rows.Next(); r++ {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for c := range cols {
			ref, _ := excelize.CoordinatesToCellName(c+1, r)
			typ, _ := f.GetCellType(s, ref)
			if cols[c] == "" && typ != excelize.CellTypeUnset {
				t.Errorf("%s is an empty cell of type %v, want no cell", ref, typ)
			}
		}
	}
	for _, ref := range []string{"B2", "B3", "E4"} {
		if typ, _ := f.GetCellType(s, ref); typ != excelize.CellTypeUnset {
			t.Errorf("%s type %v, want a blank", ref, typ)
		}
	}
}

// TestCSVSemicolon: the semicolon variant splits at semicolons, quotes a
// text holding one, and keeps money as plain digits.
func TestCSVSemicolon(t *testing.T) {
	tb := moneyTable()
	tb.Rows[2][1] = export.Text("a;b, c")
	var buf bytes.Buffer
	if err := export.WriteSep(&buf, export.CSV, export.Semicolon, tb); err != nil {
		t.Fatal(err)
	}
	body := strings.TrimPrefix(buf.String(), export.BOM)
	if !strings.HasPrefix(body, "Code;Note;Capital;Currency;Jobs\r\n") {
		t.Fatalf("header line %q", strings.SplitN(body, "\n", 2)[0])
	}
	r := csv.NewReader(strings.NewReader(body))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[1]; strings.Join(got, "|") != "DA-0001||363240000000000|VND|2023" {
		t.Errorf("row 1 %q", got)
	}
	if got := recs[3][1]; got != "a;b, c" {
		t.Errorf("quoted cell %q", got)
	}
	for in, want := range map[string]rune{"": ',', "comma": ',', "SEMICOLON": ';'} {
		if got, ok := export.ParseSep(in); !ok || got != want {
			t.Errorf("ParseSep(%q) = %q, %v", in, got, ok)
		}
	}
	for _, bad := range []string{";", "tab", "semi"} {
		if _, ok := export.ParseSep(bad); ok {
			t.Errorf("ParseSep(%q) accepted", bad)
		}
	}
	if err := export.WriteSep(&buf, export.CSV, '\t', tb); err == nil {
		t.Error("a tab separator was accepted")
	}
}
