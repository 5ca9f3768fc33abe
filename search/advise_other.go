//go:build !unix

package search

func adviseRandom([]byte, string) {}
