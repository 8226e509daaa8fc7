package datadir

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestSecondAcquireNamesTheHolder(t *testing.T) {
	dir := t.TempDir() + "/data"
	l, err := Acquire(dir, "portal serve")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(dir, "portal reindex")
	var e *InUseError
	if !errors.As(err, &e) || !errors.Is(err, ErrInUse) {
		t.Fatalf("second Acquire: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"DATA_DIR " + dir, "process " + strconv.Itoa(os.Getpid()), "portal serve, started "} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(dir, "portal reindex")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	defer l2.Release()
}

func TestDescribeDropsArgumentValues(t *testing.T) {
	for args, want := range map[string]string{
		"/usr/bin/portal":                         "portal",
		"/usr/bin/portal serve":                   "portal serve",
		"./portal user set-password --password p": "portal user",
		"/tmp/app.test -test.run=X":               "app.test",
	} {
		if got := Describe(strings.Fields(args)); got != want {
			t.Errorf("Describe(%s) = %q, want %q", args, got, want)
		}
	}
}
