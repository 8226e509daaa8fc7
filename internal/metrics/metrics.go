// Package metrics holds the portal's Prometheus metrics: HTTP requests by
// route pattern and status with latency histograms, database command and
// search call latencies, and gauges read at scrape time (indexer lag,
// obstacles overdue). Each Metrics has its own registry, so several
// servers in one test binary do not collide. /metrics is never public: it
// is served on a separate listener (METRICS_ADDR, see Serve) or on the main
// one only to callers presenting the bearer token (METRICS_TOKEN).
package metrics

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/event"
)

// Namespace prefixes every metric name.
const Namespace = "portal"

// Options configure a Metrics.
type Options struct {
	// Token, when set, lets the main web listener serve /metrics to
	// callers sending "Authorization: Bearer <Token>". Empty keeps
	// /metrics off the main listener (serve it with Serve instead).
	Token string
}

// Metrics are one process's metrics and their registry.
type Metrics struct {
	// Registry gathers everything below plus the Go runtime and process
	// collectors.
	Registry *prometheus.Registry
	token    string

	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	db       *prometheus.HistogramVec
	search   *prometheus.HistogramVec

	mu     sync.Mutex
	gauges map[string]bool
}

// New returns metrics on a fresh registry.
func New(o Options) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		token:    o.Token,
		gauges:   map[string]bool{},
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "http_requests_total",
			Help: "HTTP requests by method, route pattern and status code.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "http_request_duration_seconds",
			Help:    "HTTP request latency by method and route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route"}),
		db: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "db_command_duration_seconds",
			Help:    "Database command latency by command name and outcome (ok, error).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"command", "outcome"}),
		search: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "search_call_duration_seconds",
			Help:    "Search engine call latency by operation and outcome (ok, error).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"operation", "outcome"}),
	}
	m.Registry.MustRegister(m.requests, m.latency, m.db, m.search,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Token is the bearer token that opens /metrics on the main listener;
// empty means the main listener does not serve it.
func (m *Metrics) Token() string { return m.token }

// ObserveRequest records one HTTP request. route must be the route
// pattern (such as /en/projects/:code), never the raw path, so that the
// number of series stays bounded. Both strings are copied: a new series
// keeps its label values for the life of the process, and a web framework
// may hand out strings that share request buffers it reuses.
func (m *Metrics) ObserveRequest(method, route string, status int, d time.Duration) {
	method, route = strings.Clone(method), strings.Clone(route)
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(method, route).Observe(d.Seconds())
}

// ObserveSearch records one search engine call.
func (m *Metrics) ObserveSearch(operation string, d time.Duration, err error) {
	m.search.WithLabelValues(operation, outcome(err)).Observe(d.Seconds())
}

// ObserveDB records one database command.
func (m *Metrics) ObserveDB(command string, d time.Duration, err error) {
	m.db.WithLabelValues(command, outcome(err)).Observe(d.Seconds())
}

func outcome(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}

// CommandMonitor is a MongoDB driver monitor that records every command's
// latency; set it with options.Client().SetMonitor when connecting. With
// log set, a command that takes slow or longer is also logged as a warning
// with its name, collection and filter shape (field names only, never
// values): on the embedded FerretDB only a filter on _id alone reaches
// SQLite's index, so a slow command's shape names the full scan to remove.
func (m *Metrics) CommandMonitor(log *slog.Logger, slow time.Duration) *event.CommandMonitor {
	var started sync.Map // request id -> commandShape
	watch := log != nil && slow > 0
	finish := func(id int64, d time.Duration, name string, err error) {
		m.ObserveDB(name, d, err)
		if !watch {
			return
		}
		v, ok := started.LoadAndDelete(id)
		if !ok || d < slow {
			return
		}
		shape := v.(commandShape)
		log.Warn("slow database command", "command", name, "collection", shape.collection,
			"filter", shape.filter, "duration_ms", d.Milliseconds(), "failed", err != nil)
	}
	return &event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			if watch {
				started.Store(e.RequestID, shapeOf(e.CommandName, e.Command))
			}
		},
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
			finish(e.RequestID, e.Duration, e.CommandName, nil)
		},
		Failed: func(_ context.Context, e *event.CommandFailedEvent) {
			finish(e.RequestID, e.Duration, e.CommandName, errors.New(e.Failure))
		},
	}
}

// commandShape is what a slow-command warning says of a command.
type commandShape struct {
	collection string
	filter     string // "{status,dueAt}": the filter's field names
}

// shapeOf reads the collection and the filter's field names from a
// command document (find, count, aggregate's first $match, update and
// delete's first statement).
func shapeOf(name string, cmd bson.Raw) commandShape {
	var shape commandShape
	shape.collection, _ = cmd.Lookup(name).StringValueOK()
	var filter bson.Raw
	switch name {
	case "find":
		filter, _ = cmd.Lookup("filter").DocumentOK()
	case "count":
		filter, _ = cmd.Lookup("query").DocumentOK()
	case "aggregate":
		filter, _ = cmd.Lookup("pipeline", "0", "$match").DocumentOK()
	case "update", "findAndModify":
		if filter, _ = cmd.Lookup("query").DocumentOK(); filter == nil {
			filter, _ = cmd.Lookup("updates", "0", "q").DocumentOK()
		}
	case "delete":
		filter, _ = cmd.Lookup("deletes", "0", "q").DocumentOK()
	}
	elems, _ := filter.Elements()
	keys := make([]string, len(elems))
	for i, e := range elems {
		keys[i] = e.Key()
	}
	shape.filter = "{" + strings.Join(keys, ",") + "}"
	return shape
}

// GaugeFunc registers a gauge whose value fn computes at each scrape. A
// gauge of the same name already registered is kept (so wiring twice is
// harmless).
func (m *Metrics) GaugeFunc(name, help string, fn func() float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gauges[name] {
		return
	}
	m.gauges[name] = true
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help}, fn))
}

// Handler serves the metrics in the Prometheus text format, without any
// access check (for the separate listener).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// Authorized reports whether an Authorization header value carries the
// token; always false when no token is set.
func (m *Metrics) Authorized(authorization string) bool {
	if m.token == "" {
		return false
	}
	got, ok := strings.CutPrefix(authorization, "Bearer ")
	if !ok {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(m.token)) == 1
}

// Serve serves /metrics on its own listener (METRICS_ADDR, such as
// 127.0.0.1:9090, reachable only by the monitoring system) until ctx ends.
// The same private listener serves the Go profiler under /debug/pprof/, so
// a slow production portal can be profiled without a rebuild; the public
// listener never serves it.
func (m *Metrics) Serve(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}
