package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/bridgekeeper/bridgekeeper/admin"
	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// Exit codes of `bridgekeeper admin`, documented for scripts in docs/admin.md.
const (
	exitOK       = 0
	exitFailed   = 1
	exitUsage    = 2
	exitNotFound = 3
)

// adminUsage is the admin command's help text.
const adminUsage = `Usage: bridgekeeper admin [flags] COMMAND [arguments]

Commands:
  list-users [--filter EXPR]        list users (EXPR is a Cognito filter, e.g. 'email ^= "al"')
  show USER                         show one user, their groups, devices and sessions
  reset-password USER [--temporary] force a reset by code (or set a temporary password)
  disable USER                      disable the account and end its sessions
  enable USER                       enable the account again
  sign-out USER                     sign the user out everywhere
  reset-mfa USER                    turn every MFA method of the user off
  audit [--user U]                  show recent admin actions

Flags (before or after the command):
  --config FILE        the serve configuration (only pool, store and admin are read)
  --endpoint URL       the Cognito endpoint (a local pool); overrides pool.endpoint
  --region REGION      overrides pool.region
  --user-pool-id ID    overrides pool.user_pool_id
  --actor NAME         who is acting, for the audit (default: the local OS user)
  --json               print JSON

Exit codes: 0 done, 1 failed, 2 usage, 3 not found.
`

// adminFlags are the flags every admin command takes.
type adminFlags struct {
	config, endpoint, region, poolID, actor string
	json                                    bool
	filter, user                            string
	temporary                               bool
}

func (f *adminFlags) flagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.config, "config", "", "")
	fs.StringVar(&f.endpoint, "endpoint", "", "")
	fs.StringVar(&f.region, "region", "", "")
	fs.StringVar(&f.poolID, "user-pool-id", "", "")
	fs.StringVar(&f.actor, "actor", "", "")
	fs.BoolVar(&f.json, "json", false, "")
	fs.StringVar(&f.filter, "filter", "", "")
	fs.StringVar(&f.user, "user", "", "")
	fs.BoolVar(&f.temporary, "temporary", false, "")
	return fs
}

// parseInterleaved parses flags anywhere among the arguments and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// adminCommands are the commands and how many positional arguments (USER) each takes.
var adminCommands = map[string]int{
	"list-users": 0, "show": 1, "reset-password": 1, "disable": 1, "enable": 1,
	"sign-out": 1, "reset-mfa": 1, "audit": 0,
}

// runAdmin is `bridgekeeper admin`.
func runAdmin(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	var f adminFlags
	fs := f.flagSet()
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) || (err == nil && len(pos) > 0 && pos[0] == "help") {
		fmt.Fprint(stdout, adminUsage)
		return exitOK
	}
	if err != nil {
		return adminUsageError(stderr, err.Error())
	}
	if len(pos) == 0 {
		return adminUsageError(stderr, "a command is required")
	}
	cmd := pos[0]
	want, ok := adminCommands[cmd]
	if !ok {
		return adminUsageError(stderr, fmt.Sprintf("unknown command %q", cmd))
	}
	if len(pos)-1 != want {
		if want == 1 {
			return adminUsageError(stderr, cmd+" takes one USER")
		}
		return adminUsageError(stderr, cmd+" takes no arguments")
	}
	if (f.filter != "" && cmd != "list-users") || (f.user != "" && cmd != "audit") || (f.temporary && cmd != "reset-password") {
		return adminUsageError(stderr, "--filter goes with list-users, --user with audit, --temporary with reset-password")
	}
	svc, shared, closeFn, code := adminService(ctx, f, stderr, getenv)
	if svc == nil {
		return code
	}
	defer closeFn()
	out := adminOutput{w: stdout, json: f.json}
	actor := admin.Actor{Name: adminActor(f.actor, getenv), Via: "cli"}
	var target string
	if want == 1 {
		target = pos[1]
	}
	switch cmd {
	case "list-users":
		err = adminListUsers(ctx, svc, f.filter, out)
	case "show":
		var u *admin.User
		if u, err = svc.User(ctx, target); err == nil {
			out.user(u)
		}
	case "audit":
		var entries []admin.Entry
		if entries, err = svc.Audit(ctx, admin.AuditFilter{Target: f.user, Limit: admin.AuditKeep}); err == nil {
			if !shared {
				fmt.Fprintln(stderr, "note: no shared store (store.url): only this run's actions would be listed; see the service's log")
			}
			out.audit(entries)
		}
	default:
		var res admin.Result
		res, err = adminAction(ctx, svc, cmd, f.temporary, actor, target)
		if err == nil {
			out.result(cmd, target, res, svc.SessionsReachable())
		}
	}
	return adminExit(stderr, err)
}

