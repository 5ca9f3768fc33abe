package feedback

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCreateStaffValidation(t *testing.T) {
	s, _ := openTest(t, "sqlite")
	ctx := context.Background()
	newStaff(t, s, "taken@x.gov.vn", "so-a", RoleStaff)
	tests := []struct {
		name, email, staffName, agency string
		role                           Role
		password, field                string
	}{
		{"bad email", "nope", "A", "so-a", RoleStaff, "mật khẩu rất dài", "email"},
		{"taken email", "TAKEN@x.gov.vn", "A", "so-a", RoleStaff, "mật khẩu rất dài", "email"},
		{"no name", "b@x.gov.vn", " ", "so-a", RoleStaff, "mật khẩu rất dài", "name"},
		{"bad role", "b@x.gov.vn", "B", "so-a", "root", "mật khẩu rất dài", "role"},
		{"no agency", "b@x.gov.vn", "B", "", RoleAgencyAdmin, "mật khẩu rất dài", "agency"},
		{"short password", "b@x.gov.vn", "B", "so-a", RoleStaff, "ngắn", "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateStaff(ctx, tt.email, tt.staffName, tt.agency, tt.role, tt.password)
			var v *ValidationError
			if !errors.As(err, &v) || v.Fields[tt.field] == "" {
				t.Errorf("CreateStaff() error = %v, want a *ValidationError on %q", err, tt.field)
			}
		})
	}
}

func TestPasswordHash(t *testing.T) {
	p := defaultArgon()
	h := p.hash("correct horse")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=") {
		t.Errorf("hash = %q, want a PHC argon2id string", h)
	}
	if !checkPassword(h, "correct horse") || checkPassword(h, "correct horsf") || checkPassword("$2a$10$garbage", "x") {
		t.Error("checkPassword wrong")
	}
	if h == p.hash("correct horse") {
		t.Error("two hashes of one password are equal: no salt")
	}
}

func TestAuthenticate(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		st := newStaff(t, s, "Lan@STC.gov.vn", "so-tai-chinh", RoleStaff)
		now := testStart
		got, err := s.Authenticate(ctx, " lan@stc.gov.vn ", "mật khẩu rất dài", "client-1", now)
		if err != nil || got.ID != st.ID || !got.LastLoginAt.Equal(now) {
			t.Fatalf("Authenticate(right) = %+v, %v", got, err)
		}
		if _, err := s.Authenticate(ctx, "nobody@stc.gov.vn", "mật khẩu rất dài", "client-1", now); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("unknown email: error = %v, want ErrBadCredentials", err)
		}
		if _, err := s.Authenticate(ctx, "lan@stc.gov.vn", "sai", "client-1", now); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("wrong password: error = %v, want ErrBadCredentials", err)
		}
		if err := s.DisableStaff(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "lan@stc.gov.vn", "mật khẩu rất dài", "client-1", now); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("disabled: error = %v, want ErrBadCredentials", err)
		}
		if err := s.DisableStaff(ctx, 4242); !errors.Is(err, ErrNotFound) {
			t.Errorf("DisableStaff(unknown) = %v", err)
		}
		if got := auditStaff(t, s); got != "staff_created,login,login_failed,login_failed,staff_disabled,login_failed" {
			t.Errorf("staff audit = %s", got)
		}
	})
}

// attempt is one login try in a throttling scenario.
type attempt struct {
	email, password, client string
	after                   time.Duration // the clock moves this much first
	want                    error         // nil, ErrBadCredentials or ErrThrottled
	wait                    time.Duration // with ErrThrottled, the wait told
}

func (a attempt) repeat(n int) []attempt {
	out := make([]attempt, n)
	for i := range out {
		out[i] = a
	}
	return out
}

