#!/usr/bin/env bats
# containerd 1.6 through `ctr run --runc-binary dockerfly-runtime` (the runc shim's BinaryName),
# settings as --annotation, as --label (ctr copies labels into the OCI annotations) and as
# --env. Containers live in a ctr namespace of this file's own, on a copy of the busybox
# rootfs (--rootfs: no image, no registry). The hook logs each call (hook_recorder).

# Each test runs in a subshell of its own, and bats' run sets $stderr.
# shellcheck disable=SC2030,SC2031,SC2154

load helper
load lib/engines

CTR_ADDRESS=/run/containerd/containerd.sock

setup_file() {
	engines_setup_file 30
	command -v ctr >/dev/null || skip "ctr (containerd) is not installed"
	ctr --address "$CTR_ADDRESS" version >/dev/null 2>&1 ||
		flunk "containerd does not answer (tests/lib/start-engines starts it)"
	export CTR_NS="dft$DFT_NUM$DFT_PID"
	hook_recorder
}

teardown_file() {
	ctr_rm_ours
	c namespaces remove "$CTR_NS" >/dev/null 2>&1 || true
	common_teardown_file
}

setup() {
	common_setup
}

teardown() {
	local rc=0
	ctr_rm_ours || rc=1
	common_teardown || rc=1
	return "$rc"
}

c() {
	ctr --address "$CTR_ADDRESS" "$@"
}

cn() {
	c -n "$CTR_NS" "$@"
}

# Every container of this file's namespace, task first, then its processes waited for.
ctr_rm_ours() {
	local id pid rc=0
	for id in $(cn containers list -q 2>/dev/null); do
		pid=$(cn task list 2>/dev/null | awk -v id="$id" '$1 == id { print $2 }')
		cn task delete --force "$id" >/dev/null 2>&1 || true
		cn containers delete "$id" >/dev/null || rc=1
		[ -z "$pid" ] || [ "$pid" = 0 ] || wait_until 100 pid_gone "$pid" || rc=1
	done
	return "$rc"
}

# ctr_up WORD [ctr run options...]: a detached container serving HTTP through the wrapper.
# Sets NAME, PID and CONFIG (the config.json the real runtime got).
ctr_up() {
	local root
	NAME=$(cname "$1")
	shift
	base_rootfs
	root="$BATS_TEST_TMPDIR/rootfs-$NAME"
	cp -a "$BATS_FILE_TMPDIR/rootfs" "$root"
	cn run -d --runc-binary "$DF_RUNTIME" --env PATH=/bin --pid-file "$BATS_TEST_TMPDIR/pid" \
		"$@" --rootfs "$root" "$NAME" /bin/sh -c "$(serve_cmd)" >/dev/null
	PID=$(cat "$BATS_TEST_TMPDIR/pid")
	record_netns "$PID"
	CONFIG="/run/containerd/io.containerd.runtime.v2.task/$CTR_NS/$NAME/config.json"
}

dockerfly_hook_args() {
	jq -c '[.hooks // {} | to_entries[] | .key as $s | .value[]
		| select(.args[0] == "dockerfly-hook") | "\($s):\(.args[1])"]' "$CONFIG"
}

@test "containerd: ctr run --runc-binary with --annotation: the peer reaches the container" {
	ctr_up ann --annotation "dockerfly.parent=$LAB_PARENT" \
		--annotation "dockerfly.ip=$LAB_NET4.40/24" --annotation "dockerfly.gateway=$LAB_GW4"
	on_lan 40
	# containerd put the annotations into config.json, and the wrapper the hooks.
	assert_eq "annotation in config.json" "$LAB_NET4.40/24" \
		"$(jq -r '.annotations["dockerfly.ip"]' "$CONFIG")"
	assert_eq "hooks" '["prestart:prestart","poststop:poststop"]' "$(dockerfly_hook_args)"
}

@test "containerd: --label reaches config.json as an annotation; --env works too" {
	ctr_up label --label "dockerfly.parent=$LAB_PARENT" --label "dockerfly.ip=$LAB_NET4.41/24" \
		--label "dockerfly.gateway=$LAB_GW4" --label dockerfly.mtu=1400
	assert_eq "label in config.json" 1400 "$(jq -r '.annotations["dockerfly.mtu"]' "$CONFIG")"
	on_lan 41
	assert_eq "mtu" 1400 "$(nsenter -t "$PID" -n ip -j link show dev lan0 | jq '.[0].mtu')"
	ctr_rm_ours

	ctr_up env --env "DOCKERFLY_PARENT=$LAB_PARENT" --env "DOCKERFLY_IP=$LAB_NET4.42/24" \
		--env "DOCKERFLY_GATEWAY=$LAB_GW4"
	on_lan 42
}

@test "containerd: task delete runs the hook again at poststop; nothing left" {
	local calls
	ctr_up del --annotation "dockerfly.parent=$LAB_PARENT" \
		--annotation "dockerfly.ip=$LAB_NET4.43/24" --annotation "dockerfly.gateway=$LAB_GW4"
	on_lan 43
	cn task kill -s TERM "$NAME"
	wait_until 50 pid_gone "$PID"
	cn task delete "$NAME" >/dev/null
	cn containers delete "$NAME"
	calls=$(hook_calls "$NAME")
	assert_eq "hook calls" "$(printf 'prestart creating\npoststop stopped')" "$calls"
	gone_from_lan "$LAB_NET4.43"
	assert_eq "containers" "" "$(cn containers list -q)"
	[ ! -e "${CONFIG%/config.json}" ] || flunk "the bundle is still there"
}

@test "containerd: a container without settings: no hook, only lo" {
	ctr_up plain --annotation other.key=1
	assert_eq "hooks" '[]' "$(dockerfly_hook_args)"
	run nsenter -t "$PID" -n ip -o link show
	assert_eq "links: lo only" 1 "$(grep -c . <<<"$output")"
}
