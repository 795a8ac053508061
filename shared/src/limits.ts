/** Amazon S3's multipart-upload limits, named so no code carries a bare number. */
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

/** Smallest part S3 accepts, for every part but the last. */
export const MIN_PART_SIZE = 5 * MiB;
/** Largest single part S3 accepts. */
export const MAX_PART_SIZE = 5 * GiB;
/** Most parts one multipart upload may have. */
export const MAX_PARTS = 10_000;
/** Largest object S3 stores. */
export const MAX_OBJECT_SIZE = 5 * TiB;
/** Most part URLs one `uploads.signParts` call signs. */
export const MAX_SIGN_BATCH = 100;
