// Command screenshots saves full-page PNG screenshots of the portal's key
// pages (home, catalogue, one opportunity, dashboard, project list,
// obstacle filing form and tracking page) in Vietnamese and English, at a
// desktop (1366x900) and a phone (390x844) size, for release notes.
//
//	screenshots [-base http://127.0.0.1:8080] [-out screenshots]
//
// Without -base it starts a portal with the demo data in a temporary
// folder, on loopback, and stops it at the end. To show a tracking page it
// files one obstacle report per language: point -base at a test portal,
// never at the province's. It needs Chromium (-chromium, or chromium on
// PATH).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/khanhhoa/investportal/internal/app"
	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/obstacle"
)

func main() {
	base := flag.String("base", "", "base URL of a running portal; empty starts one with the demo data")
	out := flag.String("out", "screenshots", "folder for the PNG files")
	chromium := flag.String("chromium", "", "Chromium binary; empty looks for chromium on PATH")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *base, *out, *chromium); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

// shot is one page to capture: a name for the file and how to reach it.
type shot struct {
	name  string
	steps func(base, lang string) chromedp.Action[chromedp.Void]
}

var sizes = []struct {
	name string
	w, h int64
}{{"desktop", 1366, 900}, {"phone", 390, 844}}

func run(ctx context.Context, base, out, chromium string) error {
	if base == "" {
		url, stop, err := startPortal(ctx)
		if err != nil {
			return err
		}
		defer stop()
		base = url
	}
	base = strings.TrimRight(base, "/")
	if chromium == "" {
		p, err := exec.LookPath("chromium")
		if err != nil {
			return fmt.Errorf("no chromium on PATH (install it or pass -chromium): %w", err)
		}
		chromium = p
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "screenshots-profile-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("hide-scrollbars", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelTab := chromedp.NewContext(actx)
	defer cancelTab()
	if err := chromedp.Do(bctx); err != nil {
		return fmt.Errorf("start chromium: %w", err)
	}

	for _, lang := range []string{"vi", "en"} {
		opp, err := firstOpportunity(bctx, base, lang)
		if err != nil {
			return err
		}
		shots := []shot{
			{"home", nav("/")},
			{"catalogue", nav("/opportunities")},
			{"opportunity", func(base, lang string) chromedp.Action[chromedp.Void] { return chromedp.Navigate(base + opp) }},
			{"dashboard", nav("/dashboard")},
			{"projects", nav("/projects")},
			{"obstacle-form", nav("/obstacles/new")},
			{"tracking", fileAndTrack(lang)},
		}
		for _, s := range shots {
			for i, sz := range sizes {
				steps := chromedp.EmulateViewport(sz.w, sz.h)
				switch {
				case i == 0:
					steps = chromedp.Steps(steps, s.steps(base, lang))
				case s.name != "tracking":
					// Load again at this size, so the page's script folds
					// the menu and filters as it does on a phone. The
					// tracking page (reached by a form post) is only laid
					// out again.
					steps = chromedp.Steps(steps, chromedp.Reload())
				}
				png, err := capture(bctx, steps)
				if err != nil {
					return fmt.Errorf("%s %s %s: %w", lang, s.name, sz.name, err)
				}
				file := filepath.Join(out, fmt.Sprintf("%s-%s-%s.png", s.name, lang, sz.name))
				if err := os.WriteFile(file, png, 0o644); err != nil {
					return err
				}
				fmt.Println(file)
			}
		}
	}
	return nil
}

func nav(path string) func(base, lang string) chromedp.Action[chromedp.Void] {
	return func(base, lang string) chromedp.Action[chromedp.Void] {
		return chromedp.Navigate(base + "/" + lang + path)
	}
}

// capture runs steps, lets the layout settle and takes a full-page PNG.
func capture(ctx context.Context, steps chromedp.Action[chromedp.Void]) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps, chromedp.Sleep(300*time.Millisecond)); err != nil {
		return nil, err
	}
	return chromedp.Run(ctx, chromedp.FullScreenshot(100))
}

