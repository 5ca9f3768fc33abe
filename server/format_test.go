package server

import (
	"testing"
	"time"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		n        float64
		decimals int
		want     string
	}{
		{0, 0, "0"},
		{999, 0, "999"},
		{1000, 0, "1.000"},
		{1234567, 0, "1.234.567"},
		{1234567.5, 1, "1.234.567,5"},
		{-1234.25, 2, "-1.234,25"},
		{-0.0001, 0, "0"},
		{12500000, 0, "12.500.000"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.n, tt.decimals); got != tt.want {
			t.Errorf("formatNumber(%v, %d) = %q, want %q", tt.n, tt.decimals, got, tt.want)
		}
	}
	for _, tt := range []struct {
		n    float64
		want string
	}{{18.4, "18,4"}, {3, "3"}, {0.12345678, "0,1235"}} {
		if got := formatDecimal(tt.n); got != tt.want {
			t.Errorf("formatDecimal(%v) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, ""},
		{time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), "05/01/2026"},
		// 20:00 UTC on 31/12 is already 1 January in Hà Nội.
		{time.Date(2025, 12, 31, 20, 0, 0, 0, time.UTC), "01/01/2026"},
	}
	for _, tt := range tests {
		if got := formatDate(tt.t); got != tt.want {
			t.Errorf("formatDate(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{{512, "512 B"}, {2048, "2 KB"}, {3 << 20, "3,0 MB"}} {
		if got := formatBytes(tt.n); got != tt.want {
			t.Errorf("formatBytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
