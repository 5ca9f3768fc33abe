package tables

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/msg"
)

// TestMessagesInBothLanguages reads files the reader refuses or finds fault
// with, and reads each message in Vietnamese and in English.
func TestMessagesInBothLanguages(t *testing.T) {
	tests := []struct {
		name, file, data string
		vi, en           string
	}{
		{"UTF-16", "a.csv", "\xff\xfeA\x00,\x00B\x00", `a.csv: văn bản UTF-16 (kiểu "Unicode Text" của Excel): hãy lưu tệp dưới dạng "CSV UTF-8"`,
			`a.csv: UTF-16 text (Excel's "Unicode Text"): save the file as "CSV UTF-8"`},
		{"web page", "b.xls", "<html><body><table><tr><td>1</td></tr></table></body></html>",
			"b.xls: đây là trang HTML hoặc XML có đuôi .xls (xuất từ trang web), không phải tệp Excel: hãy mở tệp bằng Excel hoặc LibreOffice rồi lưu dưới dạng .xlsx",
			"b.xls: an HTML or XML page named .xls (a web export), not an Excel workbook: open it in Excel or LibreOffice and save it as .xlsx"},
		{"empty", "c.csv", "", "c.csv: tệp rỗng (0 byte)", "c.csv: the file is empty (0 bytes)"},
		{"numbers both ways", "d.csv", "Tên,Số tiền\nA,1.234.567\nB,2.345.678\nC,\"3,456,789\"\n",
			"cột “Số tiền”: số được viết cả kiểu Việt (2) lẫn kiểu Anh (1); đã đọc theo kiểu tiếng Việt: hãy viết thống nhất một kiểu (1.234.567,5)",
			`column "Số tiền": numbers are written both the Vietnamese way (2) and the English way (1); they were read the Vietnamese way: write them one way (1.234.567,5)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb, err := Read(context.Background(), tt.file, strings.NewReader(tt.data), int64(len(tt.data)), Options{})
			var got []msg.Localizer
			var te *Error
			switch {
			case errors.As(err, &te):
				got = append(got, te)
			case err != nil:
				t.Fatal(err)
			default:
				for _, tb := range wb.Tables {
					for _, p := range tb.Problems {
						got = append(got, p)
					}
				}
			}
			found := false
			for _, l := range got {
				if l.In(msg.EN) == tt.en {
					found = true
					if vi := l.In(msg.VI); vi != tt.vi {
						t.Errorf("in Vietnamese = %q, want %q", vi, tt.vi)
					}
				}
			}
			if !found {
				var all []string
				for _, l := range got {
					all = append(all, l.In(msg.EN))
				}
				t.Errorf("no %q among %q", tt.en, all)
			}
		})
	}
}
