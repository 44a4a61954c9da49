# shellcheck shell=bash
# Background processes and stand-in "containers", all killed in teardown.

# bg_start CMD...: start CMD in the background (CMD must be a program, not a function, so that
# its pid is the one killed), output to a log, fd 3 closed so bats never waits on it.
# Sets BG_PID.
bg_start() {
	local log
	log=$(mktemp "$BATS_TEST_TMPDIR/bg.XXXXXX")
	"$@" </dev/null >"$log" 2>&1 3>&- &
	BG_PID=$!
	echo "$BG_PID" >>"$BATS_TEST_TMPDIR/pids"
}

pid_gone() {
	local state
	[ -r "/proc/$1/stat" ] || return 0
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 0
	[ -z "$state" ] || [ "$state" = Z ]
}

# stop_pid PID: TERM, a bounded wait, then KILL; reaps it when it is our child.
stop_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 30; i++)); do
		pid_gone "$pid" && break
		sleep 0.1
	done
	pid_gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

stop_bg() {
	local pid
	[ -f "$BATS_TEST_TMPDIR/pids" ] || return 0
	while read -r pid; do
		stop_pid "$pid"
	done <"$BATS_TEST_TMPDIR/pids"
}

netns_of() {
	readlink "/proc/$1/ns/net"
}

in_own_netns() {
	[ "$(netns_of "$1")" != "$(netns_of self)" ]
}

# record_netns PID: remember PID's network namespace; the leak check wants it gone at the end.
record_netns() {
	netns_of "$1" >>"$BATS_TEST_TMPDIR/netns"
}

# netns_proc: a process alone in a new network namespace, standing in for a container in direct
# hook calls. Sets NS_PID once the namespace exists.
netns_proc() {
	bg_start unshare -n sleep 1000
	NS_PID=$BG_PID
	wait_until 50 in_own_netns "$NS_PID"
	record_netns "$NS_PID"
}

# dead_pid: sets DEAD_PID to the pid of a process that has exited and been reaped.
dead_pid() {
	sleep 1000 >/dev/null 2>&1 3>&- &
	DEAD_PID=$!
	kill -KILL "$DEAD_PID"
	wait "$DEAD_PID" 2>/dev/null || true
}

# scratch_netns WORD: a named netns for the test (dft-...), deleted in teardown. Sets SCRATCH_NS.
scratch_netns() {
	SCRATCH_NS="dft-$DFT_NUM$DFT_PID-$1"
	echo "$SCRATCH_NS" >>"$BATS_TEST_TMPDIR/scratch_ns"
	ip netns add "$SCRATCH_NS"
	ip -n "$SCRATCH_NS" link set lo up
}

scratch_netns_del() {
	local ns rc=0
	[ -f "$BATS_TEST_TMPDIR/scratch_ns" ] || return 0
	while read -r ns; do
		[ -e "/run/netns/$ns" ] || continue
		ip netns del "$ns" || rc=1
	done <"$BATS_TEST_TMPDIR/scratch_ns"
	return "$rc"
}

# ns_links PID / ns_addrs PID: what a namespace holds, one line per object, for before/after
# comparisons.
ns_links() {
	nsenter -t "$1" -n ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $1, $2 }'
}

ns_addrs() {
	nsenter -t "$1" -n ip -o addr show | awk '{ print $2, $3, $4 }'
}

# own_link NAME: a host link the test makes by hand, deleted in teardown if still there.
own_link() {
	echo "$1" >>"$BATS_TEST_TMPDIR/host_links"
}

own_links_del() {
	local dev
	[ -f "$BATS_TEST_TMPDIR/host_links" ] || return 0
	while read -r dev; do
		ip link del dev "$dev" 2>/dev/null || true
	done <"$BATS_TEST_TMPDIR/host_links"
}
