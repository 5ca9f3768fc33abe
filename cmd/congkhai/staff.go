package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/congkhai/congkhai/feedback"
)

const staffUsage = `Usage:
  congkhai staff add --email ADDR --agency SLUG --role staff|agency_admin|site_admin [--name NAME]
        the password is read from standard input; when it is a terminal or empty,
        a password is generated and printed once
  congkhai staff list [--agency SLUG]
  congkhai staff disable --email ADDR

Every command also takes --data DIR and --db DSN, as serve does (or CONGKHAI_DATA, CONGKHAI_DB).
`

// staff manages staff accounts in the store serve uses.
func staff(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, staffUsage)
		if len(args) == 0 {
			return errors.New("staff: missing command")
		}
		return flag.ErrHelp
	}
	cmd := args[0]
	fs := flag.NewFlagSet("staff "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, staffUsage) }
	var data, db, email, agency, role, name string
	dataFlags(fs, &data, &db)
	switch cmd {
	case "add":
		fs.StringVar(&email, "email", "", "email address (the login)")
		fs.StringVar(&agency, "agency", "", "agency slug (empty only for site_admin)")
		fs.StringVar(&role, "role", "staff", "staff, agency_admin or site_admin")
		fs.StringVar(&name, "name", "", "full name (default: the part of the email before @)")
	case "list":
		fs.StringVar(&agency, "agency", "", "only this agency's accounts")
	case "disable":
		fs.StringVar(&email, "email", "", "email address of the account")
	default:
		fmt.Fprint(stderr, staffUsage)
		return fmt.Errorf("staff: unknown command %q", cmd)
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("staff %s: unexpected argument %q", cmd, fs.Arg(0))
	}
	if err := envDefaults(fs, os.Getenv); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sdb, err := openDB(ctx, db, data, log)
	if err != nil {
		return err
	}
	defer sdb.Close()
	st, err := feedback.New(ctx, sdb, feedback.WithLogger(log))
	if err != nil {
		return err
	}
	switch cmd {
	case "add":
		return staffAdd(ctx, st, stdin, stdout, email, name, agency, feedback.Role(role))
	case "list":
		return staffList(ctx, st, stdout, agency)
	default:
		return staffDisable(ctx, st, stdout, email)
	}
}

// readPassword takes the first line of stdin, or generates a password when
// stdin is a terminal or empty (generated = true: print it).
func readPassword(stdin io.Reader) (password string, generated bool, err error) {
	if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return rand.Text(), true, nil
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return rand.Text(), true, nil
	}
	return line, false, nil
}

func staffAdd(ctx context.Context, st *feedback.Store, stdin io.Reader, stdout io.Writer, email, name, agency string, role feedback.Role) error {
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	password, generated, err := readPassword(stdin)
	if err != nil {
		return err
	}
	s, err := st.CreateStaff(ctx, email, name, agency, role, password)
	var verr *feedback.ValidationError
	if errors.As(err, &verr) {
		var msgs []string
		for k, m := range verr.Fields {
			msgs = append(msgs, "--"+k+": "+m)
		}
		return fmt.Errorf("staff add: %s", strings.Join(msgs, "; "))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s (%s, %s) id %d\n", s.Email, s.Role, agencyOrAll(s.Agency), s.ID)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n(shown once: give it to the person through a safe channel)\n", password)
	}
	return nil
}

func agencyOrAll(a string) string {
	if a == "" {
		return "all agencies"
	}
	return a
}

func staffList(ctx context.Context, st *feedback.Store, stdout io.Writer, agency string) error {
	list, err := st.ListStaff(ctx, agency)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tAGENCY\tROLE\tSTATUS")
	for _, s := range list {
		status := "active"
		if s.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Email, s.Name, s.Agency, s.Role, status)
	}
	return tw.Flush()
}

func staffDisable(ctx context.Context, st *feedback.Store, stdout io.Writer, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	list, err := st.ListStaff(ctx, "")
	if err != nil {
		return err
	}
	for _, s := range list {
		if s.Email == email {
			if err := st.DisableStaff(ctx, s.ID); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "disabled %s\n", s.Email)
			return nil
		}
	}
	return fmt.Errorf("staff disable: no account %q", email)
}
