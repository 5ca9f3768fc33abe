package feedback

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/congkhai/congkhai/internal/sqldb"
)

// BenchmarkSubmit measures durable submissions (one transaction each:
// submission, audit row, three outbox rows) from parallel goroutines.
func BenchmarkSubmit(b *testing.B) {
	cases := []struct {
		name string
		kind string
		opts []sqldb.Option
	}{
		{"sqlite-full", "sqlite", nil},
		{"sqlite-normal", "sqlite", []sqldb.Option{sqldb.WithSQLiteSynchronous("NORMAL")}},
		{"postgres", "postgres", nil},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			s, _ := openTestDB(b, c.kind, c.opts)
			var n atomic.Int64
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					_, err := s.Submit(context.Background(), NewSubmission{Type: TypeQuestion, Agency: "so-tai-chinh",
						Body: fmt.Sprintf("Câu hỏi số %d về dự toán ngân sách.", i), Email: "a@example.vn",
						Recipients: []string{"s1@stc.gov.vn", "s2@stc.gov.vn"}})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkLoginFailure measures a failed login on an email with an account
// and on one without, at the default password cost: the two should take the
// same time (each attempt from a new client, so that none is throttled).
func BenchmarkLoginFailure(b *testing.B) {
	for _, kind := range kinds {
		s, _ := openTest(b, kind, WithPasswordCost(defaultArgon().memory, defaultArgon().time))
		newStaff(b, s, "lan@stc.gov.vn", "so-tai-chinh", RoleStaff)
		for _, email := range []string{"lan@stc.gov.vn", "nobody@stc.gov.vn"} {
			b.Run(kind+"/"+email, func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					_, err := s.Authenticate(context.Background(), email, "sai", fmt.Sprintf("client-%s-%d", email, i), s.now())
					if !errors.Is(err, ErrBadCredentials) {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
