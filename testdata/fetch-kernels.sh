#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Fetch a few real Debian kernel image packages (vmlinuz + modules) for
# btfx's integration tests.  Nothing is installed: the .debs are fetched
# with `apt-get download` and unpacked with `dpkg-deb -x` into a cache
# outside the repository:
#
#   ${BTFX_CACHE:-$HOME/.cache/btfx}/debs/                 downloaded .debs
#   ${BTFX_CACHE:-$HOME/.cache/btfx}/kernels/<package>/    unpacked trees
#   ${BTFX_CACHE:-$HOME/.cache/btfx}/kernels/MANIFEST      one line per kernel:
#       <label> <path-to-vmlinuz> <path-to-modules-dir>
#
# Labels: 6.1-new (newest 6.1.0-N-amd64), 6.1-old (the next older ABI of
# it), 6.1-rt, 6.1-cloud (newest 6.1 rt / cloud), 6.12 (newest 6.12 amd64).
# The -unsigned variant is preferred (it is the plain bzImage the signed
# one is made from); the signed one is used when no -unsigned exists.
# Reruns only redo what is missing.  apt-get update is run only when the
# package lists are empty or a flavour cannot be found (needs root).
set -euo pipefail

CACHE=${BTFX_CACHE:-$HOME/.cache/btfx}
DEBS=$CACHE/debs
KERNELS=$CACHE/kernels
MANIFEST=$KERNELS/MANIFEST

die() { echo "fetch-kernels: error: $*" >&2; exit 1; }
log() { echo "fetch-kernels: $*" >&2; }

for tool in apt-get apt-cache dpkg-deb; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (a Debian system is needed)"
done

updated=0
apt_update() {
	[[ $updated == 1 ]] && return 1
	updated=1
	if [[ $(id -u) != 0 ]]; then
		log "package lists look stale, but not root: cannot run apt-get update"
		return 1
	fi
	log "running apt-get update"
	apt-get update -qq >&2 || die "apt-get update failed"
}

# All linux-image-6* package names that have an installable candidate.
NAMES=()
load_names() {
	mapfile -t NAMES < <(apt-cache search --names-only '^linux-image-6' | awk '{print $1}' | sort -u)
}

has_candidate() {
	local cand
	cand=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/{print $2; exit}')
	[[ -n $cand && $cand != "(none)" ]]
}

# pick_abi REGEX: print the distinct "ABI" strings (capture group 1 of the
# ERE, matched against whole package names), newest first.
list_abis() {
	local re=$1 n
	for n in "${NAMES[@]}"; do
		if [[ $n =~ $re ]]; then
			echo "${BASH_REMATCH[1]}"
		fi
	done | sort -u -V -r
}

# resolve_pkg BASE: BASE-unsigned if installable, else BASE, else nothing.
resolve_pkg() {
	local base=$1
	if has_candidate "$base-unsigned"; then
		echo "$base-unsigned"
	elif has_candidate "$base"; then
		echo "$base"
	fi
}

