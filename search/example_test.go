package search_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/congkhai/congkhai/search"
)

func ExampleIndex_Search() {
	dir, _ := os.MkdirTemp("", "search-example-")
	defer os.RemoveAll(dir)
	ix, rebuilt, err := search.OpenOrRebuild(dir, search.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ix.Close()
	_ = rebuilt // true: re-index everything

	ctx := context.Background()
	err = ix.Apply(ctx, []search.Document{{
		ID: "notice:so-tnmt/gia-dat", Kind: "notice", URL: "/so-tnmt/gia-dat",
		Title:  "Bảng giá đất đường Trần Hưng Đạo",
		Body:   "Giá đất ở vị trí 1 là 12.000.000 đồng/m2.",
		Number: "15/QĐ-UBND", Agency: "so-tnmt", Published: time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC),
	}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, q := range []string{"gia dat", "15/qd-ubnd", "gia dta"} {
		res, err := ix.Search(ctx, search.Request{Query: q, Highlight: true})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %d hit(s)", q, res.Total)
		if len(res.Hits) > 0 {
			fmt.Printf(", %s", res.Hits[0].Snippet)
		}
		if res.Corrected != "" {
			fmt.Printf(", showing the hits of %q", res.Corrected)
		}
		fmt.Println()
	}
	// Output:
	// gia dat: 1 hit(s), <mark>Giá</mark> <mark>đất</mark> ở vị trí 1 là 12.000.000 đồng/m2.
	// 15/qd-ubnd: 1 hit(s), Giá đất ở vị trí 1 là 12.000.000 đồng/m2.
	// gia dta: 1 hit(s), <mark>Giá</mark> <mark>đất</mark> ở vị trí 1 là 12.000.000 đồng/m2., showing the hits of "gia dat"
}

func ExampleFold() {
	fmt.Println(search.Fold("Đường Trần Hưng Đạo"))
	// Output: duong tran hung dao
}
