package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/app"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/i18n"
)

const userUsage = `usage:
  portal user add --email E --name N --role admin|board|taskforce|agency|business [--agency CODE] [--lang vi|en] [--password P]
  portal user set-password --email E [--password P]
  portal user disable --email E
  portal user token --email E --name N
                            issue an API token (printed once; for scripts
                            and cmd/loadgen's board edits)
Without --password the password is read from the first line of standard
input (safer: a flag shows in the process list).`

// userCmd adds users, sets their passwords and disables them from the
// command line, for the first steps of an installation and for recovery.
// usageError is returned for a malformed command line; it prints the usage.
type usageError struct{}

func (usageError) Error() string { return userUsage }

func userCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{}
	}
	sub, args := args[0], args[1:]
	if sub == "-h" || sub == "--help" || sub == "-help" || sub == "help" {
		fmt.Fprintln(stdout, userUsage)
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "the user's e-mail address")
	password := fs.String("password", "", "the password; read from standard input when not given")
	name := fs.String("name", "", "the user's name")
	role := fs.String("role", "", "the user's role")
	agency := fs.String("agency", "", "the agency code of an agency officer")
	lang := fs.String("lang", "vi", "the user's language")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, userUsage)
			return err
		}
		return fmt.Errorf("%w\n%s", err, userUsage)
	}
	if *email == "" || fs.NArg() > 0 {
		return usageError{}
	}
	needPassword := false
	switch sub {
	case "add":
		needPassword = true
		if *name == "" || *role == "" {
			return usageError{}
		}
	case "set-password":
		needPassword = true
	case "disable":
	case "token":
		if *name == "" {
			return usageError{}
		}
	default:
		return fmt.Errorf("unknown user command %q\n%s", sub, userUsage)
	}
	if needPassword && *password == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		*password = strings.TrimRight(line, "\r\n")
		if *password == "" {
			return errors.New("no password given: pass --password or write it on standard input")
		}
	}

	cfg.Demo = false // manage accounts only; load no demo data
	a, err := app.OpenWith(ctx, cfg, log, app.Options{Command: "portal user"})
	if err != nil {
		return err
	}
	defer a.Close()
	printCredentials(stdout, a)
	en := a.I18n.For("en")
	now := time.Now()
	switch sub {
	case "add":
		u, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: *email, Name: *name, Role: account.Role(*role),
			AgencyID: *agency, Lang: *lang, Password: *password}, account.CLIActor, now)
		if err != nil {
			return explain(en, err)
		}
		fmt.Fprintf(stdout, "added %s (%s), id %s\n", u.Email, u.Role, u.ID)
	case "set-password":
		u, err := a.Accounts.GetByEmail(ctx, *email)
		if err != nil {
			return explain(en, err)
		}
		if err := a.Accounts.SetPassword(ctx, u.ID, *password, account.CLIActor, now); err != nil {
			return explain(en, err)
		}
		fmt.Fprintf(stdout, "password set for %s; their sessions have ended\n", u.Email)
	case "disable":
		u, err := a.Accounts.GetByEmail(ctx, *email)
		if err != nil {
			return explain(en, err)
		}
		if _, err := a.Accounts.Disable(ctx, u.ID, account.CLIActor, now); err != nil {
			return explain(en, err)
		}
		fmt.Fprintf(stdout, "disabled %s\n", u.Email)
	case "token":
		u, err := a.Accounts.GetByEmail(ctx, *email)
		if err != nil {
			return explain(en, err)
		}
		plain, tok, err := a.Accounts.IssueToken(ctx, u.ID, *name, now)
		if err != nil {
			return explain(en, err)
		}
		fmt.Fprintf(stdout, "token %q for %s (%s), shown only now; send it as \"Authorization: Bearer <token>\":\n%s\n", tok.Name, u.Email, u.Role, plain)
	}
	return nil
}

// explain turns an application error into a sentence naming each field.
func explain(l *i18n.Localizer, err error) error {
	e := apperr.As(err)
	if e.Code == apperr.CodeInternal {
		return err
	}
	parts := []string{l.T(e.MessageID, dataPairsOf(e.Data)...)}
	for _, f := range sortedFieldNames(e.Fields) {
		parts = append(parts, fmt.Sprintf("%s: %s", f, l.T(e.Fields[f])))
	}
	return errors.New(strings.Join(parts, " "))
}

func sortedFieldNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func dataPairsOf(m map[string]any) []any {
	out := make([]any, 0, len(m)*2)
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}
