package content

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

func openXLSX(r io.Reader) (*excelize.File, *excelize.Rows, error) {
	x, err := excelize.OpenReader(r, excelize.Options{ShortDatePattern: "yyyy-mm-dd"})
	if err != nil {
		return nil, nil, fmt.Errorf("not a readable .xlsx file: %v", err)
	}
	sheets := x.GetSheetList()
	if len(sheets) == 0 {
		_ = x.Close()
		return nil, nil, errors.New("the workbook has no sheet")
	}
	rows, err := x.Rows(sheets[0])
	if err != nil {
		_ = x.Close()
		return nil, nil, fmt.Errorf("sheet %q: %v", sheets[0], err)
	}
	return x, rows, nil
}

func emptyRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func scanXLSX(ctx context.Context, r io.Reader, t *Table, _ *tableScan, st *scanState) error {
	x, rows, err := openXLSX(r)
	if err != nil {
		return err
	}
	defer x.Close()
	defer rows.Close()
	line, n, header := 0, 0, false
	for rows.Next() {
		line++
		cells, err := rows.Columns()
		if err != nil {
			return fmt.Errorf("row %d: %v", line, err)
		}
		if emptyRow(cells) {
			continue
		}
		if !header {
			st.setHeader(t.File, cells)
			header = true
			continue
		}
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		st.row(line, cells, false)
		n++
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("row %d: %v", line, err)
	}
	if !header {
		return errors.New("no header row: the first sheet is empty")
	}
	t.RowCount = n
	return nil
}

func (t *Table) readXLSX(ctx context.Context, want []int, fn func(idx, line int, off int64, cells []string) error) error {
	f, err := t.open()
	if err != nil {
		return err
	}
	defer f.Close()
	x, rows, err := openXLSX(f)
	if err != nil {
		return fmt.Errorf("content: read table %s: %w", t.File, err)
	}
	defer x.Close()
	defer rows.Close()
	line, idx, header, wi := 0, 0, false, 0
	for rows.Next() {
		line++
		if want != nil && wi >= len(want) {
			return nil
		}
		cells, err := rows.Columns()
		if err != nil {
			return fmt.Errorf("content: read table %s: row %d: %w", t.File, line, err)
		}
		if emptyRow(cells) {
			continue
		}
		if !header {
			header = true
			continue
		}
		if idx%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if want == nil {
			if err := fn(idx, line, -1, cells); err != nil {
				return err
			}
		} else {
			for wi < len(want) && want[wi] < idx {
				wi++
			}
			if wi < len(want) && want[wi] == idx {
				if err := fn(idx, line, -1, cells); err != nil {
					return err
				}
				wi++
			}
		}
		idx++
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("content: read table %s: %w", t.File, err)
	}
	return nil
}
