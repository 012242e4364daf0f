#!/usr/bin/env bats
# install.bats - make install honours DESTDIR and PREFIX: the programs, the
# man pages, the default tables and an example lme.conf that passes
# dispatch -n once its paths point somewhere writable.

load helpers/common

setup() { lme_setup; }

@test "make install DESTDIR=... PREFIX=/opt/lme puts everything under it" {
	# the build as it is (plain or SANITIZE=1): install must not rebuild it
	san=
	grep -q fsanitize "$LME_ROOT/.build-flags" 2>/dev/null && san=SANITIZE=1
	run make -C "$LME_ROOT" install DESTDIR="$T/inst" PREFIX=/opt/lme $san
	assert_success
	for p in dispatch mexout mexnts ntsmex mexin dxa mexq; do
		assert_file_executable "$T/inst/opt/lme/sbin/$p"
		assert_file_exists "$T/inst/opt/lme/share/man/man8/$p.8"
	done
	assert_file_exists "$T/inst/opt/lme/share/man/man5/lme.conf.5"
	assert_file_exists "$T/inst/opt/lme/share/lme/maps/mapmex.tbl"
	ex="$T/inst/opt/lme/share/lme/lme.conf.example"
	grep -q '^user = lme$' "$ex"
	! grep -q '^allow_root' "$ex"
	sed -e "s|^spool = .*|spool = $T/spool|" -e "s|^maps = .*|maps = $T/maps|" \
	    -e "s|^user = lme$|allow_root = yes|" "$ex" > "$T/example.conf"
	run "$T/inst/opt/lme/sbin/dispatch" -n -c "$T/example.conf"
	assert_success
}
