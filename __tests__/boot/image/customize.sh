# Runs inside the new root (build-image.sh): the template's last steps before it is "sealed".
set -euo pipefail
variant=$1
export DEBIAN_FRONTEND=noninteractive

if [ "$variant" = netplan ]; then
  # As on Ubuntu: no ifupdown (cloud-init keeps isc-dhcp-client, a dependency of Debian's package).
  apt-get purge -y -qq ifupdown >/dev/null
  systemctl enable systemd-networkd.service systemd-resolved.service
  ! dpkg -s ifupdown >/dev/null 2>&1
else
  ! dpkg -s netplan.io >/dev/null 2>&1
fi
dpkg -s cloud-init >/dev/null

# The locale cloud-init sets (Debian's default en_US.UTF-8) exists on the template.
sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen
locale-gen >/dev/null
update-locale LANG=en_US.UTF-8

# cloud-init: the VMware datasource only (as on a vSphere template), the sources list kept.
install -m 0644 /tmp/99-ums-ha-lab.cfg /etc/cloud/cloud.cfg.d/99-ums-ha-lab.cfg

# LAB ONLY: the guest reaches no Debian mirror; an empty, trusted local repository lets
# cloud-init's package_update succeed with the packages already installed.
rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*
mkdir -p /var/lib/ums-ha-lab-apt
: >/var/lib/ums-ha-lab-apt/Packages
echo 'deb [trusted=yes] file:/var/lib/ums-ha-lab-apt ./' >/etc/apt/sources.list

# LAB ONLY: the FAKE vmware-rpctool (guestinfo from qemu fw_cfg) replaces open-vm-tools' own,
# which needs the VMware backdoor qemu does not have.
dpkg-divert --local --rename --add /usr/bin/vmware-rpctool >/dev/null
install -m 0755 /tmp/fake-vmware-rpctool /usr/bin/vmware-rpctool

# LAB ONLY: the report on the second serial port once the first boot has finished.
install -m 0755 /tmp/ums-ha-lab-report /usr/local/lib/ums-ha-lab-report
install -m 0644 /tmp/ums-ha-lab-report.service /etc/systemd/system/ums-ha-lab-report.service
systemctl enable ums-ha-lab-report.service
rm -f /tmp/fake-vmware-rpctool /tmp/ums-ha-lab-report /tmp/ums-ha-lab-report.service /tmp/99-ums-ha-lab.cfg

echo 'LABEL=rootfs / ext4 defaults 0 1' >/etc/fstab
echo localhost >/etc/hostname
# qemu's fw_cfg (the guestinfo stand-in) and the virtio disks and NIC from the first second on.
printf '%s\n' qemu_fw_cfg virtio_pci virtio_scsi virtio_net sd_mod ext4 >>/etc/initramfs-tools/modules
update-initramfs -u -k all >/dev/null

# Sealed as a template: no machine id, no resolver of the build host, cloud-init never ran.
: >/etc/machine-id
rm -f /var/lib/dbus/machine-id
if [ -L /etc/resolv.conf ]; then :; else : >/etc/resolv.conf; fi
cloud-init clean --logs
apt-get clean
rm -rf /var/lib/apt/lists/*
