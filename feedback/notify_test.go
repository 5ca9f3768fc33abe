package feedback

import (
	"context"
	"testing"
)

func TestNotifyOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		mails := []Mail{
			{Kind: "obligation_due", To: "A@x.gov.vn", Subject: "Sắp đến hạn", Body: "…"},
			{Kind: "obligation_due", To: "a@x.gov.vn", Subject: "Sắp đến hạn", Body: "…"},
			{Kind: "obligation_due", To: "not an address", Subject: "Sắp đến hạn", Body: "…"},
			{Kind: "obligation_due", To: "b@x.gov.vn", Subject: "Sắp đến hạn", Body: "…"},
		}
		for i, want := range []bool{true, false} {
			sent, err := s.NotifyOnce(ctx, "obligation du-toan/ubnd-huyen/2027", mails, clk.Now())
			if err != nil || sent != want {
				t.Fatalf("call %d: NotifyOnce = %v, %v; want %v", i+1, sent, err, want)
			}
		}
		if sent, err := s.NotifyOnce(ctx, "obligation other", mails[:1], clk.Now()); err != nil || !sent {
			t.Fatalf("another key: %v, %v", sent, err)
		}
		got, err := s.ClaimOutbox(ctx, 10, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Errorf("%d mails queued, want 3 (two addresses, then one)", len(got))
		}
	})
}
