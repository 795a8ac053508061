/**
 * A least-privilege check over a synthesised CloudFormation template. It walks every policy
 * the template can grant with (IAM policies, inline and managed; bucket, queue and topic
 * policies; role trust policies; Lambda permissions) and reports every Allow that is wider than
 * it has to be. Deny statements only take away, so they may use wildcards freely.
 */

/** Just enough of a CloudFormation template's shape to walk it. */
export interface CfnTemplate {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/**
 * Actions AWS authorises on no resource but `*`, so `Resource: "*"` is the narrowest grant
 * there is. Each needs its reason; anything else with `Resource: "*"` is a violation. (The
 * Hoist stack itself uses none of these today.)
 */
export const RESOURCE_STAR_EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  ['cloudwatch:PutMetricData', 'has no resource-level permission; narrow it with the cloudwatch:namespace condition key'],
  ['xray:PutTraceSegments', 'has no resource-level permission'],
  ['xray:PutTelemetryRecords', 'has no resource-level permission'],
]);

/** Properties that carry a policy; on a resource type this check does not know, they are reported as unchecked. */
const POLICY_PROPERTIES = ['PolicyDocument', 'Policies', 'ManagedPolicyArns', 'AssumeRolePolicyDocument', 'KeyPolicy', 'ResourcePolicy'];

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: unknown;
}

/** Every way the template grants more than it must, one readable line each; empty when none. */
export function findLeastPrivilegeViolations(template: CfnTemplate): string[] {
  const violations: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const props = resource.Properties ?? {};
    const where = `${id} (${resource.Type})`;
    switch (resource.Type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        violations.push(...checkDocument(where, props['PolicyDocument'], 'identity'));
        break;
      case 'AWS::IAM::Role':
        violations.push(...checkTrustPolicy(where, props['AssumeRolePolicyDocument']));
        violations.push(...checkIdentity(where, props));
        break;
      case 'AWS::IAM::User':
      case 'AWS::IAM::Group':
        violations.push(...checkIdentity(where, props));
        break;
      case 'AWS::S3::BucketPolicy':
      case 'AWS::SQS::QueuePolicy':
      case 'AWS::SNS::TopicPolicy':
        violations.push(...checkDocument(where, props['PolicyDocument'], 'resource'));
        break;
      case 'AWS::Lambda::Permission':
        violations.push(...checkLambdaPermission(where, props));
        break;
      default:
        for (const key of POLICY_PROPERTIES.filter((name) => props[name] !== undefined)) {
          violations.push(`${where}: ${key} on a resource type this check does not understand`);
        }
    }
  }
  return violations;
}

function checkIdentity(where: string, props: Record<string, unknown>): string[] {
  const violations: string[] = [];
  // A managed policy's statements are not in the template, so they cannot be shown to be narrow
  // (and AWS's own, such as AWSLambdaBasicExecutionRole, grant on `*`).
  if (Array.isArray(props['ManagedPolicyArns']) && props['ManagedPolicyArns'].length > 0) {
    violations.push(`${where}: attaches managed policies, whose grants this template cannot show`);
  }
  for (const policy of asArray(props['Policies'])) {
    violations.push(...checkDocument(where, (policy as { PolicyDocument?: unknown }).PolicyDocument, 'identity'));
  }
  return violations;
}

function checkTrustPolicy(where: string, document: unknown): string[] {
  const violations: string[] = [];
  for (const statement of statementsOf(document)) {
    if (statement.Effect !== 'Allow') continue;
    const principal = statement.Principal as Record<string, unknown> | string | undefined;
    const services = typeof principal === 'object' && principal !== null ? asArray(principal['Service']) : [];
    if (typeof principal !== 'object' || principal === null || Object.keys(principal).some((key) => key !== 'Service') || services.length === 0) {
      violations.push(`${where}: may be assumed by something other than an AWS service`);
    }
  }
  return violations;
}

function checkLambdaPermission(where: string, props: Record<string, unknown>): string[] {
  const violations: string[] = [];
  if (props['Action'] !== 'lambda:InvokeFunction') violations.push(`${where}: grants ${render(props['Action'])}, not only lambda:InvokeFunction`);
  const principal = render(props['Principal']);
  if (principal === '*') violations.push(`${where}: anyone may invoke the function`);
  // Without the source's ARN and account, any account's bucket of that service could invoke it.
  if (principal.endsWith('.amazonaws.com') && (props['SourceArn'] === undefined || props['SourceAccount'] === undefined)) {
    violations.push(`${where}: ${principal} may invoke the function on behalf of any resource (set SourceArn and SourceAccount)`);
  }
  return violations;
}

