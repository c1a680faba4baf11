package tenantgen

import (
	"math/rand/v2"
	"strings"
)

func slug(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '/' || r == '-':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func asciiLocal(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r == 'ü':
			b.WriteString("ue")
		}
	}
	return b.String()
}

func replaceWord(s, word, with string) string {
	fs := strings.Fields(s)
	for i, f := range fs {
		if f == word {
			fs[i] = with
		}
	}
	return strings.Join(fs, " ")
}

func lowerASCII(s string) string { return strings.ToLower(s) }

func upperASCII(s string) string { return strings.ToUpper(s) }

func doubleSpace(s string) string { return strings.ReplaceAll(s, " ", "  ") }

// typo swaps two adjacent letters of the longest word, which no normaliser
// can undo.
func typo(s string, rng *rand.Rand) string {
	fs := strings.Fields(s)
	if len(fs) == 0 {
		return s
	}
	longest := 0
	for i, f := range fs {
		if len(f) > len(fs[longest]) {
			longest = i
		}
	}
	w := []byte(fs[longest])
	if len(w) < 3 {
		return s + "x"
	}
	k := 1 + rng.IntN(len(w)-2)
	if w[k] == w[k+1] {
		w = append(w[:k+1], w[k:]...) // double the letter instead
	} else {
		w[k], w[k+1] = w[k+1], w[k]
	}
	fs[longest] = string(w)
	return strings.Join(fs, " ")
}
