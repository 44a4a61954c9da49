#!/usr/bin/env bats
# Docker 20.10 through dockerfly-runtime ("docker run --runtime"), settings by -e DOCKERFLY_*:
# on the lab LAN with --network none and beside Docker's default bridge, across restart,
# stop/start and rm -f. The runtime is registered with the running dockerd under a name of
# this file's own and taken out at the end; the hook it adds logs each call before running the
# installed one (hook_recorder in tests/lib/engines.bash).

# Each test runs in a subshell of its own, and bats' run sets $stderr.
# shellcheck disable=SC2030,SC2031,SC2154

load helper
load lib/engines

setup_file() {
	engines_setup_file 30
	need_docker
	ensure_image docker
	hook_recorder
	docker_runtime_up
}

teardown_file() {
	docker_rm_ours
	docker_runtime_down
	common_teardown_file
}

setup() {
	common_setup
}

teardown() {
	local rc=0
	docker_rm_ours || rc=1
	common_teardown || rc=1
	return "$rc"
}

# drun WORD HOST [docker run options...]: a detached container serving HTTP, with the LAN
# settings for host part .HOST (HOST "-": none). Sets NAME and PID.
drun() {
	local word=$1 host=$2 env=() line
	shift 2
	NAME=$(cname "$word")
	if [ "$host" != - ]; then
		while read -r line; do
			env+=(-e "$line")
		done < <(lan_env "$host")
	fi
	docker run -d --name "$NAME" --label "$TEST_LABEL" --runtime "$DOCKER_RT" \
		"${env[@]}" "$@" "$TEST_IMAGE" sh -c "$(serve_cmd)" >/dev/null
	PID=$(docker_pid "$NAME")
	record_netns "$PID"
}

# hook_args STAGE: the first argument of each hook of STAGE in $NAME's bundle config.json.
hook_args() {
	docker_bundle_config "$NAME" | jq -c --arg s "$1" '[.hooks[$s] // [] | .[].args[0]]'
}

@test "docker: --network none and -e DOCKERFLY_*: the peer reaches the container" {
	drun none 10 --network none
	on_lan 10
	run nsenter -t "$PID" -n ip -o link show
	assert_eq "links: lo and lan0" 2 "$(grep -c . <<<"$output")"
	docker exec "$NAME" ping -c 1 -W 2 "$LAB_GW4"
	# Docker's own prestart hook runs first, dockerfly's once after it.
	assert_eq "prestart hooks" '["libnetwork-setkey","dockerfly-hook"]' "$(hook_args prestart)"
	assert_eq "poststop hooks" '["dockerfly-hook"]' "$(hook_args poststop)"
}

@test "docker: the default bridge stays eth0, the LAN NIC beside it, default route via the LAN" {
	local bridge_gw
	bridge_gw=$(docker network inspect bridge --format '{{(index .IPAM.Config 0).Gateway}}')
	drun bridge 11
	on_lan 11
	assert_contains "eth0 on Docker's bridge" "$(ns_addr "$PID" eth0)" "${bridge_gw%.*}."
	# Docker's network still works next to the LAN.
	docker exec "$NAME" ping -c 1 -W 2 "$bridge_gw"
	docker exec "$NAME" ping -c 1 -W 2 "$LAB_GW4"
	assert_eq "prestart hooks" '["libnetwork-setkey","dockerfly-hook"]' "$(hook_args prestart)"
}

# A restart follows the stop so closely that the old NIC may still be there, going with its
# namespace; the conflict probe (on by default) must not take it for another host.
@test "docker: docker restart brings the LAN NIC back" {
	local old_pid
	drun restart 12 --network none
	on_lan 12
	old_pid=$PID
	docker restart -t 2 "$NAME" >/dev/null
	PID=$(docker_pid "$NAME")
	[ "$PID" != "$old_pid" ] || flunk "the container did not restart"
	record_netns "$PID"
	on_lan 12
	assert_eq "hook calls" "$(printf 'prestart creating\npoststop stopped\nprestart creating')" \
		"$(hook_calls "$(docker inspect -f '{{.Id}}' "$NAME")")"
}

@test "docker: docker stop and docker start bring the LAN NIC back" {
	drun stopstart 13
	on_lan 13
	docker stop -t 2 "$NAME" >/dev/null
	gone_from_lan "$LAB_NET4.13"
	docker start "$NAME" >/dev/null
	PID=$(docker_pid "$NAME")
	record_netns "$PID"
	on_lan 13
	assert_eq "prestart hooks after start" '["libnetwork-setkey","dockerfly-hook"]' \
		"$(hook_args prestart)"
}

@test "docker: docker rm -f leaves nothing behind" {
	local id
	drun rm 14
	on_lan 14
	id=$(docker inspect -f '{{.Id}}' "$NAME")
	docker rm -f "$NAME" >/dev/null
	wait_until 50 pid_gone "$PID"
	run docker ps -aq --filter "label=$TEST_LABEL"
	assert_eq "containers" "" "$output"
	[ ! -e "/run/containerd/io.containerd.runtime.v2.task/moby/$id" ] ||
		flunk "the bundle of $id is still there"
	gone_from_lan "$LAB_NET4.14"
	assert_eq "hook calls" "$(printf 'prestart creating\npoststop stopped')" "$(hook_calls "$id")"
	# The netns, the macvlan and host links are checked by the leak check in teardown.
}

@test "docker: a container without settings gets no dockerfly hook" {
	drun plain - --network none
	assert_eq "prestart hooks" '["libnetwork-setkey"]' "$(hook_args prestart)"
	assert_eq "poststop hooks" '[]' "$(hook_args poststop)"
	run nsenter -t "$PID" -n ip -o link show
	assert_eq "links: lo only" 1 "$(grep -c . <<<"$output")"
}

@test "docker: a bad setting fails docker run with the hook's one line, nothing left" {
	NAME=$(cname bad)
	run --separate-stderr docker run -d --name "$NAME" --label "$TEST_LABEL" \
		--runtime "$DOCKER_RT" --network none -e "DOCKERFLY_PARENT=$LAB_PARENT" \
		-e DOCKERFLY_IP=198.18.30.300/24 "$TEST_IMAGE" sleep 1
	[ "$status" -ne 0 ] || flunk "docker run succeeded"
	assert_contains "error" "$stderr" "dockerfly-hook: container "
	assert_contains "error names the value" "$stderr" "198.18.30.300/24"
	assert_eq "state" "created" "$(docker inspect -f '{{.State.Status}}' "$NAME")"
}

@test "docker: five restarts in a row with the conflict probe on, the NIC back each time" {
	local i
	drun restarts 16 --network none
	for i in 1 2 3 4 5; do
		on_lan 16
		docker restart -t 2 "$NAME" >/dev/null || flunk "restart $i refused"
		PID=$(docker_pid "$NAME")
		record_netns "$PID"
	done
	on_lan 16
}

# TCP reaching the container as it stops keeps its namespace, and the old NIC, a little longer.
@test "docker: a peer connecting as the container stops: the next start works, rm -f frees it" {
	local i
	drun linger 15 --network none
	on_lan 15
	for i in 1 2 3 4 5; do
		docker stop -t 2 "$NAME" >/dev/null
		in_peer LAB timeout 1 busybox wget -q -O - "http://$LAB_NET4.15:8080/" >/dev/null 2>&1 ||
			true
		docker start "$NAME" >/dev/null || flunk "start $i refused"
		PID=$(docker_pid "$NAME")
		record_netns "$PID"
		on_lan 15
	done
	docker rm -f "$NAME" >/dev/null
	gone_from_lan "$LAB_NET4.15"
}
