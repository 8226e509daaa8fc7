package app

import (
	"context"
	"os"
	"path/filepath"

	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/search"
)

// newIndexer builds the search indexer over the opportunity and project
// stores; its progress and lease live in the meta collection, shared by
// every process.
func (a *App) newIndexer() {
	a.Indexer = search.NewIndexer(a.Search,
		search.IndexerOptions{Meta: a.DB.Database.Collection(metaCollection), Log: a.Log, LeaseHolder: embeddedIndexHolder(a.Config)},
		search.OpportunitySource{Store: a.Opportunities}, search.NewProjectSource(a.Projects, 0))
	// Every stored write wakes the indexer, so the index catches up at
	// once; the web layer need not remember to.
	a.Projects.OnWrite(a.Indexer.Notify)
	a.Opportunities.OnWrite(a.Indexer.Notify)
	a.stopIndexer = func() {}
}

// embeddedIndexHolder names the indexing lease after the embedded index's
// folder on this host: only the process holding DATA_DIR's lock writes to
// that index, so a holder of that name is this process or one that died
// (killed mid-pass, it would otherwise keep a restarted portal's empty
// index unfilled for the lease's two minutes). With Meilisearch, shared by
// every process, each holds the lease alone ("").
func embeddedIndexHolder(cfg config.Config) string {
	if cfg.MeiliURL != "" {
		return ""
	}
	dir, err := filepath.Abs(searchDir(cfg))
	if err != nil {
		return ""
	}
	host, _ := os.Hostname()
	return "embedded:" + host + ":" + dir
}

// startIndexer runs the indexer until ctx ends or stopIndexer is called:
// at once (so a new or emptied index fills up), after every stored write
// (OnWrite), and every 30 seconds.
func (a *App) startIndexer(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Indexer.Run(ctx)
	}()
	a.stopIndexer = func() {
		cancel()
		<-done
	}
}
