//go:build !linux

package content

import "os"

// openAt does nothing: Dir walks every name where openat2 does not exist.
func (d *Dir) openAt() error { return nil }

// openBeneath is not available: the caller walks the name.
func (d *Dir) openBeneath(string) (*os.File, bool, error) { return nil, false, nil }
