package opportunity

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/record"
)

func sampleEnquiry(key string) Enquiry {
	return Enquiry{
		OpportunityCode: "OPP-VP-001",
		Name:            "Anna Lindqvist",
		Organisation:    "Nordic Wind Partners",
		Country:         "se",
		Email:           "anna@nordicwind.example",
		Message:         "We would like the wind measurement data and the grid connection study.",
		Lang:            LangEN,
		Status:          EnquiryNew,
		IdempotencyKey:  key,
	}
}

func TestEnquiryValidate(t *testing.T) {
	t.Parallel()
	e := sampleEnquiry("k1")
	if err := e.Validate(); err != nil || e.Country != "SE" {
		t.Fatalf("sample: %v, country %q", err, e.Country)
	}
	cases := []struct {
		name  string
		edit  func(e *Enquiry)
		field string
		msg   string
	}{
		{"ErrOpportunityCode", func(e *Enquiry) { e.OpportunityCode = "" }, "opportunity_code", "opportunity.error.code"},
		{"ErrName", func(e *Enquiry) { e.Name = " " }, "name", "error.field.required"},
		{"ErrNameTooLong", func(e *Enquiry) { e.Name = strings.Repeat("n", MaxShort+1) }, "name", "error.field.too_long"},
		{"ErrOrganisationTooLong", func(e *Enquiry) { e.Organisation = strings.Repeat("o", MaxShort+1) }, "organisation", "error.field.too_long"},
		{"ErrCountryMissing", func(e *Enquiry) { e.Country = "" }, "country", "error.field.required"},
		{"ErrCountryShape", func(e *Enquiry) { e.Country = "SWE" }, "country", "opportunity.enquiry.error.country"},
		{"ErrEmail", func(e *Enquiry) { e.Email = "anna at example" }, "email", "error.field.email"},
		{"ErrEmailWithName", func(e *Enquiry) { e.Email = "Anna <anna@example.com>" }, "email", "error.field.email"},
		// The rule of obstacle filings: a domain without a dot is refused.
		{"ErrEmailUndottedDomain", func(e *Enquiry) { e.Email = "a@b" }, "email", "error.field.email"},
		{"ErrNameControl", func(e *Enquiry) { e.Name = "Anna\x00" }, "name", "project.error.control_chars"},
		{"ErrNameLineBreak", func(e *Enquiry) { e.Name = "Anna\nLindqvist" }, "name", "project.error.control_chars"},
		{"ErrOrganisationControl", func(e *Enquiry) { e.Organisation = "\x1b[2J Nordic" }, "organisation", "project.error.control_chars"},
		{"ErrMessageControl", func(e *Enquiry) { e.Message = "Hello\x00=1+1" }, "message", "project.error.control_chars"},
		{"ErrMessageMissing", func(e *Enquiry) { e.Message = "" }, "message", "error.field.required"},
		{"ErrMessageTooLong", func(e *Enquiry) { e.Message = strings.Repeat("ư", MaxEnquiryMessage+1) }, "message", "error.field.too_long"},
		{"ErrLang", func(e *Enquiry) { e.Lang = "de" }, "lang", "opportunity.error.lang"},
		{"ErrStatus", func(e *Enquiry) { e.Status = "spam" }, "status", "opportunity.enquiry.error.status"},
		{"ErrAnsweredWithoutBy", func(e *Enquiry) { e.Status = EnquiryAnswered }, "answered_by", "error.field.required"},
		{"ErrKey", func(e *Enquiry) { e.IdempotencyKey = "has spaces" }, "idempotency_key", "error.field.invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := sampleEnquiry("k1")
			c.edit(&e)
			if got := fieldsOf(t, e.Validate()); got[c.field] != c.msg {
				t.Fatalf("field %s: got %q, want %q (%v)", c.field, got[c.field], c.msg, got)
			}
		})
	}
	t.Run("MessageWithLineBreaks", func(t *testing.T) {
		e := sampleEnquiry("k1")
		e.Message = "Dear board,\r\n\tplease send the survey.\nThanks"
		if err := e.Validate(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("MessageAtLimit", func(t *testing.T) {
		e := sampleEnquiry("k1")
		e.Message = strings.Repeat("ư", MaxEnquiryMessage)
		if err := e.Validate(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestStoreEnquiries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	o := sample("OPP-VP-001")
	closed := sample("OPP-VP-002")
	closed.Status = StatusClosed
	createAll(t, s, []Opportunity{o, closed})

	in := sampleEnquiry("form-7f3a")
	first, created, err := s.CreateEnquiry(ctx, &in)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	if first.ID == "" || first.Status != EnquiryNew || first.Version != 1 || first.Country != "SE" || first.CreatedAt.IsZero() {
		t.Fatalf("created %+v", first)
	}

	t.Run("SameKeySameEnquiry", func(t *testing.T) {
		again := sampleEnquiry("form-7f3a")
		again.Email = "  " + strings.ToUpper(again.Email) + " " // the same address, typed again
		got, created, err := s.CreateEnquiry(ctx, &again)
		if err != nil || created || got.ID != first.ID || got.Message != first.Message {
			t.Fatalf("got %+v created=%v err=%v", got, created, err)
		}
		list, err := s.ListEnquiries(ctx, EnquiryFilter{})
		if err != nil || list.Total != 1 {
			t.Fatalf("list %+v %v", list, err)
		}
	})
	// The same key with any other request gets a refusal naming the key,
	// and nothing of the enquiry the key first made.
	t.Run("ErrKeyReused", func(t *testing.T) {
		for name, change := range map[string]func(e *Enquiry){
			"Email":        func(e *Enquiry) { e.Email = "someone@else.example" },
			"Message":      func(e *Enquiry) { e.Message = "Resent with other words." },
			"Name":         func(e *Enquiry) { e.Name = "Someone Else" },
			"Opportunity":  func(e *Enquiry) { e.OpportunityCode = "OPP-VP-002" },
			"Organisation": func(e *Enquiry) { e.Organisation = "Other AB" },
		} {
			other := sampleEnquiry("form-7f3a")
			change(&other)
			got, created, err := s.CreateEnquiry(ctx, &other)
			e := apperr.As(err)
			if got != nil || created || e.Code != apperr.CodeUnprocessable || e.Fields["idempotency_key"] != "opportunity.enquiry.error.key_reused" {
				t.Errorf("%s: got %+v %v %v", name, got, created, err)
			}
		}
		if list, _ := s.ListEnquiries(ctx, EnquiryFilter{}); list.Total != 1 {
			t.Errorf("%d enquiries stored, want 1", list.Total)
		}
	})
	t.Run("EmptyKeyIsUnique", func(t *testing.T) {
		a, b := sampleEnquiry(""), sampleEnquiry("")
		ea, ca, err := s.CreateEnquiry(ctx, &a)
		if err != nil || !ca {
			t.Fatal(err)
		}
		eb, cb, err := s.CreateEnquiry(ctx, &b)
		if err != nil || !cb || ea.ID == eb.ID || ea.IdempotencyKey == eb.IdempotencyKey {
			t.Fatalf("two keyless enquiries: %+v %+v %v", ea, eb, err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		bad := sampleEnquiry("form-bad")
		bad.Email = ""
		if _, _, err := s.CreateEnquiry(ctx, &bad); fieldsOf(t, err)["email"] != "error.field.required" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ErrUnknownOpportunity", func(t *testing.T) {
		e := sampleEnquiry("form-unknown")
		e.OpportunityCode = "OPP-NO-404"
		if _, _, err := s.CreateEnquiry(ctx, &e); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ErrClosedOpportunity", func(t *testing.T) {
		e := sampleEnquiry("form-closed")
		e.OpportunityCode = "OPP-VP-002"
		_, _, err := s.CreateEnquiry(ctx, &e)
		if !errors.Is(err, apperr.ErrInvalid) || apperr.As(err).MessageID != "opportunity.enquiry.error.closed" {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("AnswerAndList", func(t *testing.T) {
		if _, err := s.MarkAnswered(ctx, first.ID, 5, by("staff@board")); !errors.Is(err, apperr.ErrConflict) ||
			apperr.As(err).MessageID != "opportunity.enquiry.error.conflict" {
			t.Fatalf("stale version: %v", err)
		}
		got, err := s.MarkAnswered(ctx, first.ID, 1, by("staff@board"))
		if err != nil || got.Status != EnquiryAnswered || got.AnsweredBy != "staff@board" || got.AnsweredAt == nil || got.Version != 2 {
			t.Fatalf("answered %+v %v", got, err)
		}
		var hist []record.Change
		if err := s.enquiries.History(ctx, first.ID, &hist); err != nil || len(hist) != 1 || hist[0].Version != 2 ||
			hist[0].Action != ActionAnswer || hist[0].By.Email != "staff@board" ||
			!slices.Equal(hist[0].Fields, []record.FieldChange{{Field: "status", From: EnquiryNew, To: EnquiryAnswered}}) {
			t.Fatalf("history of the answered enquiry %+v %v", hist, err)
		}
		stored, err := s.GetEnquiry(ctx, first.ID)
		if err != nil || stored.Status != EnquiryAnswered || stored.Version != 2 || stored.AnsweredAt == nil {
			t.Fatalf("stored %+v %v", stored, err)
		}
		_, err = s.MarkAnswered(ctx, first.ID, 2, by("staff@board"))
		if apperr.As(err).MessageID != "opportunity.enquiry.error.already_answered" {
			t.Fatalf("answer twice: %v", err)
		}
		if _, err := s.MarkAnswered(ctx, "nope", 1, by("x")); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
		news, err := s.ListEnquiries(ctx, EnquiryFilter{Status: EnquiryNew})
		if err != nil || news.Total != 2 || len(news.Items) != 2 {
			t.Fatalf("new: %+v %v", news, err)
		}
		for _, e := range news.Items {
			if e.Status != EnquiryNew {
				t.Fatalf("filter leaked %+v", e)
			}
		}
		answered, err := s.ListEnquiries(ctx, EnquiryFilter{Status: EnquiryAnswered})
		if err != nil || answered.Total != 1 || answered.Items[0].ID != first.ID {
			t.Fatalf("answered: %+v %v", answered, err)
		}
		page2, err := s.ListEnquiries(ctx, EnquiryFilter{PerPage: 2, Page: 2})
		if err != nil || page2.Total != 3 || len(page2.Items) != 1 {
			t.Fatalf("page 2: %+v %v", page2, err)
		}
		if _, err := s.ListEnquiries(ctx, EnquiryFilter{Status: "spam"}); !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("got %v", err)
		}
	})
}
