// Package export writes tables as CSV or XLSX files for download. It knows
// nothing of the portal's domains: callers turn their records into a Table
// of typed cells (text, whole numbers, instants) with localized headers,
// and Write renders it in the chosen format.
//
// Money is written as whole numbers in minor units beside a currency
// column, never as floats; instants are written in UTC (RFC 3339 in CSV, a
// date-time cell in XLSX) so that a reader can compute durations.
package export

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// Format is a file format an export can be written in.
type Format string

// Supported formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat reads a format name ("csv", "xlsx", any case).
func ParseFormat(s string) (Format, bool) {
	switch Format(strings.ToLower(strings.TrimSpace(s))) {
	case CSV:
		return CSV, true
	case XLSX:
		return XLSX, true
	}
	return "", false
}

// ContentType is the media type of the format.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// FromAccept picks a format from an HTTP Accept header, or reports none.
func FromAccept(accept string) (Format, bool) {
	a := strings.ToLower(accept)
	switch {
	case strings.Contains(a, "spreadsheetml.sheet"):
		return XLSX, true
	case strings.Contains(a, "text/csv"):
		return CSV, true
	}
	return "", false
}

type kind uint8

const (
	kindEmpty kind = iota
	kindText
	kindInt
	kindTime
	kindMoney
)

// Cell is one typed value of a row. The zero Cell is empty.
type Cell struct {
	kind kind
	text string
	n    int64
	t    time.Time
}

// Text is a text cell.
func Text(s string) Cell { return Cell{kind: kindText, text: s} }

// Int is a whole-number cell (counts, money in minor units).
func Int(n int64) Cell { return Cell{kind: kindInt, n: n} }

// Money is an amount in whole minor units (đồng, cents), written as a
// whole number like Int; in XLSX it gets a number format with thousands
// separators (MoneyFormat), so that a 15-digit đồng amount reads as
// 363,240,000,000,000 instead of 3.6324E+14.
func Money(minor int64) Cell { return Cell{kind: kindMoney, n: minor} }

// Time is an instant; the zero time gives an empty cell.
func Time(t time.Time) Cell {
	if t.IsZero() {
		return Cell{}
	}
	return Cell{kind: kindTime, t: t.UTC()}
}

// TimePtr is Time of *t, empty when t is nil.
func TimePtr(t *time.Time) Cell {
	if t == nil {
		return Cell{}
	}
	return Time(*t)
}

// Bool is a yes/no cell written as the given words.
func Bool(b bool, yes, no string) Cell {
	if b {
		return Text(yes)
	}
	return Text(no)
}

// String is the cell as written to CSV: text as is, numbers in decimal
// digits, instants in RFC 3339 UTC with seconds, empty as "".
func (c Cell) String() string {
	switch c.kind {
	case kindText:
		return c.text
	case kindInt, kindMoney:
		return strconv.FormatInt(c.n, 10)
	case kindTime:
		return c.t.Format(time.RFC3339)
	}
	return ""
}

// Table is a sheet: a name (the XLSX sheet name), a header row and rows.
// Every row should have as many cells as the header.
type Table struct {
	Sheet  string
	Header []string
	Rows   [][]Cell
}

// Filename returns base with the format's extension.
func (f Format) Filename(base string) string { return base + "." + string(f) }

// ErrNoTable is returned when Write is given no table.
var ErrNoTable = errors.New("export: no table")

// Separators of CSV fields. A comma is the standard (RFC 4180); a
// spreadsheet program under a locale whose decimal mark is a comma, such
// as Vietnamese Windows (list separator ";"), splits the columns of a
// double-clicked file only at semicolons.
const (
	Comma     = ','
	Semicolon = ';'
)

// ParseSep reads the ?sep of a CSV export: "" or "comma" is a comma,
// "semicolon" a semicolon (any case); anything else is refused.
func ParseSep(s string) (rune, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "comma":
		return Comma, true
	case "semicolon":
		return Semicolon, true
	}
	return 0, false
}

// Write renders the tables in format f. CSV holds the first table only,
// comma-separated, preceded by a UTF-8 byte order mark so that
// spreadsheet programs read Vietnamese text correctly; XLSX holds one
// sheet per table.
func Write(w io.Writer, f Format, tables ...Table) error {
	return WriteSep(w, f, Comma, tables...)
}

// WriteSep is Write with sep as the CSV field separator (Comma or
// Semicolon); XLSX ignores it.
func WriteSep(w io.Writer, f Format, sep rune, tables ...Table) error {
	if len(tables) == 0 {
		return ErrNoTable
	}
	switch f {
	case CSV:
		if sep != Comma && sep != Semicolon {
			return fmt.Errorf("export: unknown separator %q", sep)
		}
		return writeCSV(w, tables[0], sep)
	case XLSX:
		return writeXLSX(w, tables)
	}
	return fmt.Errorf("export: unknown format %q", f)
}

