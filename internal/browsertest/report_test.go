package browsertest

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/internal/bench"
	"github.com/rolemine/rolemine/internal/pipeline"
	"github.com/rolemine/rolemine/internal/store"
	"github.com/rolemine/rolemine/internal/tenantgen"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/report"
)

const (
	hostileTitle = `<script>alert(1)</script>`
	hostileDept  = `"><img src=x onerror=alert(2)>`
)

func browser(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("ROLEMINE_REQUIRE_BROWSER") != "" {
		t.Fatal("no chromium on PATH and ROLEMINE_REQUIRE_BROWSER is set")
	}
	t.Skip("no chromium on PATH")
	return ""
}

// hostileTenant generates a tenant and renames one job title and one
// department to markup before ingesting it.
func hostileTenant(t *testing.T, dir string) {
	cfg := tenantgen.DefaultConfig(2000, 5)
	cfg.WrongTitleRate = 0.05
	_, err := tenantgen.Generate(cfg, dir)
	require.NoError(t, err)
	path := filepath.Join(dir, tenantgen.UsersFile)
	f, err := os.Open(path)
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	title, dept := slices.Index(rows[0], "jobTitle"), slices.Index(rows[0], "department")
	renamed := 0
	for _, r := range rows[1:] {
		if r[title] == "Accountant" {
			r[title] = hostileTitle
			renamed++
		}
		if r[dept] == "Legal" {
			r[dept] = hostileDept
		}
	}
	require.Positive(t, renamed)
	out, err := os.Create(path)
	require.NoError(t, err)
	w := csv.NewWriter(out)
	require.NoError(t, w.WriteAll(rows))
	require.NoError(t, out.Close())
}

