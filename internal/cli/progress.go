package cli

import (
	"fmt"
	"sync"
	"time"

	"github.com/rolemine/rolemine/mining"
)

// progress returns the callback that shows the stages' progress on stderr:
// on a terminal, the running stage and how far it has come; terminal or
// not, a line for every stage that took a second or more, with how many
// rows (or other units) it handled and how many a second. All of a
// command's stages, the store's and the miner's, go to one meter.
func progress(ios *IO) func(mining.Progress) {
	if ios.meter == nil {
		ios.meter = &meter{ios: ios, now: time.Now}
	}
	return ios.meter.update
}

// stage tells the meter that a stage starts; the function it returns says
// it ended (see mining.StartStage).
func stage(ios *IO, name string) func(done int, unit string) {
	return mining.StartStage(progress(ios), name)
}

// meter follows one stage at a time: a stage ends when another starts or
// when its count reaches its total.
type meter struct {
	ios   *IO
	now   func() time.Time
	mu    sync.Mutex
	stage string
	unit  string
	done  int
	start time.Time
	shown int // the percentage last shown, -1 for none
}

func (m *meter) update(p mining.Progress) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p.Stage != m.stage {
		m.finish()
		m.stage, m.start, m.shown = p.Stage, m.now(), -1
	}
	m.unit, m.done = p.Unit, p.Done
	if p.Total > 0 && p.Done >= p.Total || p.Unit != "" && p.Done == p.Total {
		m.finish()
		return
	}
	if !m.ios.ErrTTY {
		return
	}
	switch {
	case p.Total > 0:
		if pct := p.Done * 100 / p.Total; pct != m.shown {
			m.shown = pct
			fmt.Fprintf(m.ios.Err, "\r\033[K%-24s %3d%%", p.Stage, pct)
		}
	case p.Done > 0:
		// A count without a known end.
		fmt.Fprintf(m.ios.Err, "\r\033[K%-24s %d", p.Stage, p.Done)
	default:
		fmt.Fprintf(m.ios.Err, "\r\033[K%s…", p.Stage)
	}
}

// finish ends the current stage, with its line when it took a second or
// more.
func (m *meter) finish() {
	if m.stage == "" {
		return
	}
	if m.ios.ErrTTY {
		fmt.Fprint(m.ios.Err, "\r\033[K")
	}
	if d := m.now().Sub(m.start); d >= time.Second {
		if m.unit != "" && m.done > 0 {
			fmt.Fprintf(m.ios.Err, "%s: %d %s in %.1f s (%s %s/s)\n", m.stage, m.done, m.unit, d.Seconds(), rate(float64(m.done)/d.Seconds()), m.unit)
		} else {
			fmt.Fprintf(m.ios.Err, "%s: %.1f s\n", m.stage, d.Seconds())
		}
	}
	m.stage = ""
}

// rate formats a count per second for people: 4.3 M, 12.5 k, 310.
func rate(r float64) string {
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.1f M", r/1e6)
	case r >= 1e4:
		return fmt.Sprintf("%.1f k", r/1e3)
	default:
		return fmt.Sprintf("%.0f", r)
	}
}
