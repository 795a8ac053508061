#!/bin/bash
# Autoscaling-group user data for a fleet instance (Amazon Linux 2023, as infra/ launches, or
# Debian 13): installs Node 20+ and the fleet, writes its settings, and starts it under systemd.
# Expects the launch template to set HOIST_RELEASE_URL (a tarball of this repository's main
# branch with node_modules, built by CI), JOB_QUEUE_URL, S3_BUCKET and AWS_REGION.
set -euo pipefail

: "${HOIST_RELEASE_URL:?set in the launch template}"
: "${JOB_QUEUE_URL:?set in the launch template}"
: "${S3_BUCKET:?set in the launch template}"
: "${AWS_REGION:?set in the launch template}"

if command -v apt-get >/dev/null; then
  apt-get update
  apt-get install -y nodejs curl
else
  # curl is already there as curl-minimal; asking for full curl would conflict with it.
  dnf install -y nodejs20
  alternatives --set node /usr/bin/node-20 || true
fi
# The fleet needs Node 20.3 or later; an older distribution's Node stops the install here.
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=3)?0:1)' \
  || { echo "Node $(node --version) is too old: the fleet needs 20.3 or later" >&2; exit 1; }

id hoist >/dev/null 2>&1 || useradd --system --home /opt/hoist --shell /usr/sbin/nologin hoist
mkdir -p /opt/hoist /etc/hoist /var/tmp/hoist
curl -fsSL "$HOIST_RELEASE_URL" | tar -xz -C /opt/hoist \
  || { echo "could not install the release from HOIST_RELEASE_URL=${HOIST_RELEASE_URL}" >&2; exit 1; }
chown -R hoist:hoist /opt/hoist /var/tmp/hoist

cat > /etc/hoist/fleet.env <<ENV
JOB_QUEUE_URL=${JOB_QUEUE_URL}
S3_BUCKET=${S3_BUCKET}
AWS_REGION=${AWS_REGION}
ENV
# Tuning passes through only when the launch template sets it; otherwise the fleet's own
# defaults (worker-fleet/src/fleet/config.ts) apply, so there is one place that names them.
for name in JOB_CONCURRENCY POOL_SIZE DRAIN_SECONDS VISIBILITY_TIMEOUT_SECONDS LADDER X264_PRESET; do
  if [ -n "${!name:-}" ]; then echo "${name}=${!name}" >> /etc/hoist/fleet.env; fi
done
chmod 640 /etc/hoist/fleet.env
chgrp hoist /etc/hoist/fleet.env

install -m 644 /opt/hoist/worker-fleet/deploy/hoist-fleet.service /etc/systemd/system/hoist-fleet.service
systemctl daemon-reload
systemctl enable --now hoist-fleet.service
