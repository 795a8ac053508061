import type { CreateUploadOutput } from '@hoist/shared';
import type { Uppy } from '@uppy/core';
import type { Body, Meta, UppyFile } from '@uppy/core/utils';
import type { AwsS3Options } from '@uppy/aws-s3';
import { abortAtS3 } from '../abort-upload.js';
import type { ApiClient } from '../api-client.js';
import { wasmCrc32c } from '../crc32c.js';
import { isRetryableApiError } from '../retry.js';
import { UploadError } from '../upload-errors.js';
import { hoistChunkSize } from './chunk-plan.js';
import { HoistUpload } from './hoist-upload.js';
import { EMPTY_RESULT_URL, completeResultUrl, initiateResultUrl, listPartsResultUrl } from './s3-responses.js';

/** Uppy's `signRequest` option, as @uppy/aws-s3 declares it. */
export type SignRequestFn = Extract<AwsS3Options<Meta, Body>, { signRequest: unknown }>['signRequest'];
/** One S3 request Uppy wants signed. */
export type S3Request = Parameters<SignRequestFn>[0];
/** Where Uppy sends that request, and with which headers. */
export type SignedS3Request = Awaited<ReturnType<SignRequestFn>>;

/**
 * The @uppy/aws-s3 options the adapter sets; pass them to `uppy.use(AwsS3, …)` as they are. With
 * `shouldUseMultipart` or `getChunkSize` replaced, each file fails before any upload is created.
 */
export interface HoistAwsS3Options {
  /** Always: Hoist cuts every file of 1 byte or more into parts (one part is a single PUT on S3's side). */
  shouldUseMultipart: true;
  /** The part size Hoist's edge chooses, so Uppy's chunks are exactly the parts it signs. */
  getChunkSize: (file: { size: number }) => number;
  /** A handle that ties Uppy's create request to its file; the stored key is the edge's choice. */
  generateObjectKey: (file: UppyFile<Meta, Body>) => string;
  /** Every S3 request, answered through Hoist's API. */
  signRequest: SignRequestFn;
}

export interface HoistS3SignerOptions {
  api: ApiClient;
  /** The edge's base URL; a completed upload's `location` is the video's status query there. */
  endpoint: string;
  /** Sign each part's SHA-256 into its URL, so S3 refuses a part that arrives altered. */
  checksums: boolean;
  /** A part URL with less than this left is signed again before use. */
  urlRefreshMarginMs: number;
}

/** A file Uppy is about to upload, found again by the object key the adapter gave it. */
interface RequestedFile {
  fileId: string;
  fileName: string;
  size: number;
  contentType: string;
  /** The edge's create, once asked: asked again (Uppy paused during it), the same upload answers. */
  created?: Promise<CreateUploadOutput>;
}

/**
 * Answers each S3 request Uppy's AwsS3 plugin would send, through Hoist's API: create, complete,
 * ListParts and abort run on the edge, which holds the S3 credentials, and Uppy reads S3's
 * answer from a `data:` URL; part PUTs go to S3 on the edge's presigned URLs. Uppy's `key` for
 * an upload is its Hoist video id, and its `uploadId` the stateless upload token.
 */
export class HoistS3Signer<M extends Meta, B extends Body> {
  readonly #requested = new Map<string, RequestedFile>();
  readonly #uploads = new Map<string, HoistUpload>();
  /** Upload token to the key its file was requested under, kept until the upload ends. */
  readonly #requestedKeys = new Map<string, string>();
  /** Upload tokens completed or aborted. */
  readonly #ended = new Set<string>();
  #nextKey = 0;