func concat(parts ...[]attempt) []attempt {
	var out []attempt
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// TestLoginThrottle plays scenarios of attackers and the real user against
// the default limits.
func TestLoginThrottle(t *testing.T) {
	const (
		right = "mật khẩu rất dài"
		lan   = "lan@stc.gov.vn"
	)
	wrong := func(email, client string) attempt {
		return attempt{email: email, password: "sai", client: client, want: ErrBadCredentials}
	}
	ok := func(email, client string) attempt { return attempt{email: email, password: right, client: client} }
	waits := func(a attempt, d time.Duration) attempt { a.want, a.wait = ErrThrottled, d; return a }
	later := func(a attempt, d time.Duration) attempt { a.after = d; return a }
	var spray []attempt // one attacker, one try on each of 20 emails
	for i := range 20 {
		spray = append(spray, wrong(fmt.Sprintf("x%d@stc.gov.vn", i), "attacker"))
	}
	var botnet []attempt // 20 addresses, one try each on the same account
	for i := range 20 {
		botnet = append(botnet, wrong(lan, fmt.Sprintf("bot-%d", i)))
	}
	tests := []struct {
		name     string
		attempts []attempt
	}{
		{"one address guessing waits, the real user elsewhere does not", concat(
			wrong(lan, "attacker").repeat(5),
			[]attempt{
				waits(ok(lan, "attacker"), time.Minute), // even the right password is not checked
				ok(lan, "office"),
				later(wrong(lan, "attacker"), time.Minute),
				waits(wrong(lan, "attacker"), 2*time.Minute),
				later(wrong(lan, "attacker"), 2*time.Minute),
				waits(wrong(lan, "attacker"), 4*time.Minute),
				ok(lan, "office"),
			})},
		{"an unknown email is throttled the same way", concat(
			wrong("nobody@stc.gov.vn", "attacker").repeat(5),
			[]attempt{
				waits(ok("nobody@stc.gov.vn", "attacker"), time.Minute),
				later(wrong("nobody@stc.gov.vn", "attacker"), time.Minute),
				waits(wrong("nobody@stc.gov.vn", "attacker"), 2*time.Minute),
			})},
		{"a success clears that address's count only", concat(
			wrong(lan, "office").repeat(4),
			[]attempt{ok(lan, "office")},
			wrong(lan, "office").repeat(4),
			[]attempt{wrong(lan, "office"), waits(wrong(lan, "office"), time.Minute)},
		)},
		{"one address trying many emails waits for all of them", concat(
			spray,
			[]attempt{waits(ok(lan, "attacker"), time.Minute), ok(lan, "office")},
		)},
		{"many addresses on one account: each that failed waits, a new one does not", concat(
			botnet,
			[]attempt{
				waits(wrong(lan, "bot-0"), time.Minute),
				ok(lan, "office"), // the real user, at an address that never failed
				wrong(lan, "bot-new"),
				waits(wrong(lan, "bot-new"), time.Minute),
				later(wrong(lan, "bot-new"), time.Minute),
			},
		)},
		{"counts are forgotten after a day", concat(
			wrong(lan, "attacker").repeat(5),
			[]attempt{waits(wrong(lan, "attacker"), time.Minute), later(wrong(lan, "attacker"), 24*time.Hour)},
			wrong(lan, "attacker").repeat(3),
			[]attempt{ok(lan, "attacker")},
		)},
		{"no client is one client", concat(
			wrong(lan, "").repeat(5),
			[]attempt{waits(ok(lan, ""), time.Minute), ok(lan, "office")},
		)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, s *Store, clk *clock) {
				ctx := context.Background()
				newStaff(t, s, lan, "so-tai-chinh", RoleStaff)
				for i, a := range tt.attempts {
					clk.Add(a.after)
					_, err := s.Authenticate(ctx, a.email, a.password, a.client, clk.Now())
					var te *ThrottledError
					switch {
					case a.want == nil && err != nil,
						a.want != nil && !errors.Is(err, a.want),
						a.want == ErrThrottled && (!errors.As(err, &te) || te.Wait != a.wait):
						t.Fatalf("attempt %d (%s from %q): error = %v, want %v %v", i+1, a.email, a.client, err, a.want, a.wait)
					}
				}
			})
		})
	}
}

// TestAccountBackoffIsBounded: however many addresses guess, a client that
// failed waits at most AccountMax, and an address that did not fail never.
func TestAccountBackoffIsBounded(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		lim := DefaultLoginLimits()
		newStaff(t, s, "lan@stc.gov.vn", "so-tai-chinh", RoleStaff)
		for i := range 200 {
			if _, err := s.Authenticate(ctx, "lan@stc.gov.vn", "sai", fmt.Sprintf("bot-%d", i), clk.Now()); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("bot %d: %v", i, err)
			}
		}
		_, err := s.Authenticate(ctx, "lan@stc.gov.vn", "sai", "bot-0", clk.Now())
		var te *ThrottledError
		if !errors.As(err, &te) || te.Wait != lim.AccountMax {
			t.Errorf("after 200 failures: error = %v, want a wait of %s", err, lim.AccountMax)
		}
		clk.Add(lim.AccountMax)
		if _, err := s.Authenticate(ctx, "lan@stc.gov.vn", "mật khẩu rất dài", "bot-0", clk.Now()); err != nil {
			t.Errorf("after AccountMax, the right password: %v", err)
		}
		if _, err := s.Authenticate(ctx, "lan@stc.gov.vn", "mật khẩu rất dài", "home", clk.Now()); err != nil {
			t.Errorf("from an address that never failed: %v", err)
		}
	})
}