// BOM is the UTF-8 byte order mark that starts every CSV file.
const BOM = "\uFEFF"

func writeCSV(w io.Writer, t Table, sep rune) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	cw.Comma = sep
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	rec := make([]string, 0, len(t.Header))
	for _, row := range t.Rows {
		rec = rec[:0]
		for _, c := range row {
			s := c.String()
			if c.kind == kindText {
				s = NeutralizeFormula(dropControls(s))
			}
			rec = append(rec, s)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// NeutralizeFormula keeps a spreadsheet program from running a text cell
// as a formula (CSV injection): text starting with =, +, -, @, a tab or a
// carriage return gets a leading apostrophe, which spreadsheets hide. The
// first character is looked for past leading whitespace, control and
// invisible format characters (NUL, a byte order mark, a zero-width
// space), and compared after NFKC normalisation, so that the fullwidth
// ＝ ＋ － ＠ and the small forms ﹦ ﹢ ﹣ count as what spreadsheets
// (and programs that normalise text) read them as. Text stored before
// input was checked is guarded as well as new text.
func NeutralizeFormula(s string) string {
	if s == "" {
		return s
	}
	if s[0] == '\t' || s[0] == '\r' {
		return "'" + s
	}
	rest := strings.TrimLeftFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	})
	r, size := utf8.DecodeRuneInString(rest)
	if size == 0 {
		return s
	}
	first := norm.NFKC.String(string(r))
	if first != "" && strings.ContainsRune("=+-@", rune(first[0])) {
		return "'" + s
	}
	return s
}

// dropControls removes the control characters other than tab and line
// breaks from a text cell: NUL and the like stop many programs reading the
// file (and XML cannot hold them), and input refuses them, but older data
// may hold some.
func dropControls(s string) string {
	clean := func(r rune) bool { return !unicode.IsControl(r) || r == '\t' || r == '\n' || r == '\r' }
	for _, r := range s {
		if !clean(r) {
			return strings.Map(func(r rune) rune {
				if clean(r) {
					return r
				}
				return -1
			}, s)
		}
	}
	return s
}

// SheetName makes s a valid XLSX sheet name: at most 31 characters, none
// of []:*?/\ and not empty.
func SheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	if s == "" {
		s = "Sheet"
	}
	return s
}

// TimeFormat is the XLSX number format of instant cells (shown in UTC).
const TimeFormat = "yyyy-mm-dd hh:mm:ss"

// MoneyFormat is the XLSX number format of money cells: whole minor units
// with thousands separators. The "," of a number format means "group
// digits", which Excel and LibreOffice show with the reader's own
// separator (a dot in Vietnamese, a comma in English), so one format
// reads right in both locales; and no amount, however long, is shown in
// scientific notation.
const MoneyFormat = "#,##0"

func writeXLSX(w io.Writer, tables []Table) error {
	f := excelize.NewFile()
	defer f.Close()
	tf := TimeFormat
	timeStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &tf})
	if err != nil {
		return err
	}
	mf := MoneyFormat
	moneyStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &mf})
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for i, t := range tables {
		name := SheetName(t.Sheet)
		for n := 2; used[strings.ToLower(name)]; n++ {
			name = SheetName(fmt.Sprintf("%s %d", t.Sheet, n))
		}
		used[strings.ToLower(name)] = true
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := writeSheet(f, name, t, styles{head: headStyle, time: timeStyle, money: moneyStyle}); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

// styles are the style ids of a workbook's header, instant and money cells.
type styles struct{ head, time, money int }

func writeSheet(f *excelize.File, name string, t Table, st styles) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if len(t.Header) > 0 {
		if err := sw.SetColWidth(1, len(t.Header), 18); err != nil {
			return err
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	head := make([]any, len(t.Header))
	for i, h := range t.Header {
		head[i] = excelize.Cell{StyleID: st.head, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	vals := make([]any, 0, len(t.Header))
	for r, row := range t.Rows {
		vals = vals[:0]
		for _, c := range row {
			switch c.kind {
			case kindText:
				if s := dropControls(c.text); s != "" {
					vals = append(vals, s)
				} else {
					vals = append(vals, nil) // a blank, not an empty string
				}
			case kindInt:
				vals = append(vals, c.n)
			case kindMoney:
				vals = append(vals, excelize.Cell{StyleID: st.money, Value: c.n})
			case kindTime:
				vals = append(vals, excelize.Cell{StyleID: st.time, Value: c.t})
			default:
				vals = append(vals, nil)
			}
		}
		ref, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(ref, vals); err != nil {
			return err
		}
	}
	return sw.Flush()
}
