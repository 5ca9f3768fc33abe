package main

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
)

func TestEnvDefaults(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantAddr string
		wantData string
		wantErr  bool
	}{
		{"defaults", nil, nil, "127.0.0.1:8080", "./data", false},
		{"environment", nil, map[string]string{"CONGKHAI_ADDR": "0.0.0.0:9000", "CONGKHAI_DATA": "/srv/data"}, "0.0.0.0:9000", "/srv/data", false},
		{"flag wins over environment", []string{"--addr", ":1"}, map[string]string{"CONGKHAI_ADDR": "0.0.0.0:9000"}, ":1", "./data", false},
		{"dashes become underscores", nil, map[string]string{"CONGKHAI_LOG_LEVEL": "debug"}, "127.0.0.1:8080", "./data", false},
		{"bad value names the variable", nil, map[string]string{"CONGKHAI_LOG_JSON": "maybe"}, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg config
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			cfg.flags(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := envDefaults(fs, func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("envDefaults: err = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				if !strings.Contains(err.Error(), "CONGKHAI_LOG_JSON") {
					t.Errorf("error %q does not name the variable", err)
				}
				return
			}
			if cfg.Addr != tt.wantAddr || cfg.Data != tt.wantData {
				t.Errorf("addr, data = %q, %q; want %q, %q", cfg.Addr, cfg.Data, tt.wantAddr, tt.wantData)
			}
		})
	}
}

func TestRunCommands(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{nil, 2, "", "Usage:"},
		{[]string{"nope"}, 2, "", `unknown command "nope"`},
		{[]string{"version"}, 0, "congkhai ", ""},
		{[]string{"help"}, 0, "congkhai serve", ""},
		{[]string{"check"}, 2, "", "usage: congkhai check [--lang vi|en] DIR"},
		{[]string{"check", "/khong/co/thu/muc"}, 2, "", "không phải là thư mục"},
		{[]string{"serve", "--bogus"}, 1, "", "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errb)
			if code != tt.code {
				t.Errorf("run(%q) = %d, want %d; stderr:\n%s", tt.args, code, tt.code, errb.String())
			}
			if !strings.Contains(out.String(), tt.inStdout) || !strings.Contains(errb.String(), tt.inStderr) {
				t.Errorf("run(%q): stdout %q, stderr %q; want %q and %q", tt.args, out.String(), errb.String(), tt.inStdout, tt.inStderr)
			}
		})
	}
}

func TestPublishLimits(t *testing.T) {
	tests := []struct {
		name              string
		args              []string
		wantFile, wantReq int64
		wantErr           bool
	}{
		{"defaults", nil, 64, 160, false},
		{"both given", []string{"--publish-max-file", "8", "--publish-max-request", "20"}, 8, 20, false},
		{"request smaller than a file", []string{"--publish-max-file", "100", "--publish-max-request", "20"}, 0, 0, true},
		{"no file at all", []string{"--publish-max-file", "0"}, 0, 0, true},
		{"beyond the record's bound", []string{"--publish-max-file", "200", "--publish-max-request", "400"}, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseServe(tt.args, new(bytes.Buffer))
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseServe: err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && (cfg.PublishMaxFile != tt.wantFile || cfg.PublishMaxRequest != tt.wantReq) {
				t.Errorf("limits = %d, %d MiB; want %d, %d", cfg.PublishMaxFile, cfg.PublishMaxRequest, tt.wantFile, tt.wantReq)
			}
		})
	}
}
