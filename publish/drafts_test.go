package publish

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestDraftWorkflow walks drafts through their states: what each step
// allows, and what an approval records.
func TestDraftWorkflow(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		const p = "so-tai-chinh/bao-cao"
		author, admin := StaffActor(3), StaffActor(9)
		f1 := datasetFiles(t, s, p, "ma,ten,gia\n1,Đất ở,100\n")
		f2 := datasetFiles(t, s, p, "ma,ten,gia\n1,Đất ở,120\n")

		d, err := s.CreateDraft(ctx, NewDraft{Kind: Dataset, Path: p, Author: author, Reason: "Công bố lần đầu", Files: f1})
		if err != nil {
			t.Fatal(err)
		}
		if d.State != DraftOpen || d.Action != ActionPublish || d.Agency != "so-tai-chinh" || d.Base != 0 || len(d.Files) != 2 {
			t.Errorf("new draft %+v", d)
		}
		id := d.ID
		type step struct {
			name  string
			do    func() (*Draft, error)
			err   error
			state DraftState
		}
		steps := []step{
			{"reject an open draft", func() (*Draft, error) { return s.RejectDraft(ctx, id, admin, "chưa gửi") }, ErrInvalidState, ""},
			{"update", func() (*Draft, error) { return s.UpdateDraft(ctx, id, "Công bố bảng giá", f2) }, nil, DraftOpen},
			{"submit", func() (*Draft, error) { return s.SubmitDraft(ctx, id) }, nil, DraftPending},
			{"update a pending draft", func() (*Draft, error) { return s.UpdateDraft(ctx, id, "x", f1) }, ErrInvalidState, ""},
			{"submit again", func() (*Draft, error) { return s.SubmitDraft(ctx, id) }, ErrInvalidState, ""},
			{"reject", func() (*Draft, error) { return s.RejectDraft(ctx, id, admin, "Thiếu cột đơn vị tính") }, nil, DraftRejected},
			{"approve a rejected draft", func() (*Draft, error) { d, _, err := s.ApproveDraft(ctx, id, admin, ""); return d, err }, ErrInvalidState, ""},
			{"update a rejected draft", func() (*Draft, error) { return s.UpdateDraft(ctx, id, "Công bố bảng giá (bổ sung)", f2) }, nil, DraftOpen},
			{"submit after the rejection", func() (*Draft, error) { return s.SubmitDraft(ctx, id) }, nil, DraftPending},
			{"approve", func() (*Draft, error) { d, _, err := s.ApproveDraft(ctx, id, admin, "Đồng ý"); return d, err }, nil, DraftPublished},
			{"approve again", func() (*Draft, error) { d, _, err := s.ApproveDraft(ctx, id, admin, ""); return d, err }, ErrInvalidState, ""},
			{"delete a published draft", func() (*Draft, error) { return nil, s.DeleteDraft(ctx, id) }, ErrInvalidState, ""},
			{"unknown draft", func() (*Draft, error) { return s.SubmitDraft(ctx, 99999) }, ErrNotFound, ""},
		}
		for _, st := range steps {
			clk.Add(time.Minute)
			d, err := st.do()
			if st.err != nil {
				if !errors.Is(err, st.err) {
					t.Errorf("%s: %v, want %v", st.name, err, st.err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			back, err := s.Draft(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if d.State != st.state || back.State != st.state || !back.Updated.Equal(d.Updated) {
				t.Errorf("%s: state %s (stored %s, updated %v / %v), want %s", st.name, d.State, back.State, d.Updated, back.Updated, st.state)
			}
		}

		d, err = s.Draft(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.Latest(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if v.Number != 1 || v.Action != ActionPublish || v.Actor != admin || v.Reason != "Công bố bảng giá (bổ sung)" || v.DraftID != id || !slices.Equal(v.Files, f2) {
			t.Errorf("published version %+v", v)
		}
		if d.VersionID != v.ID || d.Reviewer != admin || d.ReviewNote != "Đồng ý" || d.Submitted.IsZero() || d.Reviewed.IsZero() || d.Author != author {
			t.Errorf("published draft %+v", d)
		}

		// A correction, then a withdrawal drafted from the item's latest version.
		c, err := s.CreateDraft(ctx, NewDraft{Kind: Dataset, Path: p, Base: 1, Author: author, Reason: "Sửa giá", Files: f1})
		if err != nil || c.Action != ActionCorrect {
			t.Fatalf("correction draft %+v, %v", c, err)
		}
		if _, v, err := s.ApproveDraft(ctx, c.ID, admin, ""); err != nil || v.Number != 2 || v.Action != ActionCorrect {
			t.Fatalf("approve the correction: %+v, %v", v, err)
		}
		w, err := s.CreateDraft(ctx, NewDraft{Kind: Dataset, Path: p, Action: ActionWithdraw, Base: 2, Author: author, Reason: "Hết hiệu lực"})
		if err != nil {
			t.Fatal(err)
		}
		if _, v, err := s.ApproveDraft(ctx, w.ID, admin, ""); err != nil || v.Number != 3 || !v.Withdrawn() || !slices.Equal(v.Files, f1) {
			t.Fatalf("approve the withdrawal: %+v, %v", v, err)
		}

		// A draft that changes nothing is published as the latest version.
		same := publishNotice(t, s, "so-tai-chinh/y", "y")
		sd, err := s.CreateDraft(ctx, NewDraft{Kind: Notice, Path: same.Path, Base: 1, Author: author, Reason: "không đổi", Files: same.Files})
		if err != nil {
			t.Fatal(err)
		}
		if sd, v, err := s.ApproveDraft(ctx, sd.ID, admin, ""); err != nil || v.ID != same.ID || sd.State != DraftPublished || sd.VersionID != same.ID {
			t.Errorf("approve a draft that changes nothing: %+v, %+v, %v; want version %d", sd, v, err, same.ID)
		}

		// A draft that is deleted.
		x, err := s.CreateDraft(ctx, NewDraft{Kind: Notice, Path: "so-tai-chinh/nhap", Author: author, Files: noticeFiles(t, s, "so-tai-chinh/nhap", "nháp")})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteDraft(ctx, x.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Draft(ctx, x.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("Draft(deleted) = %v, want ErrNotFound", err)
		}
	})
}

// TestCreateDraftRefused: drafts the store does not take.
func TestCreateDraftRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, _ *clock) {
		ctx := context.Background()
		const p = "so-a/x"
		publishNotice(t, s, p, "một")
		files := noticeFiles(t, s, p, "hai")
		tests := []struct {
			name string
			nd   NewDraft
			want error
		}{
			{"stale base", NewDraft{Kind: Notice, Path: p, Base: 0, Author: StaffActor(1), Files: files}, ErrConflict},
			{"base ahead", NewDraft{Kind: Notice, Path: p, Base: 2, Author: StaffActor(1), Files: files}, ErrConflict},
			{"other kind", NewDraft{Kind: Dataset, Path: p, Base: 1, Author: StaffActor(1), Files: datasetFiles(t, s, p, "a\n")}, ErrInvalid},
			{"by a file", NewDraft{Kind: Notice, Path: p, Base: 1, Author: ActorFile, Files: files}, ErrInvalid},
			{"hand edit", NewDraft{Kind: Notice, Path: p, Action: ActionHandEdit, Base: 1, Author: StaffActor(1), Files: files}, ErrInvalid},
			{"withdrawal with files", NewDraft{Kind: Notice, Path: p, Action: ActionWithdraw, Base: 1, Author: StaffActor(1), Files: files}, ErrInvalid},
			{"bad file", NewDraft{Kind: Notice, Path: p, Base: 1, Author: StaffActor(1), Files: append(files, File{Name: "so-b/a", Hash: files[0].Hash})}, ErrInvalid},
			{"unknown blob", NewDraft{Kind: Notice, Path: p, Base: 1, Author: StaffActor(1), Files: []File{{Name: p + ".md", Hash: Hash([]byte("?"))}}}, ErrUnknownBlob},
			{"ok", NewDraft{Kind: Notice, Path: p, Base: 1, Author: TokenActor(4), Files: files}, nil},
		}
		for _, tt := range tests {
			_, err := s.CreateDraft(ctx, tt.nd)
			if tt.want == nil && err != nil || !errors.Is(err, tt.want) {
				t.Errorf("%s: CreateDraft = %v, want %v", tt.name, err, tt.want)
			}
		}
	})
}

// TestApproveConflict: of two drafts made from the same version, approved at
// once by two replicas, exactly one is published; the other fails with a
// *ConflictError and stays pending.
func TestApproveConflict(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			d := newTestDB(t, kind)
			a, b := d.open(t), d.open(t)
			ctx := context.Background()
			const p = "so-a/x"
			publishNotice(t, a, p, "bản đầu")
			for round := range 5 {
				base := round + 1
				var ids [2]int64
				for i, s := range []*Store{a, b} {
					dr, err := s.CreateDraft(ctx, NewDraft{Kind: Notice, Path: p, Base: base, Author: StaffActor(int64(i + 1)), Reason: "sửa",
						Files: noticeFiles(t, s, p, fmt.Sprintf("vòng %d, bản %d", round, i))})
					if err != nil {
						t.Fatal(err)
					}
					if _, err := s.SubmitDraft(ctx, dr.ID); err != nil {
						t.Fatal(err)
					}
					ids[i] = dr.ID
				}
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for i, s := range []*Store{a, b} {
					wg.Go(func() { _, _, errs[i] = s.ApproveDraft(ctx, ids[i], StaffActor(9), "") })
				}
				wg.Wait()
				won := 0
				for i, err := range errs {
					var ce *ConflictError
					switch {
					case err == nil:
						won++
					case errors.As(err, &ce) && errors.Is(err, ErrConflict) && ce.Base == base && ce.Latest == base+1:
						if dr, _ := a.Draft(ctx, ids[i]); dr.State != DraftPending {
							t.Errorf("round %d: the losing draft is %s, want pending", round, dr.State)
						}
					default:
						t.Errorf("round %d: approval %d: %v", round, i, err)
					}
				}
				if won != 1 {
					t.Fatalf("round %d: %d approvals won, want 1", round, won)
				}
			}
			vs, _ := a.Versions(ctx, p)
			if len(vs) != 6 {
				t.Errorf("%d versions, want 6", len(vs))
			}
		})
	}
}