// adminAction runs one of the actions on target.
func adminAction(ctx context.Context, svc *admin.Service, cmd string, temporary bool, actor admin.Actor, target string) (admin.Result, error) {
	switch cmd {
	case "reset-password":
		if temporary {
			return svc.SetTemporaryPassword(ctx, actor, target)
		}
		return svc.ResetPassword(ctx, actor, target)
	case "disable":
		return svc.Disable(ctx, actor, target)
	case "enable":
		return svc.Enable(ctx, actor, target)
	case "sign-out":
		return svc.SignOut(ctx, actor, target)
	default: // reset-mfa
		return svc.ResetMFA(ctx, actor, target)
	}
}

func adminListUsers(ctx context.Context, svc *admin.Service, filter string, out adminOutput) error {
	var all []admin.UserSummary
	token := ""
	for {
		page, err := svc.ListUsers(ctx, admin.Search{Filter: filter, Token: token, Limit: admin.MaxPageSize})
		if err != nil {
			return err
		}
		all = append(all, page.Users...)
		if page.Next == "" {
			break
		}
		token = page.Next
	}
	out.users(all)
	return nil
}

func adminUsageError(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "bridgekeeper admin: %s\n\n%s", msg, adminUsage)
	return exitUsage
}

// adminExit prints err and picks the exit code.
func adminExit(stderr io.Writer, err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, admin.ErrNotFound):
		fmt.Fprintf(stderr, "bridgekeeper admin: not found: %v\n", err)
		return exitNotFound
	default:
		fmt.Fprintf(stderr, "bridgekeeper admin: %v\n", err)
		return exitFailed
	}
}

