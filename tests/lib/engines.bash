# shellcheck shell=bash
# What the engine tests (30-engine-*.bats) share: dockerfly installed in a private prefix, the
# busybox test image in Docker and Podman, a Docker runtime registered for one file only, and
# cleanup of every container by label. Loaded after helper.bash ("load lib/engines").

# Shared test image (kept between runs): busybox-static and nothing else.
TEST_IMAGE=dockerfly-test/busybox
# The label every container of this file carries; teardown removes what has it.
TEST_LABEL_KEY=dockerfly-test

# engines_setup_file [NET]: tag, optional lab, private install; exports DF_*.
engines_setup_file() {
	common_setup_file "$@"
	export TEST_LABEL="$TEST_LABEL_KEY=$DFT_NUM-$DFT_PID-${BATS_TEST_FILENAME##*/}"
	engines_install
}

# engines_install: build and install into $BATS_FILE_TMPDIR/prefix with a build directory of
# its own, so that the paths built into the wrapper are this prefix's and no other build is
# disturbed; the wrapper's config file is $BATS_FILE_TMPDIR/etc/dockerfly/runtime.conf. The
# hook under test becomes the installed one.
engines_install() {
	local log="$BATS_FILE_TMPDIR/install.log"
	DF_PREFIX="$BATS_FILE_TMPDIR/prefix"
	DF_SYSCONF="$BATS_FILE_TMPDIR/etc"
	if ! make -C "$TOP_DIR" -j2 B="$BATS_FILE_TMPDIR/build" PREFIX="$DF_PREFIX" \
		SYSCONFDIR="$DF_SYSCONF" install >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		flunk "make install PREFIX=$DF_PREFIX failed"
	fi
	DF_RUNTIME="$DF_PREFIX/bin/dockerfly-runtime"
	DF_SETUP="$DF_PREFIX/bin/dockerfly-setup"
	DF_HOOKSD="$DF_PREFIX/share/containers/oci/hooks.d"
	DOCKERFLY_HOOK="$DF_PREFIX/libexec/dockerfly/dockerfly-hook"
	export DF_PREFIX DF_SYSCONF DF_RUNTIME DF_SETUP DF_HOOKSD DOCKERFLY_HOOK
}

# cname WORD: a container name unique to this file run.
cname() {
	printf 'dft%s%s-%s' "$DFT_NUM" "$DFT_PID" "$1"
}

# serve_cmd: a container command serving "dockerfly-container" over HTTP on port 8080 from a
# directory it makes itself (so any busybox image will do), and stopping at once on TERM.
serve_cmd() {
	echo 'mkdir -p /tmp/www && echo dockerfly-container >/tmp/www/index.html &&
		httpd -p 8080 -h /tmp/www && trap "exit 0" TERM && while :; do sleep 1; done'
}

# peer_gets ADDR [SECONDS]: the peer of lab LAB fetches the container's page at ADDR.
peer_gets() {
	[ "$(in_peer LAB timeout "${2:-5}" busybox wget -q -O - "http://$1:8080/index.html" \
		2>/dev/null)" = dockerfly-container ]
}

# on_lan HOST: container $NAME (pid $PID) has its LAN NIC at .HOST and its default route
# through the lab gateway, and the peer fetches its web page.
on_lan() {
	assert_eq "lan0 address" "$LAB_NET4.$1/24" "$(ns_addr "$PID" lan0)"
	assert_eq "default route" "lan0 $LAB_GW4" "$(default_route "$PID")"
	wait_until 50 peer_gets "$LAB_NET4.$1"
}

# peer_arp ADDR: something on lab LAB's LAN answers ARP for ADDR (within a second).
peer_arp() {
	in_peer LAB arping -q -c 1 -w 1 -I lan0 "$1"
}

# gone_from_lan ADDR: nothing answers ARP for ADDR any more, checked for up to ~5 s. A stopped
# container's namespace, with the NIC in it, goes asynchronously, later still when TCP state
# holds it; ARP rather than TCP, so that the check itself adds none.
gone_from_lan() {
	local i
	for ((i = 0; i < 50; i++)); do
		peer_arp "$1" || return 0
		sleep 0.1
	done
	flunk "$1 still answers ARP on the LAN"
}

# lan_env HOST: the settings of one NIC on lab LAB at host part .HOST, as env entries.
lan_env() {
	echo "DOCKERFLY_PARENT=$LAB_PARENT"
	echo "DOCKERFLY_IP=$LAB_NET4.$1/24"
	echo "DOCKERFLY_GATEWAY=$LAB_GW4"
}

# ns_addr PID DEV: the IPv4 address/len of DEV in PID's network namespace, empty when none.
ns_addr() {
	nsenter -t "$1" -n ip -j -4 addr show dev "$2" 2>/dev/null |
		jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"' 2>/dev/null | grep -v null || true
}

# default_route PID: "DEV GATEWAY" of each IPv4 default route in PID's network namespace.
default_route() {
	nsenter -t "$1" -n ip -j -4 route show default | jq -r '.[] | "\(.dev) \(.gateway)"'
}

# ---- images ---------------------------------------------------------------------------------

# image_tar: a tarball of the busybox rootfs the bundle helper builds.
image_tar() {
	base_rootfs
	[ -f "$BATS_FILE_TMPDIR/rootfs.tar" ] ||
		tar -C "$BATS_FILE_TMPDIR/rootfs" -cf "$BATS_FILE_TMPDIR/rootfs.tar" .
	echo "$BATS_FILE_TMPDIR/rootfs.tar"
}

