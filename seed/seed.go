// Package seed generates the portal's demo data: licensed projects calibrated
// on the totals the province published for end-2023 (and, alongside them,
// opportunities). Everything is drawn from fixed random seeds, so the same
// call always returns the same data and tests can rely on exact figures.
// Generated records carry Synthetic = true so the site can mark them as demo
// content.
package seed
