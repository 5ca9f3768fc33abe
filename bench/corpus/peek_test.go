package corpus

import (
	"fmt"
	"os"
	"testing"
)

func TestPeek(t *testing.T) {
	if os.Getenv("PEEK") == "" {
		t.Skip()
	}
	c, _ := New(Config{Notices: 100000, Rows: 1000000, Seed: 1, DataDir: sharedData})
	fmt.Println(c)
	fmt.Println(NoticeMD(c.Notice(5)))
	for _, q := range c.Mix(40) {
		fmt.Printf("%q ", q.Text)
	}
	fmt.Println()
	fmt.Println(c.Broadest(20))
	fmt.Println(c.FoldingSet(3))
}
