import { readEdgeConfig, type EdgeBindings, type EdgeConfig } from './config.js';
import { S3Bucket } from './s3/s3-bucket.js';
import { UrlPresigner } from './s3/url-presigner.js';

export interface EdgeServices {
  config: EdgeConfig;
  bucket: S3Bucket;
  presigner: UrlPresigner;
}

const services = new WeakMap<object, EdgeServices>();

/**
 * Config and S3 clients, built once per isolate for a given set of bindings: the presigner
 * keeps its derived signing key between requests.
 */
export function edgeServices(env: EdgeBindings): EdgeServices {
  let found = services.get(env);
  if (!found) {
    const config = readEdgeConfig(env);
    const credentials = {
      bucketUrl: config.S3_BUCKET_URL,
      region: config.AWS_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    };
    found = { config, bucket: new S3Bucket(credentials), presigner: new UrlPresigner(credentials) };
    services.set(env, found);
  }
  return found;
}
