// The links the console hands out once, for someone else to open (an invitation, a password reset). The token
// goes in the fragment, so it is never in a request line, a server log or a Referer header; the page it opens
// (AcceptInviteView, ResetPasswordView) sends it in a request body.
export type LinkPage = 'invite' | 'reset-password';

export function oneTimeLink(page: LinkPage, token: string, origin: string = window.location.origin): string {
  return `${origin}/${page}#${token}`;
}

/** Whether a fragment looks like a whole link token (the contract's LinkTokenSchema; test/web checks they agree), so
 * a link cut short when copied is named as such before anything is sent. */
export function isLinkToken(text: string): boolean {
  return /^[A-Za-z0-9_-]{20,100}$/.test(text);
}