// adminActor is who the audit names: --actor, or the local OS user.
func adminActor(flagged string, getenv func(string) string) string {
	if flagged != "" {
		return flagged
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// adminService builds the service from --config and the flags. It returns a nil service and an
// exit code when it cannot; shared says whether the store is the service's shared one.
func adminService(ctx context.Context, f adminFlags, stderr io.Writer, getenv func(string) string) (svc *admin.Service, shared bool, closeFn func(), code int) {
	cfg := config.Default()
	if f.config != "" {
		loaded, err := config.Load(f.config, getenv)
		if err != nil {
			printAdminConfigError(stderr, f.config, err)
			return nil, false, nil, exitFailed
		}
		cfg = loaded
	}
	if f.endpoint != "" {
		cfg.Pool.Endpoint = f.endpoint
	}
	if f.poolID != "" {
		cfg.Pool.UserPoolID = f.poolID
	}
	if f.region != "" {
		cfg.Pool.Region = f.region
	}
	if cfg.Pool.Region == "" {
		cfg.Pool.Region = config.RegionFromPoolID(cfg.Pool.UserPoolID)
	}
	if cfg.Pool.UserPoolID == "" {
		adminUsageError(stderr, "the user pool is unknown: give --config FILE or --user-pool-id")
		return nil, false, nil, exitUsage
	}
	if probs := adminProblems(cfg); len(probs) > 0 {
		printProblems(stderr, f.config, probs)
		return nil, false, nil, exitFailed
	}
	log := newLogger(stderr, cfg.Log.Level, "text")
	pool := cognito.Config{Region: cfg.Pool.Region, UserPoolID: cfg.Pool.UserPoolID, Endpoint: cfg.Pool.Endpoint}
	pool.StaticCredentials = emulatorCredentials(cfg.Pool.Endpoint, getenv)
	api, err := cognito.NewAPI(ctx, pool)
	if err != nil {
		fmt.Fprintf(stderr, "bridgekeeper admin: %v\n", err)
		return nil, false, nil, exitFailed
	}
	st, err := store.Open(ctx, string(cfg.Store.URL), store.WithKeyPrefix(cfg.Store.KeyPrefix), store.WithMode(cfg.Store.Mode))
	if err != nil {
		fmt.Fprintf(stderr, "bridgekeeper admin: store.url: %v\n", err)
		return nil, false, nil, exitFailed
	}
	shared = !strings.HasPrefix(strings.ToLower(string(cfg.Store.URL)), "memory:") && cfg.Store.URL != ""
	deps := admin.Deps{API: api, Store: st, Logger: log, Now: time.Now}
	if shared {
		deps.Sessions = oidc.NewSessionStore(st, store.ErrNotFound, log)
	}
	svc, err = admin.New(admin.Config{UserPoolID: cfg.Pool.UserPoolID, Groups: cfg.Admin.Groups}, deps)
	if err != nil {
		_ = st.Close()
		fmt.Fprintf(stderr, "bridgekeeper admin: %v\n", err)
		return nil, false, nil, exitFailed
	}
	return svc, shared, func() { _ = st.Close() }, exitOK
}

// adminProblems validates only the sections the CLI reads: pool (without the app client, which
// the CLI does not use), store and admin.
func adminProblems(cfg *config.Config) config.Problems {
	var out config.Problems
	for _, p := range cfg.Validate() {
		switch {
		case p.Path == "pool.client_id", p.Path == "pool.client_secret":
		case strings.HasPrefix(p.Path, "pool."), strings.HasPrefix(p.Path, "store."), strings.HasPrefix(p.Path, "admin."):
			out = append(out, p)
		}
	}
	return out
}

func printAdminConfigError(stderr io.Writer, path string, err error) {
	var probs config.Problems
	if errors.As(err, &probs) {
		printProblems(stderr, path, probs)
		return
	}
	fmt.Fprintf(stderr, "bridgekeeper admin: %v\n", err)
}

// emulatorCredentials are static credentials for an emulator endpoint (which takes any) unless
// the environment names real ones; nil means the standard AWS credential chain.
func emulatorCredentials(endpoint string, getenv func(string) string) *credentials.StaticCredentialsProvider {
	if endpoint == "" || getenv("AWS_ACCESS_KEY_ID") != "" {
		return nil
	}
	creds := credentials.NewStaticCredentialsProvider("local", "local", "")
	return &creds
}

// adminOutput prints results as tables or JSON.
type adminOutput struct {
	w    io.Writer
	json bool
}

func (o adminOutput) printJSON(v any) {
	enc := json.NewEncoder(o.w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // stdout is gone: nothing to do
}

func (o adminOutput) table(header string, rows func(tw *tabwriter.Writer)) {
	tw := tabwriter.NewWriter(o.w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	rows(tw)
	_ = tw.Flush()
}

func (o adminOutput) users(users []admin.UserSummary) {
	if o.json {
		if users == nil {
			users = []admin.UserSummary{}
		}
		o.printJSON(users)
		return
	}
	o.table("USERNAME\tSTATUS\tENABLED\tEMAIL\tPHONE", func(tw *tabwriter.Writer) {
		for _, u := range users {
			fmt.Fprintf(tw, "%s\t%s\t%t\t%s\t%s\n", u.Username, u.Status, u.Enabled, u.Email, u.Phone)
		}
	})
}

func (o adminOutput) user(u *admin.User) {
	if o.json {
		o.printJSON(u)
		return
	}
	tw := tabwriter.NewWriter(o.w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "username\t%s\nsub\t%s\nstatus\t%s\nenabled\t%t\n", u.Username, u.Subject, u.Status, u.Enabled)
	fmt.Fprintf(tw, "email\t%s (verified: %t)\nphone\t%s (verified: %t)\n", u.Email, u.EmailVerified, u.Phone, u.PhoneVerified)
	fmt.Fprintf(tw, "mfa\t%s (preferred: %s)\ngroups\t%s\n", strings.Join(u.MFAMethods, ", "), u.PreferredMFA, strings.Join(u.Groups, ", "))
	fmt.Fprintf(tw, "created\t%s\nmodified\t%s\n", u.Created.Format(time.RFC3339), u.Modified.Format(time.RFC3339))
	if u.DeviceTracking {
		fmt.Fprintf(tw, "devices\t%d\n", len(u.Devices))
	}
	if u.SessionsKnown {
		fmt.Fprintf(tw, "sessions\t%d\n", len(u.Sessions))
	} else {
		fmt.Fprintf(tw, "sessions\tunknown (no shared store)\n")
	}
	_ = tw.Flush()
}

func (o adminOutput) audit(entries []admin.Entry) {
	if o.json {
		o.printJSON(entries)
		return
	}
	o.table("TIME\tACTOR\tVIA\tACTION\tUSER\tRESULT", func(tw *tabwriter.Writer) {
		for _, e := range entries {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.At.Format(time.RFC3339), e.Actor, e.Via, e.Action, e.Target, e.Result)
		}
	})
}

func (o adminOutput) result(cmd, target string, res admin.Result, sessionsReachable bool) {
	if o.json {
		o.printJSON(struct {
			Command string `json:"command"`
			User    string `json:"user"`
			admin.Result
		}{cmd, target, res})
		return
	}
	fmt.Fprintf(o.w, "%s %s: done\n", cmd, target)
	if res.TemporaryPassword != "" {
		fmt.Fprintf(o.w, "temporary password (shown once): %s\n", res.TemporaryPassword)
	}
	switch {
	case res.SessionsEnded:
		fmt.Fprintln(o.w, "Bridgekeeper's sessions and refresh tokens for this user were ended too.")
	case !sessionsReachable && (cmd == "sign-out" || cmd == "disable" || cmd == "reset-password"):
		fmt.Fprintln(o.w, "Only Cognito's side was done: without a shared store (store.url) Bridgekeeper's own sessions could not be ended.")
	}
}
