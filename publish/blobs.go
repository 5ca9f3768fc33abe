package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// File is one file of a version or draft: its path relative to the content
// folder ("so-tai-chinh/du-toan-2026.md", "so-tai-chinh/files/qd.pdf",
// "so-tai-chinh/bang-gia/index.md") and the blob holding its bytes.
type File struct {
	Name string
	Hash string // SHA-256 of the bytes, lower-case hex
	Size int64
}

// Hash returns the blob hash of data (SHA-256, lower-case hex).
func Hash(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := range len(h) {
		if c := h[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// sortedFiles returns a copy of files sorted by name.
func sortedFiles(files []File) []File {
	out := slices.Clone(files)
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// digest identifies a set of files (sorted by name): two versions with the
// same digest have the same files with the same bytes.
func digest(files []File) string {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%s\n", f.Name, f.Hash)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// PutBlob stores data, once however often it is put, and returns its hash.
// It fails with ErrTooLarge over Limits.FileSize.
func (s *Store) PutBlob(ctx context.Context, data []byte) (string, error) {
	if int64(len(data)) > s.limits.FileSize {
		return "", fmt.Errorf("%w: a file of %d bytes, at most %d", ErrTooLarge, len(data), s.limits.FileSize)
	}
	h := Hash(data)
	var one int
	err := s.db.Reader().QueryRowContext(ctx, s.db.Q(`SELECT 1 FROM publish_blobs WHERE hash = ?`), h).Scan(&one)
	if err == nil {
		return h, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("publish: put blob: %w", err)
	}
	if data == nil {
		data = []byte{} // NOT NULL
	}
	if _, err := s.db.Writer().ExecContext(ctx, s.db.Q(`INSERT INTO publish_blobs (hash, size, created_at, data) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`),
		h, len(data), s.db.Time(s.now()), data); err != nil {
		return "", fmt.Errorf("publish: put blob: %w", err)
	}
	return h, nil
}

// PutFiles stores the bytes of files (name → bytes) as blobs and returns them
// as Files sorted by name, for NewVersion and NewDraft. The blobs not stored
// yet are stored in one transaction. Names are checked when the files are
// used. It fails with ErrTooLarge over a limit.
func (s *Store) PutFiles(ctx context.Context, files map[string][]byte) ([]File, error) {
	if len(files) > s.limits.VersionFiles {
		return nil, fmt.Errorf("%w: %d files, at most %d", ErrTooLarge, len(files), s.limits.VersionFiles)
	}
	var total int64
	for name, b := range files {
		if int64(len(b)) > s.limits.FileSize {
			return nil, fmt.Errorf("%s: %w: a file of %d bytes, at most %d", name, ErrTooLarge, len(b), s.limits.FileSize)
		}
		total += int64(len(b))
	}
	if total > s.limits.VersionSize {
		return nil, fmt.Errorf("%w: %d bytes of files, at most %d", ErrTooLarge, total, s.limits.VersionSize)
	}
	out := make([]File, 0, len(files))
	byHash := map[string][]byte{}
	for name, b := range files {
		h := Hash(b)
		out = append(out, File{Name: name, Hash: h, Size: int64(len(b))})
		byHash[h] = b
	}
	if err := s.putBlobs(ctx, byHash); err != nil {
		return nil, fmt.Errorf("publish: put files: %w", err)
	}
	return sortedFiles(out), nil
}

// putBlobs stores the blobs (hash → bytes) that are not stored yet, in one
// transaction.
func (s *Store) putBlobs(ctx context.Context, byHash map[string][]byte) error {
	hashes := make([]string, 0, len(byHash))
	for h := range byHash {
		hashes = append(hashes, h)
	}
	slices.Sort(hashes)
	have := map[string]bool{}
	for start := 0; start < len(hashes); start += filesChunk {
		chunk := hashes[start:min(start+filesChunk, len(hashes))]
		args := make([]any, len(chunk))
		for i, h := range chunk {
			args[i] = h
		}
		rows, err := s.db.Reader().QueryContext(ctx, s.db.Q(`SELECT hash FROM publish_blobs WHERE hash IN (`+strings.Repeat("?, ", len(chunk)-1)+`?)`), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				rows.Close()
				return err
			}
			have[h] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if len(have) == len(hashes) {
		return nil
	}
	now := s.db.Time(s.now())
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, h := range hashes {
			if have[h] {
				continue
			}
			data := byHash[h]
			if data == nil {
				data = []byte{} // NOT NULL
			}
			if _, err := tx.ExecContext(ctx, s.db.Q(`INSERT INTO publish_blobs (hash, size, created_at, data) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`),
				h, len(data), now, data); err != nil {
				return err
			}
		}
		return nil
	})
}

// Blob returns the bytes of a stored blob, checked against their hash.
// It fails with ErrNotFound for a hash never stored.
func (s *Store) Blob(ctx context.Context, hash string) ([]byte, error) {
	var data []byte
	err := s.db.Reader().QueryRowContext(ctx, s.db.Q(`SELECT data FROM publish_blobs WHERE hash = ?`), hash).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: blob %s", ErrNotFound, hash)
	}
	if err != nil {
		return nil, fmt.Errorf("publish: blob %s: %w", hash, err)
	}
	if got := sha256.Sum256(data); !bytes.Equal(got[:], mustHex(hash)) {
		return nil, fmt.Errorf("publish: blob %s: the stored bytes do not match their hash", hash)
	}
	return data, nil
}

func mustHex(h string) []byte {
	b, _ := hex.DecodeString(h)
	return b
}

// blobSizes fills the sizes of files from the blobs table inside tx, and
// fails with ErrUnknownBlob for a hash not stored.
func (s *Store) blobSizes(ctx context.Context, tx *sql.Tx, files []File) error {
	for i := range files {
		err := tx.QueryRowContext(ctx, s.db.Q(`SELECT size FROM publish_blobs WHERE hash = ?`), files[i].Hash).Scan(&files[i].Size)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: %s (%s)", ErrUnknownBlob, files[i].Hash, files[i].Name)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
