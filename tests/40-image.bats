#!/usr/bin/env bats
# The base image dockerfly/debian:12: its build and cache, key-only SSH logins over a network,
# host keys of its own per container, a quick clean 'docker stop', the command mode, and the
# same image under Podman. Docker only: no lab LAN is needed. The containers sit on a Docker
# bridge network of this file's own, in 198.19.40.0/24 (part of the lab range 198.18.0.0/15).

load helper

IMAGE=dockerfly/debian:12
NET4=198.19.40
KEY_LABEL=dockerfly-test

setup_file() {
	common_setup_file
	export TAG="40-image-$DFT_PID"
	export NET_NAME="dft-$DFT_NUM$DFT_PID"
	export BUILD_IMAGE="$TOP_DIR/scripts/build-image"

	[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, dockerd, network namespaces)"
	command -v debootstrap >/dev/null || skip "debootstrap is not installed"
	command -v docker >/dev/null || skip "docker is not installed"
	start_dockerd

	"$BUILD_IMAGE" --engine docker >"$BATS_FILE_TMPDIR/build1.log" 2>&1 ||
		flunk "build-image failed: $(tail -n 1 "$BATS_FILE_TMPDIR/build1.log")"

	# A network of this file's own, with its own bridge, so nothing else's addresses are used.
	docker network create --subnet "$NET4.0/24" --label "$KEY_LABEL=$TAG" \
		-o com.docker.network.bridge.name="$NET_NAME" "$NET_NAME" >/dev/null ||
		flunk "docker network $NET4.0/24 cannot be made (a leftover dft-$DFT_NUM* network?)"

	ssh-keygen -q -t ed25519 -N '' -C dockerfly-test -f "$BATS_FILE_TMPDIR/id"
	ssh-keygen -q -t ed25519 -N '' -C dockerfly-test-2 -f "$BATS_FILE_TMPDIR/id2"
	printf '#!/bin/sh\necho dockerfly-pw\n' >"$BATS_FILE_TMPDIR/askpass"
	chmod +x "$BATS_FILE_TMPDIR/askpass"
	printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n' \
		>"$BATS_FILE_TMPDIR/containers.conf"
}

setup() {
	common_setup
}

teardown() {
	remove_containers
	common_teardown
}

teardown_file() {
	remove_containers
	docker network rm "$NET_NAME" >/dev/null 2>&1 || true
	stop_dockerd
	common_teardown_file
}

# dockerd is started here only when none answers, and only that one is stopped at the end.
start_dockerd() {
	docker info >/dev/null 2>&1 && return 0
	command -v dockerd >/dev/null || skip "dockerd is not installed"
	# fd 3 is bats' own: a daemon keeping it open would hold the run forever.
	dockerd >/var/log/dockerd.log 2>&1 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/dockerd.pid"
	wait_until 300 docker_answers ||
		flunk "dockerd did not come up: $(tail -n 1 /var/log/dockerd.log)"
}

docker_answers() {
	docker info >/dev/null 2>&1
}

stop_dockerd() {
	local pid
	[ -f "$BATS_FILE_TMPDIR/dockerd.pid" ] || return 0
	pid=$(cat "$BATS_FILE_TMPDIR/dockerd.pid")
	kill "$pid" 2>/dev/null || return 0
	wait_until 300 gone "$pid"
}

gone() {
	! kill -0 "$1" 2>/dev/null
}

remove_containers() {
	local eng ids
	for eng in docker podman; do
		command -v "$eng" >/dev/null || continue
		mapfile -t ids < <("$eng" ps -aq --filter "label=$KEY_LABEL=$TAG" 2>/dev/null)
		[ "${#ids[@]}" -eq 0 ] || "$eng" rm -f "${ids[@]}" >/dev/null
	done
}

# boot NAME [docker run options...] [-- image arguments...]: start a container of the image on
# this file's network and wait until its sshd listens; prints nothing.
boot() {
	local name=$1 opts=() args=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ $# -eq 0 ] || shift
	args=("$@")
	docker run -d --name "$name" --label "$KEY_LABEL=$TAG" --network "$NET_NAME" \
		"${opts[@]}" "$IMAGE" "${args[@]}" >/dev/null
	wait_until 200 sshd_listens "$name" || flunk "sshd in $name: $(docker logs "$name" 2>&1)"
}

sshd_listens() {
	[ "$(docker inspect -f '{{.State.Running}}' "$1")" = true ] || return 1
	docker logs "$1" 2>&1 | grep -q 'Server listening on 0.0.0.0 port 22'
}

