package content

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

// bookRows holds the rows of a workbook's sheet, read when the workbook was
// loaded, in a compact form: one byte slice of rows one after the other (a row:
// its role, level, line and label, then each cell: flags, text, and its number or
// time when typed so), and where each row starts. A row of ten cells costs about
// the bytes of its text plus 20, against some 600 as Row values.
type bookRows struct {
	Data []byte
	Offs []uint32
}

const (
	cellOK   = 1 << iota
	cellNum  // a float64 follows the text
	cellTime // a Unix time in seconds follows the text
)

var roleCodes = []RowRole{RoleData, RoleGroup, RoleSubtotal, RoleTotal}

func roleCode(r RowRole) byte {
	for i, x := range roleCodes {
		if x == r {
			return byte(i)
		}
	}
	return 0
}

// add appends a row.
func (b *bookRows) add(r Row) error {
	if len(b.Data) > math.MaxUint32-1<<20 {
		return errors.New("a sheet's rows hold more than 4 GB")
	}
	b.Offs = append(b.Offs, uint32(len(b.Data)))
	d := b.Data
	d = append(d, roleCode(r.Role))
	d = binary.AppendUvarint(d, uint64(r.Level))
	d = binary.AppendUvarint(d, uint64(r.Line))
	d = appendString(d, r.Label)
	d = binary.AppendUvarint(d, uint64(len(r.Cells)))
	for _, c := range r.Cells {
		var f byte
		if c.OK {
			f |= cellOK
		}
		hasNum := c.Num != 0
		hasTime := !c.Time.IsZero()
		if hasNum {
			f |= cellNum
		}
		if hasTime {
			f |= cellTime
		}
		d = append(d, f)
		d = appendString(d, c.Raw)
		if hasNum {
			d = binary.LittleEndian.AppendUint64(d, math.Float64bits(c.Num))
		}
		if hasTime {
			d = binary.AppendVarint(d, c.Time.Unix())
		}
	}
	b.Data = d
	return nil
}

func appendString(d []byte, s string) []byte {
	d = binary.AppendUvarint(d, uint64(len(s)))
	return append(d, s...)
}

// row decodes row i (0-based).
func (b *bookRows) row(i int) (Row, error) {
	if i < 0 || i >= len(b.Offs) {
		return Row{}, fmt.Errorf("row %d of %d", i+1, len(b.Offs))
	}
	d := b.Data[b.Offs[i]:]
	bad := errors.New("damaged rows")
	var r Row
	if len(d) == 0 || int(d[0]) >= len(roleCodes) {
		return r, bad
	}
	r.Role, d = roleCodes[d[0]], d[1:]
	level, n := binary.Uvarint(d)
	if n <= 0 {
		return r, bad
	}
	d = d[n:]
	line, n := binary.Uvarint(d)
	if n <= 0 {
		return r, bad
	}
	d = d[n:]
	var ok bool
	if r.Label, d, ok = readString(d); !ok {
		return r, bad
	}
	cells, n := binary.Uvarint(d)
	if n <= 0 || cells > 1<<16 {
		return r, bad
	}
	d = d[n:]
	r.N, r.Level, r.Line = i+1, int(level), int(line)
	r.Cells = make([]Value, cells)
	for k := range r.Cells {
		if len(d) == 0 {
			return r, bad
		}
		f := d[0]
		d = d[1:]
		v := &r.Cells[k]
		v.OK = f&cellOK != 0
		if v.Raw, d, ok = readString(d); !ok {
			return r, bad
		}
		if f&cellNum != 0 {
			if len(d) < 8 {
				return r, bad
			}
			v.Num = math.Float64frombits(binary.LittleEndian.Uint64(d))
			d = d[8:]
		}
		if f&cellTime != 0 {
			sec, n := binary.Varint(d)
			if n <= 0 {
				return r, bad
			}
			v.Time = time.Unix(sec, 0).In(calendar.Location)
			d = d[n:]
		}
	}
	return r, nil
}

func readString(d []byte) (string, []byte, bool) {
	n, k := binary.Uvarint(d)
	if k <= 0 || uint64(len(d)-k) < n {
		return "", nil, false
	}
	return string(d[k : k+int(n)]), d[k+int(n):], true
}

// read calls fn with the rows at the ascending indexes in want, every row when
// want is nil.
func (b *bookRows) read(ctx context.Context, t *Table, want []int, fn func(Row) error) error {
	emit := func(i int) error {
		if i%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		r, err := b.row(i)
		if err != nil {
			return fmt.Errorf("content: table %s: %w", t.ID, err)
		}
		return fn(r)
	}
	if want == nil {
		for i := range b.Offs {
			if err := emit(i); err != nil {
				return err
			}
		}
		return nil
	}
	for _, i := range want {
		if i < 0 || i >= len(b.Offs) {
			continue
		}
		if err := emit(i); err != nil {
			return err
		}
	}
	return nil
}
