package feedback

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// BenchmarkSubmit measures durable submissions (one transaction each:
// submission, audit row, three outbox rows) from parallel goroutines.
func BenchmarkSubmit(b *testing.B) {
	cases := []struct {
		name string
		kind string
		opts []Option
	}{
		{"sqlite-full", "sqlite", nil},
		{"sqlite-normal", "sqlite", []Option{WithSQLiteSynchronous("NORMAL")}},
		{"postgres", "postgres", nil},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			s, _ := openTest(b, c.kind, c.opts...)
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