# ensure_image docker|podman: the shared test image, imported once (no registry needed).
ensure_image() {
	"$1" image inspect "$TEST_IMAGE" >/dev/null 2>&1 && return 0
	"$1" import "$(image_tar)" "$TEST_IMAGE" >/dev/null
}

# ---- Docker ---------------------------------------------------------------------------------

DOCKER_CONFIG_FILE=/etc/docker/daemon.json

need_docker() {
	command -v docker >/dev/null || skip "docker is not installed"
	docker info >/dev/null 2>&1 ||
		flunk "dockerd does not answer (tests/lib/start-engines starts it)"
}

# docker_runtime_up: register the installed wrapper with the running dockerd as runtime
# DOCKER_RT, a name of this file's own, through dockerfly-setup. Only that entry is added to
# the daemon's configuration and docker_runtime_down takes it out again, so the daemon's other
# settings (its command-line flags among them) are never touched.
docker_runtime_up() {
	DOCKER_RT="dft$DFT_NUM$DFT_PID"
	export DOCKER_RT
	[ -e "$DOCKER_CONFIG_FILE.dockerfly-bak" ] || touch "$BATS_FILE_TMPDIR/docker_bak_ours"
	echo "$DOCKER_RT" >"$BATS_FILE_TMPDIR/docker_rt"
	"$DF_SETUP" docker --config "$DOCKER_CONFIG_FILE" --name "$DOCKER_RT" \
		--runtime "$DF_RUNTIME" >&2
}

docker_runtime_down() {
	local rc=0
	[ -f "$BATS_FILE_TMPDIR/docker_rt" ] || return 0
	"$DF_SETUP" docker --undo --config "$DOCKER_CONFIG_FILE" \
		--name "$(cat "$BATS_FILE_TMPDIR/docker_rt")" >&2 || rc=1
	[ ! -f "$BATS_FILE_TMPDIR/docker_bak_ours" ] || rm -f "$DOCKER_CONFIG_FILE.dockerfly-bak"
	rm -f "$BATS_FILE_TMPDIR/docker_rt"
	return "$rc"
}

# rm_ours docker|podman: remove every container of this file and wait until their processes
# are gone (an engine may answer before the last process is reaped).
rm_ours() {
	local eng=$1 ids pids pid rc=0
	command -v "$eng" >/dev/null || return 0
	ids=$("$eng" ps -aq --filter "label=$TEST_LABEL" 2>/dev/null) || return 0
	[ -n "$ids" ] || return 0
	# shellcheck disable=SC2086 # one id per word
	pids=$("$eng" inspect -f '{{.State.Pid}}' $ids 2>/dev/null) || true
	# shellcheck disable=SC2086
	"$eng" rm -f $ids >/dev/null || rc=1
	for pid in $pids; do
		[ "$pid" -gt 0 ] 2>/dev/null || continue
		wait_until 100 pid_gone "$pid" || rc=1
	done
	return "$rc"
}

docker_rm_ours() {
	rm_ours docker
}

docker_pid() {
	docker inspect -f '{{.State.Pid}}' "$1"
}

# docker_bundle_config ID: the config.json containerd gave the real runtime for container ID.
docker_bundle_config() {
	local id
	id=$(docker inspect -f '{{.Id}}' "$1")
	cat "/run/containerd/io.containerd.runtime.v2.task/moby/$id/config.json"
}

# ---- Podman ---------------------------------------------------------------------------------

# need_podman: Podman with a containers.conf of this file's own (lower rlimits: this machine
# lacks CAP_SYS_RESOURCE for Podman's defaults).
need_podman() {
	command -v podman >/dev/null || skip "podman is not installed"
	PODMAN_CONF="$BATS_FILE_TMPDIR/containers.conf"
	printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n' \
		>"$PODMAN_CONF"
	export PODMAN_CONF CONTAINERS_CONF="$PODMAN_CONF"
}

podman_rm_ours() {
	rm_ours podman
}

podman_pid() {
	podman inspect -f '{{.State.Pid}}' "$1"
}


# ---- seeing the hook run --------------------------------------------------------------------

# hook_recorder: a program named dockerfly-hook that logs each call ("ARG1 STATE", ARG1 "-"
# when there is none) to $HOOK_LOG, then runs the installed hook with the same arguments and
# state. The installed wrapper is pointed at it through its config file (the install's
# SYSCONFDIR is this file's own); the hooks.d copy for Podman names it directly. It proves
# that the engines run the release at poststop, where a static address leaves nothing else
# to see. Hooks run with an empty environment: only absolute paths here.
hook_recorder() {
	HOOK_REC="$BATS_FILE_TMPDIR/hookrec/dockerfly-hook"
	HOOK_LOG="$BATS_FILE_TMPDIR/hookrec/log"
	mkdir -p "${HOOK_REC%/*}" "$DF_SYSCONF/dockerfly"
	cat >"$HOOK_REC" <<EOF
#!/bin/sh
state=\$(/bin/cat)
printf '%s %s\n' "\${1:--}" "\$state" >>"$HOOK_LOG"
printf '%s' "\$state" | exec "$DOCKERFLY_HOOK" "\$@"
EOF
	chmod +x "$HOOK_REC"
	: >"$HOOK_LOG"
	echo "hook = $HOOK_REC" >"$DF_SYSCONF/dockerfly/runtime.conf"
	export HOOK_REC HOOK_LOG
}

# hook_calls ID: "ARG1 STATUS" for each recorded call of the hook for container ID.
hook_calls() {
	local arg state
	while read -r arg state; do
		jq -r --arg id "$1" --arg arg "$arg" 'select(.id == $id) | "\($arg) \(.status)"' \
			<<<"$state"
	done <"$HOOK_LOG"
}
