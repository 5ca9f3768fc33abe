package opendata

import (
	"context"
	"testing"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/demo"
)

const testBase = "https://congkhai.example.vn"

// demoSite loads the bundled demo province.
func demoSite(t testing.TB) *content.Site {
	t.Helper()
	site, problems := content.Load(context.Background(), demo.FS(), nil)
	for _, p := range problems {
		if !p.Guess {
			t.Fatalf("demo: %s", p)
		}
	}
	return site
}

// fixedModified gives every dataset a metadata time a day after its update.
func fixedModified(d *content.Dataset) time.Time { return d.Updated.Add(24 * time.Hour) }

func demoCatalog(t testing.TB) *Catalog {
	t.Helper()
	return NewCatalog(demoSite(t), Options{Base: testBase, Modified: fixedModified})
}
