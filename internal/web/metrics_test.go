package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/metrics"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

func TestMetricsAfterRequests(t *testing.T) {
	m := metrics.New(metrics.Options{Token: "metrics-token-1"})
	e := sitetest.NewDemo(t, m)
	for _, p := range []string{"/en/projects/DA-0001", "/en/projects/DA-0002", "/vi/projects/NOPE-1", "/en/projects"} {
		e.Get(p)
	}
	if r := e.Get("/metrics"); r.Status != 401 {
		t.Errorf("/metrics without the token: %d", r.Status)
	}
	if r := e.Get("/metrics", "Authorization", "Bearer wrong"); r.Status != 401 {
		t.Errorf("/metrics with a wrong token: %d", r.Status)
	}
	r := e.Get("/metrics", "Authorization", "Bearer metrics-token-1")
	if r.Status != 200 {
		t.Fatalf("/metrics: %d", r.Status)
	}
	for _, want := range []string{
		`portal_http_requests_total{method="GET",route="/en/projects/:code",status="200"} 2`,
		`portal_http_requests_total{method="GET",route="/vi/projects/:code",status="404"} 1`,
		`portal_http_requests_total{method="GET",route="/en/projects",status="200"} 1`,
		`portal_http_request_duration_seconds_count{method="GET",route="/en/projects/:code"} 2`,
		"portal_obstacles_overdue ",
		"portal_indexer_lag_seconds ",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(r.Body, "DA-0001") {
		t.Error("a raw path became a label")
	}
	overdue, err := e.Obs.List(context.Background(), obstacle.Filter{Overdue: true, PerPage: 1}, obstacle.SystemActor, e.Now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Body, "portal_obstacles_overdue "+strconv.FormatInt(overdue.Total, 10)+"\n") {
		t.Errorf("overdue gauge differs from the store's %d", overdue.Total)
	}

	// Without a token the main listener does not serve /metrics at all.
	plain := sitetest.NewDemo(t, metrics.New(metrics.Options{}))
	if r := plain.Get("/metrics", "Authorization", "Bearer "); r.Status != 404 {
		t.Errorf("/metrics with no token configured: %d", r.Status)
	}
}