addr_of() {
	docker inspect -f "{{(index .NetworkSettings.Networks \"$NET_NAME\").IPAddress}}" "$1"
}

cname() {
	printf 'dft-%s%s-%s' "$DFT_NUM" "$DFT_PID" "$1"
}

SSH_OPTS=(-F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	-o LogLevel=ERROR -o ConnectTimeout=10)

# ssh_key ADDR KEY CMD...: run CMD as root in ADDR, logging in with the private key KEY.
ssh_key() {
	ssh "${SSH_OPTS[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$2" "root@$1" "${@:3}"
}

# ssh_password ADDR METHOD: try a login with the password dockerfly-pw by METHOD only.
ssh_password() {
	SSH_ASKPASS="$BATS_FILE_TMPDIR/askpass" SSH_ASKPASS_REQUIRE=force \
		ssh "${SSH_OPTS[@]}" -o PreferredAuthentications="$2" -o PubkeyAuthentication=no \
		-o NumberOfPasswordPrompts=1 "root@$1" id -u </dev/null
}

host_key_fingerprints() {
	docker exec "$1" sh -c 'for f in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$f"; done'
}

@test "build-image: --help shows the usage, bad arguments are refused in one line" {
	run "$BUILD_IMAGE" --help
	[ "$status" -eq 0 ]
	assert_contains "help" "$output" "Usage: build-image"
	assert_contains "help" "$output" "--rebuild"

	run "$BUILD_IMAGE" --engine lxc
	[ "$status" -ne 0 ]
	assert_eq "bad engine" "build-image: --engine must be docker, podman or both, not 'lxc'" \
		"$output"

	run "$BUILD_IMAGE" --no-such-option
	[ "$status" -ne 0 ]
	assert_eq "bad option" "build-image: unknown argument '--no-such-option' (see --help)" \
		"$output"
}

@test "build-image: the mirror is the one apt is configured with, deb822 or one-line" {
	local apt=$BATS_TEST_TMPDIR/apt
	mkdir -p "$apt/sources.list.d"

	run env DOCKERFLY_APT_DIR="$apt" "$BUILD_IMAGE" --print-mirror
	[ "$status" -ne 0 ]
	assert_eq "no sources" \
		"build-image: no Debian mirror found in $apt/sources.list*; give --mirror URL" \
		"$output"

	# Security first, a disabled entry and a deb-src one: none of them is the archive.
	cat >"$apt/sources.list.d/debian.sources" <<-EOT
		Types: deb
		URIs: http://security.example.test/debian-security
		Suites: bookworm-security
		Components: main

		Enabled: no
		Types: deb
		URIs: http://disabled.example.test/debian
		Suites: bookworm

		Types: deb-src
		URIs: http://src.example.test/debian
		Suites: bookworm

		Types: deb deb-src
		# a comment inside the stanza
		URIs: http://deb822.example.test/debian
		Suites: bookworm bookworm-updates
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOT
	run env DOCKERFLY_APT_DIR="$apt" "$BUILD_IMAGE" --print-mirror
	assert_eq "deb822" "http://deb822.example.test/debian" "$output"

	# One-line sources are read first, as apt does; options in brackets are skipped over.
	cat >"$apt/sources.list" <<-EOT
		# deb http://commented.example.test/debian bookworm main
		deb [arch=amd64 signed-by=/k.gpg] http://oneline.example.test/debian bookworm main
	EOT
	run env DOCKERFLY_APT_DIR="$apt" "$BUILD_IMAGE" --print-mirror
	assert_eq "one-line" "http://oneline.example.test/debian" "$output"

	# A machine of another release still has its main archive used for bookworm.
	echo "deb http://trixie.example.test/debian trixie-updates main" >"$apt/sources.list"
	echo "deb http://trixie.example.test/debian trixie main" >>"$apt/sources.list"
	rm "$apt/sources.list.d/debian.sources"
	run env DOCKERFLY_APT_DIR="$apt" "$BUILD_IMAGE" --print-mirror
	assert_eq "other release" "http://trixie.example.test/debian" "$output"
}

@test "build-image: a second build uses the cached rootfs and runs no debootstrap" {
	run "$BUILD_IMAGE" --engine docker
	[ "$status" -eq 0 ]
	assert_contains "second build" "$output" "build-image: using cached rootfs /"
	[[ $output != *"build-image: debootstrap "* ]] || flunk "debootstrap ran again: $output"
	assert_contains "second build" "$output" "docker: $IMAGE is up to date"
}

