package metrics

import (
	"context"
	"time"

	"github.com/khanhhoa/investportal/internal/search"
)

// InstrumentSearch wraps a search engine so that every call is timed. An
// engine that also notifies an indexer (search.Notifier) keeps doing so.
func InstrumentSearch(e search.Engine, m *Metrics) search.Engine {
	t := timedEngine{Engine: e, m: m}
	if n, ok := e.(search.Notifier); ok {
		return timedNotifier{timedEngine: t, n: n}
	}
	return t
}

type timedEngine struct {
	search.Engine
	m *Metrics
}

func (t timedEngine) time(op string, start time.Time, err error) {
	t.m.ObserveSearch(op, time.Since(start), err)
}

func (t timedEngine) Setup(ctx context.Context) error {
	start := time.Now()
	err := t.Engine.Setup(ctx)
	t.time("setup", start, err)
	return err
}

func (t timedEngine) Upsert(ctx context.Context, docs []search.Doc) error {
	start := time.Now()
	err := t.Engine.Upsert(ctx, docs)
	t.time("upsert", start, err)
	return err
}

func (t timedEngine) Delete(ctx context.Context, ids []string) error {
	start := time.Now()
	err := t.Engine.Delete(ctx, ids)
	t.time("delete", start, err)
	return err
}

func (t timedEngine) Search(ctx context.Context, q search.Query) (search.Result, error) {
	start := time.Now()
	r, err := t.Engine.Search(ctx, q)
	t.time("search", start, err)
	return r, err
}

func (t timedEngine) Count(ctx context.Context) (int, error) {
	start := time.Now()
	n, err := t.Engine.Count(ctx)
	t.time("count", start, err)
	return n, err
}

func (t timedEngine) Reset(ctx context.Context) error {
	start := time.Now()
	err := t.Engine.Reset(ctx)
	t.time("reset", start, err)
	return err
}

type timedNotifier struct {
	timedEngine
	n search.Notifier
}

// Notify passes the indexer's wake-up call through.
func (t timedNotifier) Notify() { t.n.Notify() }