// firstOpportunity returns the path of the first opportunity in the
// catalogue of lang.
func firstOpportunity(ctx context.Context, base, lang string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"+lang+"/opportunities")); err != nil {
		return "", err
	}
	p, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const re = new RegExp('^/`+lang+`/opportunities/[^/]+$');
		const a = [...document.querySelectorAll('a[href]')].find(a => re.test(a.pathname) && !a.pathname.endsWith('/new'));
		return a ? a.pathname : '';
	})()`))
	if err == nil && p == "" {
		err = fmt.Errorf("no opportunity link on the %s catalogue", lang)
	}
	return p, err
}

// fileAndTrack files a demo obstacle report in lang and opens it on the
// tracking page with its code and key.
func fileAndTrack(lang string) func(base, _ string) chromedp.Action[chromedp.Void] {
	return func(base, _ string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			var v chromedp.Void
			nine := "420765435"
			d, _ := obstacle.TaxCheckDigit(nine)
			val := func(sel, v string) chromedp.Action[chromedp.Void] { return chromedp.SetValue(chromedp.CSS(sel), v) }
			text := map[string][2]string{
				"vi": {"Chậm giao đất cho dự án chế biến thủy sản", "Dự án đã có quyết định chủ trương đầu tư nhưng sau 8 tháng vẫn chưa được giao đất."},
				"en": {"Land for the seafood processing plant not yet allocated", "The project was approved eight months ago but the land has not been handed over."},
			}[lang]
			err := chromedp.Do(ctx,
				chromedp.Navigate(base+"/"+lang+"/obstacles/new"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=obstacle-form]`)),
				val(`input[name=business_name]`, "Công ty TNHH Thủy Sản Cam Ranh"),
				val(`input[name=tax_code]`, fmt.Sprintf("%s%d", nine, d)),
				val(`input[name=contact_person]`, "Lê Thị Mai"),
				val(`input[name=email]`, "mai@camranh.example"),
				val(`input[name=phone]`, "0258 3854 321"),
				val(`select[name=category]`, "land_site_clearance"),
				val(`input[name=title]`, text[0]),
				val(`textarea[name=description]`, text[1]),
				chromedp.Click(chromedp.CSS(`[data-testid=obstacle-submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=tracking-code]`)),
			)
			if err != nil {
				return v, fmt.Errorf("file a report: %w", err)
			}
			code, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid=tracking-code]`)))
			if err != nil {
				return v, err
			}
			key, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid=access-key]`)))
			if err != nil {
				return v, err
			}
			return v, chromedp.Do(ctx,
				chromedp.Navigate(base+"/"+lang+"/obstacles/track"),
				// A report tracked before in this browser is shown instead
				// of the form: forget it first.
				chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=track-forget]')?.click()`),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=track-form]`)),
				val(`input[name=tracking_code]`, code),
				val(`input[name=access_key]`, key),
				chromedp.Click(chromedp.CSS(`[data-testid=track-submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=track-status]`)),
			)
		}
	}
}

// startPortal runs a portal with the demo data in a temporary folder on a
// free loopback port, and returns its address and a function stopping it.
func startPortal(ctx context.Context) (string, func(), error) {
	dir, err := os.MkdirTemp("", "screenshots-portal-")
	if err != nil {
		return "", nil, err
	}
	cfg := config.Default()
	cfg.Host, cfg.Port, cfg.DataDir = "127.0.0.1", 0, dir
	if cfg.MongoEmbeddedAddr, err = freeAddr(); err != nil {
		return "", nil, err
	}
	cfg.LogLevel = "warn"
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(ctx)
	a, err := app.OpenWith(ctx, cfg, log, app.Options{Command: "screenshots", Serve: true})
	if err != nil {
		cancel()
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("start the portal: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			log.Warn("portal stopped", "err", err)
		}
		os.RemoveAll(dir)
	}
	return "http://" + a.Addr(), stop, nil
}

// freeAddr returns a loopback address with a port free at the time.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
