#!/usr/bin/env bats
# Podman 4.3, rootful, through the installed hooks.d file (oci-hooks.d/dockerfly.json.in):
# containers with a dockerfly.* annotation get the hook, with runc and with crun; restart and
# stop/start bring the NIC back; the hook runs again at poststop; a drop-in from dockerfly-setup
# serves instead of --hooks-dir. Podman reads a containers.conf of this
# file's own (CONTAINERS_CONF: lower rlimits, this machine lacks CAP_SYS_RESOURCE).

# Each test runs in a subshell of its own, and bats' run sets $stderr.
# shellcheck disable=SC2030,SC2031,SC2154

load helper
load lib/engines

setup_file() {
	engines_setup_file 30
	need_podman
	ensure_image podman
}

teardown_file() {
	podman_rm_ours
	common_teardown_file
}

setup() {
	common_setup
	need_podman
}

teardown() {
	local rc=0
	podman_rm_ours || rc=1
	common_teardown || rc=1
	return "$rc"
}

# pod [podman options...]: podman with the installed hooks directory.
pod() {
	podman --hooks-dir "$DF_HOOKSD" "$@"
}

# prun WORD RUNTIME HOST [podman run options...]: a detached container serving HTTP, with LAN
# annotations for host part .HOST (HOST "-": none). Sets NAME and PID.
prun() {
	local word=$1 rt=$2 host=$3 ann=()
	shift 3
	NAME=$(cname "$word")
	[ "$host" = - ] || ann=(--annotation "dockerfly.parent=$LAB_PARENT"
		--annotation "dockerfly.ip=$LAB_NET4.$host/24"
		--annotation "dockerfly.gateway=$LAB_GW4")
	pod run -d --name "$NAME" --label "$TEST_LABEL" --runtime "$rt" --network none \
		"${ann[@]}" "$@" "$TEST_IMAGE" sh -c "$(serve_cmd)" >/dev/null
	PID=$(podman_pid "$NAME")
	record_netns "$PID"
}

# podman_config NAME: the config.json Podman gave the runtime.
podman_config() {
	cat "$(podman inspect -f '{{.StaticDir}}' "$1")/config.json"
}

# dockerfly_hooks NAME: the dockerfly hooks in NAME's config.json, "STAGE PATH ARGS...".
dockerfly_hooks() {
	podman_config "$1" | jq -r '.hooks // {} | to_entries[] | .key as $s | .value[]
		| select(.path | endswith("/dockerfly-hook")) | "\($s) \(.path) \(.args | join(" "))"'
}

# restarts RUNTIME HOST: restart, then stop + start, each bringing the LAN NIC back.
restarts() {
	local host=$2
	prun restart "$1" "$host"
	on_lan "$host"
	pod restart -t 2 "$NAME" >/dev/null
	PID=$(podman_pid "$NAME")
	record_netns "$PID"
	on_lan "$host"
	pod stop -t 2 "$NAME" >/dev/null
	gone_from_lan "$LAB_NET4.$host"
	pod start "$NAME" >/dev/null
	PID=$(podman_pid "$NAME")
	record_netns "$PID"
	on_lan "$host"
}

