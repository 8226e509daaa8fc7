package web

// The general information of the OpenAPI document that swag generates into
// docs/ (see README: "Regenerate the API docs").
//
//	@title						Khánh Hòa Investment Portal API
//	@version					1.0
//	@description				Investment projects, figures and opportunities of Khánh Hòa Province. Amounts are ISO 4217 minor units (VND: đồng; USD: cents). Errors are RFC 9457 problem+json naming each bad field. Messages follow ?lang=vi|en or Accept-Language.
//	@BasePath					/api/v1
//	@license.name				Open data, CC BY 4.0
//	@securityDefinitions.apikey	BearerToken
//	@in							header
//	@name						Authorization
//	@description				Personal API token: "Bearer kh_…"

// Regenerate docs/ after changing an API handler or type (a test fails
// while docs/ is stale):
//
//go:generate go run github.com/swaggo/swag/cmd/swag@v1.16.6 init -g api.go -d .,./projects,./board,./opportunities,./obstacles,./opendata,../project,../obstacle,../obstacle/obstaclestats,../money,../opportunity,../bilingual,../record --parseInternal -o ../../docs --outputTypes json,yaml
