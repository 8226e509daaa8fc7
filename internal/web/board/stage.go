package board

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// stageFormData is the stage form's content.
type stageFormData struct {
	Project *project.Project
	Form    web.Form
	// Next are the stages the project may move to; Backward marks those
	// that need a reason.
	Next     []project.Stage
	Backward map[project.Stage]bool
	Today    string
}

func (s *Handlers) renderStageForm(c *fiber.Ctx, status int, pr *project.Project, f web.Form) error {
	p := s.NewPage(c, "board.stage.title")
	p.Nav = "board"
	d := stageFormData{Project: pr, Form: f, Next: pr.NextStages(), Backward: map[project.Stage]bool{}, Today: project.Day(s.Now()).Format(project.DateLayout)}
	for _, st := range d.Next {
		d.Backward[st] = pr.IsBackward(st)
	}
	p.Data = d
	c.Status(status)
	return s.Render(c, "board/stage", p)
}

func (s *Handlers) boardStageForm(c *fiber.Ctx) error {
	pr, err := s.loadProject(c)
	if err != nil {
		return err
	}
	f := web.FormWith(map[string]string{"version": strconv.FormatInt(pr.Version, 10)})
	return s.renderStageForm(c, fiber.StatusOK, pr, f)
}

func (s *Handlers) boardMoveStage(c *fiber.Ctx) error {
	pr, err := s.loadProject(c)
	if err != nil {
		return err
	}
	f := web.ReadForm(c, "stage", "stage_date", "reason", "version")
	bad := apperr.Fields{}
	version := formVersion(bad, f)
	date := parseDate(bad, "stage_date", f.V("stage_date"))
	if f.V("stage") == "" {
		bad.Add("stage", "error.field.stage")
	}
	err = bad.Err()
	if err == nil {
		ctx, cancel := web.DBContext(c)
		defer cancel()
		_, err = s.projects.MoveStage(ctx, pr.Code, version, project.Stage(f.V("stage")), date, f.V("reason"), web.ProjectActor(c), s.Now())
	}
	if err != nil {
		status, err := f.Fail(err)
		if err != nil {
			return err
		}
		return s.renderStageForm(c, status, pr, f)
	}
	s.Flash(c, "board.flash.stage_moved")
	return c.Redirect(projectURL(c, pr.Code), fiber.StatusSeeOther)
}

// disbursementFormData is the disbursement form's content.
type disbursementFormData struct {
	Project *project.Project
	Form    web.Form
	Today   string
}

func (s *Handlers) renderDisbursementForm(c *fiber.Ctx, status int, pr *project.Project, f web.Form) error {
	p := s.NewPage(c, "board.disbursement.title")
	p.Nav = "board"
	p.Data = disbursementFormData{Project: pr, Form: f, Today: project.Day(s.Now()).Format(project.DateLayout)}
	c.Status(status)
	return s.Render(c, "board/disbursement", p)
}

func (s *Handlers) boardDisbursementForm(c *fiber.Ctx) error {
	pr, err := s.loadProject(c)
	if err != nil {
		return err
	}
	f := web.FormWith(map[string]string{"version": strconv.FormatInt(pr.Version, 10)})
	return s.renderDisbursementForm(c, fiber.StatusOK, pr, f)
}

func (s *Handlers) boardRecordDisbursement(c *fiber.Ctx) error {
	pr, err := s.loadProject(c)
	if err != nil {
		return err
	}
	f := web.ReadForm(c, "amount", "date", "reason", "version")
	bad := apperr.Fields{}
	version := formVersion(bad, f)
	d := project.NewDisbursement{Date: parseDate(bad, "date", f.V("date")), Reason: f.V("reason")}
	if v := parseAmount(bad, "amount", f.V("amount"), pr.Disbursed.Currency, web.Lang(c), true); v != nil {
		d.Amount = *v
	}
	err = bad.Err()
	if err == nil {
		ctx, cancel := web.DBContext(c)
		defer cancel()
		_, err = s.projects.RecordDisbursement(ctx, pr.Code, version, d, web.ProjectActor(c), s.Now())
	}
	if err != nil {
		status, err := f.Fail(err)
		if err != nil {
			return err
		}
		return s.renderDisbursementForm(c, status, pr, f)
	}
	s.Flash(c, "board.flash.disbursement_recorded")
	return c.Redirect(projectURL(c, pr.Code), fiber.StatusSeeOther)
}
