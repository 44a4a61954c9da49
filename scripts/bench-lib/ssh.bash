# shellcheck shell=bash
# Case 3: docker run -d of the VM-like base image to an SSH login from the lab's peer host,
# dockerfly against Docker's macvlan network. scripts/bench-ssh --detail does the work (a lab,
# install and runtime registration of its own, the ways taking turns round by round); this
# reads its table. Its ways: "dockerfly" is the dockerfly command (dockerfly run), "runtime"
# and "nodad" are docker run -d --runtime with DOCKERFLY_* (dad=quick, dad=off), "runc" is
# docker run -d --network none with nothing else (the engine alone, no sshd).
# shellcheck disable=SC2153,SC2154 # globals of scripts/bench, which sources this file

# ssh_field WAY COLUMN: "MEDIAN MIN MAX" of one cell of bench-ssh's table ("678 (642..706)"),
# empty when the cell is "-".
ssh_field() {
	awk -v way="$1" -v col="$2" '
		$1 == way && $2 ~ /^[0-9]+$/ {
			i = 2 + (col - 1) * 2; m = $i; r = $(i + 1)
			if (m !~ /^[0-9]+$/) exit
			gsub(/[()]/, "", r); split(r, mm, /\.\./); print m, mm[1], mm[2]; exit }' \
		"$W/ssh.out"
}

# summary_row LABEL "MED MIN MAX" NOTE: a row from the figures bench-ssh summed up.
summary_row() {
	local m lo hi
	read -r m lo hi <<<"$2"
	printf '| | %s | %s ms | | %s – %s | | %s | %s |\n' "$1" "$m" "$lo" "$hi" "$SSH_ROUNDS" \
		"$3" >>"$W/table.md"
}

# ssh_vs WAY COLUMN: the way's median against Docker macvlan's, in the same column.
ssh_vs() {
	local a b
	a=$(ssh_field "$1" "$2")
	b=$(ssh_field macvlan "$2")
	printf '%+d ms vs Docker macvlan' $((${a%% *} - ${b%% *}))
}

# ssh_goal TEXT WAY: the way at least 100 ms faster to SSH login than Docker macvlan.
ssh_goal() {
	local a b d text
	a=$(ssh_field "$2" 3)
	b=$(ssh_field macvlan 3)
	d=$((${b%% *} - ${a%% *}))
	if ((d >= 0)); then text="$d ms faster"; else text="$((-d)) ms slower"; fi
	goal "$1" "$text (medians, $SSH_ROUNDS rounds)" "$( ((d >= 100)) && echo 1 || echo 0)"
}

# ssh_under TEXT WAY MS: the way's median to SSH login under MS.
ssh_under() {
	local a
	a=$(ssh_field "$2" 3)
	goal "$1" "${a%% *} ms (median, $SSH_ROUNDS rounds)" "$( ((${a%% *} < $3)) && echo 1 || echo 0)"
}

ssh_not_run() {
	note_row "not run" "$1"
	goal "3: dockerfly ≥ 100 ms faster to SSH login than Docker macvlan" "not measured" 0
}

case_ssh() {
	local way
	say "case 3: docker run -d to SSH login, scripts/bench-ssh --detail --rounds $SSH_ROUNDS"
	section 3 "docker run -d of dockerfly/debian:12 to an SSH login from the peer host" \
		"(scripts/bench-ssh --detail: median, min – max; lab 198.18.$((NET + 1)).0/24)"
	if ! "$top/scripts/bench-ssh" --detail --rounds "$SSH_ROUNDS" --net $((NET + 1)) \
		>"$W/ssh.out" 2>"$W/ssh.err"; then
		ssh_not_run "scripts/bench-ssh failed: $(grep -v '^$' "$W/ssh.err" | tail -n 1)"
		return 0
	fi
	[ -z "$JSON_DIR" ] || { mkdir -p "$JSON_DIR"; cp "$W/ssh.out" "$JSON_DIR/bench-ssh.txt"; }
	for way in dockerfly macvlan runtime nodad runc; do
		if [ -z "$(ssh_field "$way" 1)" ]; then
			ssh_not_run "no figures for \"$way\" in scripts/bench-ssh's table"
			return 0
		fi
	done

	summary_row "Docker macvlan network, fixed --ip: SSH login done" "$(ssh_field macvlan 3)" \
		"the peer"
	summary_row "dockerfly, dad=off (docker run -d --runtime, -e DOCKERFLY_*)" \
		"$(ssh_field nodad 3)" "$(ssh_vs nodad 3)"
	summary_row "dockerfly, dad=quick, the default (same)" "$(ssh_field runtime 3)" \
		"$(ssh_vs runtime 3)"
	summary_row "dockerfly run NAME --ip ADDR (the dockerfly command: Docker's API, Docker's \
networking disabled; dad=quick)" \
		"$(ssh_field dockerfly 3)" "$(ssh_vs dockerfly 3)"
	summary_row "… Docker macvlan: the create command returned" "$(ssh_field macvlan 1)" ""
	for way in nodad runtime dockerfly; do
		summary_row "… $way: the create command returned" "$(ssh_field "$way" 1)" \
			"$(ssh_vs "$way" 1)"
	done
	summary_row "… --network none, no dockerfly, no sshd: docker run -d returned" \
		"$(ssh_field runc 1)" "$(ssh_vs runc 1)"

	ssh_goal "3: dockerfly run (default dad=quick) ≥ 100 ms faster to SSH login than Docker \
macvlan" dockerfly
	ssh_under "3: dockerfly run to SSH login, median under 0.4 s" dockerfly 400
	ssh_goal "3 (extra): docker run -d --runtime, dad=off, ≥ 100 ms faster than Docker macvlan" \
		nodad
	ssh_goal "3 (extra): the same with the default dad=quick" runtime
}
