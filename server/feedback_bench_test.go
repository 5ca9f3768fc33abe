package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/congkhai/congkhai/internal/pgtest"
)

// BenchmarkFeedbackSubmit measures accepted submissions per second through
// the JSON API handler into the real store (SQLite with synchronous=FULL in a
// temporary folder; PostgreSQL when available), each committed before its
// answer. Run: go test ./server -run '^$' -bench FeedbackSubmit -cpu 32.
func BenchmarkFeedbackSubmit(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			dsn := ""
			if db == "postgres" {
				if !pgtest.Available() {
					b.Skip("PostgreSQL not available")
				}
				dsn = pgDSN(b)
			}
			env := newFeedbackEnv(b, dsn, nil)
			var n atomic.Int64
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					body := fmt.Sprintf(`{"type":"question","agency":"so-tai-chinh","body":"Câu hỏi đo hiệu năng số %d."}`, n.Add(1))
					req := httptest.NewRequest(http.MethodPost, "/api/feedback", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					rec := httptest.NewRecorder()
					env.s.Handler().ServeHTTP(rec, req)
					if rec.Code != http.StatusCreated {
						b.Errorf("POST /api/feedback = %d", rec.Code)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
		})
	}
}