@test "image: tini runs dockerfly-init; no host keys, locked root, no apt lists or docs" {
	run docker image inspect -f '{{json .Config.Entrypoint}}' "$IMAGE"
	[ "$status" -eq 0 ]
	assert_eq "entrypoint" '["/usr/bin/tini","--","/usr/local/sbin/dockerfly-init"]' "$output"

	run docker run --rm --label "$KEY_LABEL=$TAG" --network none --entrypoint /bin/sh "$IMAGE" \
		-c 'ls /etc/ssh/ssh_host_* 2>/dev/null | wc -l
		    grep "^root:" /etc/shadow | cut -d: -f2
		    find /var/lib/apt/lists /usr/share/man -mindepth 1 | wc -l
		    find /usr/share/doc/ -mindepth 2 ! -type d ! -name copyright | wc -l
		    find /usr/share/locale -mindepth 1 ! -name locale.alias | wc -l
		    cat /usr/share/doc/openssh-server/copyright | wc -l'
	[ "$status" -eq 0 ]
	assert_eq "host keys in image, root password, apt lists and manuals, docs, translations" \
		"0 !* 0 0 0" "${lines[*]:0:5}"
	[ "${lines[5]}" -gt 0 ] || flunk "openssh-server's copyright file is missing"
}

@test "ssh: the key from SSH_AUTHORIZED_KEYS logs in as root; .ssh modes are strict" {
	local c
	c=$(cname env)
	boot "$c" -e SSH_AUTHORIZED_KEYS="$(cat "$BATS_FILE_TMPDIR/id.pub")"

	run ssh_key "$(addr_of "$c")" "$BATS_FILE_TMPDIR/id" id -u
	[ "$status" -eq 0 ]
	assert_eq "login" 0 "$output"

	run docker exec "$c" stat -c '%a %u %n' /root/.ssh /root/.ssh/authorized_keys
	assert_eq "modes" "700 0 /root/.ssh 600 0 /root/.ssh/authorized_keys" "${lines[*]}"

	# A key the container was not given is refused.
	run ssh_key "$(addr_of "$c")" "$BATS_FILE_TMPDIR/id2" id -u
	[ "$status" -eq 255 ]
}

@test "ssh: keys from a mounted /etc/dockerfly/authorized_keys log in, with the env key" {
	local c
	c=$(cname file)
	boot "$c" -v "$BATS_FILE_TMPDIR/id2.pub:/etc/dockerfly/authorized_keys:ro" \
		-e SSH_AUTHORIZED_KEYS="$(cat "$BATS_FILE_TMPDIR/id.pub")"

	run ssh_key "$(addr_of "$c")" "$BATS_FILE_TMPDIR/id2" id -u
	[ "$status" -eq 0 ]
	assert_eq "login with the file's key" 0 "$output"
	run ssh_key "$(addr_of "$c")" "$BATS_FILE_TMPDIR/id" id -u
	[ "$status" -eq 0 ]
	assert_eq "login with the env key" 0 "$output"

	# A restart adds nothing twice.
	docker restart -t 10 "$c" >/dev/null
	run docker exec "$c" grep -c ssh-ed25519 /root/.ssh/authorized_keys
	assert_eq "keys after restart" 2 "$output"
}

@test "ssh: password and keyboard-interactive logins are refused even with a root password" {
	local c ctl
	c=$(cname pw)
	ctl=$(cname pwctl)
	boot "$c"
	# The control container turns both methods on: it shows the same attempt can succeed.
	boot "$ctl" -- -o PasswordAuthentication=yes -o KbdInteractiveAuthentication=yes \
		-o PermitRootLogin=yes
	echo root:dockerfly-pw | docker exec -i "$c" chpasswd
	echo root:dockerfly-pw | docker exec -i "$ctl" chpasswd

	run ssh_password "$(addr_of "$ctl")" password
	assert_eq "control, password" 0 "$output"
	run ssh_password "$(addr_of "$ctl")" keyboard-interactive
	assert_eq "control, keyboard-interactive" 0 "$output"

	run ssh_password "$(addr_of "$c")" password
	[ "$status" -eq 255 ]
	assert_contains "password" "$output" "Permission denied (publickey)"
	run ssh_password "$(addr_of "$c")" keyboard-interactive
	[ "$status" -eq 255 ]
	assert_contains "keyboard-interactive" "$output" "Permission denied (publickey)"
}

