/** Secrets the workerd test Worker is configured with; tests sign tokens with the same ones. */
export const TEST_SECRETS = {
  jwt: 'test-jwt-secret-0123456789abcdef0123456789',
  uploadToken: 'test-upload-token-secret-0123456789abcdef',
} as const;

/** The issuer and audience the test Worker requires of every bearer token (JWKS mode needs both). */
export const TEST_JWT_CLAIMS = { iss: 'https://id.hoist.test/', aud: 'hoist-edge-test' } as const;