function checkDocument(where: string, document: unknown, kind: 'identity' | 'resource'): string[] {
  const violations: string[] = [];
  const statements = statementsOf(document);
  if (statements.length === 0) violations.push(`${where}: policy document has no statements to check`);
  statements.forEach((statement, index) => {
    if (statement.Effect !== 'Allow') return;
    const at = `${where} statement ${index + 1}`;
    for (const key of ['NotAction', 'NotResource', 'NotPrincipal'] as const) {
      if (statement[key] !== undefined) violations.push(`${at}: Allow with ${key} grants everything not listed`);
    }
    const actions = asArray(statement.Action);
    if (actions.length === 0) violations.push(`${at}: no Action`);
    for (const action of actions) {
      if (typeof action !== 'string') violations.push(`${at}: action ${render(action)} is not a literal`);
      else if (/[*?]/.test(action)) violations.push(`${at}: wildcard action ${action}`);
    }
    const resources = asArray(statement.Resource);
    if (resources.length === 0) violations.push(`${at}: no Resource`);
    for (const resource of resources) {
      const text = render(resource);
      if (text === '*') {
        const unexcused = actions.filter((action) => typeof action !== 'string' || !RESOURCE_STAR_EXCEPTIONS.has(action));
        if (unexcused.length > 0) violations.push(`${at}: Resource "*" for ${unexcused.map(render).join(', ')}`);
      } else {
        const problem = resourceWildcardProblem(text);
        if (problem) violations.push(`${at}: resource ${text} ${problem}`);
      }
    }
    const listing = listingProblem(actions, statement.Condition);
    if (listing) violations.push(`${at}: ${listing}`);
    if (kind === 'resource' && isEveryone(statement.Principal)) {
      violations.push(`${at}: Allow to every principal`);
    }
  });
  return violations;
}

/**
 * Why a resource with a wildcard (`*` or `?`) is too wide, or `undefined` when it is not. A
 * wildcard must come after a concrete resource (a reference to one in this template, or a
 * literal ARN's resource name) and after a non-empty path inside it: `{Bucket.Arn}/uploads/*`
 * is fine, `{Bucket.Arn}/*` (every object) and `arn:aws:s3:::*` (every bucket) are not.
 */
function resourceWildcardProblem(text: string): string | undefined {
  const star = text.search(/[*?]/);
  if (star < 0) return undefined;
  const before = text.slice(0, star);
  let path: string;
  const token = before.lastIndexOf('}');
  if (token >= 0) {
    path = before.slice(token + 1);
  } else {
    const fields = before.split(':');
    if (fields.length < 6 || fields[0] !== 'arn') return 'has a wildcard outside any concrete resource';
    const name = fields.slice(5).join(':');
    const slash = name.indexOf('/');
    if (slash <= 0) return 'has a wildcard in the resource name itself';
    path = name.slice(slash);
  }
  return path.replace(/\//g, '') === '' ? 'covers every object or child of the resource, not a prefix of them' : undefined;
}

/** Condition operators under which `s3:prefix` keeps a listing to the keys it names. */
const PREFIX_LIMITING_OPERATORS = ['StringEquals', 'StringLike'];

/**
 * Why an s3:ListBucket grant is too wide, or `undefined` when it is not. Its resource is the
 * bucket itself, so the resource check cannot see that it lists every key; the limit is the
 * `s3:prefix` condition, whose every pattern must start with a non-empty prefix before any
 * wildcard, as an object resource's path must (`processing/*`, not `*`).
 */
function listingProblem(actions: unknown[], condition: unknown): string | undefined {
  if (!actions.includes('s3:ListBucket')) return undefined;
  const operators = typeof condition === 'object' && condition !== null ? (condition as Record<string, unknown>) : {};
  const prefixes = PREFIX_LIMITING_OPERATORS.flatMap((operator) => {
    const keys = operators[operator];
    return typeof keys === 'object' && keys !== null ? asArray((keys as Record<string, unknown>)['s3:prefix']) : [];
  });
  if (prefixes.length === 0) return 's3:ListBucket without an s3:prefix condition lists every key in the bucket';
  const wide = prefixes.filter((prefix) => typeof prefix !== 'string' || prefix.split(/[*?]/)[0]!.replace(/\//g, '') === '');
  return wide.length > 0 ? `s3:ListBucket under ${wide.map(render).join(', ')} lists every key in the bucket` : undefined;
}

function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  return Object.values(principal).some((value) => asArray(value).some((item) => item === '*'));
}

function statementsOf(document: unknown): Statement[] {
  if (typeof document !== 'object' || document === null) return [];
  return asArray((document as { Statement?: unknown }).Statement) as Statement[];
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * A resource as text, CloudFormation references shown as `{Logical.Attribute}` or `{Ref Logical}`,
 * so wildcards can be judged by where they stand relative to a concrete resource.
 */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return String(value);
  const object = value as Record<string, unknown>;
  if ('Ref' in object) {
    const name = String(object['Ref']);
    // Pseudo parameters (partition, region, account) name no resource: plain text, not a reference.
    return name.startsWith('AWS::') ? `<${name.slice(5)}>` : `{Ref ${name}}`;
  }
  if ('Fn::GetAtt' in object) return `{${asArray(object['Fn::GetAtt']).map(String).join('.')}}`;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(separator);
  }
  if ('Fn::Sub' in object) {
    const template = asArray(object['Fn::Sub'])[0];
    return typeof template === 'string'
      ? template.replace(/\$\{AWS::([^}]+)\}/g, '<$1>').replace(/\$\{([^}]+)\}/g, '{$1}')
      : JSON.stringify(value);
  }
  if ('Fn::ImportValue' in object) return `{Import ${render(object['Fn::ImportValue'])}}`;
  return JSON.stringify(value);
}
