// The links the console hands out once, for someone else to open (an invitation, a password reset). The token
// goes in the fragment, so it is never in a request line, a server log or a Referer header; the page it opens
// (AcceptInviteView, ResetPasswordView) sends it in a request body.
export type LinkPage = 'invite' | 'reset-password';

export function oneTimeLink(page: LinkPage, token: string, origin: string = window.location.origin): string {
  return `${origin}/${page}#${token}`;
}
