package seed

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

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

// ScaledOpportunities returns the demo opportunities times scale (scale
// below 1 counts as 1): for scale 1 exactly Opportunities. Scale N appends
// N-1 replicas of that set, each as synthetic as the original; replica r
// of OPP-VP-001 is OPP-VPR<r>-001 (an opportunity code has no room for a
// suffix), so every code is unique and the originals keep theirs.
func ScaledOpportunities(scale int) ([]opportunity.Opportunity, error) {
	base, err := Opportunities()
	if err != nil || scale <= 1 {
		return base, err
	}
	out := make([]opportunity.Opportunity, 0, len(base)*scale)
	out = append(out, base...)
	for r := 1; r < scale; r++ {
		for _, o := range base {
			out = append(out, replicaOpportunity(o, r))
		}
	}
	return out, nil
}

// replicaOpportunity copies o under the code of replica r. Slices are
// shared with o: the seed only reads them.
func replicaOpportunity(o opportunity.Opportunity, r int) opportunity.Opportunity {
	// OPP-<area>-<nnn> → OPP-<area>R<r>-<nnn>
	if i := strings.LastIndexByte(o.Code, '-'); i > 0 {
		o.Code = o.Code[:i] + "R" + strconv.Itoa(r) + o.Code[i:]
	}
	if o.ProjectCode != "" {
		o.ProjectCode += "-R" + strconv.Itoa(r)
	}
	return o
}
