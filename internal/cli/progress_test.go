package cli

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/mining"
)

func TestMeterLinesForLongStages(t *testing.T) {
	var errOut bytes.Buffer
	ios := &IO{Err: &errOut}
	clock := time.Unix(0, 0)
	p := progress(ios)
	ios.meter.now = func() time.Time { return clock }

	// A stage of 2.5 s with rows: a line with the count and the rate.
	p(mining.Progress{Stage: "read assignments.csv"})
	clock = clock.Add(2500 * time.Millisecond)
	p(mining.Progress{Stage: "read assignments.csv", Done: 5_000_000, Total: 5_000_000, Unit: "rows"})
	// A short stage: nothing.
	p(mining.Progress{Stage: "resolve ids"})
	clock = clock.Add(300 * time.Millisecond)
	p(mining.Progress{Stage: "resolve ids", Done: 10, Total: 10, Unit: "rows"})
	// A stage of counted steps that ends when the next starts: its time.
	p(mining.Progress{Stage: "job functions", Done: 0, Total: 40})
	clock = clock.Add(1200 * time.Millisecond)
	p(mining.Progress{Stage: "job functions", Done: 20, Total: 40})
	p(mining.Progress{Stage: "save run"})
	clock = clock.Add(4 * time.Second)
	p(mining.Progress{Stage: "save run", Done: 1, Total: 1})
	// A stage that handled no rows ends too (mining.StartStage).
	done := stage(ios, "save report")
	clock = clock.Add(1500 * time.Millisecond)
	done(0, "rows")

	require.Equal(t, "read assignments.csv: 5000000 rows in 2.5 s (2.0 M rows/s)\njob functions: 1.2 s\nsave run: 4.0 s\nsave report: 1.5 s\n", errOut.String())
}

func TestMeterOnATerminalShowsTheRunningStage(t *testing.T) {
	var errOut bytes.Buffer
	ios := &IO{Err: &errOut, ErrTTY: true}
	clock := time.Unix(0, 0)
	p := progress(ios)
	ios.meter.now = func() time.Time { return clock }
	p(mining.Progress{Stage: "load snapshot"})
	require.Contains(t, errOut.String(), "load snapshot…")
	p(mining.Progress{Stage: "job functions", Done: 10, Total: 40})
	require.Contains(t, errOut.String(), " 25%")
	clock = clock.Add(90 * time.Second)
	p(mining.Progress{Stage: "job functions", Done: 40, Total: 40})
	require.Contains(t, errOut.String(), "\r\033[Kjob functions: 90.0 s\n")
}

func TestRate(t *testing.T) {
	require.Equal(t, "4.3 M", rate(4_300_000))
	require.Equal(t, "12.5 k", rate(12_500))
	require.Equal(t, "310", rate(310))
}
