// Package e2e holds the browser journeys: real pages in headless Chromium
// against the whole portal started on a free port.
package e2e
