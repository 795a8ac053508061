import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** The fleet's install script, kept with the fleet; the launch template runs it as it is. */
export const FLEET_USER_DATA_PATH = fileURLToPath(new URL('../../worker-fleet/deploy/user-data.sh', import.meta.url));

/**
 * Variables user-data.sh reads. Values may be CloudFormation tokens (the queue URL, the bucket
 * name); they are single-quoted in the script, so none may contain a quote.
 */
export interface FleetInstanceSettings {
  HOIST_RELEASE_URL: string;
  /** The tarball's SHA-256, hex; the script installs nothing else. */
  HOIST_RELEASE_SHA256: string;
  JOB_QUEUE_URL: string;
  S3_BUCKET: string;
  AWS_REGION: string;
  JOB_CONCURRENCY: string;
  VISIBILITY_TIMEOUT_SECONDS: string;
  /** The job queue's redrive maxReceiveCount, so the fleet knows a job's last delivery. */
  MAX_RECEIVE_COUNT: string;
}

/**
 * User data for a fleet instance: worker-fleet/deploy/user-data.sh with the settings it
 * expects exported in front of it, so the script stays the single install procedure.
 */
export function fleetUserData(settings: FleetInstanceSettings, scriptPath = FLEET_USER_DATA_PATH): ec2.UserData {
  const script = readFileSync(scriptPath, 'utf8');
  // UserData.forLinux() writes its own `#!/bin/bash` first line.
  const body = script.startsWith('#!') ? script.slice(script.indexOf('\n') + 1) : script;
  const exports = Object.entries(settings).map(([name, value]) => {
    if (value.includes("'")) throw new Error(`${name} cannot contain a single quote`);
    return `export ${name}='${value}'`;
  });
  const userData = ec2.UserData.forLinux();
  userData.addCommands('# Settings from the Hoist stack (infra/), read by the script below.', ...exports, body);
  return userData;
}
