package feedback

import (
	"context"
	"errors"
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
		if got, err := s.Authenticate(ctx, " lan@stc.gov.vn ", "mật khẩu rất dài", now); err != nil || got.ID != st.ID {
			t.Fatalf("Authenticate(right) = %v, %v", got, err)
		}
		if _, err := s.Authenticate(ctx, "nobody@stc.gov.vn", "mật khẩu rất dài", now); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("unknown email: error = %v, want ErrBadCredentials", err)
		}
		for i := 1; i <= MaxFailedLogins; i++ {
			if _, err := s.Authenticate(ctx, "lan@stc.gov.vn", "sai", now); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("failure %d: error = %v, want ErrBadCredentials", i, err)
			}
		}
		// Locked: even the right password is refused, with the wait.
		_, err := s.Authenticate(ctx, "lan@stc.gov.vn", "mật khẩu rất dài", now.Add(30*time.Second))
		var le *LockedError
		if !errors.As(err, &le) || !errors.Is(err, ErrLocked) || le.Wait != 30*time.Second {
			t.Fatalf("while locked: error = %v, want *LockedError with 30s", err)
		}
		// After the lock another failure locks for twice as long.
		now = now.Add(LockBase)
		if _, err := s.Authenticate(ctx, "lan@stc.gov.vn", "sai", now); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("after lock: error = %v", err)
		}
		_, err = s.Authenticate(ctx, "lan@stc.gov.vn", "mật khẩu rất dài", now)
		if !errors.As(err, &le) || le.Wait != 2*LockBase {
			t.Fatalf("second lock: error = %v, want wait %s", err, 2*LockBase)
		}
		now = now.Add(2 * LockBase)
		got, err := s.Authenticate(ctx, "lan@stc.gov.vn", "mật khẩu rất dài", now)
		if err != nil || got.FailedLogins != 0 {
			t.Fatalf("after the lock: %v, %v", got, err)
		}
		if err := s.DisableStaff(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "lan@stc.gov.vn", "mật khẩu rất dài", now); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("disabled: error = %v, want ErrBadCredentials", err)
		}
		if err := s.DisableStaff(ctx, 4242); !errors.Is(err, ErrNotFound) {
			t.Errorf("DisableStaff(unknown) = %v", err)
		}
		if got := auditStaff(t, s); !strings.Contains(got, "login_failed") || !strings.Contains(got, "staff_disabled") {
			t.Errorf("staff audit = %s", got)
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

func TestLockFor(t *testing.T) {
	tests := []struct {
		failures int
		want     time.Duration
	}{{0, 0}, {4, 0}, {5, time.Minute}, {6, 2 * time.Minute}, {8, 8 * time.Minute}, {30, LockMax}}
	for _, tt := range tests {
		if got := lockFor(tt.failures); got != tt.want {
			t.Errorf("lockFor(%d) = %s, want %s", tt.failures, got, tt.want)
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
		if _, err := s.Authenticate(ctx, "a@stc.gov.vn", "một mật khẩu mới dài", clk.Now()); err != nil {
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
