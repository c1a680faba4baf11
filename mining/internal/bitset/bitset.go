// Package bitset holds the mining core's set kernels over []uint64 words:
// intersection, difference, union, population counts, subset tests and
// Jaccard similarity. Kernels write into a destination the caller owns and
// do not allocate; all operands of one call have the same length.
package bitset

import "math/bits"

// Set is a bit set over [0, 64·len(s)).
type Set []uint64

// Words returns how many words hold n bits.
func Words(n int) int { return (n + 63) >> 6 }

// New returns an empty set for n bits.
func New(n int) Set { return make(Set, Words(n)) }

// Add sets bit i.
func (s Set) Add(i int) { s[i>>6] |= 1 << (uint(i) & 63) }

// Remove clears bit i.
func (s Set) Remove(i int) { s[i>>6] &^= 1 << (uint(i) & 63) }

// Has reports whether bit i is set.
func (s Set) Has(i int) bool { return s[i>>6]&(1<<(uint(i)&63)) != 0 }

// Count returns the number of set bits.
func (s Set) Count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// Empty reports whether no bit is set.
func (s Set) Empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

// Equal reports whether s and t hold the same bits.
func (s Set) Equal(t Set) bool {
	for i, w := range s {
		if w != t[i] {
			return false
		}
	}
	return true
}

// And sets dst = a ∩ b.
func And(dst, a, b Set) {
	for i := range dst {
		dst[i] = a[i] & b[i]
	}
}

// AndNot sets dst = a \ b.
func AndNot(dst, a, b Set) {
	for i := range dst {
		dst[i] = a[i] &^ b[i]
	}
}

// Or sets dst = a ∪ b.
func Or(dst, a, b Set) {
	for i := range dst {
		dst[i] = a[i] | b[i]
	}
}

// AndCount returns |a ∩ b| without writing it.
func AndCount(a, b Set) int {
	n := 0
	for i, w := range a {
		n += bits.OnesCount64(w & b[i])
	}
	return n
}

// AndNotCount returns |a \ b|.
func AndNotCount(a, b Set) int {
	n := 0
	for i, w := range a {
		n += bits.OnesCount64(w &^ b[i])
	}
	return n
}

// SubsetOf reports whether a ⊆ b.
func SubsetOf(a, b Set) bool {
	for i, w := range a {
		if w&^b[i] != 0 {
			return false
		}
	}
	return true
}

// Intersects reports whether a ∩ b is not empty.
func Intersects(a, b Set) bool {
	for i, w := range a {
		if w&b[i] != 0 {
			return true
		}
	}
	return false
}

// Jaccard returns |a ∩ b| / |a ∪ b|, and 1 for two empty sets.
func Jaccard(a, b Set) float64 {
	inter, union := 0, 0
	for i, w := range a {
		inter += bits.OnesCount64(w & b[i])
		union += bits.OnesCount64(w | b[i])
	}
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}

// Containment returns |a ∩ b| / |a|: the share of a inside b, and 1 for an
// empty a.
func Containment(a, b Set) float64 {
	inter, na := 0, 0
	for i, w := range a {
		inter += bits.OnesCount64(w & b[i])
		na += bits.OnesCount64(w)
	}
	if na == 0 {
		return 1
	}
	return float64(inter) / float64(na)
}

// Each calls f with every set bit, ascending.
func (s Set) Each(f func(i int)) {
	for wi, w := range s {
		for w != 0 {
			f(wi<<6 + bits.TrailingZeros64(w))
			w &= w - 1
		}
	}
}

// AppendTo appends the set bits, ascending, to dst.
func (s Set) AppendTo(dst []int32) []int32 {
	for wi, w := range s {
		for w != 0 {
			dst = append(dst, int32(wi<<6+bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return dst
}

// Key returns the set's words as a string, for use as a map key.
func (s Set) Key() string {
	b := make([]byte, 8*len(s))
	for i, w := range s {
		for k := 0; k < 8; k++ {
			b[8*i+k] = byte(w >> (8 * k))
		}
	}
	return string(b)
}

// AndHash sets dst = a ∩ b and returns a hash of dst, whether dst is empty
// and whether it equals b, in one pass.
func AndHash(dst, a, b Set) (h uint64, empty, equalsB bool) {
	var any, diff uint64
	for i := range dst {
		w := a[i] & b[i]
		dst[i] = w
		any |= w
		diff |= w ^ b[i]
		h += (w ^ uint64(i)) * 0x9e3779b97f4a7c15
	}
	return h ^ h>>29, any == 0, diff == 0
}

// Hash returns the hash AndHash gives a set equal to s.
func (s Set) Hash() uint64 {
	var h uint64
	for i, w := range s {
		h += (w ^ uint64(i)) * 0x9e3779b97f4a7c15
	}
	return h ^ h>>29
}