# released RUNTIME HOST: with the installed hooks.d file pointed at the recording hook, the hook
# runs at creation and again at rm -f with a stopped state, which the hook takes as release.
released() {
	local dir="$BATS_TEST_TMPDIR/hooks.d" id host=$2
	hook_recorder
	mkdir -p "$dir"
	jq --arg p "$HOOK_REC" '.hook.path = $p' "$DF_HOOKSD/dockerfly.json" >"$dir/dockerfly.json"
	NAME=$(cname released)
	podman --hooks-dir "$dir" run -d --name "$NAME" --label "$TEST_LABEL" --runtime "$1" \
		--network none --annotation "dockerfly.parent=$LAB_PARENT" \
		--annotation "dockerfly.ip=$LAB_NET4.$host/24" --annotation "dockerfly.gateway=$LAB_GW4" \
		"$TEST_IMAGE" sh -c "$(serve_cmd)" >/dev/null
	PID=$(podman_pid "$NAME")
	record_netns "$PID"
	id=$(podman inspect -f '{{.Id}}' "$NAME")
	on_lan "$host"
	podman --hooks-dir "$dir" rm -f -t 0 "$NAME" >/dev/null
	wait_until 50 pid_gone "$PID"
	# runc says "creating" at prestart, crun "created": either is a live container.
	assert_eq "hook calls" "$(printf -- '- creat\n- stopped')" \
		"$(hook_calls "$id" | sed 's/ creat\(ing\|ed\)$/ creat/')"
	assert_eq "containers" "" "$(podman ps -aq --filter "label=$TEST_LABEL")"
	gone_from_lan "$LAB_NET4.$host"
}

@test "podman + runc: --annotation dockerfly.* through hooks.d: the peer reaches the container" {
	prun runc runc 30
	on_lan 30
	podman exec "$NAME" ping -c 1 -W 2 "$LAB_GW4"
	# One hook for both stages: the stage comes from the state.
	assert_eq "hooks" "prestart $DOCKERFLY_HOOK dockerfly-hook" "$(dockerfly_hooks "$NAME")"
}

@test "podman + runc: restart, and stop + start, bring the LAN NIC back" {
	restarts runc 31
}

@test "podman + runc: rm -f leaves nothing; the hook runs again at poststop to release" {
	released runc 32
}

@test "podman + crun: the peer reaches the container; restart and stop + start" {
	command -v crun >/dev/null || skip "crun is not installed"
	ensure_hugetlb_v1
	prun crun crun 33
	on_lan 33
	podman_rm_ours
	restarts crun 35
}

@test "podman + crun: rm -f leaves nothing; the hook runs again at poststop to release" {
	command -v crun >/dev/null || skip "crun is not installed"
	ensure_hugetlb_v1
	released crun 36
}

@test "podman: no hook without a dockerfly. annotation; the match is anchored" {
	prun plain runc - --annotation x.dockerfly.parent=1 --annotation dockerflyx.y=1
	assert_eq "hooks" "" "$(dockerfly_hooks "$NAME")"
	run nsenter -t "$PID" -n ip -o link show
	assert_eq "links: lo only" 1 "$(grep -c . <<<"$output")"
}

@test "podman: dockerfly-setup's drop-in serves instead of --hooks-dir" {
	local dropin="$BATS_TEST_TMPDIR/containers.conf.d/50-dockerfly.conf"
	"$DF_SETUP" podman --config "$dropin" --hooks-dir "$DF_HOOKSD"
	# Podman reads only CONTAINERS_CONF when it is set: this file's settings plus the drop-in.
	cat "$PODMAN_CONF" "$dropin" >"$BATS_TEST_TMPDIR/containers.conf"
	export CONTAINERS_CONF="$BATS_TEST_TMPDIR/containers.conf"

	NAME=$(cname dropin)
	podman run -d --name "$NAME" --label "$TEST_LABEL" --runtime runc --network none \
		--annotation "dockerfly.parent=$LAB_PARENT" --annotation "dockerfly.ip=$LAB_NET4.34/24" \
		--annotation "dockerfly.gateway=$LAB_GW4" "$TEST_IMAGE" sh -c "$(serve_cmd)" >/dev/null
	PID=$(podman_pid "$NAME")
	record_netns "$PID"
	on_lan 34
	# A plain "podman restart", no option: the hook comes back from the configuration.
	podman restart -t 2 "$NAME" >/dev/null
	PID=$(podman_pid "$NAME")
	record_netns "$PID"
	on_lan 34

	"$DF_SETUP" podman --undo --config "$dropin"
	[ ! -e "$dropin" ] || flunk "drop-in left"
}
