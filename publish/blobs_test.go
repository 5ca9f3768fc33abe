package publish

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// TestBlobs: bytes are stored once by hash and come back checked.
func TestBlobs(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, _ *clock) {
		ctx := context.Background()
		tests := []struct {
			name string
			data []byte
		}{
			{"text", []byte("Quyết định số 125/QĐ-UBND")},
			{"binary", []byte{0, 1, 2, 0xff, 0xfe, 0}},
			{"empty", []byte{}},
			{"nil", nil},
		}
		for _, tt := range tests {
			for range 2 {
				h, err := s.PutBlob(ctx, tt.data)
				if err != nil || h != Hash(tt.data) {
					t.Fatalf("%s: PutBlob = %s, %v", tt.name, h, err)
				}
				got, err := s.Blob(ctx, h)
				if err != nil || !bytes.Equal(got, tt.data) {
					t.Errorf("%s: Blob = %q, %v", tt.name, got, err)
				}
			}
		}
		var n int
		if err := s.db.Reader().QueryRow(`SELECT COUNT(*) FROM publish_blobs`).Scan(&n); err != nil || n != 3 {
			t.Errorf("%d blobs stored, %v; want 3 (empty and nil are one)", n, err)
		}
		if _, err := s.Blob(ctx, Hash([]byte("không có"))); !errors.Is(err, ErrNotFound) {
			t.Errorf("Blob(unknown) = %v, want ErrNotFound", err)
		}

		// Damaged bytes are not returned as if they were the file.
		h, _ := s.PutBlob(ctx, []byte("bản gốc"))
		if _, err := s.db.Writer().Exec(s.db.Q(`UPDATE publish_blobs SET data = ? WHERE hash = ?`), []byte("bản hỏng"), h); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Blob(ctx, h); err == nil {
			t.Error("Blob returned damaged bytes")
		}
	})
}