@test "host keys: one Ed25519 key made on first boot, different per container, kept across a restart" {
	local a b fa fb seen
	a=$(cname hka)
	b=$(cname hkb)
	boot "$a"
	boot "$b"

	fa=$(host_key_fingerprints "$a")
	fb=$(host_key_fingerprints "$b")
	# One Ed25519 key: the others would cost seconds of CPU at every first boot.
	[ "$(wc -l <<<"$fa")" -eq 1 ] && [[ $fa == *"(ED25519)" ]] ||
		flunk "expected one ed25519 key: $fa"
	[ "$(comm -12 <(sort <<<"$fa") <(sort <<<"$fb"))" = "" ] ||
		flunk "containers share host keys: $fa"

	# What sshd presents on the network is the container's own key.
	seen=$(ssh-keyscan -t ed25519 "$(addr_of "$a")" 2>/dev/null | ssh-keygen -lf -)
	seen=$(cut -d' ' -f2 <<<"$seen")
	assert_contains "scanned key" "$fa" "$seen"

	docker restart -t 10 "$a" >/dev/null
	wait_until 200 sshd_listens "$a"
	assert_eq "host keys after restart" "$fa" "$(host_key_fingerprints "$a")"
}

# kex_of ADDR [ssh options...]: the key exchange a login to ADDR agrees on; fails with no login.
kex_of() {
	local out
	out=$(ssh_key "$1" "$BATS_FILE_TMPDIR/id" "${@:2}" -v true 2>&1) || {
		printf '%s\n' "$out" >&2
		return 1
	}
	sed -n 's/^debug1: kex: algorithm: \([^[:space:]]*\).*/\1/p' <<<"$out"
}

@test "key exchange: classical curve25519 by default, post-quantum sntrup761 with SSH_PQ_KEX=on" {
	local c pq sntrup=sntrup761x25519-sha512@openssh.com
	c=$(cname kex)
	pq=$(cname pqkex)
	boot "$c" -e SSH_AUTHORIZED_KEYS="$(cat "$BATS_FILE_TMPDIR/id.pub")"
	boot "$pq" -e SSH_AUTHORIZED_KEYS="$(cat "$BATS_FILE_TMPDIR/id.pub")" -e SSH_PQ_KEX=on

	run kex_of "$(addr_of "$c")"
	assert_eq "default" curve25519-sha256 "$output"
	# A client that asks for sntrup761 only finds no common algorithm.
	run kex_of "$(addr_of "$c")" -o KexAlgorithms="$sntrup"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no matching key exchange method found"* ]] || flunk "$output"

	run kex_of "$(addr_of "$pq")"
	assert_eq "SSH_PQ_KEX=on" sntrup761x25519-sha512 "${output%@openssh.com}"
	# The classical exchange stays on offer for clients without sntrup761.
	run kex_of "$(addr_of "$pq")" -o KexAlgorithms=curve25519-sha256
	assert_eq "SSH_PQ_KEX=on, classical client" curve25519-sha256 "$output"

	# Anything but on or off refuses the start in one line.
	run docker run --rm --label "$KEY_LABEL=$TAG" --network none -e SSH_PQ_KEX=yes "$IMAGE"
	[ "$status" -eq 1 ]
	assert_eq "error" "dockerfly-init: SSH_PQ_KEX: want on or off, got 'yes'" "$output"
}

@test "docker stop: sshd ends on the forwarded SIGTERM, no SIGKILL after the grace period" {
	local c
	c=$(cname stop)
	boot "$c"

	docker stop -t 10 "$c" >/dev/null
	# sshd exits 0 on SIGTERM; a SIGKILL after the 10 s grace would show as 137.
	assert_eq "exit code" 0 "$(docker inspect -f '{{.State.ExitCode}}' "$c")"
	assert_eq "OOM killed" false "$(docker inspect -f '{{.State.OOMKilled}}' "$c")"
	assert_contains "sshd log" "$(docker logs "$c" 2>&1)" "Received signal 15; terminating."
}

@test "command mode: keys are set up, the command runs instead of sshd, tini forwards SIGTERM" {
	local c
	run docker run --rm --label "$KEY_LABEL=$TAG" --network none \
		-e SSH_AUTHORIZED_KEYS="$(cat "$BATS_FILE_TMPDIR/id.pub")" "$IMAGE" \
		sh -c 'cat /root/.ssh/authorized_keys; ls /etc/ssh/ssh_host_ed25519_key
		       pgrep -c sshd || true'
	[ "$status" -eq 0 ]
	assert_contains "authorized keys" "$output" "$(cat "$BATS_FILE_TMPDIR/id.pub")"
	assert_contains "host key" "$output" "/etc/ssh/ssh_host_ed25519_key"
	assert_eq "sshd processes" 0 "${lines[${#lines[@]} - 1]}"

	c=$(cname cmd)
	docker run -d --name "$c" --label "$KEY_LABEL=$TAG" --network none "$IMAGE" \
		sleep 600 >/dev/null
	wait_until 200 runs_sleep "$c"
	docker stop -t 10 "$c" >/dev/null
	# tini reports a child killed by SIGTERM as 128 + 15.
	assert_eq "exit code" 143 "$(docker inspect -f '{{.State.ExitCode}}' "$c")"
}

