package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress draws a bar on a terminal and writes plain lines elsewhere
// (logs, CI), at most one every two seconds.
type progress struct {
	w     io.Writer
	label string
	tty   bool
	last  time.Time
	start time.Time
	done  int
	total int
}

func newProgress(w io.Writer, label string) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progress{w: w, label: label, tty: tty, start: time.Now()}
}

// Set records that done of total items are finished.
func (p *progress) Set(done, total int) {
	p.done, p.total = done, total
	if p.tty {
		width := 40
		filled := 0
		if total > 0 {
			filled = done * width / total
		}
		fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
		return
	}
	if time.Since(p.last) >= 2*time.Second || done == total {
		p.last = time.Now()
		fmt.Fprintf(p.w, "%s: %d/%d\n", p.label, done, total)
	}
}

// Done ends the bar. When err is nil it prints how many items finished in
// how long; otherwise nothing more: the caller reports err, and a failed
// run must not read as a finished one.
func (p *progress) Done(err error) {
	if p.tty {
		fmt.Fprintln(p.w)
	}
	if err != nil {
		return
	}
	fmt.Fprintf(p.w, "%s: finished %d items in %s\n", p.label, p.done, time.Since(p.start).Round(time.Millisecond))
}