func TestHTMLReportInChromium(t *testing.T) {
	exe := browser(t)
	ctx := context.Background()
	dir := t.TempDir()
	hostileTenant(t, dir)
	st, err := store.Open(ctx, filepath.Join(dir, "db.duckdb"))
	require.NoError(t, err)
	defer st.Close()
	_, err = st.IngestFiles(ctx, bench.GeneratedFiles(dir))
	require.NoError(t, err)
	data, run, err := pipeline.Mine(ctx, st, 0, pipeline.MineOptions{Options: mining.DefaultOptions()})
	require.NoError(t, err)
	rules, err := pipeline.ReadSoDRules(filepath.Join(dir, tenantgen.SoDRulesFile))
	require.NoError(t, err)
	doc, err := pipeline.Document(ctx, st, data, run, report.DefaultOverOptions(), rules)
	require.NoError(t, err)
	htmlPath := filepath.Join(dir, "report.html")
	require.NoError(t, pipeline.WriteFile(htmlPath, func(w io.Writer) error { return report.WriteHTML(w, doc) }))

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(dir, "profile")))
	actx, cancel := chromedp.NewExecAllocator(ctx, opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()

	var mu sync.Mutex
	var requests, problems []string
	url := "file://" + htmlPath
	require.NoError(t, chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if e.Request.URL != url && !strings.HasPrefix(e.Request.URL, "data:") {
				requests = append(requests, e.Request.URL)
			}
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				problems = append(problems, "console "+string(e.Type))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
				problems = append(problems, "log: "+e.Entry.Text)
			}
		case *page.EventJavascriptDialogOpening:
			problems = append(problems, "dialog: "+e.Message)
		}
	}))

	// chromedp enables the runtime, log, network and page domains of a new
	// tab before the first action.
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(url), chromedp.WaitReady("body")))
	text, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`))
	require.NoError(t, err)
	scripts, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.getElementsByTagName("script").length`))
	require.NoError(t, err)
	images, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.images.length`))
	require.NoError(t, err)
	rendered, err := chromedp.Run(bctx, chromedp.Evaluate[int](`Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length`))
	require.NoError(t, err)
	width, err := chromedp.Run(bctx, chromedp.Evaluate[float64](`document.querySelector("figure img").getBoundingClientRect().width`))
	require.NoError(t, err)
	// Let late events (a blocked request, a CSP report) arrive.
	require.NoError(t, chromedp.Do(bctx, chromedp.Sleep(300*time.Millisecond)))
	// The listener takes mu for every event: hold it only to read.
	mu.Lock()
	requestsSeen, problemsSeen := slices.Clone(requests), slices.Clone(problems)
	mu.Unlock()
	require.Empty(t, requestsSeen, "the report makes no network request")
	require.Empty(t, problemsSeen, "no console errors, exceptions or dialogs")
	require.Contains(t, text, hostileTitle, "the job title shows as text")
	require.Contains(t, text, hostileDept)
	require.Contains(t, text, "Separation of duties")
	require.Contains(t, text, "Which attributes explain access")
	require.Contains(t, text, "rule fit: precision")
	require.Regexp(t, `Title mismatches\n+[^\n]*stale or wrong title[^\n]*\n+User\tTitle\tAttributes select\tHeld of it\tAccess matches\tHeld of it\n\S+@contoso.com\t`, text, "the stale titles are listed")
	require.Zero(t, scripts, "no script element")
	require.Equal(t, 4, images, "four charts")
	require.Equal(t, images, rendered, "every chart decodes and renders")
	require.Greater(t, width, 100.0, "charts have a size on the page")

	// Every finding is on the page, in its department's section.
	findingRows, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("h3[id^=dept-] + .scroll tbody tr").length`))
	require.NoError(t, err)
	require.Equal(t, len(doc.Over.Findings), findingRows)
	require.Greater(t, len(doc.Over.Findings), report.HTMLLimit, "more findings than the old first-200 cut")
	links, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#departments a[href^='#dept-']").length`))
	require.NoError(t, err)
	require.Equal(t, len(doc.Over.Summaries.ByDepartment), links, "the index links every department with findings")
	// Heat maps carry a colour legend.
	legends, err := chromedp.Run(bctx, chromedp.Evaluate[[]int](`Array.from(document.querySelectorAll("figure .legend")).map(l => l.querySelectorAll("li").length)`))
	require.NoError(t, err)
	require.Len(t, legends, 2, "both heat maps have a legend")
	require.Equal(t, 9, legends[0], "the share heat map: nine colours")
	require.GreaterOrEqual(t, legends[1], 2, "the violations heat map: a colour per count")
	// Names, not object ids, in what people read.
	require.NotRegexp(t, `on [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-`, text, "entitlements are named by their resource's name")

	for _, w := range []int64{1280, 1920} {
		require.NoError(t, chromedp.Do(bctx, chromedp.EmulateViewport(w, 900)))
		// No cell is narrower than its longest word: nothing is broken
		// letter by letter.
		broken, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](brokenWordsJS))
		require.NoError(t, err)
		require.Empty(t, broken, "at %d px, cells narrower than a word", w)
		overflow, err := chromedp.Run(bctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
		require.NoError(t, err)
		require.LessOrEqual(t, overflow, 0.0, "at %d px the page does not scroll sideways", w)
		// The page is too tall for one image: the views a reviewer meets
		// first, each one screen high.
		for _, view := range []struct{ name, anchor string }{{"top", "h1"}, {"heatmap", "figure"}, {"findings", "#departments"}, {"sod", "#sod"}} {
			require.NoError(t, chromedp.Do(bctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).scrollIntoView()`, view.anchor))))
			shot, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
			require.NoError(t, err)
			require.NotEmpty(t, shot)
			saveArtifact(t, fmt.Sprintf("report-%dpx-%s.png", w, view.name), shot)
		}
	}
}

// brokenWordsJS lists the table cells (first 40 characters) whose width is
// less than the width of their longest word (or part of a hyphenated one),
// measured in the cell's font.
const brokenWordsJS = `(() => {
  const ctx = document.createElement("canvas").getContext("2d");
  const bad = [];
  for (const cell of document.querySelectorAll("td, th")) {
    const st = getComputedStyle(cell);
    ctx.font = st.font;
    let longest = 0;
    // Words, and their parts between hyphens and slashes, after which a line may break.
    for (const w of cell.innerText.split(/\s+|(?<=[-/])/)) longest = Math.max(longest, ctx.measureText(w).width);
    const inner = cell.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
    if (longest > inner + 1) bad.push(cell.innerText.slice(0, 40) + " (" + Math.round(longest) + " > " + Math.round(inner) + ")");
  }
  return bad;
})()`

// saveArtifact writes a file for people to look at: under
// $ROLEMINE_TEST_ARTIFACTS when set (CI keeps that directory), else in the
// test's temporary directory.
func saveArtifact(t *testing.T, name string, data []byte) {
	dir := os.Getenv("ROLEMINE_TEST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	t.Logf("wrote %s", path)
}
