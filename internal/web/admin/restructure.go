package admin

import (
	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/migrate"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/web"
)

// SetObstacles gives the handlers the obstacle store, whose open
// obstacles a change of agency structure passes to the successors.
func (s *Handlers) SetObstacles(o *obstacle.Store) { s.obstacles = o }

// RegisterAPI registers the administrators' API: the restructure of
// agencies.
func (s *Handlers) RegisterAPI(api fiber.Router) {
	s.Handle(api, fiber.MethodPost, "/admin/restructure", adminAccess, s.apiRestructure)
}

// restructurer signs the change with the administrator of the request.
func (s *Handlers) restructurer(c *fiber.Ctx) migrate.Restructurer {
	p := web.Principal(c)
	return migrate.Restructurer{Accounts: s.accounts, Obstacles: s.obstacles, By: p.Actor(),
		Actor: obstacle.StaffActor(p.User.ID, string(p.User.Role), "")}
}

// RestructureRequest is a change of agency structure: the former agencies
// end on the day before effective and their tasks go to the successors
// (existing agencies, or new ones given in new). Apply false is a dry run.
type RestructureRequest struct {
	Former     []string            `json:"former"`
	Successors []account.Successor `json:"successors"`
	New        []account.Agency    `json:"new,omitempty"`
	Effective  string              `json:"effective"`
	LegalBasis string              `json:"legalBasis"`
	Apply      bool                `json:"apply"`
}

// RestructureResult lists every change made (or, in a dry run, to be
// made) and the open obstacles left for a person (Uncertain).
type RestructureResult struct {
	Applied   bool             `json:"applied"`
	Changes   int              `json:"changes"`
	Uncertain int              `json:"uncertain"`
	Items     []migrate.Change `json:"items"`
}

func (s *Handlers) apiRestructure(c *fiber.Ctx) error {
	var req RestructureRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	plan := migrate.Plan{Former: req.Former, Successors: req.Successors, New: req.New, Effective: req.Effective, LegalBasis: req.LegalBasis}
	changes, err := s.restructurer(c).Restructure(ctx, plan, req.Apply, s.Now())
	if err != nil {
		return err
	}
	n, u := migrate.Count(changes)
	if changes == nil {
		changes = []migrate.Change{}
	}
	return c.JSON(RestructureResult{Applied: req.Apply, Changes: n, Uncertain: u, Items: changes})
}

// restructureFields are the inputs of the restructure form.
var restructureFields = []string{"new_id", "new_name.vi", "new_name.en", "effective", "legal_basis", "mode"}

// adminRestructure previews (mode=preview) or applies a change of agency
// structure from the agencies page; either way the page lists the changes.
func (s *Handlers) adminRestructure(c *fiber.Ctx) error {
	f := web.ReadForm(c, restructureFields...).ReadLists(c, "former", "successors")
	plan := migrate.Plan{Former: f.List("former"), Effective: f.V("effective"), LegalBasis: f.V("legal_basis")}
	for _, id := range f.List("successors") {
		plan.Successors = append(plan.Successors, account.Successor{ID: id})
	}
	if id := f.V("new_id"); id != "" {
		plan.New = []account.Agency{{ID: id, Name: account.Text{VI: f.V("new_name.vi"), EN: f.V("new_name.en")}}}
		plan.Successors = append(plan.Successors, account.Successor{ID: id})
	}
	apply := f.V("mode") == "apply"
	ctx, cancel := web.DBContext(c)
	changes, err := s.restructurer(c).Restructure(ctx, plan, apply, s.Now())
	cancel()
	if err != nil {
		status, err := f.Fail(err)
		if err != nil {
			return err
		}
		return s.renderAgenciesWith(c, status, "restructure", f, nil)
	}
	out := &restructureOutcome{Changes: changes, Applied: apply}
	out.Certain, out.Uncertain = migrate.Count(changes)
	return s.renderAgenciesWith(c, fiber.StatusOK, "restructure", f, out)
}
