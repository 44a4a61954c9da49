#!/usr/bin/env bats
# dockerfly-hook under valgrind: attaching a NIC to a process in its own netns on the lab LAN,
# converging, releasing, and refusing bad input, each with no memory error and no definite or
# indirect leak.
# shellcheck disable=SC2154 # status, stderr, stderr_lines are set by bats "run"

load helper

setup_file() {
	common_setup_file
	file_lab_up LAB a "$DFT_FILE_NET"
	need_hook
	command -v valgrind >/dev/null || flunk "valgrind not installed (Debian package valgrind)"
	# A hook built with SANITIZE=1 carries ASan, which cannot run under valgrind; the
	# sanitizers do this file's job in that build. (bats 1.8 cannot skip in setup_file.)
	VG_SKIP=
	if ldd "$DOCKERFLY_HOOK" | grep -q libasan || nm "$DOCKERFLY_HOOK" 2>/dev/null |
		grep -q __asan_init; then
		VG_SKIP="the hook is built with AddressSanitizer (SANITIZE=1), which excludes valgrind"
	fi
	export VG_SKIP
}

teardown_file() {
	common_teardown_file
}

# Each test: a stand-in container (a process in its own netns), a bundle whose config.json has
# no settings, and no host configuration or policy but the test's own (none).
setup() {
	common_setup
	[ -z "$VG_SKIP" ] || skip "$VG_SKIP"
	netns_proc
	ID=$(ctr_id "v$BATS_TEST_NUMBER")
	BUNDLE="$BATS_TEST_TMPDIR/bundle"
	mkdir -p "$BUNDLE"
	echo '{"ociVersion": "1.0.2", "hostname": "vg", "process": {"env": ["PATH=/bin"]}}' \
		>"$BUNDLE/config.json"
	export DOCKERFLY_CONF="$BATS_TEST_TMPDIR/none.conf"
	export DOCKERFLY_POLICY="$BATS_TEST_TMPDIR/none.policy"
	export DOCKERFLY_RUN_DIR="$BATS_TEST_TMPDIR/run"
	export DOCKERFLY_STATE_DIR="$BATS_TEST_TMPDIR/state"
}

teardown() {
	common_teardown
}

settings() {
	SETTINGS=(
		"dockerfly.parent=$LAB_PARENT"
		"dockerfly.ip=$LAB_NET4.10/24,$LAB_NET6:10/64"
		"dockerfly.gateway=$LAB_GW4,$LAB_GW6"
		"dockerfly.routes=198.18.200.0/24 via $LAB_GW4"
	)
}

# vg_hook STAGE STATE: the hook under valgrind as a runtime runs it, state on stdin. Valgrind
# reports to its own log, so the hook's stderr stays what a runtime would see; it exits 99
# when it finds a memory error or a definite or indirect leak.
vg_hook() {
	VG_LOG="$BATS_TEST_TMPDIR/valgrind-$1-$((++VG_RUNS)).log"
	run --separate-stderr timeout 300 valgrind --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
		--error-exitcode=99 --log-file="$VG_LOG" "$DOCKERFLY_HOOK" "$1" <<<"$2"
	echo "hook $1 under valgrind: exit $status, stderr: $stderr" >&2
	[ "$status" -ne 124 ] || flunk "hook timed out under valgrind"
	if [ "$status" -eq 99 ] || ! grep -q 'ERROR SUMMARY: 0 errors from 0 contexts' "$VG_LOG"
	then
		cat "$VG_LOG" >&2
		flunk "valgrind found errors or leaks in: hook $1"
	fi
}
VG_RUNS=0

# vg_refuses OBJECT STATE: under valgrind, the hook refuses STATE with one line naming OBJECT.
vg_refuses() {
	vg_hook prestart "$2"
	[ "$status" -eq 1 ] || flunk "hook exited $status, not 1"
	assert_eq "stderr lines" 1 "${#stderr_lines[@]}"
	assert_contains "error line" "$stderr" "$1"
	if ns_links "$NS_PID" | grep -q ' lan0$'; then
		flunk "a refused attach left lan0 in the container"
	fi
}

@test "attach, rerun and release under valgrind: the NIC works, nothing is lost" {
	local state
	settings
	state=$(hook_state "$ID" "$NS_PID" "$BUNDLE" "${SETTINGS[@]}")

	vg_hook prestart "$state"
	assert_eq status 0 "$status"
	assert_eq stderr "" "$stderr"
	nsenter -t "$NS_PID" -n ip -o addr show dev lan0 | grep -qF " $LAB_NET4.10/24 " ||
		flunk "lan0 has no $LAB_NET4.10/24"
	nsenter -t "$NS_PID" -n ip -4 route show default | grep -qF "via $LAB_GW4 dev lan0" ||
		flunk "no IPv4 default route via $LAB_GW4"
	nsenter -t "$NS_PID" -n ip -4 route show 198.18.200.0/24 | grep -qF "via $LAB_GW4" ||
		flunk "no route to 198.18.200.0/24"
	nsenter -t "$NS_PID" -n ping -c 1 -W 5 "$LAB_GW4" >/dev/null ||
		flunk "the lab gateway does not answer through lan0"

	# The converging path: everything is already there.
	vg_hook prestart "$state"
	assert_eq "rerun status" 0 "$status"
	assert_eq "rerun stderr" "" "$stderr"

	vg_hook poststop "$(jq -c '.status = "stopped"' <<<"$state")"
	assert_eq "release status" 0 "$status"
	assert_eq "release stderr" "" "$stderr"
}

@test "refused settings and a malformed state under valgrind" {
	settings
	vg_refuses 15x0 "$(hook_state "$ID" "$NS_PID" "$BUNDLE" "${SETTINGS[@]}" dockerfly.mtu=15x0)"
	vg_refuses nic16 \
		"$(hook_state "$ID" "$NS_PID" "$BUNDLE" "${SETTINGS[@]}" dockerfly.nic16.ip=x)"
	vg_hook prestart '{"ociVersion": "1.0.2", "id": "'"$ID"'", "status": "creating", "pid": '
	assert_eq "truncated state status" 1 "$status"
	assert_eq "stderr lines" 1 "${#stderr_lines[@]}"
	assert_contains "error line" "$stderr" "truncated JSON"
}

@test "a missing parent under valgrind: refused once the sockets are open" {
	local parent="dfl-none$DFT_PID"
	settings
	vg_refuses "$parent" \
		"$(hook_state "$ID" "$NS_PID" "$BUNDLE" "${SETTINGS[@]}" "dockerfly.parent=$parent")"
}

@test "an address already taken under valgrind: what was made is undone" {
	settings
	nsenter -t "$NS_PID" -n ip addr add "$LAB_NET6:10/128" dev lo
	vg_refuses "$LAB_NET6:10" "$(hook_state "$ID" "$NS_PID" "$BUNDLE" "${SETTINGS[@]}")"
}
