################################################################################
#
# nsbox
#
################################################################################

NSBOX_VERSION = 0.2.0
# OWNER: the project's GitHub account (the tag's tarball; its hash goes
# into nsbox.hash).
NSBOX_SITE = $(call github,OWNER,nsbox,v$(NSBOX_VERSION))
NSBOX_LICENSE = MIT
NSBOX_LICENSE_FILES = LICENSE

# The cargo-package infrastructure vendors the crates at download time, then
# builds offline (cargo build --release --locked) and installs with
# `cargo install --root $(TARGET_DIR)/usr`: /usr/bin/nsbox. This is the
# ordinary build; the tiny one (scripts/build-tiny) needs the rust-src
# component, which Buildroot's host-rust does not ship.

# Installed after busybox, so that with BR2_ROOTFS_MERGED_USR the links below
# replace busybox's hostname etc. (without a merged /usr, busybox's /bin
# ones come first in PATH: disable those applets in its configuration).
NSBOX_DEPENDENCIES = $(if $(BR2_PACKAGE_BUSYBOX),busybox)

# The applets, as `nsbox --list` prints them (the target's binary is not
# run on the build host): one relative link each, next to the binary.
NSBOX_APPLETS = dnsdomainname domainname hostname ipcmk ipcrm ipcs lsns nsenter unshare

define NSBOX_INSTALL_APPLET_LINKS
	$(foreach a,$(NSBOX_APPLETS),ln -sf nsbox $(TARGET_DIR)/usr/bin/$(a)$(sep))
endef
NSBOX_POST_INSTALL_TARGET_HOOKS += NSBOX_INSTALL_APPLET_LINKS

$(eval $(cargo-package))
