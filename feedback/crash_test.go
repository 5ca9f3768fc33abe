package feedback

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

const crashHelperEnv = "FEEDBACK_CRASH_HELPER"

// crashHelper runs in a child process: it submits without end and prints each
// tracking code once Submit has returned it, until it is killed.
func crashHelper() {
	s, err := Open(context.Background(), "", os.Getenv(crashHelperEnv), WithLogger(quiet))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		sub, err := s.Submit(context.Background(), NewSubmission{Type: TypeQuestion, Agency: "a",
			Body: fmt.Sprintf("Câu hỏi số %d trước khi bị kill -9.", i), Email: "a@example.vn", Recipients: []string{"s@a.gov.vn"}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Fprintln(os.Stdout, sub.Code) // unbuffered: the parent sees it at once
	}
}

// TestKill9 kills a process that is submitting with SIGKILL and checks that
// every tracking code it was given is in the database afterwards.
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
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var codes []string
	timeout := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	defer timeout.Stop()
	for sc.Scan() {
		codes = append(codes, sc.Text())
		if len(codes) == 200 {
			cmd.Process.Signal(syscall.SIGKILL)
		}
	}
	cmd.Wait()
	if len(codes) < 200 {
		t.Fatalf("child printed %d codes before dying", len(codes))
	}
	s, err := Open(context.Background(), "", dir, WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range codes {
		sub, err := s.ByCode(context.Background(), c)
		if err != nil {
			t.Fatalf("code %s acknowledged before kill -9 is lost: %v", c, err)
		}
		if au, _ := s.Audit(context.Background(), sub.ID); len(au) != 1 {
			t.Fatalf("code %s: audit rows %d, want 1", c, len(au))
		}
	}
	pending, _ := s.OutboxPending(context.Background())
	if pending < 2*len(codes) {
		t.Errorf("outbox has %d mails for %d acknowledged submissions, want at least %d", pending, len(codes), 2*len(codes))
	}
	t.Logf("%d acknowledged submissions survived kill -9", len(codes))
}
