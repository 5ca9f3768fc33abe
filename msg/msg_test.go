package msg

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"io/fs"
	"testing"
)

// TestIn renders messages in both languages: arguments stay as they are,
// nested messages are rendered in the same language, and an unknown language
// is Vietnamese.
func TestIn(t *testing.T) {
	cell := New("line %d: %q", 12, "1,120,237,007")
	tests := []struct {
		name   string
		t      Text
		vi, en string
	}{
		{"no arguments", New("the file is empty (0 bytes)"), "tệp rỗng (0 byte)", "the file is empty (0 bytes)"},
		{"quoted argument", New("unknown field %q", "tieu_de"), "không có trường “tieu_de”", `unknown field "tieu_de"`},
		{"nested", New("sheet %q: %v", "Biểu 1", New("column %q: %v", "Số tiền", New("1 value is not %v", New("a number")))),
			"trang tính “Biểu 1”: cột “Số tiền”: 1 giá trị không phải là số", `sheet "Biểu 1": column "Số tiền": 1 value is not a number`},
		{"reordered", New("a cell of more than %d bytes in sheet %q", 32767, "Biểu 2"),
			"trang tính “Biểu 2” có ô dài hơn 32767 byte", `a cell of more than 32767 bytes in sheet "Biểu 2"`},
		{"error argument", New("%s: %v", "published", Errorf("bad date %q: write 2025-01-15 or 15/01/2025, optionally with a time (2025-01-15 08:30)", "32/01/2025")),
			"published: ngày “32/01/2025” không hợp lệ: hãy viết 2025-01-15 hoặc 15/01/2025, có thể kèm giờ (2025-01-15 08:30)",
			`published: bad date "32/01/2025": write 2025-01-15 or 15/01/2025, optionally with a time (2025-01-15 08:30)`},
		{"percent", New("guessed %s: %s (%v, confidence %.0f%%); declare %s in index.md to override", "numbers", "vi", cell, 40.0, "numbers"),
			"cổng đoán numbers là vi (dòng 12: “1,120,237,007”, độ tin cậy 40%); khai báo numbers trong index.md nếu muốn khác",
			`guessed numbers: vi (line 12: "1,120,237,007", confidence 40%); declare numbers in index.md to override`},
		{"not in the catalogue", New("%d oranges", 3), "3 oranges", "3 oranges"},
		{"zero", Text{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.t.In(VI); got != tt.vi {
				t.Errorf("In(VI) = %q, want %q", got, tt.vi)
			}
			if got := tt.t.In("fr"); got != tt.vi {
				t.Errorf("In(fr) = %q, want the Vietnamese %q", got, tt.vi)
			}
			if got := tt.t.In(EN); got != tt.en {
				t.Errorf("In(EN) = %q, want %q", got, tt.en)
			}
			if got := tt.t.String(); got != tt.en {
				t.Errorf("String() = %q, want %q", got, tt.en)
			}
		})
	}
}

func TestErrorf(t *testing.T) {
	err := Errorf("cannot read: %w", fs.ErrNotExist)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Errorf(%%w) does not wrap its error")
	}
	if got, want := err.Error(), "cannot read: file does not exist"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var e *Error
	if !errors.As(err, &e) || e.In(VI) != "không đọc được: file does not exist" {
		t.Errorf("In(VI) = %q", e.In(VI))
	}
}

func TestLang(t *testing.T) {
	for in, want := range map[string]string{"en": EN, "EN": EN, "en-US": EN, "en_GB.UTF-8": EN, "English": EN,
		"vi": VI, "vi-VN": VI, "": VI, "fr": VI, "C.UTF-8": VI} {
		if got := Lang(in); got != want {
			t.Errorf("Lang(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		lang string
		n    int
		want string
	}{{EN, 0, "0 problems"}, {EN, 1, "1 problem"}, {EN, 2, "2 problems"}, {EN, 21, "21 problems"},
		{VI, 0, "0 lỗi"}, {VI, 1, "1 lỗi"}, {VI, 2, "2 lỗi"}} {
		if got := Count(tt.lang, tt.n, "lỗi", "problem", "problems"); got != tt.want {
			t.Errorf("Count(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

// TestEncoding: gob keeps a message as it reads in both languages (its
// arguments may be of any type); JSON writes it in English.
func TestEncoding(t *testing.T) {
	type problem struct {
		Path string
		Msg  Text
	}
	in := []problem{
		{"a.md", New("sheet %q: %v", "Biểu 1", Errorf("cannot read: %w", fs.ErrNotExist))},
		{"b.md", Text{}},
		{"c.md", New("the file is empty (0 bytes)")},
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(in); err != nil {
		t.Fatal(err)
	}
	var out []problem
	if err := gob.NewDecoder(&buf).Decode(&out); err != nil {
		t.Fatal(err)
	}
	for i := range in {
		for _, lang := range []string{VI, EN} {
			if got, want := out[i].Msg.In(lang), in[i].Msg.In(lang); got != want {
				t.Errorf("%s after gob, in %s = %q, want %q", in[i].Path, lang, got, want)
			}
		}
	}
	if !out[1].Msg.IsZero() {
		t.Errorf("a zero Text after gob = %#v", out[1].Msg)
	}
	b, err := json.Marshal(in[2])
	if err != nil || string(b) != `{"Path":"c.md","Msg":"the file is empty (0 bytes)"}` {
		t.Errorf("JSON = %s, %v", b, err)
	}
}
