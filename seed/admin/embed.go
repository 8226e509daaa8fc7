// Package admin holds the administrative-unit data files of the merged
// Khánh Hòa province (see README.md and SOURCES.md) and embeds them, so that
// internal/adminunit can load them without reading the disk.
package admin

import "embed"

// Files are the CSV files of this directory.
//
//go:embed *.csv
var Files embed.FS
