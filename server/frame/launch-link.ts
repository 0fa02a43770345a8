// Frame Launch / Launchpad links carry a SAT in the URL fragment: <link>#token=<jwt>, and "&qlo=1"
// (quit and log out) where wanted. Pure and browser-safe.

export type LaunchLinkResult = { ok: true; url: string } | { ok: false; message: string };

export function launchLink(link: string, token: string, quitAndLogout: boolean): LaunchLinkResult {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return { ok: false, message: 'Paste a Launch or Launchpad link, e.g. https://console.nutanix.com/…' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, message: 'The link must start with https://' };
  url.hash = '';
  return { ok: true, url: `${url.toString()}#token=${token}${quitAndLogout ? '&qlo=1' : ''}` };
}