# Sets PICK[label]=package for every flavour; returns 1 if one is missing.
declare -A PICK
MISSING=()
pick_all() {
	PICK=()
	MISSING=()
	local abi pkg abis
	# newest and one older 6.1.0-N-amd64
	mapfile -t abis < <(list_abis '^linux-image-(6\.1\.0-[0-9]+)-amd64(-unsigned)?$')
	local got_new=0 got_old=0
	for abi in "${abis[@]}"; do
		pkg=$(resolve_pkg "linux-image-$abi-amd64")
		[[ -z $pkg ]] && continue
		if [[ $got_new == 0 ]]; then
			PICK[6.1-new]=$pkg; got_new=1
		else
			PICK[6.1-old]=$pkg; got_old=1; break
		fi
	done
	[[ $got_new == 1 ]] || MISSING+=("6.1-new (linux-image-6.1.0-N-amd64)")
	[[ $got_old == 1 ]] || MISSING+=("6.1-old (an older linux-image-6.1.0-N-amd64)")

	local label flav re
	for label in 6.1-rt 6.1-cloud 6.12; do
		case $label in
		6.1-rt)    flav=rt-amd64;    re='^linux-image-(6\.1\.0-[0-9]+)-rt-amd64(-unsigned)?$' ;;
		6.1-cloud) flav=cloud-amd64; re='^linux-image-(6\.1\.0-[0-9]+)-cloud-amd64(-unsigned)?$' ;;
		6.12)      flav=amd64;       re='^linux-image-(6\.12\.[0-9]+[^-]*)-amd64(-unsigned)?$' ;;
		esac
		mapfile -t abis < <(list_abis "$re")
		for abi in "${abis[@]}"; do
			pkg=$(resolve_pkg "linux-image-$abi-$flav")
			if [[ -n $pkg ]]; then
				PICK[$label]=$pkg
				break
			fi
		done
		[[ -n ${PICK[$label]:-} ]] || MISSING+=("$label (linux-image-*-$flav)")
	done
	[[ ${#MISSING[@]} == 0 ]]
}

load_names
if [[ ${#NAMES[@]} == 0 ]]; then
	apt_update || die "no linux-image-6* packages known to apt and cannot update the lists"
	load_names
fi
if ! pick_all; then
	log "missing: ${MISSING[*]}"
	if apt_update; then
		load_names
		pick_all || true
	fi
fi
if [[ ${#MISSING[@]} != 0 ]]; then
	for m in "${MISSING[@]}"; do
		echo "fetch-kernels: error: no installable package for flavour $m" >&2
	done
	die "cannot pick all kernel flavours (is a bookworm + bookworm-security sources list configured?)"
fi

mkdir -p "$DEBS" "$KERNELS"

# fetch PKG: make sure $KERNELS/PKG exists (download + unpack if needed).
fetch() {
	local pkg=$1 deb tmp
	if [[ -d $KERNELS/$pkg ]]; then
		log "$pkg: already unpacked"
		return 0
	fi
	deb=$(find "$DEBS" -maxdepth 1 -name "${pkg}_*_amd64.deb" -print -quit)
	if [[ -z $deb ]]; then
		log "$pkg: downloading"
		tmp=$(mktemp -d "$DEBS/.dl.XXXXXX")
		# apt-get download writes into the current directory; a temporary
		# one keeps interrupted downloads out of the cache.
		if ! (cd "$tmp" && apt-get download -q "$pkg" >&2); then
			rm -rf "$tmp"
			die "$pkg: apt-get download failed"
		fi
		deb=$(find "$tmp" -maxdepth 1 -name "${pkg}_*.deb" -print -quit)
		[[ -n $deb ]] || { rm -rf "$tmp"; die "$pkg: apt-get download produced no .deb"; }
		mv "$deb" "$DEBS/"
		rm -rf "$tmp"
		deb=$DEBS/$(basename "$deb")
	fi
	log "$pkg: unpacking $(basename "$deb")"
	tmp=$(mktemp -d "$KERNELS/.x.XXXXXX")
	if ! dpkg-deb -x "$deb" "$tmp"; then
		rm -rf "$tmp"
		die "$pkg: dpkg-deb -x $deb failed (corrupt download? delete it and rerun)"
	fi
	mv "$tmp" "$KERNELS/$pkg"
}

# Paths of the vmlinuz and the modules directory inside an unpacked tree.
find_vmlinuz() {
	find "$KERNELS/$1/boot" -maxdepth 1 -type f -name 'vmlinuz-*' -print -quit 2>/dev/null
}
find_modules() {
	local d
	for d in "$KERNELS/$1"/lib/modules/* "$KERNELS/$1"/usr/lib/modules/*; do
		[[ -d $d/kernel ]] && { echo "$d"; return 0; }
	done
	return 0
}

LABELS=(6.1-new 6.1-old 6.1-rt 6.1-cloud 6.12)
for label in "${LABELS[@]}"; do
	log "$label -> ${PICK[$label]}"
done
for label in "${LABELS[@]}"; do
	fetch "${PICK[$label]}"
done

tmpman=$(mktemp "$KERNELS/.MANIFEST.XXXXXX")
for label in "${LABELS[@]}"; do
	pkg=${PICK[$label]}
	vmlinuz=$(find_vmlinuz "$pkg")
	modules=$(find_modules "$pkg")
	[[ -n $vmlinuz ]] || { rm -f "$tmpman"; die "$pkg: no boot/vmlinuz-* in $KERNELS/$pkg"; }
	[[ -n $modules ]] || { rm -f "$tmpman"; die "$pkg: no lib/modules/<version>/kernel in $KERNELS/$pkg"; }
	echo "$label $vmlinuz $modules" >>"$tmpman"
done
mv "$tmpman" "$MANIFEST"
log "manifest: $MANIFEST"
cat "$MANIFEST"
