package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/app"
	"github.com/khanhhoa/investportal/internal/app/apptest"
	"github.com/khanhhoa/investportal/internal/obstacle"
)

// TestMigrateCommand: an open obstacle still led by the former Department
// of Planning and Investment is listed by the dry run and left as it is,
// passed to the Department of Finance by --apply, and a second --apply
// finds nothing to change.
func TestMigrateCommand(t *testing.T) {
	cfg := apptest.Config(t, t.TempDir())
	cfg.Demo = false
	log := slog.New(slog.DiscardHandler)
	ctx := context.Background()
	open := func(fn func(a *app.App)) {
		t.Helper()
		a, err := app.Open(ctx, cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		fn(a)
	}
	var id string
	open(func(a *app.App) {
		filed := time.Date(2025, 2, 3, 2, 0, 0, 0, time.UTC)
		f, err := a.Obstacles.Create(ctx, obstacle.Submission{
			Filer: obstacle.Filer{BusinessName: "Công ty TNHH Thử Nghiệm", TaxCode: "0100109106", ContactPerson: "Nguyễn Văn An",
				Email: "an@congty.example", Phone: "0905 123 456", Lang: "vi"},
			Category: obstacle.InvestmentProcedures, Title: "Chậm cấp giấy chứng nhận", Description: "Hồ sơ đề nghị cấp giấy chứng nhận đăng ký đầu tư đã nộp đủ nhưng quá hạn chưa có kết quả."}, filed)
		if err != nil {
			t.Fatal(err)
		}
		tf := obstacle.Actor{ID: "u-tf", Role: obstacle.RoleTaskforce}
		o, err := a.Obstacles.Apply(ctx, f.Obstacle.ID, f.Obstacle.Version, obstacle.ActAccept, obstacle.Input{}, tf, filed.Add(time.Hour))
		if err == nil {
			o, err = a.Obstacles.Apply(ctx, o.ID, o.Version, obstacle.ActAssign, obstacle.Input{LeadAgency: account.PlanningAndInvestment}, tf, filed.Add(2*time.Hour))
		}
		if err != nil {
			t.Fatal(err)
		}
		id = o.ID
	})
	run := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := migrateCmd(ctx, cfg, log, args, &out); err != nil {
			t.Fatalf("migrate %v: %v", args, err)
		}
		return out.String()
	}
	lead := func() (l string) {
		open(func(a *app.App) {
			o, err := a.Obstacles.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			l = o.LeadAgency
		})
		return l
	}
	out := run()
	if !strings.Contains(out, `leadAgency: "planning_investment" -> "finance"`) || !strings.Contains(out, "1 changes would be made") {
		t.Fatalf("dry run printed:\n%s", out)
	}
	if l := lead(); l != account.PlanningAndInvestment {
		t.Fatalf("the dry run changed the lead to %s", l)
	}
	if out = run("--apply"); !strings.Contains(out, "1 changes made, 0 uncertain") {
		t.Fatalf("apply printed:\n%s", out)
	}
	if l := lead(); l != account.Finance {
		t.Fatalf("after --apply led by %s", l)
	}
	if out = run("--apply"); !strings.Contains(out, "0 changes made, 0 uncertain") {
		t.Fatalf("second apply printed:\n%s", out)
	}
}
