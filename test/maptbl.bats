#!/usr/bin/env bats
# maptbl.bats - the dxa mapping tables (dxa-tables(5)): the C unit test of
# lib/dir/maptbl (every function and documented example, parser errors with
# FILE:LINE:COLUMN, filters, keys, the default tables both ways), and
# dxa -check on good and bad tables when bin/dxa exists.

load helpers/common

setup() { lme_setup; }

@test "maptbl: functions, examples, errors, filters, keys, default tables" {
	run "$LME_ROOT/test/unit/maptbl_test" "$LME_ROOT/maps"
	assert_success
	assert_output --partial " 0 failed"
}

@test "maptbl: every shipped table is in maps/" {
	for f in amap.ldap.tbl amap.notes.tbl mapmex.tbl mapnotes.tbl; do
		assert_file_exists "$LME_ROOT/maps/$f"
	done
}

@test "dxa -check: the default tables pass" {
	[ -x "$BIN/dxa" ] || skip "bin/dxa not built yet"
	cp "$LME_ROOT"/maps/*.tbl "$T/maps/"
	run "$BIN/dxa" -check
	assert_success
}

@test "dxa -check: a bad table is reported with file:line:column" {
	[ -x "$BIN/dxa" ] || skip "bin/dxa not built yet"
	cp "$LME_ROOT"/maps/*.tbl "$T/maps/"
	cp "$FIXTURES/maptbl/bad-mapmex.tbl" "$T/maps/mapmex.tbl"
	run "$BIN/dxa" -check
	assert_failure
	assert_output --partial "$T/maps/mapmex.tbl:4:13: unknown function Substring"
}
