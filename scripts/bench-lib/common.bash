# shellcheck shell=bash
# scripts/bench: setup, teardown, the interleaved hyperfine runner and the statistics every
# case shares. Sourced by scripts/bench; $W is the work directory.
# shellcheck disable=SC2153,SC2154 # globals of scripts/bench, which sources this file

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 1
}

say() {
	printf '%s: %s\n' "$prog" "$*" >&2
}

# ---- setup and teardown ----------------------------------------------------------------------

packages() {
	local p missing=()
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ "${#missing[@]}" -gt 0 ] || return 0
	say "installing Debian packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update >"$W/apt.log" 2>&1 || die "apt-get update failed (see $W/apt.log)"
	apt-get install -y --no-install-recommends "${missing[@]}" >>"$W/apt.log" 2>&1 ||
		die "apt-get install failed: $(tail -n 1 "$W/apt.log")"
}

# The busybox-static image of cases 2 and 4, imported once (no registry): a root file system
# holding busybox and a link per applet, as the tests' image.
busybox_image() {
	local bb=/bin/busybox root=$W/rootfs applet
	docker image inspect "$IMAGE" >/dev/null 2>&1 && return 0
	[ -x "$bb" ] || die "no $bb: install busybox-static"
	! ldd "$bb" >/dev/null 2>&1 || die "$bb is dynamically linked: install busybox-static"
	mkdir -p "$root/bin" "$root/tmp"
	cp "$bb" "$root/bin/busybox"
	for applet in $("$bb" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
	done
	tar -C "$root" -cf "$W/rootfs.tar" .
	docker import "$W/rootfs.tar" "$IMAGE" >/dev/null
	say "imported $IMAGE from $bb"
}

# lab_up NAME NET: the lab, and LAB_* of "scripts/lab env" as globals.
lab_up() {
	local k v
	"$top/scripts/lab" up "$1" --net "$2" >/dev/null
	while IFS='=' read -r k v; do
		case $k in
		LAB_PARENT | LAB_PEER_NS | LAB_GW4 | LAB_NET4) printf -v "$k" '%s' "$v" ;;
		esac
	done < <("$top/scripts/lab" env "$1")
	[ -n "$LAB_NET4" ] || die "lab $1: \"scripts/lab env\" says nothing"
}

setup() {
	packages
	say "work directory $W; building and installing dockerfly into $W/prefix"
	make -s -C "$top" -j"$(nproc)" B="$W/build" PREFIX="$W/prefix" SYSCONFDIR="$W/etc" \
		install >"$W/make.log" 2>&1 || die "make install failed: $(tail -n 1 "$W/make.log")"
	HOOK=$W/prefix/libexec/dockerfly/dockerfly-hook
	WRAPPER=$W/prefix/bin/dockerfly-runtime
	export HOOK
	if ! docker info >/dev/null 2>&1; then
		say "starting containerd and dockerd (tests/lib/start-engines)"
		"$top/tests/lib/start-engines"
	fi
	if want_case 2 || want_case 4; then
		"$W/prefix/bin/dockerfly-setup" docker --name "$RUNTIME" --runtime "$WRAPPER" \
			>"$W/setup.log" 2>&1 || die "dockerfly setup docker: $(tail -n 1 "$W/setup.log")"
		touch "$W/runtime-registered"
		busybox_image
	fi
	lab_up "$LAB" "$NET"
	if want_case 2 || want_case 4; then
		docker network create -d macvlan -o parent="$LAB_PARENT" --subnet "$LAB_NET4.0/24" \
			--gateway "$LAB_GW4" "$MVNET" >/dev/null
	fi
	machine_info >"$W/machine.md"
}

