package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// The route classes of the mix, in report order.
const (
	classList   = "list"
	classSearch = "search"
	classStats  = "stats"
	classFile   = "file"
	classEdit   = "edit"
)

var classNames = []string{classList, classSearch, classStats, classFile, classEdit}

// defaultMix is issue 11's realistic mix, in percent.
const defaultMix = "list=60,search=20,stats=10,file=5,edit=5"

// maxWeight keeps the cumulative weights small and the mix readable.
const maxWeight = 1000

// mix is the relative weight of each class; a class not named has weight 0.
type mix map[string]int

// parseMix reads "list=60,search=20,…": known class names, each at most
// once, whole weights from 0 to 1000, not all zero.
func parseMix(s string) (mix, error) {
	m := mix{}
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("mix is empty: want for example %q", defaultMix)
	}
	total := 0
	for _, part := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("mix part %q: want class=weight, such as list=60", part)
		}
		if !known(name) {
			return nil, fmt.Errorf("mix part %q: unknown class %q (the classes are %s)", part, name, strings.Join(classNames, ", "))
		}
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("mix names class %q twice", name)
		}
		w, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil || w < 0 || w > maxWeight {
			return nil, fmt.Errorf("mix part %q: the weight must be a whole number from 0 to %d", part, maxWeight)
		}
		m[name] = w
		total += w
	}
	if total == 0 {
		return nil, fmt.Errorf("mix %q: every weight is 0, nothing to send", s)
	}
	return m, nil
}

func known(name string) bool {
	for _, c := range classNames {
		if c == name {
			return true
		}
	}
	return false
}

// String writes the mix back in class order, without zero weights.
func (m mix) String() string {
	var parts []string
	for _, c := range classNames {
		if m[c] > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", c, m[c]))
		}
	}
	return strings.Join(parts, ",")
}

// deck is the mix as a sequence of classes, reduced by the weights'
// greatest common divisor and shuffled once: every worker walks it in a
// cycle from its own offset, so that each stretch of len(deck) requests
// holds the mix exactly and the workers start on different classes.
type deck []string

func newDeck(m mix, seed uint64) deck {
	g := 0
	for _, c := range classNames {
		g = gcd(g, m[c])
	}
	var d deck
	for _, c := range classNames {
		for range m[c] / max(g, 1) {
			d = append(d, c)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	rng.Shuffle(len(d), func(i, j int) { d[i], d[j] = d[j], d[i] })
	return d
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// at is the class of worker w (of n workers) for its i-th request.
func (d deck) at(w, n, i int) string {
	return d[(w*len(d)/n+i)%len(d)]
}
