// Package views embeds the page templates and static assets (CSS,
// JavaScript, icons), so the portal needs nothing from another server.
package views

import "embed"

// FS holds the templates (*.html) and static/.
//
//go:embed *.html */*.html static
var FS embed.FS
