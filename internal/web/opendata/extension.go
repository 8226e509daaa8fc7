package opendata

import (
	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
)

// The investment extension follows the OCDS extension convention, which
// OC4IDS 0.9 recommends while it has none of its own ("the extensions
// mechanism from the Open Contracting Data Standard should be used as a
// reference model"): extension.json names the extension in each language
// and lists JSON Merge Patches (RFC 7386) of the OC4IDS schemas, found
// beside it. The patches' descriptions are the English texts of the
// open-data page (schemas are written in English, as OC4IDS's are).

// OpenExtension is extension.json: the metadata of the portal's extension.
type OpenExtension struct {
	// Name, Description and DocumentationURL map a language code to text.
	Name             map[string]string `json:"name"`
	Description      map[string]string `json:"description"`
	DocumentationURL map[string]string `json:"documentationUrl"`
	// Schemas are the patched OC4IDS schema files, relative to extension.json.
	Schemas []string `json:"schemas" example:"project-schema.json,project-package-schema.json"`
	// Compatibility lists the OC4IDS minor versions the extension fits.
	Compatibility []string `json:"compatibility" example:"0.9"`
}

// schemaLang is the language of the schema patches' descriptions.
const schemaLang = "en"

// extFields are the investment object's fields, in the page's order.
var extFields = []string{"kind", "stage", "sector", "location", "unit", "formerProvince", "zone", "registeredCapital", "disbursedCapital",
	"disbursedShareBasisPoints", "originCountry", "landAreaCentiHa", "jobs", "stageDates"}

// apiExtension serves extension.json.
//
//	@Summary		Open data: the feed's extension (extension.json)
//	@Description	The investment extension of the OC4IDS feed, declared the OCDS way (OC4IDS has no extension mechanism of its own): names and descriptions in Vietnamese and English, documentation, the JSON Merge Patches of project-schema.json and project-package-schema.json (served beside it) and the OC4IDS version it fits.
//	@Tags			open-data
//	@Produce		json
//	@Success		200	{object}	OpenExtension
//	@Router			/open/extension.json [get]
func (s *Handlers) apiExtension(c *fiber.Ctx) error {
	e := OpenExtension{Name: map[string]string{}, Description: map[string]string{}, DocumentationURL: map[string]string{},
		Schemas: []string{"project-schema.json", "project-package-schema.json"}, Compatibility: []string{OC4IDSVersion}}
	for _, lang := range i18n.Languages {
		l := s.I18n().For(lang)
		e.Name[lang] = l.T("export.open.extjson.name")
		e.Description[lang] = l.T("export.open.extjson.description")
		e.DocumentationURL[lang] = s.BaseURL() + "/" + lang + "/open-data" + extensionAnchor
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(e)
}

// apiProjectPatch serves the extension's patch of project-schema.json.
//
//	@Summary		Open data: the extension's patch of the OC4IDS project schema
//	@Description	A JSON Merge Patch of OC4IDS project-schema.json that declares the investment object.
//	@Tags			open-data
//	@Produce		json
//	@Success		200	{object}	object
//	@Router			/open/project-schema.json [get]
func (s *Handlers) apiProjectPatch(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(projectSchemaPatch(s.I18n().For(schemaLang)))
}

// apiPackagePatch serves the extension's patch of project-package-schema.json.
//
//	@Summary		Open data: the extension's patch of the OC4IDS package schema
//	@Description	A JSON Merge Patch of OC4IDS project-package-schema.json that declares extensions, links and x_total.
//	@Tags			open-data
//	@Produce		json
//	@Success		200	{object}	object
//	@Router			/open/project-package-schema.json [get]
func (s *Handlers) apiPackagePatch(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(packageSchemaPatch(s.I18n().For(schemaLang)))
}

type jsonObject = map[string]any

// projectSchemaPatch declares the investment object on the OC4IDS project.
func projectSchemaPatch(l *i18n.Localizer) jsonObject {
	stages := make([]string, len(project.Stages))
	for i, st := range project.Stages {
		stages[i] = string(st)
	}
	str := func() jsonObject { return jsonObject{"type": "string", "minLength": 1} }
	count := func() jsonObject { return jsonObject{"type": "integer", "minimum": 0} }
	value := func() jsonObject { return jsonObject{"$ref": "#/definitions/Value"} }
	types := map[string]jsonObject{
		"kind":                      {"type": "string", "enum": []string{string(project.Domestic), string(project.FDI)}},
		"stage":                     {"type": "string", "enum": stages},
		"sector":                    str(),
		"location":                  str(),
		"unit":                      str(),
		"formerProvince":            {"type": "string", "enum": place.Provinces},
		"zone":                      str(),
		"registeredCapital":         value(),
		"disbursedCapital":          value(),
		"disbursedShareBasisPoints": count(),
		"originCountry":             {"type": "string", "pattern": "^[A-Z]{2}$"},
		"landAreaCentiHa":           count(),
		"jobs":                      count(),
		"stageDates": {"type": "array", "items": jsonObject{
			"type": "object", "required": []string{"stage", "date"},
			"properties": jsonObject{"stage": jsonObject{"type": "string", "enum": stages}, "date": jsonObject{"type": "string", "format": "date-time"}},
		}},
	}
	props := jsonObject{}
	for _, f := range extFields {
		t := types[f]
		t["title"] = f
		t["description"] = l.T("export.open.ext." + f)
		props[f] = t
	}
	return jsonObject{"properties": jsonObject{"investment": jsonObject{
		"title":       "Investment",
		"description": l.T("export.open.ext.text"),
		"type":        "object",
		"required":    []string{"kind", "stage", "sector", "location", "registeredCapital", "disbursedCapital"},
		"properties":  props,
	}}}
}

// packageSchemaPatch declares the package fields the feed adds.
func packageSchemaPatch(l *i18n.Localizer) jsonObject {
	uri := func() jsonObject { return jsonObject{"type": "string", "format": "uri"} }
	return jsonObject{"properties": jsonObject{
		"extensions": jsonObject{"title": "extensions", "description": l.T("export.open.pkg.extensions"),
			"type": "array", "items": uri()},
		"links": jsonObject{"title": "links", "description": l.T("export.open.pkg.links"),
			"type": "object", "properties": jsonObject{"next": uri(), "prev": uri()}},
		"x_total": jsonObject{"title": "x_total", "description": l.T("export.open.pkg.x_total"),
			"type": "integer", "minimum": 1},
	}}
}
