// Package docs serves the OpenAPI document that swag generates into
// swagger.json (`go generate ./internal/web/`; TestDocsAreCurrent fails
// while it is stale). The document is embedded as generated rather than
// compiled into a Go template, so this package stays a few lines long.
package docs

import (
	_ "embed"

	"github.com/swaggo/swag"
)

//go:embed swagger.json
var swaggerJSON string

// spec hands swag the embedded document as it is.
type spec struct{}

func (spec) ReadDoc() string { return swaggerJSON }

func init() { swag.Register(swag.Name, spec{}) }
