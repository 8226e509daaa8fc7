// Package datadir holds the lock that gives one process at a time the
// data directory: the embedded database and the embedded search index
// under DATA_DIR each belong to the process that opened them.
package datadir

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LockFile is the name of the lock file inside the data directory.
const LockFile = "portal.lock"

// ErrInUse is matched (errors.Is) by the error Acquire returns when
// another process holds the directory.
var ErrInUse = errors.New("data directory is in use")

// Holder describes the process that holds a data directory, as written in
// its lock file.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Started time.Time `json:"started"`
}

// InUseError says which process holds the directory. Holder is the zero
// value when the lock file could not be read (the holder may be writing it).
type InUseError struct {
	Dir    string
	Holder Holder
}

func (e *InUseError) Error() string {
	if e.Holder.PID == 0 {
		return fmt.Sprintf("DATA_DIR %s is in use by another process", e.Dir)
	}
	return fmt.Sprintf("DATA_DIR %s is in use by process %d (%s, started %s)",
		e.Dir, e.Holder.PID, e.Holder.Command, e.Holder.Started.Local().Format("2006-01-02 15:04:05 MST"))
}

// Is makes errors.Is(err, ErrInUse) true.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }

// Lock is this process's hold on a data directory, until Release.
type Lock struct {
	f *os.File
}

// Acquire creates dir if needed and takes its lock at once, without
// waiting, recording this process's id, command and start time in the lock
// file. If another process holds it, the error is an *InUseError naming
// that process. command describes this process, such as "portal serve".
//
// The lock is an advisory flock(2) on DATA_DIR/portal.lock: the kernel
// drops it when the process ends, however it ends, so a crash leaves no
// stale lock (the file stays, with the last holder's details).
func Acquire(dir, command string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create DATA_DIR: %w", err)
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !held {
		e := &InUseError{Dir: dir}
		if b, err := os.ReadFile(path); err == nil {
			_ = json.Unmarshal(b, &e.Holder)
		}
		f.Close()
		return nil, e
	}
	b, _ := json.Marshal(Holder{PID: os.Getpid(), Command: command, Started: time.Now().UTC().Truncate(time.Second)})
	if err := writeAll(f, append(b, '\n')); err != nil {
		f.Close()
		return nil, fmt.Errorf("write lock file: %w", err)
	}
	return &Lock{f: f}, nil
}

func writeAll(f *os.File, b []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		return err
	}
	return f.Sync()
}

// Release empties the lock file and gives the directory up. The file is
// kept: removing it would let two later processes lock two different files.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := l.f.Close() // closing drops the flock
	l.f = nil
	return err
}

// Describe is the command line of this process without its arguments'
// values, for the lock file: the program's name and its subcommand.
func Describe(args []string) string {
	if len(args) == 0 {
		return "portal"
	}
	parts := []string{filepath.Base(args[0])}
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		parts = append(parts, args[1])
	}
	return strings.Join(parts, " ")
}
