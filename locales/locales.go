// Package locales embeds the message files: one pair per area,
// <area>.vi.toml and <area>.en.toml, with the same ids in both.
package locales

import "embed"

// FS holds every *.toml message file.
//
//go:embed *.toml
var FS embed.FS
