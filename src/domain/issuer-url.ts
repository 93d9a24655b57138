/** Where an OpenID Connect issuer may be reached: over https, or plain http only on loopback (a provider on the same machine, in tests). */

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** What is wrong with `issuer` as an issuer URL, or null. */
export function issuerUrlProblem(issuer: string): string | null {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'not a URL';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return null;
  return url.protocol === 'http:' ? 'plain http:// beyond loopback' : `a ${url.protocol} URL`;
}
