package mail_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
)

func TestOutboxWithoutSMTP(t *testing.T) {
	db := mongotest.MustOpenDB(t)
	m, err := mail.New(db, "", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := m.Send(ctx, mail.Message{To: "investor@example.com", Subject: "Cảm ơn", Body: "Xin chào", Lang: "vi", Kind: "enquiry_ack"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := m.To(ctx, "investor@example.com")
	if err != nil || len(got) != 1 || got[0].Status != mail.StatusOutbox || got[0].Subject != "Cảm ơn" {
		t.Fatalf("%+v %v", got, err)
	}
	list, total, err := m.List(ctx, 1, 10)
	if err != nil || total != 1 || len(list) != 1 {
		t.Fatalf("list %d %v", total, err)
	}
}

// TestSMTPDelivery talks to a minimal SMTP server on loopback.
func TestSMTPDelivery(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	received := make(chan string, 1)
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		say := func(s string) { conn.Write([]byte(s + "\r\n")) }
		say("220 test ESMTP")
		var data strings.Builder
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if inData {
				if line == ".\r\n" {
					inData = false
					received <- data.String()
					say("250 OK")
					continue
				}
				data.WriteString(line)
				continue
			}
			switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				say("250 test")
			case strings.HasPrefix(cmd, "DATA"):
				inData = true
				say("354 go ahead")
			case strings.HasPrefix(cmd, "QUIT"):
				say("221 bye")
				return
			default:
				say("250 OK")
			}
		}
	}()
	db := mongotest.MustOpenDB(t)
	m, err := mail.New(db, "smtp://"+l.Addr().String(), "portal@khanhhoa.example")
	if err != nil {
		t.Fatal(err)
	}
	msg, err := m.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "Tiếp nhận phản ánh", Body: "Mã theo dõi: VM-2026-000001", Lang: "vi"}, time.Now())
	if err != nil || msg.Status != mail.StatusSent {
		t.Fatalf("%+v %v", msg, err)
	}
	select {
	case data := <-received:
		if !strings.Contains(data, "VM-2026-000001") || !strings.Contains(data, "Subject: =?utf-8?q?") {
			t.Errorf("message as received: %q", data)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing received")
	}
}
