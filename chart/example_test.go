package chart_test

import (
	"errors"
	"fmt"
	"math"

	"github.com/congkhai/congkhai/chart"
)

func ExampleBar() {
	c, err := chart.Bar(chart.Spec{
		ID:      "du-toan-thu",
		Title:   "Dự toán thu ngân sách năm 2026",
		Labels:  []string{"Thu nội địa", "Thu từ hoạt động xuất khẩu, nhập khẩu", "Thu viện trợ"},
		Series:  []chart.Series{{Name: "Dự toán", Values: []float64{10110000, 10500000, 5000}}},
		Unit:    "triệu đồng",
		TableID: "bang-du-toan-thu",
		MaxBars: 2,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Shown, c.Omitted)
	// Output: 2 [Thu viện trợ]
}

func ExampleBar_invalid() {
	_, err := chart.Bar(chart.Spec{Title: "Thu", Labels: []string{"Xã Cẩm Quang"}, Series: []chart.Series{{Values: []float64{math.NaN()}}}})
	fmt.Println(errors.Is(err, chart.ErrSpec))
	// Output: true
}
