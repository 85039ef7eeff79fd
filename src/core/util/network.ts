/** Network failures in words, for the MLflow client and the deployment checks. */

/** What a failed `fetch` says, in words: `connection refused (ECONNREFUSED)`, else the error's own message. */
export function networkWords(ex: unknown): string {
  const cause = ex instanceof Error ? (ex.cause as NodeJS.ErrnoException | undefined) : undefined;
  const code = cause?.code ?? (ex as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined) return NETWORK_WORDS[code] !== undefined ? `${NETWORK_WORDS[code]} (${code})` : code;
  return cause?.message ?? (ex instanceof Error ? ex.message : String(ex));
}

const NETWORK_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  CERT_HAS_EXPIRED: 'the TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the TLS certificate cannot be verified',
};

/** A timeout for people: `5 s`, `2.5 s`. */
export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
