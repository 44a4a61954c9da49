# shellcheck shell=bash
# Case 2: docker run --rm IMAGE true with dockerfly (dad=off, and the default quick check),
# with the runtime wrapper alone, with Docker's own macvlan network, and with --network none
# and nothing else: what a LAN address adds to a container's start.
# shellcheck disable=SC2153,SC2154 # globals of scripts/bench, which sources this file

# Container addresses of case 2: dockerfly's NICs take turns over these, since a removed
# container's NIC may answer for its address a moment longer (its namespace goes away in the
# kernel's own time), and the quick check would then refuse the next container.
DOCKER_ADDR_FIRST=200
DOCKER_ADDR_COUNT=50
DOCKER_MACVLAN_ADDR=250

# docker_prepare: run by hyperfine before each timed run: the next address into the env file.
docker_prepare() {
	local d=$W/docker n
	# shellcheck source=/dev/null
	. "$d/conf"
	n=$(($(cat "$d/counter") + 1))
	echo "$n" >"$d/counter"
	printf 'DOCKERFLY_PARENT=%s\nDOCKERFLY_IP=%s.%d/24\nDOCKERFLY_GATEWAY=%s\n' "$PARENT" \
		"$NET4" $((DOCKER_ADDR_FIRST + n % DOCKER_ADDR_COUNT)) "$GW" >"$d/df.env"
}

case_docker() {
	local d=$W/docker p="'$SELF' _docker-prepare"
	local run="docker run --rm --label $LABEL=1"
	local rt="--runtime $RUNTIME --network none"
	say "case 2: docker run --rm $IMAGE true ($DOCKER_RUNS runs each, in turns)"
	mkdir -p "$d"
	echo 0 >"$d/counter"
	printf 'PARENT=%s\nNET4=%s\nGW=%s\n' "$LAB_PARENT" "$LAB_NET4" "$LAB_GW4" >"$d/conf"

	hf_add none "$p" "$run --network none $IMAGE true"
	hf_add wrapper "$p" "$run $rt $IMAGE true"
	hf_add df-off "$p" "$run $rt --env-file $d/df.env -e DOCKERFLY_DAD=off $IMAGE true"
	hf_add df-quick "$p" "$run $rt --env-file $d/df.env $IMAGE true"
	hf_add macvlan "$p" "$run --network $MVNET --ip $LAB_NET4.$DOCKER_MACVLAN_ADDR $IMAGE true"
	hf_run docker "$DOCKER_RUNS" "$DOCKER_WARMUP"

	local vn vw voff vq vm mn moff mq mm pd
	vn=$(hf_values docker none)
	vw=$(hf_values docker wrapper)
	voff=$(hf_values docker df-off)
	vq=$(hf_values docker df-quick)
	vm=$(hf_values docker macvlan)
	mn=$(med "$vn")
	moff=$(med "$voff")
	mq=$(med "$vq")
	mm=$(med "$vm")

	section 2 "docker run --rm $IMAGE true; \"paired\" = median of the per-round" \
		"differences to --network none"
	row "--network none, runc (no dockerfly)" "$vn" ms "the peer"
	row "--runtime $RUNTIME, no dockerfly settings (wrapper alone)" "$vw" ms "$(vs_none "$vw")"
	row "dockerfly, dad=off (--runtime, --network none, -e DOCKERFLY_*)" "$voff" ms \
		"$(vs_none "$voff"); $(faster "$moff" "$mm") Docker macvlan"
	row "dockerfly, dad=quick (the default)" "$vq" ms \
		"$(vs_none "$vq"); $(faster "$mq" "$mm") Docker macvlan"
	row "Docker macvlan network, fixed --ip" "$vm" ms "$(vs_none "$vm")"

	# Two estimates: the medians' ratio, and the paired median difference against the
	# median of --network none (which the per-round pairing makes less noisy).
	pd=$(paired_med "$voff" "$vn")
	goal "2: dockerfly (dad=off) within 5% of --network none" \
		"$(pct "$moff" "$mn") (medians); $(pct "$(calc "$mn + $pd")" "$mn") (paired: \
$(printf '%+.0f' "$pd") ms)" "$(calc "$moff <= 1.05 * $mn")" "$(calc "$pd <= 0.05 * $mn")"
	goal "2: dockerfly (dad=off) faster than Docker's macvlan network" \
		"$(fmt "$moff") vs $(fmt "$mm") ms (medians)" "$(calc "$moff < $mm")"
	goal "2 (extra): dockerfly with the default dad=quick within 5% of --network none" \
		"$(pct "$mq" "$mn") (medians)" "$(calc "$mq <= 1.05 * $mn")"
}

# vs_none VALUES: the row against --network none of the same run.
vs_none() {
	local m mn p
	m=$(med "$1")
	mn=$(med "$vn")
	p=$(paired "$1" "$vn")
	printf '%s (%+.0f ms) vs none; paired %s ms' "$(pct "$m" "$mn")" "$(calc "$m - $mn")" "$p"
}
