package feedback

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a small but real SMTP server (RFC 5321 subset: EHLO,
// STARTTLS, AUTH PLAIN and LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for the
// tests.
type smtpServer struct {
	ln         net.Listener
	tls        *tls.Config
	implicit   bool // TLS from the first byte
	noStartTLS bool
	user, pass string
	mechs      string // AUTH mechanisms offered: "PLAIN" when empty

	mu       sync.Mutex
	received []smtpReceived
	failNext int // answer 451 to the next DATA commands
}

type smtpReceived struct {
	from, to   string
	msg        *mail.Message
	raw        string // the message as it came, with CRLF line ends
	body       string
	tls, authd bool
}

// testCert returns a self-signed certificate for 127.0.0.1 and the pool trusting it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func startSMTP(t *testing.T, implicit bool, user, pass string) (*smtpServer, *x509.CertPool) {
	t.Helper()
	cert, pool := testCert(t)
	srv := &smtpServer{tls: &tls.Config{Certificates: []tls.Certificate{cert}}, implicit: implicit, user: user, pass: pass}
	var err error
	if implicit {
		srv.ln, err = tls.Listen("tcp", "127.0.0.1:0", srv.tls)
	} else {
		srv.ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.ln.Close() })
	go func() {
		for {
			c, err := srv.ln.Accept()
			if err != nil {
				return
			}
			go srv.serve(c)
		}
	}()
	return srv, pool
}

func between(s, open, close string) string {
	_, rest, _ := strings.Cut(s, open)
	in, _, _ := strings.Cut(rest, close)
	return in
}

func (srv *smtpServer) port() int { return srv.ln.Addr().(*net.TCPAddr).Port }

func (srv *smtpServer) mails() []smtpReceived {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return append([]smtpReceived(nil), srv.received...)
}

func (srv *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	tp := textproto.NewConn(conn)
	secure, authd := srv.implicit, false
	var from string
	var to []string
	tp.PrintfLine("220 test.local ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"test.local", "8BITMIME"}
			if !secure && !srv.noStartTLS {
				ext = append(ext, "STARTTLS")
			}
			if srv.user != "" {
				mechs := srv.mechs
				if mechs == "" {
					mechs = "PLAIN"
				}
				ext = append(ext, "AUTH "+mechs)
			}
			for i, e := range ext {
				sep := "-"
				if i == len(ext)-1 {
					sep = " "
				}
				tp.PrintfLine("250%s%s", sep, e)
			}
		case "STARTTLS":
			if secure || srv.noStartTLS {
				tp.PrintfLine("503 already secure")
				continue
			}
			tp.PrintfLine("220 go ahead")
			tc := tls.Server(conn, srv.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, secure, from, to = tc, true, "", nil
			tp = textproto.NewConn(tc)
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			mech = strings.ToUpper(mech)
			offered := srv.mechs
			if offered == "" {
				offered = "PLAIN"
			}
			ok := false
			switch {
			case !strings.Contains(" "+offered+" ", " "+mech+" "):
			case mech == "PLAIN":
				raw, err := base64.StdEncoding.DecodeString(resp)
				ok = err == nil && string(raw) == "\x00"+srv.user+"\x00"+srv.pass
			case mech == "LOGIN":
				read := func(prompt string) string {
					tp.PrintfLine("334 %s", base64.StdEncoding.EncodeToString([]byte(prompt)))
					line, _ := tp.ReadLine()
					b, _ := base64.StdEncoding.DecodeString(line)
					return string(b)
				}
				ok = read("Username:") == srv.user && read("Password:") == srv.pass
			}
			if !ok {
				tp.PrintfLine("535 authentication failed")
				continue
			}
			authd = true
			tp.PrintfLine("235 ok")
		case "MAIL":
			if srv.user != "" && !authd {
				tp.PrintfLine("530 authentication required")
				continue
			}
			from = between(arg, "<", ">")
			tp.PrintfLine("250 ok")
		case "RCPT":
			to = append(to, between(arg, "<", ">"))
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 end with .")
			var raw strings.Builder
			for {
				line, err := tp.R.ReadString('\n')
				if err != nil {
					return
				}
				if line == ".\r\n" {
					break
				}
				raw.WriteString(strings.TrimPrefix(line, "."))
			}
			data := strings.ReplaceAll(raw.String(), "\r\n", "\n")
			srv.mu.Lock()
			fail := srv.failNext > 0
			if fail {
				srv.failNext--
			}
			srv.mu.Unlock()
			if fail {
				tp.PrintfLine("451 try again later")
				continue
			}
			msg, err := mail.ReadMessage(strings.NewReader(string(data)))
			if err != nil {
				tp.PrintfLine("554 bad message: %v", err)
				continue
			}
			body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
			srv.mu.Lock()
			for _, r := range to {
				srv.received = append(srv.received, smtpReceived{from: from, to: r, msg: msg, raw: raw.String(), body: string(body), tls: secure, authd: authd})
			}
			srv.mu.Unlock()
			tp.PrintfLine("250 queued")
		case "RSET":
			from, to = "", nil
			tp.PrintfLine("250 ok")
		case "NOOP":
			tp.PrintfLine("250 ok")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 not implemented")
		}
	}
}

