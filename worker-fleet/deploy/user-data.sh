#!/bin/bash
# Autoscaling-group user data for a fleet instance (Debian 13, as infra/ launches, or Debian 12):
# installs Node 24, Debian's ffmpeg and the fleet, writes its settings, and starts it under
# systemd. Expects the launch template to set HOIST_RELEASE_URL and HOIST_RELEASE_SHA256 (the
# compiled release, dist/hoist-fleet.tar.gz from `npm run build:release`, and its SHA-256),
# JOB_QUEUE_URL, S3_BUCKET and AWS_REGION.
set -euo pipefail

: "${HOIST_RELEASE_URL:?set in the launch template}"
: "${HOIST_RELEASE_SHA256:?set in the launch template}"
: "${JOB_QUEUE_URL:?set in the launch template}"
: "${S3_BUCKET:?set in the launch template}"
: "${AWS_REGION:?set in the launch template}"

# Node 24: the LTS that CI runs the suite on and the S3-event Lambda runs (nodejs24.x), supported
# upstream until April 2028. Node 20 is past its end of life; 22 reaches it in April 2027.
NODE_MAJOR=24
# The fleet parses untrusted uploads with ffmpeg, so it runs the distribution's maintained
# package, patched with Debian's security updates. Amazon Linux 2023 has no ffmpeg package, and
# the only other build on the machine would be the unmaintained one inside node_modules, which
# the fleet refuses in production: a system without apt-get stops here.
command -v apt-get >/dev/null \
  || { echo "the fleet installs on Debian 12 or 13: this system has no apt-get, so no maintained ffmpeg package" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
# Debian's own nodejs is 20 (Debian 13), so Node 24 comes from NodeSource's signed repository.
apt-get update
apt-get install -y ca-certificates curl gnupg
install -d -m 755 /etc/apt/keyrings
curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key \
  | gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg
echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_${NODE_MAJOR}.x nodistro main" \
  > /etc/apt/sources.list.d/nodesource.list
apt-get update
apt-get install -y nodejs
# The unit runs /usr/bin/node: anything but Node 24 there stops the install here.
/usr/bin/node -e 'process.exit(process.versions.node.split(".")[0] === process.argv[1] ? 0 : 1)' "$NODE_MAJOR" \
  || { echo "/usr/bin/node is Node $(/usr/bin/node --version), but the fleet runs on Node ${NODE_MAJOR}" >&2; exit 1; }
# ffmpeg and ffprobe: 7.1.x on Debian 13, 5.1.x on Debian 12, with the security fixes Debian
# backports; unattended-upgrades applies later ones while the instance runs (each job starts
# new ffmpeg processes, so a fixed library is in use from the next job on).
apt-get install -y --no-install-recommends ffmpeg unattended-upgrades
FFMPEG_PATH=/usr/bin/ffmpeg
FFPROBE_PATH=/usr/bin/ffprobe
"$FFMPEG_PATH" -version | sed -n 1p
"$FFPROBE_PATH" -version | sed -n 1p

id hoist >/dev/null 2>&1 || useradd --system --home /opt/hoist --shell /usr/sbin/nologin hoist
# Scratch space (TEMP_DIR) is the service's private /var/tmp, created by systemd and the fleet.
mkdir -p /opt/hoist /etc/hoist
# The tarball is checked before anything in it is unpacked: a release that is not the one the
# stack was deployed with (a replaced file at the URL, a truncated download) installs nothing.
release=$(mktemp)
curl -fsSL "$HOIST_RELEASE_URL" -o "$release" \
  || { echo "could not download the release from HOIST_RELEASE_URL=${HOIST_RELEASE_URL}" >&2; exit 1; }
echo "${HOIST_RELEASE_SHA256}  ${release}" | sha256sum --check --quiet - \
  || { echo "the release at ${HOIST_RELEASE_URL} is not the one deployed: its SHA-256 is $(sha256sum "$release" | cut -d' ' -f1), not ${HOIST_RELEASE_SHA256}" >&2; exit 1; }
tar -xzf "$release" -C /opt/hoist
rm -f "$release"
chown -R hoist:hoist /opt/hoist

cat > /etc/hoist/fleet.env <<ENV
JOB_QUEUE_URL=${JOB_QUEUE_URL}
S3_BUCKET=${S3_BUCKET}
AWS_REGION=${AWS_REGION}
FFMPEG_PATH=${FFMPEG_PATH}
FFPROBE_PATH=${FFPROBE_PATH}
ENV
# Tuning passes through only when the launch template sets it; otherwise the fleet's own
# defaults (worker-fleet/src/fleet/config.ts) apply, so there is one place that names them.
for name in JOB_CONCURRENCY POOL_SIZE DRAIN_SECONDS VISIBILITY_TIMEOUT_SECONDS LADDER X264_PRESET CHUNK_SECONDS \
  MAX_DURATION_SECONDS MAX_FRAME_WIDTH MAX_FRAME_HEIGHT MAX_FRAME_PIXELS MAX_FRAME_RATE MAX_STREAMS \
  DISK_HEADROOM_FACTOR FFMPEG_MIN_VERSION MAX_RECEIVE_COUNT \
  FFMPEG_TIMEOUT_FLOOR_SECONDS FFMPEG_TIMEOUT_PER_SOURCE_SECOND FFMPEG_MEMORY_MIB; do
  if [ -n "${!name:-}" ]; then echo "${name}=${!name}" >> /etc/hoist/fleet.env; fi
done
chmod 640 /etc/hoist/fleet.env
chgrp hoist /etc/hoist/fleet.env

install -m 644 /opt/hoist/hoist-fleet.service /etc/systemd/system/hoist-fleet.service
# The fleet may use all but a tenth of the cores (CPUQuota counts in one core's percent).
mkdir -p /etc/systemd/system/hoist-fleet.service.d
printf '[Service]\nCPUQuota=%s%%\n' "$(( $(nproc) * 90 ))" > /etc/systemd/system/hoist-fleet.service.d/cpu.conf
systemctl daemon-reload
systemctl enable --now hoist-fleet.service