@test "names: empty /etc/hosts and resolv.conf are filled at boot, the engine's are kept" {
	local d="$BATS_TEST_TMPDIR"
	: >"$d/hosts"
	: >"$d/resolv.conf"
	docker run --rm --label "$KEY_LABEL=$TAG" --network none --hostname names1 \
		-v "$d/hosts:/etc/hosts" -v "$d/resolv.conf:/etc/resolv.conf" \
		-e NAMESERVERS="198.18.0.53 fd18::53" -e SEARCH_DOMAINS="lab.test example.test" \
		"$IMAGE" true
	assert_eq "hosts" "127.0.0.1 localhost|127.0.1.1 names1|::1 localhost ip6-localhost \
ip6-loopback|ff02::1 ip6-allnodes|ff02::2 ip6-allrouters" "$(tr '\t' ' ' <"$d/hosts" | paste -sd '|')"
	assert_eq "resolv.conf" "nameserver 198.18.0.53|nameserver fd18::53|search lab.test \
example.test" "$(paste -sd '|' "$d/resolv.conf")"

	# Docker's own files (networking not disabled) stay as Docker wrote them.
	run docker run --rm --label "$KEY_LABEL=$TAG" --network none --hostname names2 \
		-e NAMESERVERS=198.18.0.53 "$IMAGE" sh -c 'cat /etc/hosts; echo =; cat /etc/resolv.conf'
	assert_eq "status" 0 "$status"
	[[ $output != *names2* ]] || flunk "Docker's /etc/hosts was changed: $output"
	[[ $output != *198.18.0.53* ]] || flunk "Docker's /etc/resolv.conf was changed: $output"
}

runs_sleep() {
	docker exec "$1" pgrep -x sleep >/dev/null 2>&1
}

@test "bad keys: a line that is no key, or a directory, refuses the start in one line" {
	local keys want
	keys=$(printf '%s\nnot-a-key AAAA\n' "$(cat "$BATS_FILE_TMPDIR/id.pub")")
	run docker run --rm --label "$KEY_LABEL=$TAG" --network none \
		-e SSH_AUTHORIZED_KEYS="$keys" "$IMAGE" true
	[ "$status" -eq 1 ]
	want="dockerfly-init: authorized keys from SSH_AUTHORIZED_KEYS: line 2 is not a public key:"
	assert_eq "error" "$want not-a-key AAAA..." "$(grep dockerfly-init <<<"$output")"

	run docker run --rm --label "$KEY_LABEL=$TAG" --network none \
		-v "$BATS_TEST_TMPDIR:/etc/dockerfly/authorized_keys:ro" "$IMAGE" true
	[ "$status" -eq 1 ]
	want="dockerfly-init: install authorized keys:"
	assert_eq "error" "$want /etc/dockerfly/authorized_keys is not a readable file" \
		"$(grep dockerfly-init <<<"$output")"
}

@test "podman: the image imported into podman runs and sets up keys" {
	command -v podman >/dev/null || skip "podman is not installed"
	run "$BUILD_IMAGE" --engine podman
	[ "$status" -eq 0 ]
	assert_contains "podman build" "$output" "build-image: using cached rootfs /"

	run podman image inspect -f '{{json .Config.Entrypoint}}' "$IMAGE"
	assert_eq "entrypoint" '["/usr/bin/tini","--","/usr/local/sbin/dockerfly-init"]' "$output"

	# This machine lacks CAP_SYS_RESOURCE for podman's default rlimits; runc copes with the
	# hybrid cgroup layout without touching the host's cgroup mounts.
	export CONTAINERS_CONF="$BATS_FILE_TMPDIR/containers.conf"
	run podman run --rm --label "$KEY_LABEL=$TAG" --runtime runc --network none "$IMAGE" true
	[ "$status" -eq 0 ]
	run podman run --rm --label "$KEY_LABEL=$TAG" --runtime runc --network none \
		-e SSH_AUTHORIZED_KEYS="$(cat "$BATS_FILE_TMPDIR/id.pub")" "$IMAGE" \
		cat /root/.ssh/authorized_keys
	[ "$status" -eq 0 ]
	assert_contains "authorized keys" "$output" "$(cat "$BATS_FILE_TMPDIR/id.pub")"
}
