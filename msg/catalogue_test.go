package msg

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

const modulePath = "github.com/congkhai/congkhai"

// use is a format found in the source, and where.
type use struct {
	format string
	pos    string
}

// sourceFormats reads every non-test Go file of the module's packages that
// import this one and returns the formats of the messages they make: the
// constant format of each call of New, Errorf, and of each function (declared,
// a function value, a parameter or field of function type) whose last
// parameters are (format string, args ...any). A call of New or Errorf whose
// format is not a constant (nor the format parameter of such a function) is
// reported as bad.
func sourceFormats(t *testing.T) (uses []use, bad []string) {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "go.mod")); err != nil || !strings.Contains(string(b), "module "+modulePath+"\n") {
		t.Fatalf("%s is not the module's root", root)
	}
	dirs := map[string][]*ast.File{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != root && (n == "testdata" || n == "node_modules" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dirs[filepath.Dir(p)] = append(dirs[filepath.Dir(p)], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	self, _ := filepath.Abs(".")
	for dir, files := range dirs {
		if dir == self {
			continue
		}
		imports := false
		for _, f := range files {
			for _, is := range f.Imports {
				if is.Path.Value == strconv.Quote(modulePath+"/msg") {
					imports = true
				}
			}
		}
		if !imports {
			continue
		}
		// The functions that take a format, by name, with the format's index:
		// called by name (funcs) or as a method or field (methods).
		funcs, methods := map[string]int{}, map[string]int{}
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncDecl:
					if i, ok := formatParam(n.Type); ok && n.Recv != nil {
						methods[n.Name.Name] = i
					} else if ok {
						funcs[n.Name.Name] = i
					}
				case *ast.Field:
					if ft, ok := n.Type.(*ast.FuncType); ok {
						if i, ok := formatParam(ft); ok {
							for _, name := range n.Names {
								funcs[name.Name], methods[name.Name] = i, i
							}
						}
					}
				case *ast.AssignStmt:
					for k, r := range n.Rhs {
						if fl, ok := r.(*ast.FuncLit); ok && k < len(n.Lhs) {
							if i, ok := formatParam(fl.Type); ok {
								if id, ok := n.Lhs[k].(*ast.Ident); ok {
									funcs[id.Name] = i
								}
							}
						}
					}
				}
				return true
			})
		}
		for _, f := range files {
			msgName := "msg"
			for _, is := range f.Imports {
				if is.Path.Value == strconv.Quote(modulePath+"/msg") && is.Name != nil {
					msgName = is.Name.Name
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				idx, direct := -1, false
				switch fn := call.Fun.(type) {
				case *ast.SelectorExpr:
					if x, ok := fn.X.(*ast.Ident); ok && x.Name == msgName && (fn.Sel.Name == "New" || fn.Sel.Name == "Errorf") {
						idx, direct = 0, true
					} else if i, ok := methods[fn.Sel.Name]; ok {
						idx = i
					}
				case *ast.Ident:
					if i, ok := funcs[fn.Name]; ok {
						idx = i
					}
				}
				if idx < 0 || idx >= len(call.Args) {
					return true
				}
				pos := fset.Position(call.Pos())
				where := fmt.Sprintf("%s:%d", strings.TrimPrefix(pos.Filename, root+"/"), pos.Line)
				if s, ok := constString(call.Args[idx]); ok {
					uses = append(uses, use{s, where})
				} else if id, ok := call.Args[idx].(*ast.Ident); direct && !(ok && id.Name == "format") {
					bad = append(bad, where)
				}
				return true
			})
		}
	}
	return uses, bad
}

// formatParam returns the index of the format parameter of a function type
// whose last parameters are (format string, args ...any).
func formatParam(ft *ast.FuncType) (int, bool) {
	var names []string
	var types []ast.Expr
	for _, f := range ft.Params.List {
		if len(f.Names) == 0 {
			names, types = append(names, ""), append(types, f.Type)
		}
		for _, n := range f.Names {
			names, types = append(names, n.Name), append(types, f.Type)
		}
	}
	n := len(types)
	if n < 2 || names[n-2] != "format" {
		return 0, false
	}
	if id, ok := types[n-2].(*ast.Ident); !ok || id.Name != "string" {
		return 0, false
	}
	el, ok := types[n-1].(*ast.Ellipsis)
	if !ok {
		return 0, false
	}
	switch e := el.Elt.(type) {
	case *ast.Ident:
		return n - 2, e.Name == "any"
	case *ast.InterfaceType:
		return n - 2, len(e.Methods.List) == 0
	}
	return 0, false
}

// constString evaluates a string literal, or a sum of them.
func constString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := constString(e.X)
		b, ok2 := constString(e.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return constString(e.X)
	}
	return "", false
}

// TestCatalogue fails when a message of the source has no Vietnamese, when the
// catalogue holds a format no code uses, and when a format is not a constant.
func TestCatalogue(t *testing.T) {
	uses, bad := sourceFormats(t)
	if len(uses) < 100 {
		t.Fatalf("found %d messages in the source: the scan is broken", len(uses))
	}
	for _, b := range bad {
		t.Errorf("%s: the format of msg.New or msg.Errorf must be a constant", b)
	}
	used := map[string]bool{}
	var missing []string
	for _, u := range uses {
		used[u.format] = true
		if _, ok := vi[u.format]; !ok {
			missing = append(missing, fmt.Sprintf("%s: %q", u.pos, u.format))
		}
	}
	slices.Sort(missing)
	missing = slices.Compact(missing)
	for _, m := range missing {
		t.Errorf("no Vietnamese for %s", m)
	}
	for en := range vi {
		if !used[en] {
			t.Errorf("the catalogue translates %q, which no code uses", en)
		}
	}
}

var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d*)?[a-zA-Z%]`)

// TestTranslations checks every Vietnamese format against its English one:
// the same arguments, each used, none missing (no "%!" in the output); NFC;
// no "%" in a format without verbs (shown as written).
func TestTranslations(t *testing.T) {
	for en, v := range vi {
		if !norm.NFC.IsNormalString(v) {
			t.Errorf("%q: the Vietnamese is not NFC", en)
		}
		if strings.TrimSpace(v) == "" && strings.TrimSpace(en) != "" {
			t.Errorf("%q: the Vietnamese is empty", en)
		}
		var args []any
		var want []string
		for _, m := range verbRE.FindAllStringSubmatch(en, -1) {
			verb := m[0][len(m[0])-1]
			switch {
			case verb == '%':
				continue
			case m[1] != "":
				t.Errorf("%q: the English format uses explicit argument indexes", en)
			case verb == 'd' || verb == 'x':
				n := 7001 + len(args)
				args = append(args, n)
				if verb == 'd' {
					want = append(want, strconv.Itoa(n))
				}
			case verb == 'f':
				args = append(args, float64(8001+len(args)))
			default:
				s := fmt.Sprintf("ARG%d", len(args))
				args = append(args, s)
				want = append(want, s)
			}
		}
		if len(args) == 0 {
			if strings.Contains(en, "%") || strings.Contains(v, "%") {
				t.Errorf("%q: a format without arguments is shown as written: it may not hold %%", en)
			}
			continue
		}
		got := fmt.Sprintf(v, args...)
		if strings.Contains(got, "%!") {
			t.Errorf("%q: the Vietnamese %q does not take the English arguments: %s", en, v, got)
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%q: the Vietnamese %q leaves out an argument (%s)", en, v, got)
			}
		}
	}
}
