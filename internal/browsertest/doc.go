// Package browsertest opens rolemine's HTML report in a real headless
// browser (Debian's chromium, driven through the DevTools protocol) and
// checks that it renders, logs no error, makes no network request, and
// shows hostile tenant values as text. It has only tests; they are skipped
// when no browser is installed unless ROLEMINE_REQUIRE_BROWSER is set, as
// .ci/run does.
package browsertest
