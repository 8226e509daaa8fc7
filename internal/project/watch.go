package project

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
)

// The progress watch: the board's list of projects that are slow, by two
// rules whose thresholds administrators set.
//
//  1. Not started: licensed more than Months months ago and still not under
//     construction (at licensed or site clearance, or suspended before
//     construction began).
//  2. Slow disbursement: under way (licensed, site clearance, construction)
//     with an expected completion date, and the disbursed share of
//     registered capital is below SharePercent percent of the share its
//     schedule calls for by now. The schedule runs in a straight line from
//     the licence date (nothing disbursed) to the expected completion
//     (everything disbursed).

// watchSettingsID is the settings document in the meta collection.
const watchSettingsID = "watch_settings"

// WatchSettings are the thresholds of the progress watch.
type WatchSettings struct {
	// Months after licensing by which construction should have begun.
	Months int `json:"months" bson:"months"`
	// SharePercent is the least share, in percent, of the scheduled
	// disbursement a project must have reached.
	SharePercent int        `json:"sharePercent" bson:"sharePercent"`
	UpdatedAt    *time.Time `json:"updatedAt,omitempty" bson:"updatedAt,omitempty"`
	UpdatedBy    *Actor     `json:"updatedBy,omitempty" bson:"updatedBy,omitempty"`
	// Version is 0 while the defaults apply (nothing stored yet).
	Version int64 `json:"version" bson:"version"`
}

// Limits of the watch settings.
const (
	MaxWatchMonths = 240
	MaxWatchShare  = 100
)

// DefaultWatchSettings apply until an administrator saves others: 24
// months to start construction, half the scheduled disbursement.
func DefaultWatchSettings() WatchSettings { return WatchSettings{Months: 24, SharePercent: 50} }

// Validate checks the thresholds, naming the fields "months" and "share".
func (w WatchSettings) Validate() error {
	f := apperr.Fields{}
	if w.Months < 1 || w.Months > MaxWatchMonths {
		f.Add("months", "project.error.watch_months")
	}
	if w.SharePercent < 1 || w.SharePercent > MaxWatchShare {
		f.Add("share", "project.error.watch_share")
	}
	return f.Err()
}

// WatchSettings returns the stored thresholds, or the defaults.
func (s *Store) WatchSettings(ctx context.Context) (WatchSettings, error) {
	var w WatchSettings
	err := s.settings.Get(ctx, watchSettingsID, &w)
	if errors.Is(err, apperr.ErrNotFound) {
		return DefaultWatchSettings(), nil
	}
	if err != nil {
		return WatchSettings{}, err
	}
	return w, nil
}

// SaveWatchSettings stores new thresholds if the stored version is still
// version (0 for the defaults), with a history entry naming what changed;
// a stale version is a conflict (project.error.settings_changed).
func (s *Store) SaveWatchSettings(ctx context.Context, w WatchSettings, version int64, by Actor, now time.Time) (WatchSettings, error) {
	if err := w.Validate(); err != nil {
		return WatchSettings{}, err
	}
	cur, err := s.WatchSettings(ctx)
	if err != nil {
		return WatchSettings{}, err
	}
	now = stamp(now)
	w.UpdatedAt, w.UpdatedBy, w.Version = &now, &by, version+1
	var d record.Diff
	d.Add("months", strconv.Itoa(cur.Months), strconv.Itoa(w.Months))
	d.Add("share", strconv.Itoa(cur.SharePercent), strconv.Itoa(w.SharePercent))
	entry := &record.Change{At: now, By: by, Action: ActionWatchSettings, Fields: d}
	if version == 0 {
		err = s.settings.Insert(ctx, bson.D{{Key: "_id", Value: watchSettingsID}, {Key: "months", Value: w.Months},
			{Key: "sharePercent", Value: w.SharePercent}, {Key: "updatedAt", Value: now}, {Key: "updatedBy", Value: by}}, entry)
		if mongodb.IsDuplicateKey(err) {
			err = s.settings.Conflict()
		}
	} else {
		err = s.settings.Update(ctx, watchSettingsID, version, record.Write{Entry: entry, Set: bson.D{
			{Key: "months", Value: w.Months}, {Key: "sharePercent", Value: w.SharePercent},
			{Key: "updatedAt", Value: now}, {Key: "updatedBy", Value: by}}})
		if errors.Is(err, apperr.ErrNotFound) {
			err = s.settings.Conflict() // the version read was never stored
		}
	}
	if err != nil {
		return WatchSettings{}, err
	}
	return w, nil
}

// Watch reasons.
const (
	ReasonNotStarted       = "not_started"
	ReasonSlowDisbursement = "slow_disbursement"
)

// WatchReason is why a project is on the watch list, with its figures:
// months since licensing; the disbursed and the scheduled share in basis
// points.
type WatchReason struct {
	Code        string `json:"code"`
	Months      int    `json:"months,omitempty"`
	DisbursedBP int64  `json:"disbursedBp,omitempty"`
	ScheduledBP int64  `json:"scheduledBp,omitempty"`
}

// WatchItem is a slow project and why.
type WatchItem struct {
	Project     Project       `json:"project"`
	LicenceDate time.Time     `json:"licenceDate"`
	Reasons     []WatchReason `json:"reasons"`
}

// monthsBetween counts whole months from a to b.
func monthsBetween(a, b time.Time) int {
	m := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if b.Day() < a.Day() {
		m--
	}
	return m
}

// WatchReasons returns why the project is slow at now, by w; none if it
// is not.
func (p *Project) WatchReasons(w WatchSettings, now time.Time) []WatchReason {
	lic, ok := p.LicenceDate()
	if !ok {
		return nil
	}
	today := Day(now)
	var out []WatchReason
	_, built := p.StageDate(Construction)
	notStarted := p.Stage == Licensed || p.Stage == SiteClearance || p.Stage == Suspended && !built
	if notStarted && lic.AddDate(0, w.Months, 0).Before(today) {
		out = append(out, WatchReason{Code: ReasonNotStarted, Months: monthsBetween(lic, today)})
	}
	under := p.Stage == Licensed || p.Stage == SiteClearance || p.Stage == Construction
	if under && p.ExpectedCompletion != nil && p.ExpectedCompletion.After(lic) && p.Registered.Amount > 0 {
		total := p.ExpectedCompletion.Sub(lic)
		elapsed := today.Sub(lic)
		scheduled := int64(10_000)
		if elapsed < total {
			scheduled = int64(elapsed / time.Hour * 10_000 / (total / time.Hour))
		}
		share := p.DisbursedShare()
		if scheduled > 0 && share*100 < scheduled*int64(w.SharePercent) {
			out = append(out, WatchReason{Code: ReasonSlowDisbursement, DisbursedBP: share, ScheduledBP: scheduled})
		}
	}
	return out
}

// Watch returns the slow projects by w at now, longest licensed first.
func (s *Store) Watch(ctx context.Context, w WatchSettings, now time.Time) ([]WatchItem, error) {
	m, err := s.model(ctx)
	if err != nil {
		return nil, err
	}
	out := []WatchItem{}
	m.mu.RLock()
	for i := range m.items {
		p := m.items[i].p
		if reasons := p.WatchReasons(w, now); len(reasons) > 0 {
			lic, _ := p.LicenceDate()
			out = append(out, WatchItem{Project: clone(p), LicenceDate: lic, Reasons: reasons})
		}
	}
	m.mu.RUnlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].LicenceDate.Before(out[j].LicenceDate) })
	return out, nil
}
