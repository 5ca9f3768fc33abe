package publish

import (
	"context"
	"database/sql"
	"errors"
)

// Digest returns the digest of a version holding files (Version.Digest):
// two sets of files with the same digest have the same names and bytes. The
// order of files does not matter.
func Digest(files []File) string { return digest(sortedFiles(files)) }

// RecordResult is what RecordBatch did with one version.
type RecordResult struct {
	Version *Version // the version recorded, or the item's latest when nothing was recorded
	Created bool
	// Err is the version's own error, as Record would return it (ErrInvalid,
	// ErrInvalidState, ErrNotFound, ErrTooLarge, ErrUnknownBlob,
	// *ConflictError); the other versions of the batch are recorded all the
	// same.
	Err error
}

// RecordBatch records versions as Record does, one after the other, in one
// transaction: a batch of a thousand versions costs one commit (one sync of
// the database), not a thousand. A version that breaks a rule gets its error
// in its result and the others are recorded; an error of the database
// records none of them and is returned, wrapped "publish: ...". Listeners are
// woken once.
func (s *Store) RecordBatch(ctx context.Context, nvs []NewVersion) ([]RecordResult, error) {
	var out []RecordResult
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		out = make([]RecordResult, len(nvs))
		for i, nv := range nvs {
			v, created, err := s.recordTx(ctx, tx, nv, 0)
			if err != nil && !own(err) {
				return err
			}
			out[i] = RecordResult{Version: v, Created: created, Err: err}
		}
		return nil
	})
	if err != nil {
		return nil, wrap("record batch", err)
	}
	for _, r := range out {
		if r.Created {
			s.changed()
			break
		}
	}
	return out, nil
}

// own reports whether err is one of the package's rule errors, which
// recordTx returns before it writes anything.
func own(err error) bool {
	for _, e := range []error{ErrNotFound, ErrInvalid, ErrInvalidState, ErrConflict, ErrTooLarge, ErrUnknownBlob} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
