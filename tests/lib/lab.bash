# shellcheck shell=bash
# Lab LANs for tests: one or two per file (made in setup_file), more per test when needed.

LAB_VARS="PARENT PEER_NS SWITCH_NS GW4 GW6 NET4 NET6 PREFIX4 PREFIX6"

lab_name() {
	printf '%s%s%s' "$DFT_NUM" "$1" "$DFT_PID"
}

# lab_export PREFIX NAME: import "lab env NAME" as PREFIX_PARENT, PREFIX_GW4, ... (exported).
lab_export() {
	local prefix=$1 name=$2 v env
	env=$("$LAB" env "$name") || return 1
	eval "${env//LAB_/${prefix}_}"
	eval "${prefix}_NAME=\$name"
	export "${prefix}_NAME"
	for v in $LAB_VARS; do
		export "${prefix}_$v"
	done
}

# file_lab_up PREFIX LETTER NET: a lab living as long as the test file.
file_lab_up() {
	local name
	name=$(lab_name "$2")
	echo "$name" >>"$BATS_FILE_TMPDIR/labs"
	"$LAB" up "$name" --net "$3"
	lab_export "$1" "$name"
}

file_labs_down() {
	local name rc=0
	[ -f "$BATS_FILE_TMPDIR/labs" ] || return 0
	while read -r name; do
		"$LAB" down "$name" || rc=1
	done <"$BATS_FILE_TMPDIR/labs"
	return "$rc"
}

# test_lab_up PREFIX LETTER NET: a lab removed in the test's teardown.
test_lab_up() {
	local name
	name=$(lab_name "$2")
	echo "$name" >>"$BATS_TEST_TMPDIR/labs"
	"$LAB" up "$name" --net "$3"
	lab_export "$1" "$name"
}

test_labs_down() {
	local name rc=0
	[ -f "$BATS_TEST_TMPDIR/labs" ] || return 0
	while read -r name; do
		"$LAB" down "$name" || rc=1
	done <"$BATS_TEST_TMPDIR/labs"
	return "$rc"
}

# in_peer PREFIX CMD...: run a host tool in that lab's peer host.
in_peer() {
	local ns_var="${1}_PEER_NS"
	shift
	ip netns exec "${!ns_var}" "$@"
}

# peer_serve_http PREFIX PORT TEXT: busybox httpd in the peer serving /peer.txt = TEXT on all
# of the peer's addresses; returns once the port listens.
peer_serve_http() {
	local prefix=$1 port=$2 dir ns_var="${1}_PEER_NS"
	dir=$(mktemp -d "$BATS_TEST_TMPDIR/www.XXXXXX")
	echo "$3" >"$dir/peer.txt"
	bg_start ip netns exec "${!ns_var}" busybox httpd -f -p "$port" -h "$dir"
	wait_until 50 peer_listens "$prefix" "$port"
}

peer_listens() {
	[ -n "$(in_peer "$1" ss -Htln "sport = :$2")" ]
}