# Every part is tried even when another fails; never fails itself.
teardown() {
	local ids
	trap - EXIT INT TERM
	set +e
	[ -n "${W:-}" ] && [ -d "$W" ] || return 0
	# The namespace holder first (case 5 starts it from this shell), then the starts of
	# case 4 still running must end before the containers are listed for removal.
	attach_cleanup
	wait
	ids=$(docker ps -aq --filter "label=$LABEL=1" 2>/dev/null)
	# shellcheck disable=SC2086 # one id per word
	[ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1
	docker network rm "$MVNET" >/dev/null 2>&1
	ip link del dev "$TMP_LINK" 2>/dev/null
	"$top/scripts/lab" down "$LAB" >/dev/null
	if [ -e "$W/runtime-registered" ]; then
		"$W/prefix/bin/dockerfly-setup" docker --undo --name "$RUNTIME" >/dev/null ||
			say "could not unregister Docker runtime $RUNTIME"
	fi
	rm -rf "$W"
}

# ---- statistics ------------------------------------------------------------------------------

# stats: a JSON array of numbers on stdin; prints {n, med, q1, q3, min, max, sd} (linear
# interpolation between ranks for the quantiles, sample standard deviation).
# shellcheck disable=SC2016 # jq's variables
JQ_STATS='
def q($p): ((length - 1) * $p) as $h | ($h | floor) as $lo | ($h | ceil) as $hi
	| .[$lo] + (.[$hi] - .[$lo]) * ($h - $lo);
sort as $s | length as $n | (add / $n) as $mean
| {n: $n, med: ($s | q(0.5)), q1: ($s | q(0.25)), q3: ($s | q(0.75)), min: $s[0],
   max: $s[-1],
   sd: (if $n > 1 then ((map((. - $mean) * (. - $mean)) | add) / ($n - 1) | sqrt)
	else 0 end)}'

stats() {
	jq -c "$JQ_STATS"
}

# med VALUES_JSON: the median of a JSON array.
med() {
	jq -r "$JQ_STATS | .med" <<<"$1"
}

# calc EXPR: awk arithmetic, printed with %.6g.
calc() {
	awk "BEGIN { printf \"%.6g\", ($1) }"
}

# ---- hyperfine, interleaved ------------------------------------------------------------------

# Commands of the next hf_run: hf_add NAME PREPARE COMMAND (hyperfine -N splits COMMAND).
HF_NAMES=()
HF_PREPS=()
HF_CMDS=()

hf_add() {
	HF_NAMES+=("$1")
	HF_PREPS+=("$2")
	HF_CMDS+=("$3")
}

# hf_check: each command once, by hand, after its prepare: a failing command shows its own
# error here rather than only as hyperfine's exit status.
hf_check() {
	local i out
	for i in "${!HF_NAMES[@]}"; do
		sh -c "${HF_PREPS[i]}" >"$W/check.out" 2>&1 ||
			die "${HF_NAMES[i]}: prepare failed: $(tail -n 1 "$W/check.out")"
		# Split as hyperfine -N splits it (shell words).
		if ! out=$(eval "${HF_CMDS[i]}" 2>&1 >/dev/null); then
			die "${HF_NAMES[i]}: $(printf '%s\n' "$out" | grep -v '^$' | tail -n 1)"
		fi
	done
}

# hf_run GROUP ROUNDS WARMUP: ROUNDS + WARMUP rounds, each one hyperfine run of every command
# (in an order rotated by one per round); the first WARMUP rounds are dropped. Writes
# $W/GROUP.json: {NAME: {times: [s...], user: [s...], system: [s...]}}.
hf_run() {
	local group=$1 rounds=$2 warmup=$3 r i j n=${#HF_NAMES[@]}
	local -a args
	mkdir -p "$W/$group"
	hf_check
	for ((r = 0; r < rounds + warmup; r++)); do
		args=(-N --style none --runs 1 --export-json "$W/$group/round-$r.json")
		for ((j = 0; j < n; j++)); do
			i=$(((j + r) % n))
			args+=(-p "${HF_PREPS[i]}" -n "${HF_NAMES[i]}" "${HF_CMDS[i]}")
		done
		hyperfine "${args[@]}" >"$W/hyperfine.log" 2>&1 ||
			die "$group, round $r: hyperfine failed: $(grep -v '^$' "$W/hyperfine.log" |
				tail -n 2 | tr '\n' ' ')"
		if ((r < warmup)); then
			rm -f "$W/$group/round-$r.json"
		fi
		printf '.' >&2
	done
	printf '\n' >&2
	jq -s 'map(.results[]) | group_by(.command) | map({key: .[0].command,
		value: {times: map(.times[]), user: map(.user), system: map(.system)}})
		| from_entries' "$W/$group"/round-*.json >"$W/$group.json"
	[ -z "$JSON_DIR" ] || { mkdir -p "$JSON_DIR"; cp -r "$W/$group" "$W/$group.json" "$JSON_DIR/"; }
	HF_NAMES=()
	HF_PREPS=()
	HF_CMDS=()
}

# hf_values GROUP NAME [FIELD]: the runs of one command in milliseconds, as a JSON array;
# FIELD times (default) or cpu (user + system).
hf_values() {
	if [ "${3:-times}" = cpu ]; then
		jq -c --arg n "$2" '.[$n] | [.user, .system] | transpose | map((.[0] + .[1]) * 1000)' \
			"$W/$1.json"
	else
		jq -c --arg n "$2" '.[$n].times | map(. * 1000)' "$W/$1.json"
	fi
}
