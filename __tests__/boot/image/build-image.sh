#!/usr/bin/env bash
# Builds the boot tests' guest image: a Debian 12 VM template as docs/bootstrap.md describes one
# (cloud-init with the VMware guestinfo datasource, open-vm-tools, chrony, nftables, expect, curl,
# socat, openssh-server), from Debian packages with mmdebstrap, for one network renderer:
#   eni      ifupdown (Debian's default)
#   netplan  netplan.io with systemd-networkd and systemd-resolved, ifupdown purged (as on Ubuntu)
# Lab-only changes, each named below: the FAKE vmware-rpctool (guestinfo from qemu's fw_cfg), an
# empty local apt repository (the guest reaches no mirror), and a report on the second serial port.
#
#   build-image.sh eni|netplan OUT_DIR
# Writes OUT_DIR/root.img (ext4, label rootfs), OUT_DIR/vmlinuz and OUT_DIR/initrd.img.
# The Debian mirror is the host's (the apt sources of this machine), so it works wherever apt does.
set -euo pipefail
variant=${1:?usage: build-image.sh eni|netplan OUT_DIR}
out=${2:?usage: build-image.sh eni|netplan OUT_DIR}
here="$(cd "$(dirname "$0")" && pwd)"
case "$variant" in
  eni) extra="ifupdown" ;;
  netplan) extra="netplan.io,systemd-resolved" ;;
  *) echo "build-image.sh: unknown variant $variant (eni or netplan)" >&2; exit 2 ;;
esac

# The host's Debian sources (deb822 or one-line), bookworm's main suites only.
sources=""
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
  [ -f "$f" ] && grep -qs 'debian' "$f" && sources="$sources $f"
done
[ -n "$sources" ] || { echo "build-image.sh: no Debian apt sources on this machine (/etc/apt/sources.list*)" >&2; exit 1; }
mirror_args=()
for f in $sources; do mirror_args+=("$f"); done

mkdir -p "$out"
work="$(mktemp -d "${TMPDIR:-/tmp}/ums-ha-boot-image-XXXXXX")"
# --one-file-system: never into a /proc, /sys or /dev that an interrupted mmdebstrap left mounted.
trap 'rm -rf --one-file-system "$work"' EXIT
rootfs="$work/rootfs"

mmdebstrap --variant=important --mode=root \
  --aptopt='Acquire::Check-Valid-Until "false"' --aptopt='Acquire::Languages "none"' \
  --include="systemd-sysv,udev,dbus,cloud-init,open-vm-tools,nftables,chrony,curl,ca-certificates,openssh-server,expect,socat,linux-image-cloud-amd64,initramfs-tools,locales,gdisk,e2fsprogs,iproute2,python3,$extra" \
  --customize-hook="copy-in $here/fake-vmware-rpctool $here/ums-ha-lab-report $here/ums-ha-lab-report.service $here/99-ums-ha-lab.cfg /tmp" \
  --customize-hook="chroot \"\$1\" /bin/bash /dev/stdin $variant <$here/customize.sh" \
  bookworm "$rootfs" "${mirror_args[@]}"

cp -L "$rootfs/vmlinuz" "$work/vmlinuz"
cp -L "$rootfs/initrd.img" "$work/initrd.img"
rm -f "$work/root.img"
mkfs.ext4 -q -L rootfs -d "$rootfs" "$work/root.img" 3G
mv "$work/vmlinuz" "$work/initrd.img" "$work/root.img" "$out/"