// TestFailureWorkIsTheSame: a failure on an unknown email writes what a
// failure on a known one writes: three counts and an audit row.
func TestFailureWorkIsTheSame(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		newStaff(t, s, "lan@stc.gov.vn", "so-tai-chinh", RoleStaff)
		count := func() (rows, audits int) {
			s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_failures`).Scan(&rows)
			s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'`).Scan(&audits)
			return
		}
		s.Authenticate(ctx, "lan@stc.gov.vn", "sai", "a", clk.Now())
		r1, a1 := count()
		s.Authenticate(ctx, "nobody@stc.gov.vn", "sai", "b", clk.Now())
		r2, a2 := count()
		if r1 != 3 || r2-r1 != 3 || a1 != 1 || a2-a1 != 1 {
			t.Errorf("known: %d counts, %d audit rows; unknown: %d, %d; want 3 and 1 each", r1, a1, r2-r1, a2-a1)
		}
	})
}

func TestSetPasswordForgetsFailures(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		st := newStaff(t, s, "lan@stc.gov.vn", "so-tai-chinh", RoleStaff)
		for range 6 {
			s.Authenticate(ctx, "lan@stc.gov.vn", "sai", "home", clk.Now())
		}
		if _, err := s.Authenticate(ctx, "lan@stc.gov.vn", "mật khẩu rất dài", "home", clk.Now()); !errors.Is(err, ErrThrottled) {
			t.Fatalf("before the reset: %v, want ErrThrottled", err)
		}
		if err := s.SetPassword(ctx, st.ID, "một mật khẩu mới dài"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "lan@stc.gov.vn", "một mật khẩu mới dài", "home", clk.Now()); err != nil {
			t.Errorf("after SetPassword: %v", err)
		}
		if err := s.SetPassword(ctx, 4242, "một mật khẩu mới dài"); !errors.Is(err, ErrNotFound) {
			t.Errorf("SetPassword(unknown) = %v, want ErrNotFound", err)
		}
	})
}

func TestForgetLoginFailures(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		s.Authenticate(ctx, "a@stc.gov.vn", "sai", "x", clk.Now())
		if n, err := s.ForgetLoginFailures(ctx, clk.Now().Add(time.Hour)); err != nil || n != 0 {
			t.Errorf("ForgetLoginFailures(+1h) = %d, %v, want 0", n, err)
		}
		if n, err := s.ForgetLoginFailures(ctx, clk.Now().Add(25*time.Hour)); err != nil || n != 3 {
			t.Errorf("ForgetLoginFailures(+25h) = %d, %v, want 3", n, err)
		}
	})
}

