#!/usr/bin/env bats
# dockerfly-hook refusing: each failure exits non-zero with one stderr line naming the container
# and the object, and leaves nothing behind in the host or in the container.
# shellcheck disable=SC2154 # status, stderr, stderr_lines are set by bats "run"

load helper

setup_file() {
	common_setup_file
	file_lab_up LAB a "$DFT_FILE_NET"
	need_hook
}

teardown_file() {
	common_teardown_file
}

# Each test gets a stand-in container (a process in its own netns) and a bundle without
# dockerfly settings, so the state's annotations are the only source.
setup() {
	common_setup
	netns_proc
	ID=$(ctr_id "t$BATS_TEST_NUMBER")
	BUNDLE="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$BUNDLE" --no-hooks
}

teardown() {
	common_teardown
}

ok_settings() {
	OK=(
		"dockerfly.parent=$LAB_PARENT"
		"dockerfly.ip=$LAB_NET4.10/24,$LAB_NET6:10/64"
		"dockerfly.gateway=$LAB_GW4"
	)
}

# expect_refusal OBJECT STATE: run the hook's prestart on STATE (JSON text); it must fail with
# one stderr line "dockerfly-hook: container ID: ..." naming OBJECT, and change nothing.
expect_refusal() {
	local object=$1 state=$2 links ctr_links ctr_addrs
	links=$(host_links)
	ctr_links=$(ns_links "$NS_PID")
	ctr_addrs=$(ns_addrs "$NS_PID")

	run --separate-stderr hook prestart <<<"$state"
	echo "exit $status, stderr: $stderr" >&2
	[ "$status" -ne 0 ] || flunk "hook accepted the state"
	[ "$status" -ne 124 ] || flunk "hook timed out"
	assert_eq "stderr lines" 1 "${#stderr_lines[@]}"
	[[ $stderr == "dockerfly-hook: container $ID: "* ]] ||
		flunk "error line does not start with \"dockerfly-hook: container $ID: \""
	assert_contains "error line" "$stderr" "$object"

	assert_eq "host links" "$links" "$(host_links)"
	assert_eq "container links" "$ctr_links" "$(ns_links "$NS_PID")"
	assert_eq "container addresses" "$ctr_addrs" "$(ns_addrs "$NS_PID")"
}

# refuses OBJECT KEY=VALUE...: the usual good settings overridden by these.
refuses() {
	local object=$1
	shift
	ok_settings
	expect_refusal "$object" "$(hook_state "$ID" "$NS_PID" "$BUNDLE" "${OK[@]}" "$@")"
}

# Through the runtimes: create fails, the hook's line reaches the user, nothing is left.
# runc puts the hook's stderr in its own error; crun drops it unless the annotation
# run.oci.hooks.stderr names a file (an annotation the hook must ignore: not dockerfly.*).
runtime_refuses() {
	local id links err shown
	use_runtime "$1"
	id=$(ctr_id "rt$1")
	err="$BATS_TEST_TMPDIR/hook.err"
	links=$(host_links)
	make_bundle "$BATS_TEST_TMPDIR/$id" "dockerfly.parent=$LAB_PARENT" \
		"dockerfly.ip=$LAB_NET4.10/24" dockerfly.mtu=15x0 "run.oci.hooks.stderr=$err"
	run rt create --bundle "$BATS_TEST_TMPDIR/$id" "$id" </dev/null 3>&-
	[ "$status" -ne 0 ] || flunk "$1 created the container"
	shown=$output
	if [ "$1" = crun ]; then
		shown=$(cat "$err")
		assert_eq "hook stderr lines" 1 "$(wc -l <"$err")"
	fi
	assert_contains "$1 error" "$shown" "dockerfly-hook: container $id: "
	assert_contains "$1 error" "$shown" 15x0
	assert_eq "containers left" "" "$(containers_left)"
	assert_eq "host links" "$links" "$(host_links)"
}

@test "the good settings used below are accepted (control)" {
	ok_settings
	run --separate-stderr hook prestart <<<"$(hook_state "$ID" "$NS_PID" "$BUNDLE" "${OK[@]}")"
	echo "exit $status, stderr: $stderr" >&2
	assert_eq status 0 "$status"
	ns_links "$NS_PID" | grep -q ' lan0$'
}

@test "missing parent" {
	refuses "dfl-none$DFT_PID" "dockerfly.parent=dfl-none$DFT_PID"
}

@test "gateway not on-link" {
	refuses 198.18.99.1 dockerfly.gateway=198.18.99.1
}

@test "IPv6 gateway not on-link" {
	refuses fd18:99::1 "dockerfly.gateway=$LAB_GW4,fd18:99::1"
}

@test "address already present in the container" {
	nsenter -t "$NS_PID" -n ip addr add "$LAB_NET4.10/32" dev lo
	refuses "$LAB_NET4.10" "dockerfly.ip=$LAB_NET4.10/24"
}

@test "dead pid" {
	ok_settings
	dead_pid
	expect_refusal "$DEAD_PID" "$(hook_state "$ID" "$DEAD_PID" "$BUNDLE" "${OK[@]}")"
}

@test "garbage on stdin" {
	local links
	links=$(host_links)
	run --separate-stderr hook prestart <<<"this is { not json"
	echo "exit $status, stderr: $stderr" >&2
	[ "$status" -ne 0 ]
	[ "$status" -ne 124 ]
	assert_eq "stderr lines" 1 "${#stderr_lines[@]}"
	[[ $stderr == "dockerfly-hook: "* ]]
	assert_eq "host links" "$links" "$(host_links)"
}

@test "unknown key dockerfly.bogus" {
	refuses dockerfly.bogus dockerfly.bogus=1
}

@test "unknown key dockerfly.nic1.bogus" {
	refuses dockerfly.nic1.bogus "dockerfly.nic1.parent=$LAB_PARENT" dockerfly.nic1.bogus=1
}

@test "malformed ip: octet out of range" {
	refuses 198.18.0.300/24 dockerfly.ip=198.18.0.300/24
}

@test "malformed ip: prefix out of range" {
	refuses "$LAB_NET4.10/33" "dockerfly.ip=$LAB_NET4.10/33"
}

@test "malformed ip: not an address" {
	refuses fd18::zz/64 dockerfly.ip=fd18::zz/64
}

@test "malformed mac: not hex" {
	refuses 02:df:zz:00:00:01 dockerfly.mac=02:df:zz:00:00:01
}

@test "malformed mac: multicast" {
	refuses 01:00:5e:00:00:01 dockerfly.mac=01:00:5e:00:00:01
}

@test "malformed mtu: below 68" {
	refuses 67 dockerfly.mtu=67
}

@test "malformed mtu: above 65535" {
	refuses 65536 dockerfly.mtu=65536
}

@test "malformed mtu: not a number" {
	refuses 15x0 dockerfly.mtu=15x0
}

@test "malformed ifname: too long" {
	refuses abcdefghijklmnop dockerfly.ifname=abcdefghijklmnop
}

@test "malformed ifname: slash" {
	refuses bad/name dockerfly.ifname=bad/name
}

@test "malformed mode" {
	refuses bogusmode dockerfly.mode=bogusmode
}

@test "runc create fails cleanly when the hook refuses" {
	runtime_refuses runc
}

@test "crun create fails cleanly when the hook refuses" {
	runtime_refuses crun
}
