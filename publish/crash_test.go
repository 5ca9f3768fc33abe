package publish

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/congkhai/congkhai/internal/sqldb"
)

const crashHelperEnv = "PUBLISH_CRASH_HELPER"

// crashHelper runs in a child process: it records versions of a few items
// without end — each with a new table file of some size — and prints
// "path number id hash" once Record has returned, until it is killed.
func crashHelper() {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "", os.Getenv(crashHelperEnv), sqldb.WithLogger(quiet))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	s, err := New(ctx, db, WithLogger(quiet))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		p := fmt.Sprintf("so-tai-chinh/bang-%d", i%5)
		table := []byte(strings.Repeat(fmt.Sprintf("dòng %d;giá trị %d\n", i, i), 200+i%300))
		files, err := s.PutFiles(ctx, map[string][]byte{p + "/index.md": []byte("---\ntitle: Bảng\n---\n"), p + "/bang.csv": table})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		action := ActionCorrect
		if i < 5 {
			action = ActionPublish
		}
		v, _, err := s.Record(ctx, NewVersion{Path: p, Kind: Dataset, Action: action, Actor: TokenActor(1), Reason: "số liệu mới", Files: files})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		tf, _ := v.File(p + "/bang.csv")
		fmt.Fprintf(os.Stdout, "%s %d %d %s\n", p, v.Number, v.ID, tf.Hash) // unbuffered: the parent sees it at once
	}
}

// TestKill9 kills a process that is recording versions with SIGKILL and
// checks that every version it was told was recorded is there afterwards,
// with its file's bytes, and that the database is whole.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashHelperEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var acked []string
	timeout := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer timeout.Stop()
	for sc.Scan() {
		acked = append(acked, sc.Text())
		if len(acked) == 100 {
			cmd.Process.Signal(syscall.SIGKILL)
		}
	}
	cmd.Wait()
	if len(acked) < 100 {
		t.Fatalf("child printed %d versions before dying", len(acked))
	}
	s := testDB{dir: dir}.open(t)
	ctx := context.Background()
	for _, line := range acked {
		f := strings.Fields(line)
		n, _ := strconv.Atoi(f[1])
		id, _ := strconv.ParseInt(f[2], 10, 64)
		v, err := s.Version(ctx, f[0], n)
		if err != nil {
			t.Fatalf("version %s acknowledged before kill -9 is lost: %v", line, err)
		}
		tf, _ := v.File(f[0] + "/bang.csv")
		if v.ID != id || tf.Hash != f[3] {
			t.Errorf("version %s: got id %d, table %s", line, v.ID, tf.Hash)
		}
		if _, err := s.Blob(ctx, tf.Hash); err != nil {
			t.Errorf("version %s: table bytes: %v", line, err)
		}
	}
	// Numbers of each item count from 1 without gaps.
	err = s.EachLatest(ctx, func(l *Version) error {
		vs, err := s.Versions(ctx, l.Path)
		if err != nil {
			return err
		}
		for i, v := range vs {
			if v.Number != i+1 {
				t.Errorf("%s: version %d numbered %d", l.Path, i+1, v.Number)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := s.db.Reader().QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
	t.Logf("%d acknowledged versions survived kill -9", len(acked))
}
