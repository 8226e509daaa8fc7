// Command editlat measures issue 11's "board edit -> visible in list and
// stats": it edits projects' registered capital through the board API
// (with the ETag as If-Match, LOADGEN_TOKEN as the board token) on the
// writing portal -a, then polls that portal's list and stats, and those of
// another portal -b on the same database, until both show the change, and
// prints each time and their min/median/max.
//
//	LOADGEN_TOKEN=kh_… editlat -a http://127.0.0.1:8080 [-b http://127.0.0.1:8081] [-n 8] CODE...
//
// It writes: point it at a test portal, never at the province's.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"time"
)

type amount struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

type proj struct {
	Code       string `json:"code"`
	Kind       string `json:"kind"`
	Registered amount `json:"registeredCapital"`
	Version    int64  `json:"version"`
}

var client = &http.Client{Timeout: 60 * time.Second}

func get(u string, v any) (http.Header, error) {
	r, err := client.Get(u)
	if err != nil {
		return nil, err
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d %s", u, r.StatusCode, b)
	}
	return r.Header, json.Unmarshal(b, v)
}

func listAmount(base, code string) (int64, error) {
	var page struct {
		Items []proj `json:"items"`
	}
	if _, err := get(base+"/api/v1/projects?per_page=1&q="+url.QueryEscape(code), &page); err != nil {
		return 0, err
	}
	for _, p := range page.Items {
		if p.Code == code {
			return p.Registered.Amount, nil
		}
	}
	return 0, fmt.Errorf("%s not in list", code)
}

func statsAmount(base, kind string) (int64, error) {
	var st struct {
		ByKind []struct {
			Kind       string `json:"kind"`
			Registered amount `json:"registeredCapital"`
		} `json:"byKind"`
	}
	if _, err := get(base+"/api/v1/projects/stats", &st); err != nil {
		return 0, err
	}
	for _, k := range st.ByKind {
		if k.Kind == kind {
			return k.Registered.Amount, nil
		}
	}
	return 0, fmt.Errorf("no kind %s", kind)
}

// waitVisible polls base until list shows want for code and stats show
// wantTotal; it returns the time since start.
func waitVisible(base, code, kind string, want, wantTotal int64, start time.Time, limit time.Duration) (time.Duration, error) {
	listOK, statsOK := false, false
	for {
		if !listOK {
			a, err := listAmount(base, code)
			if err != nil {
				return 0, err
			}
			listOK = a == want
		}
		if !statsOK {
			a, err := statsAmount(base, kind)
			if err != nil {
				return 0, err
			}
			statsOK = a == wantTotal
		}
		if listOK && statsOK {
			return time.Since(start), nil
		}
		if time.Since(start) > limit {
			return time.Since(start), fmt.Errorf("not visible in %s after %s (list %v stats %v)", base, limit, listOK, statsOK)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func main() {
	a := flag.String("a", "", "writer base URL")
	b := flag.String("b", "", "other process base URL (optional)")
	n := flag.Int("n", 5, "edits")
	flag.Parse()
	token := os.Getenv("LOADGEN_TOKEN")
	codes := flag.Args()
	if *a == "" || token == "" || len(codes) == 0 {
		fmt.Fprintln(os.Stderr, "usage: LOADGEN_TOKEN=kh_… editlat -a WRITER_URL [-b OTHER_URL] [-n EDITS] CODE...")
		os.Exit(2)
	}
	var patchT, seenA, seenB []time.Duration
	for i := 0; i < *n; i++ {
		code := codes[i%len(codes)]
		var p proj
		h, err := get(*a+"/api/v1/projects/"+code, &p)
		if err != nil {
			fatal(err)
		}
		total, err := statsAmount(*a, p.Kind)
		if err != nil {
			fatal(err)
		}
		if *b != "" { // B must be in step before the edit
			if _, err := waitVisible(*b, code, p.Kind, p.Registered.Amount, total, time.Now(), 120*time.Second); err != nil {
				fatal(err)
			}
		}
		next := p.Registered.Amount + 1
		body, _ := json.Marshal(map[string]any{"registeredCapital": amount{next, p.Registered.Currency}})
		req, _ := http.NewRequest(http.MethodPatch, *a+"/api/v1/projects/"+code, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("If-Match", h.Get("ETag"))
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		r, err := client.Do(req)
		if err != nil {
			fatal(err)
		}
		rb, _ := io.ReadAll(r.Body)
		r.Body.Close()
		pt := time.Since(start)
		if r.StatusCode != 200 {
			fmt.Printf("%s v%d: PATCH answered %d after %v: %.120s\n", code, p.Version, r.StatusCode, pt.Round(time.Millisecond), rb)
			patchT = append(patchT, pt)
			continue
		}
		ta, err := waitVisible(*a, code, p.Kind, next, total+1, start, 120*time.Second)
		if err != nil {
			fatal(err)
		}
		line := fmt.Sprintf("%s v%d: PATCH %v, visible in A %v", code, p.Version, pt.Round(time.Millisecond), ta.Round(time.Millisecond))
		patchT, seenA = append(patchT, pt), append(seenA, ta)
		if *b != "" {
			tb, err := waitVisible(*b, code, p.Kind, next, total+1, start, 120*time.Second)
			if err != nil {
				fatal(err)
			}
			line += fmt.Sprintf(", visible in B %v", tb.Round(time.Millisecond))
			seenB = append(seenB, tb)
		}
		fmt.Println(line)
	}
	show := func(name string, d []time.Duration) {
		if len(d) == 0 {
			return
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		fmt.Printf("%s: min %v median %v max %v (n=%d)\n", name, d[0].Round(time.Millisecond), d[len(d)/2].Round(time.Millisecond), d[len(d)-1].Round(time.Millisecond), len(d))
	}
	show("PATCH", patchT)
	show("visible in A (list+stats)", seenA)
	show("visible in B (list+stats)", seenB)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "editlat:", err)
	os.Exit(1)
}
