# common.bash - loaded by every suite: bats libraries, a private lme.conf.
#
# lme_setup writes $T/lme.conf (spool $T/spool, maps $T/maps) and exports
# LME_CONF, so that the programs under test read it.  Suites add keys with
# lme_conf_set SECTION KEY VALUE.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load '/usr/lib/bats/bats-file/load'
load 'helpers/net'

LME_ROOT="${LME_ROOT:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
BIN="$LME_ROOT/bin"
FIXTURES="$LME_ROOT/test/fixtures"
CORPUS="$LME_ROOT/../shared/corpus"

lme_setup() {
	T="$BATS_TEST_TMPDIR"
	mkdir -p "$T/maps"
	mkdir -m 700 "$T/spool"		# the spool is the user's alone
	cat > "$T/lme.conf" <<CONF
[lme]
spool = $T/spool
maps = $T/maps
notes_domain = Acme
foreign_domain = Exchange
smtp_domain = example.com
poll_interval = 1
minimal_backoff_time = 1
maximal_backoff_time = 4
allow_root = yes

[mexout]
notes_address_space = notes.example.com

[mexin]
relay = sendmail:/bin/true
CONF
	printf 'john.smith@notes.example.com\tJohn Smith/Sales/Acme@Acme\tJohn Smith\n' > "$T/maps/addresses"
	export LME_CONF="$T/lme.conf"
}

# lme_conf_set SECTION KEY VALUE - set a key in $T/lme.conf
lme_conf_set() {
	python3 - "$T/lme.conf" "$1" "$2" "$3" <<'PY'
import sys, re
path, sec, key, val = sys.argv[1:]
lines = open(path).read().split('\n')
out, cur, done = [], None, False
for i, l in enumerate(lines):
    m = re.match(r'\s*\[(.+)\]\s*$', l)
    if m:
        if cur == sec and not done:
            out.append(f"{key} = {val}"); done = True
        cur = m.group(1)
    elif cur == sec and re.match(rf'\s*{re.escape(key)}\s*=', l):
        l = f"{key} = {val}"; done = True
    out.append(l)
if not done:
    if cur != sec:
        out.append(f"[{sec}]")
    out.append(f"{key} = {val}")
open(path, 'w').write('\n'.join(out) + '\n')
PY
}

# queue_count QUEUE [SUB] - files in $T/spool/QUEUE/SUB (default new)
queue_count() {
	find "$T/spool/$1/${2:-new}" -maxdepth 1 -type f ! -name '*.reason' 2>/dev/null | wc -l
}

# require_root - skip unless root
require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

# require_corpus DIR - skip unless ../shared/corpus/DIR exists
require_corpus() {
	[ -d "$CORPUS/$1" ] || skip "corpus $CORPUS/$1 not present"
}