func TestSMTPMailer(t *testing.T) {
	tests := []struct {
		name       string
		implicit   bool
		noStartTLS bool
		mechs      string // offered by the server
		security   string
		user, pass string // client's
		wantErr    string
		wantTLS    bool
	}{
		{"starttls with auth", false, false, "", SMTPStartTLS, "noreply", "bí mật", "", true},
		{"implicit tls with auth", true, false, "", SMTPTLS, "noreply", "bí mật", "", true},
		{"no tls on localhost", false, true, "", SMTPNone, "noreply", "bí mật", "", false},
		{"starttls required", false, true, "", SMTPStartTLS, "noreply", "bí mật", "STARTTLS", false},
		{"wrong password", false, false, "", SMTPStartTLS, "noreply", "sai", "auth", true},
		{"only AUTH LOGIN offered, as Microsoft 365 does", false, false, "LOGIN", SMTPStartTLS, "noreply", "bí mật", "", true},
		{"LOGIN and PLAIN offered, implicit tls", true, false, "LOGIN PLAIN", SMTPTLS, "noreply", "bí mật", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, pool := startSMTP(t, tt.implicit, "noreply", "bí mật")
			srv.noStartTLS, srv.mechs = tt.noStartTLS, tt.mechs
			m, err := NewSMTPMailer(SMTPConfig{
				Host: "127.0.0.1", Port: srv.port(), Username: tt.user, Password: tt.pass,
				From: "Cổng công khai <noreply@congkhai.gov.vn>", Security: tt.security,
				TLSConfig: &tls.Config{RootCAs: pool}, Timeout: 5 * time.Second,
			})
			if err != nil {
				t.Fatal(err)
			}
			err = m.Send(t.Context(), Mail{To: "dan@example.vn", Subject: "Trả lời ý kiến – mã GY-7K3M\r\nBcc: evil@x", Body: "Xin chào,\nĐây là câu trả lời: ổn định.\n"})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Send() error = %v, want one about %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Send(): %v", err)
			}
			got := srv.mails()
			if len(got) != 1 {
				t.Fatalf("server received %d mails, want 1", len(got))
			}
			r := got[0]
			subject, _ := new(mime.WordDecoder).DecodeHeader(r.msg.Header.Get("Subject"))
			if r.from != "noreply@congkhai.gov.vn" || r.to != "dan@example.vn" || r.tls != tt.wantTLS || !r.authd {
				t.Errorf("envelope %s → %s, tls %v, auth %v", r.from, r.to, r.tls, r.authd)
			}
			if subject != "Trả lời ý kiến – mã GY-7K3M\r\nBcc: evil@x" || r.msg.Header.Get("Bcc") != "" {
				t.Errorf("Subject = %q, Bcc = %q: header injection", subject, r.msg.Header.Get("Bcc"))
			}
			// ReadDotBytes turns the wire's CRLF back into LF.
			if r.body != "Xin chào,\nĐây là câu trả lời: ổn định.\n" {
				t.Errorf("body = %q", r.body)
			}
			if from, _ := new(mime.WordDecoder).DecodeHeader(r.msg.Header.Get("From")); !strings.HasPrefix(from, "\"Cổng công khai\"") && !strings.HasPrefix(from, "Cổng công khai") {
				t.Errorf("From = %q", from)
			}
		})
	}
	if _, err := NewSMTPMailer(SMTPConfig{Host: "x", From: "not an address"}); err == nil {
		t.Error("NewSMTPMailer(bad from) succeeded")
	}
}

// TestSMTPMessage checks the message as it reaches the server: a long
// Vietnamese subject is encoded and folded into lines of at most 78
// characters and decodes back whole; the headers a program's mail carries.
func TestSMTPMessage(t *testing.T) {
	srv, pool := startSMTP(t, false, "", "")
	m, err := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: srv.port(), From: "Cổng công khai <noreply@congkhai.gov.vn>",
		TLSConfig: &tls.Config{RootCAs: pool}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	subject := "[Cổng công khai tỉnh] " + strings.Repeat("Thông báo thu hồi đất để thực hiện dự án đường ven biển, ", 8)
	body := strings.Repeat("Dòng rất dài của thư trả lời công dân về việc bồi thường, hỗ trợ và tái định cư. ", 20) + "\n.\nHết.\n"
	if err := m.Send(t.Context(), Mail{To: "Nguyễn Văn An <an@example.vn>", Subject: subject, Body: body}); err != nil {
		t.Fatal(err)
	}
	got := srv.mails()
	if len(got) != 1 {
		t.Fatalf("server received %d mails, want 1", len(got))
	}
	r := got[0]
	for i, line := range strings.Split(strings.TrimSuffix(r.raw, "\r\n"), "\r\n") {
		if len(line) > 78 && !strings.HasPrefix(line, "Message-ID:") {
			t.Errorf("line %d has %d characters: %.90q", i+1, len(line), line)
		}
	}
	dec := new(mime.WordDecoder)
	if got, err := dec.DecodeHeader(r.msg.Header.Get("Subject")); err != nil || got != subject {
		t.Errorf("Subject decodes to %q, %v", got, err)
	}
	if to, _ := dec.DecodeHeader(r.msg.Header.Get("To")); !strings.Contains(to, "Nguyễn Văn An") || !strings.Contains(to, "<an@example.vn>") {
		t.Errorf("To = %q", to)
	}
	if r.body != body {
		t.Errorf("body = %q, want %q", r.body, body)
	}
	h := r.msg.Header
	for k, want := range map[string]string{
		"Auto-Submitted": "auto-generated",
		"Content-Type":   "text/plain; charset=UTF-8",
		"MIME-Version":   "1.0",
	} {
		if got := h.Get(k); !strings.EqualFold(got, want) {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if id := h.Get("Message-ID"); !strings.HasSuffix(id, "@congkhai.gov.vn>") {
		t.Errorf("Message-ID = %q, want one in the sender's domain", id)
	}
	if _, err := mail.ParseDate(h.Get("Date")); err != nil {
		t.Errorf("Date = %q: %v", h.Get("Date"), err)
	}
	if ua := h.Get("User-Agent") + h.Get("X-Mailer"); ua != "" {
		t.Errorf("the mail names its software: %q", ua)
	}
}