  constructor(
    private readonly uppy: Uppy<M, B>,
    private readonly options: HoistS3SignerOptions,
  ) {
    uppy.on('s3-multipart:part-uploaded', (file, part) => {
      const current = uppy.getFile(file.id);
      const uploadToken = current?.s3Multipart?.uploadId;
      if (!current || !uploadToken) return;
      this.#upload(uploadToken).etags.set(part.PartNumber, part.ETag);
    });
    // Uppy aborts the upload of a file removed while it uploads, but keeps a failed one for a
    // retry, and never aborts it if the file is then removed instead: the adapter does. Uppy's
    // own abort of a live upload reaches `sign` before this timer fires (and one that comes after
    // it finds the upload ended), so it is not sent twice.
    uppy.on('file-removed', (file) => {
      const uploadToken = file.s3Multipart?.uploadId;
      if (!uploadToken) return;
      setTimeout(() => {
        if (!this.#ended.has(uploadToken)) this.#abort(this.#upload(uploadToken)).catch(() => {});
      }, 0);
    });
  }

  /** Uppy's `generateObjectKey`: a handle that lets the create request find its file. */
  objectKeyFor(file: UppyFile<Meta, Body>): string {
    // A retry that resumes an upload asks for a key it never uses: drop the file's unused ones.
    for (const [key, requested] of this.#requested) {
      if (requested.fileId === file.id && !requested.created) this.#requested.delete(key);
    }
    const key = `hoist-pending/${file.id}/${++this.#nextKey}`;
    this.#requested.set(key, {
      fileId: file.id,
      fileName: file.meta.name || file.name || 'video',
      // Remote files go through Companion, never here.
      size: file.isRemote ? 0 : (file.data?.size ?? 0),
      contentType: file.type || 'application/octet-stream',
    });
    return key;
  }

  /** Uppy's `signRequest`. */
  readonly sign = async (request: S3Request): Promise<SignedS3Request> => {
    if (!('uploadId' in request)) {
      // Checked before anything is created: an upload Uppy cuts differently could never complete.
      const misfit = this.#unhonouredOption();
      if (misfit) throw new UploadError('failed', misfit);
      if (request.method === 'POST') return this.#create(request.key);
      // With the adapter's options Uppy sends one PutObject only for an empty file.
      if (request.method === 'PUT') throw new UploadError('rejected', 'Hoist takes files of 1 byte or more; this one is empty');
      throw new UploadError('rejected', `Hoist does not let browsers ${request.method} objects`);
    }
    // Uppy's abort of an upload the adapter already ended (removed while offline: Uppy waits for
    // the network before asking, and the file-removed handler has aborted it by then) is done.
    if (request.method === 'DELETE' && this.#ended.has(request.uploadId)) return { url: EMPTY_RESULT_URL };
    const upload = this.#upload(request.uploadId);
    if ('partNumber' in request) {
      const signed = await upload.signPart(request.partNumber).catch((error: unknown) => {
        throw refusal(`sign part ${request.partNumber}`, error);
      });
      return { url: signed.url, headers: signed.headers };
    }
    switch (request.method) {
      case 'GET':
        return this.#listParts(upload);
      case 'POST':
        return this.#complete(upload);
      case 'DELETE':
        return this.#abort(upload);
    }
  };

  /**
   * What is wrong with the options of the AwsS3 plugin this signer serves, if one of the
   * adapter's was replaced: Uppy would then cut parts the edge does not sign.
   */
  #unhonouredOption(): string | undefined {
    let opts: Partial<HoistAwsS3Options> | undefined;
    this.uppy.iteratePlugins((plugin) => {
      const candidate = (plugin as { opts?: Partial<HoistAwsS3Options> }).opts;
      if (candidate?.signRequest === this.sign) opts = candidate;
    });
    if (!opts) return undefined;
    if (opts.shouldUseMultipart !== true) return 'the AwsS3 option shouldUseMultipart must stay true: Hoist uploads every file in parts';
    if (opts.getChunkSize !== hoistChunkSize) return 'the AwsS3 option getChunkSize must stay hoistChunkSize: Hoist signs parts of the size it chooses';
    return undefined;
  }

  async #create(requestedKey: string): Promise<SignedS3Request> {
    const file = this.#requested.get(requestedKey);
    if (!file) throw new UploadError('failed', 'this upload\'s key was not made by the Hoist adapter: keep its generateObjectKey');
    file.created ??= this.options.api.uploads.create
      .mutate({ fileName: file.fileName, size: file.size, contentType: file.contentType, ...(this.options.checksums ? { checksum: wasmCrc32c.algorithm } : {}) })
      .catch((error: unknown) => {
        // Uppy makes a new key for a retry.
        this.#requested.delete(requestedKey);
        throw refusal('create the upload', error);
      });
    const created = await file.created;
    const current = this.uppy.getFile(file.fileId)?.data;
    const data = current instanceof Blob ? current : undefined;
    const failure =
      created.partSize !== hoistChunkSize(file)
        ? new UploadError('failed', `the edge chose ${created.partSize}-byte parts, but Uppy cut ${hoistChunkSize(file)}-byte chunks: update the edge and @hoist/client together`)
        : data
          ? undefined
          : // The file was removed meanwhile. Uppy ignores an AbortError: there is nobody to tell.
            new DOMException('the file was removed while its upload was being created', 'AbortError');
    if (failure) {
      // Uppy aborts only the uploads whose id it was told; it will never be told this one's.
      this.#requested.delete(requestedKey);
      await abortAtS3(this.options.api, created.uploadToken).catch(() => {});
      throw failure;
    }
    // The request stays known: if Uppy is paused before it reads this answer, it asks again.
    this.#requestedKeys.set(created.uploadToken, requestedKey);
    if (!this.#uploads.has(created.uploadToken)) this.#uploads.set(created.uploadToken, this.#newUpload(created.uploadToken, data));
    return { url: initiateResultUrl(created.videoId, created.uploadToken), key: created.videoId };
  }

  async #listParts(upload: HoistUpload): Promise<SignedS3Request> {
    const { parts } = await this.options.api.uploads.listParts.query({ uploadToken: upload.uploadToken }).catch((error: unknown) => {
      throw refusal('list the stored parts', error);
    });
    // S3 is the authority on what it holds, after a reload (Golden Retriever) as much as before.
    upload.etags = new Map(parts.map((p) => [p.partNumber, p.etag.replace(/"/g, '')]));
    return { url: listPartsResultUrl(parts.map(({ partNumber, etag }) => ({ partNumber, etag: etag.replace(/"/g, '') }))) };
  }

  async #complete(upload: HoistUpload): Promise<SignedS3Request> {
    const parts = await upload.completedParts();
    const completed = await this.options.api.uploads.complete.mutate({ uploadToken: upload.uploadToken, parts }).catch((error: unknown) => {
      throw refusal('complete the upload', error);
    });
    this.#forget(upload);
    const input = encodeURIComponent(JSON.stringify({ videoId: completed.videoId }));
    const status = `${this.options.endpoint.replace(/\/+$/, '')}/trpc/videos.status?input=${input}`;
    return { url: completeResultUrl(status, completed.videoId, completed.etag) };
  }

  async #abort(upload: HoistUpload): Promise<SignedS3Request> {
    this.#forget(upload);
    await abortAtS3(this.options.api, upload.uploadToken).catch((error: unknown) => {
      throw refusal('abort the upload', error);
    });
    return { url: EMPTY_RESULT_URL };
  }

  #forget(upload: HoistUpload): void {
    upload.stop();
    this.#ended.add(upload.uploadToken);
    this.#uploads.delete(upload.uploadToken);
    const requestedKey = this.#requestedKeys.get(upload.uploadToken);
    if (requestedKey) this.#requested.delete(requestedKey);
    this.#requestedKeys.delete(upload.uploadToken);
  }

  /**
   * The upload behind a token; one this page did not create (Golden Retriever restored it) is set
   * up from its file's bytes. Which parts S3 holds, Uppy asks next (ListParts).
   */
  #upload(uploadToken: string): HoistUpload {
    let upload = this.#uploads.get(uploadToken);
    if (!upload) {
      const found = this.uppy.getFiles().find((f) => f.s3Multipart?.uploadId === uploadToken);
      const file = found && !found.isRemote ? found : undefined;
      upload = this.#newUpload(uploadToken, file?.data);
      this.#uploads.set(uploadToken, upload);
    }
    return upload;
  }

  #newUpload(uploadToken: string, file: Blob | undefined): HoistUpload {
    const { api, checksums, urlRefreshMarginMs } = this.options;
    return new HoistUpload(uploadToken, { api, file, checksums, urlRefreshMarginMs });
  }
}

/**
 * A failed call to the edge as an `UploadError`: `rejected` with the edge's reason when it
 * refused, else `failed` (no answer, a 5xx, or the `token` function threw).
 */
function refusal(step: string, error: unknown): UploadError {
  if (error instanceof UploadError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return isRetryableApiError(error)
    ? new UploadError('failed', `could not ${step}: ${message}`, { cause: error })
    : new UploadError('rejected', `the edge refused to ${step}: ${message}`, { cause: error });
}
