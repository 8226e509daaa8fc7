package seed

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/khanhhoa/investportal/internal/opportunity"
)

// opportunitiesJSON holds the demo investment opportunities. Every one is
// marked synthetic: the places, roads and laws are real, the offers are not.
//
//go:embed opportunities.json
var opportunitiesJSON []byte

// Opportunities returns the demo investment opportunities, each checked with
// Validate. The result is new on every call, so callers may change it. An
// error means the embedded file is broken, which a test guards against.
func Opportunities() ([]opportunity.Opportunity, error) {
	dec := json.NewDecoder(bytes.NewReader(opportunitiesJSON))
	dec.DisallowUnknownFields()
	var list []opportunity.Opportunity
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("seed: read opportunities.json: %w", err)
	}
	for i := range list {
		if err := list[i].Validate(); err != nil {
			return nil, fmt.Errorf("seed: opportunity %s: %w", list[i].Code, err)
		}
	}
	return list, nil
}
