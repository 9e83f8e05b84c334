# SPDX-License-Identifier: MIT
# mmctl.bash - bash completion for mmctl(1).
#
# Owns: what Tab offers after mmctl: global options, commands, each
# command's options and arguments (report names after watch, .png and
# .svg files after map --output). Must never: run mmctl or reach the
# daemon; pids are not completed.
# Installed as $(PREFIX)/share/bash-completion/completions/mmctl.

_mmctl()
{
	local cur prev words cword
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_CWORD:+${COMP_WORDS[COMP_CWORD - 1]}}

	local reports="meminfo buddyinfo pagetypeinfo extfrag unusable zoneinfo slabinfo vmstat vmallocinfo
		media-mem dmesg ps preempt percpu gfp-context files layout mutexes thp numastat cma"
	local commands="$reports fincore status maps smaps smaps_rollup pagemap numa-maps node-meminfo node-vmstat malloc-stats pagewalk translate ldt segregs top watch map
		check drop-caches sysctl compact thp-set khugepaged shrink sessions shutdown help"
	local globals="--socket --json --input --help --version"

	case $prev in
	-s | --socket | -i | --input)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--sort)
		COMPREPLY=($(compgen -W "a b c l n o p s" -- "$cur"))
		return
		;;
	--output)
		COMPREPLY=($(compgen -f -X '!*.png' -- "$cur")
			$(compgen -f -X '!*.svg' -- "$cur")
			$(compgen -d -- "$cur"))
		return
		;;
	--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return
		;;
	esac

	# The command is the first word after the global options.
	local i command=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-s | --socket | -i | --input) ((i++)) ;;
		-*) ;;
		*)
			command=${COMP_WORDS[i]}
			break
			;;
		esac
	done

	if [[ -z $command ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$globals" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi

	case $command in
	map)
		if [[ $prev == -o ]]; then
			COMPREPLY=($(compgen -f -X '!*.png' -- "$cur")
				$(compgen -f -X '!*.svg' -- "$cur")
				$(compgen -d -- "$cur"))
		else
			COMPREPLY=($(compgen -W "--by-type --output --color $globals" -- "$cur"))
		fi
		return
		;;
	numastat)
		# numastat [-m] [-n] [[-p] PID]: the system's memory per node,
		# the NUMA events in MB, the process's memory on each node.
		COMPREPLY=($(compgen -W "-m -n -p $globals" -- "$cur"))
		return
		;;
	top)
		if [[ $prev == -o ]]; then
			COMPREPLY=($(compgen -W "a b c l n o p s" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "-b -n -d -o --sort $globals" -- "$cur"))
		fi
		return
		;;
	esac

	case $command in
	watch)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-n -d --differences $globals" -- "$cur"))
		elif [[ $prev != -n ]]; then
			COMPREPLY=($(compgen -W "$reports" -- "$cur"))
		fi
		;;
	help)
		COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		;;
	*)
		COMPREPLY=($(compgen -W "$globals" -- "$cur"))
		;;
	esac
}

complete -F _mmctl mmctl