// TestDrafts lists drafts by agency, path, state and author.
func TestDrafts(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		mk := func(p string, author int64, submit bool) int64 {
			clk.Add(time.Minute)
			d, err := s.CreateDraft(ctx, NewDraft{Kind: Notice, Path: p, Author: StaffActor(author), Files: noticeFiles(t, s, p, p)})
			if err != nil {
				t.Fatal(err)
			}
			if submit {
				if _, err := s.SubmitDraft(ctx, d.ID); err != nil {
					t.Fatal(err)
				}
			}
			return d.ID
		}
		a1, a2, b1 := mk("so-a/x", 1, false), mk("so-a/y", 2, true), mk("so-b/x", 3, true)
		tests := []struct {
			name string
			f    DraftFilter
			want []int64
		}{
			{"all, newest first", DraftFilter{}, []int64{b1, a2, a1}},
			{"agency", DraftFilter{Agency: "so-a"}, []int64{a2, a1}},
			{"pending", DraftFilter{States: []DraftState{DraftPending}}, []int64{b1, a2}},
			{"open or rejected", DraftFilter{States: []DraftState{DraftOpen, DraftRejected}}, []int64{a1}},
			{"path", DraftFilter{Path: "so-b/x"}, []int64{b1}},
			{"author", DraftFilter{Author: StaffActor(2)}, []int64{a2}},
			{"limit", DraftFilter{Limit: 1}, []int64{b1}},
			{"none", DraftFilter{Agency: "so-z"}, nil},
		}
		for _, tt := range tests {
			ds, err := s.Drafts(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, d := range ds {
				got = append(got, d.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: Drafts = %v, want %v", tt.name, got, tt.want)
			}
		}
	})
}
