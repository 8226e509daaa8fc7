package app

import (
	"context"

	"github.com/khanhhoa/investportal/internal/search"
)

// newIndexer builds the search indexer over the opportunity and project
// stores; its progress and lease live in the meta collection, shared by
// every process.
func (a *App) newIndexer() {
	a.Indexer = search.NewIndexer(a.Search,
		search.IndexerOptions{Meta: a.DB.Database.Collection(metaCollection), Log: a.Log},
		search.OpportunitySource{Store: a.Opportunities}, search.NewProjectSource(a.Projects, 0))
	// Every stored write wakes the indexer, so the index catches up at
	// once; the web layer need not remember to.
	a.Projects.OnWrite(a.Indexer.Notify)
	a.Opportunities.OnWrite(a.Indexer.Notify)
	a.stopIndexer = func() {}
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