func auditStaff(t *testing.T, s *Store) string {
	t.Helper()
	rows, err := s.db.Query(`SELECT action FROM audit_log WHERE submission_id IS NULL ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var a []string
	for rows.Next() {
		var x string
		rows.Scan(&x)
		a = append(a, x)
	}
	return strings.Join(a, ",")
}

func TestLoginWait(t *testing.T) {
	tests := []struct {
		failures, threshold, step int
		want                      time.Duration
	}{
		{0, 5, 1, 0}, {4, 5, 1, 0}, {5, 5, 1, time.Minute}, {6, 5, 1, 2 * time.Minute}, {8, 5, 1, 8 * time.Minute}, {30, 5, 1, time.Hour},
		{19, 20, 20, 0}, {20, 20, 20, time.Minute}, {39, 20, 20, time.Minute}, {40, 20, 20, 2 * time.Minute}, {200, 20, 20, time.Hour},
	}
	for _, tt := range tests {
		if got := loginWait(tt.failures, tt.threshold, tt.step, time.Minute, time.Hour); got != tt.want {
			t.Errorf("loginWait(%d, %d, %d) = %s, want %s", tt.failures, tt.threshold, tt.step, got, tt.want)
		}
	}
}

func TestSessions(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		st := newStaff(t, s, "a@stc.gov.vn", "so-tai-chinh", RoleAgencyAdmin)
		token, err := s.CreateSession(ctx, st.ID, time.Hour)
		if err != nil || len(token) != 43 {
			t.Fatalf("CreateSession = %q, %v", token, err)
		}
		var stored int
		s.db.QueryRow(s.q(`SELECT COUNT(*) FROM sessions WHERE token_hash = ?`), token).Scan(&stored)
		if stored != 0 {
			t.Error("the raw token is stored")
		}
		// Sliding: used every 50 minutes, the session lives on.
		now := clk.Now()
		for i := 0; i < 4; i++ {
			now = now.Add(50 * time.Minute)
			got, err := s.SessionStaff(ctx, token, now)
			if err != nil || got.ID != st.ID || got.Role != RoleAgencyAdmin {
				t.Fatalf("SessionStaff at +%d×50m = %v, %v", i+1, got, err)
			}
		}
		if _, err := s.SessionStaff(ctx, token, now.Add(time.Hour)); !errors.Is(err, ErrNotFound) {
			t.Errorf("expired session: error = %v, want ErrNotFound", err)
		}
		if _, err := s.SessionStaff(ctx, "forged", now); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown token: error = %v, want ErrNotFound", err)
		}
		t2, _ := s.CreateSession(ctx, st.ID, time.Hour)
		if err := s.DeleteSession(ctx, t2); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionStaff(ctx, t2, clk.Now()); !errors.Is(err, ErrNotFound) {
			t.Errorf("after logout: error = %v", err)
		}
		// A new password ends every session.
		t3, _ := s.CreateSession(ctx, st.ID, time.Hour)
		if err := s.SetPassword(ctx, st.ID, "một mật khẩu mới dài"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionStaff(ctx, t3, clk.Now()); !errors.Is(err, ErrNotFound) {
			t.Errorf("after SetPassword: error = %v", err)
		}
		if _, err := s.Authenticate(ctx, "a@stc.gov.vn", "một mật khẩu mới dài", "", clk.Now()); err != nil {
			t.Errorf("new password: %v", err)
		}
		if _, err := s.CreateSession(ctx, 999, time.Hour); !errors.Is(err, ErrNotFound) {
			t.Errorf("CreateSession(unknown) = %v", err)
		}
		if _, err := s.CreateSession(ctx, st.ID, time.Hour); err != nil {
			t.Fatal(err)
		}
		if n, err := s.DeleteExpiredSessions(ctx, now.Add(time.Hour)); err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v, want 1", n, err)
		}
		list, _ := s.ListStaff(ctx, "so-tai-chinh")
		if len(list) != 1 || list[0].Email != "a@stc.gov.vn" {
			t.Errorf("ListStaff = %+v", list)
		}
	})
}

func TestCanAccess(t *testing.T) {
	tests := []struct {
		st     Staff
		agency string
		want   bool
	}{
		{Staff{Role: RoleSiteAdmin}, "so-a", true},
		{Staff{Role: RoleSiteAdmin}, "", true},
		{Staff{Role: RoleStaff, Agency: "so-a"}, "so-a", true},
		{Staff{Role: RoleStaff, Agency: "so-a"}, "so-b", false},
		{Staff{Role: RoleAgencyAdmin, Agency: "so-a"}, "", false},
		{Staff{Role: RoleStaff, Agency: "so-a", Disabled: true}, "so-a", false},
	}
	for _, tt := range tests {
		if got := tt.st.CanAccess(tt.agency); got != tt.want {
			t.Errorf("%s of %q CanAccess(%q) = %v, want %v", tt.st.Role, tt.st.Agency, tt.agency, got, tt.want)
		}
	}
}

// TestWithLoginLimits: limits given to the store replace the defaults; the
// fields left zero keep theirs.
func TestWithLoginLimits(t *testing.T) {
	s, clk := openTest(t, "sqlite", WithLoginLimits(LoginLimits{PairFailures: 2, Base: 10 * time.Second}))
	if got := s.limits.ClientFailures; got != DefaultLoginLimits().ClientFailures {
		t.Errorf("ClientFailures = %d, want the default %d", got, DefaultLoginLimits().ClientFailures)
	}
	ctx := context.Background()
	newStaff(t, s, "lan@stc.gov.vn", "so-tai-chinh", RoleStaff)
	for range 2 {
		s.Authenticate(ctx, "lan@stc.gov.vn", "sai", "x", clk.Now())
	}
	_, err := s.Authenticate(ctx, "lan@stc.gov.vn", "mật khẩu rất dài", "x", clk.Now())
	var te *ThrottledError
	if !errors.As(err, &te) || te.Wait != 10*time.Second {
		t.Errorf("after 2 failures: %v, want a wait of 10s", err)
	}
}
